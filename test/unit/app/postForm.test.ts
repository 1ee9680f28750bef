// src/app/postForm.ts and src/app/corsRules.ts: sizes, the typed key, the policy in words, the form as kept in secret
// storage, and the CORS configuration as the apply diff shows it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { corsConfigurationJson, withSuggestedRule } from '../../../src/app/corsRules';
import {
  describePostLimits,
  formatSize,
  parsePostKey,
  parseSize,
  parseStoredPost,
  storedPostText,
} from '../../../src/app/postForm';
import { ConfigError, presignPost } from '../../../src/core/index';

const MB = 1024 * 1024;

describe('post form sizes', () => {
  for (const [text, bytes] of [
    ['12345', 12345],
    ['750k', 750 * 1024],
    ['500 MB', 500 * MB],
    ['1.5GB', 1.5 * 1024 * MB],
    ['5 gb', 5 * 1024 * MB],
  ] as const) {
    it(`reads "${text}" as ${bytes} bytes`, () => assert.equal(parseSize(text), bytes));
  }
  for (const [text, problem] of [
    ['ten', /is not a size/],
    ['0', /at least 1 byte/],
    ['5.1 GB', /more than one POST upload may carry \(5 GB\)/],
  ] as const) {
    it(`refuses "${text}"`, () =>
      assert.throws(
        () => parseSize(text),
        (e: unknown) => e instanceof ConfigError && problem.test(e.message),
      ));
  }
  it('writes sizes in binary units with at most one decimal', () => {
    assert.deepEqual([10 * MB, 1536 * MB, 2048, 512].map(formatSize), ['10 MB', '1.5 GB', '2 KB', '512 bytes']);
  });
});

describe('the typed POST key', () => {
  it('reads a value ending with "/" as a prefix and anything else as one exact key', () => {
    assert.deepEqual(parsePostKey('s3', ' uploads/ '), { keyPrefix: 'uploads/' });
    assert.deepEqual(parsePostKey('s3', 'cats/${filename}'), { key: 'cats/${filename}' });
    assert.deepEqual(parsePostKey('oss', 'report.pdf'), { key: 'report.pdf' });
  });
  it('refuses an empty value, ${filename} in a prefix, and invalid keys', () => {
    assert.throws(() => parsePostKey('s3', '  '), /An empty prefix would let the uploader write any key/);
    assert.throws(() => parsePostKey('s3', 'a/${filename}/'), /leave out \$\{filename\}/);
    assert.throws(() => parsePostKey('oss', '/abs'), ConfigError);
  });
  it('says what the policy allows', () => {
    assert.deepEqual(describePostLimits('in/${filename}', { maxBytes: 10 * MB, keyPrefix: 'in/' }), [
      'any key under in/',
      'files up to 10 MB',
    ]);
    assert.deepEqual(describePostLimits('a/${filename}', { maxBytes: 1024, contentTypePrefix: 'image/' }), [
      "key a/${filename} (${filename}: the file's name)",
      'files up to 1 KB',
      'Content-Type image/*',
    ]);
  });
});

describe('a POST form in secret storage', () => {
  const post = presignPost({
    provider: 's3',
    endpoint: 'https://s3.us-east-1.amazonaws.com',
    bucket: 'bkt',
    keyPrefix: 'in/',
    accessKeyId: 'AKID',
    accessKeySecret: 'secret',
    expiresSeconds: 60,
    date: '2026-01-02T03:04:05Z',
  });
  it('reads back what it stored, the expiry as a date', () => {
    const back = parseStoredPost(storedPostText(post));
    assert.deepEqual(back, post);
    assert.ok(back?.expiresAt instanceof Date);
  });
  it('reads a PUT URL or a damaged value as no form', () => {
    assert.equal(parseStoredPost('https://bkt.s3.amazonaws.com/k?X-Amz-Signature=1'), undefined);
    assert.equal(parseStoredPost('{"url":"x"}'), undefined);
    assert.equal(parseStoredPost('{not json'), undefined);
    assert.equal(parseStoredPost(undefined), undefined);
  });
});

describe('CORS rules as applied', () => {
  const existing = [
    { id: 'site', allowedOrigins: ['https://site.example'], allowedMethods: ['GET'], allowedHeaders: ['*'] },
    { allowedOrigins: ['*'], allowedMethods: ['HEAD'] },
  ];
  const suggested = { allowedOrigins: ['http://localhost:3000'], allowedMethods: ['PUT'], maxAgeSeconds: 600 };
  it('puts the suggested rule first and keeps every existing rule after it, in order', () => {
    assert.deepEqual(withSuggestedRule(existing, suggested), [suggested, ...existing]);
  });
  it('shows a configuration as the JSON of aws s3api put-bucket-cors, rule IDs included', () => {
    assert.deepEqual(JSON.parse(corsConfigurationJson(withSuggestedRule(existing, suggested))), {
      CORSRules: [
        { AllowedOrigins: ['http://localhost:3000'], AllowedMethods: ['PUT'], MaxAgeSeconds: 600 },
        { ID: 'site', AllowedOrigins: ['https://site.example'], AllowedMethods: ['GET'], AllowedHeaders: ['*'] },
        { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
      ],
    });
    assert.equal(corsConfigurationJson([]), '{\n  "CORSRules": []\n}\n');
  });
});
