import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectContentType } from '../../../src/core/contentType';

describe('content type', () => {
  it('detects MIME types from file names', () => {
    assert.equal(detectContentType('a.html'), 'text/html');
    assert.equal(detectContentType('dir/photo.JPG'), 'image/jpeg');
    assert.equal(detectContentType('data.json'), 'application/json');
    assert.equal(detectContentType('report.csv'), 'text/csv');
    assert.equal(detectContentType('noext'), 'application/octet-stream');
    assert.equal(detectContentType('x.unknownext'), 'application/octet-stream');
  });
});
