import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_HEADER_SETS,
  headerSetPreview,
  needsContentMd5,
  parseHeaderSets,
  resolveHeaderSet,
  storageClassFor,
  type HeaderSet,
} from '../../../src/app/headerSets';
import { templateVariables } from '../../../src/app/keyTemplate';
import { requiredHeaders } from '../../../src/core/presign';
import { ConfigError } from '../../../src/core/errors';

const vars = templateVariables({
  relativePath: 'img/logo.png',
  workspaceFolder: 'web',
  now: new Date('2026-01-02T03:04:05Z'),
  uuid: 'u-1',
});

const full: HeaderSet = {
  name: 'Everything',
  contentType: 'auto',
  cacheControl: 'max-age=60',
  contentDisposition: 'attachment; filename="${fileName}"',
  contentEncoding: 'gzip',
  storageClass: 'IA',
  acl: 'private',
  forbidOverwrite: true,
  tagging: { project: '${workspaceFolder}', 'a b': 'c&d' },
  contentMd5: 'auto',
  metadata: { Owner: 'ana', source: '${relativePath}' },
};

describe('header sets', () => {
  it('ships the three default sets', () => {
    assert.deepEqual(
      DEFAULT_HEADER_SETS.map((s) => s.name),
      ['Default (Content-Type only)', 'Browser upload', 'Archive (IA storage class)'],
    );
    assert.deepEqual(parseHeaderSets(undefined), DEFAULT_HEADER_SETS);
    assert.deepEqual(parseHeaderSets([]), DEFAULT_HEADER_SETS);
  });

  it('maps every field to OSS header names', () => {
    const r = resolveHeaderSet(full, 'oss', { vars, contentMd5: '1B2M2Y8AsgTpgAmY7PhCfg==' });
    assert.deepEqual(r.headers, {
      'Content-Type': 'image/png',
      'Cache-Control': 'max-age=60',
      'Content-Disposition': 'attachment; filename="logo.png"',
      'Content-Encoding': 'gzip',
      'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==',
      'x-oss-storage-class': 'IA',
      'x-oss-object-acl': 'private',
      'x-oss-tagging': 'project=web&a%20b=c%26d',
      'x-oss-forbid-overwrite': 'true',
    });
    assert.deepEqual(r.metadata, { Owner: 'ana', source: 'img/logo.png' });
    assert.equal(requiredHeaders('oss', r.headers, r.metadata)['x-oss-meta-owner'], 'ana');
  });

  it('maps every field to S3 header names; forbid-overwrite becomes If-None-Match: *', () => {
    const r = resolveHeaderSet(full, 's3', { vars, contentMd5: '1B2M2Y8AsgTpgAmY7PhCfg==' });
    assert.equal(r.headers['x-amz-storage-class'], 'STANDARD_IA');
    assert.equal(r.headers['x-amz-acl'], 'private');
    assert.equal(r.headers['x-amz-tagging'], 'project=web&a%20b=c%26d');
    assert.equal(r.headers['If-None-Match'], '*');
    assert.equal(
      Object.keys(r.headers).some((h) => h.startsWith('x-oss-')),
      false,
    );
    // presignPut accepts the result unchanged (no foreign-provider header).
    assert.ok(requiredHeaders('s3', r.headers, r.metadata)['x-amz-meta-owner']);
  });

  it('maps storage class names both ways and passes unknown ones through', () => {
    assert.equal(storageClassFor('s3', 'Archive'), 'GLACIER');
    assert.equal(storageClassFor('oss', 'STANDARD_IA'), 'IA');
    assert.equal(storageClassFor('oss', 'IA'), 'IA');
    assert.equal(storageClassFor('s3', 'INTELLIGENT_TIERING'), 'INTELLIGENT_TIERING');
  });

  it('needs the file MD5 for contentMd5 "auto" and says so without it', () => {
    assert.equal(needsContentMd5(full), true);
    assert.equal(needsContentMd5({ name: 'x', contentMd5: 'abc=' }), false);
    assert.throws(
      () => resolveHeaderSet(full, 'oss', { vars }),
      (e: unknown) => e instanceof ConfigError && e.code === 'MissingContentMd5',
    );
  });

  it('sends a fixed Content-Type as given and omits unset fields', () => {
    const r = resolveHeaderSet({ name: 'fixed', contentType: 'application/json; charset=utf-8' }, 's3', { vars });
    assert.deepEqual(r, { headers: { 'Content-Type': 'application/json; charset=utf-8' }, metadata: {} });
  });

  it('previews a set in one line with the provider names', () => {
    assert.equal(headerSetPreview(DEFAULT_HEADER_SETS[2], 'oss'), 'Content-Type: auto · x-oss-storage-class: IA');
    assert.equal(
      headerSetPreview(DEFAULT_HEADER_SETS[2], 's3'),
      'Content-Type: auto · x-amz-storage-class: STANDARD_IA',
    );
    assert.match(headerSetPreview(full, 's3'), /If-None-Match: \* · x-amz-meta-\{Owner, source\}$/);
  });

  it('rejects malformed settings with the set and field named', () => {
    assert.throws(() => parseHeaderSets({}), ConfigError);
    assert.throws(() => parseHeaderSets([{ contentType: 'auto' }]), /#1 has no "name"/);
    assert.throws(() => parseHeaderSets([{ name: 'a' }, { name: 'a' }]), /Two header sets are named "a"/);
    assert.throws(
      () => parseHeaderSets([{ name: 'a', forbidOverwrite: 'yes' }]),
      /"forbidOverwrite" of header set "a"/,
    );
    assert.throws(() => parseHeaderSets([{ name: 'a', metadata: { n: 1 } }]), /"metadata" of header set "a"/);
    assert.deepEqual(parseHeaderSets([{ name: 'a', tagging: 'k=v' }]), [{ name: 'a', tagging: 'k=v' }]);
  });
});
