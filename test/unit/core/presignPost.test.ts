// presignPost's contract: bad input is a ConfigError that says what to do; the policy names exactly the conditions
// the options ask for, in each dialect's field names; the expiry is the signing time (whole seconds) plus
// expiresSeconds; and a fixed-date case gives known fields and signatures (cross-checked once with ali-oss and
// @aws-sdk/s3-presigned-post; test/integration/postOracle.test.ts checks generated cases against both).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, presignPost, type PostPolicy, type PresignPostOptions } from '../../../src/core/index';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'STS.token/with+chars==';
const DATE = '2024-01-02T03:04:05.678Z';
const s3: PresignPostOptions = {
  provider: 's3',
  endpoint: 'https://s3.eu-west-1.amazonaws.com',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accessKeySecret: SECRET,
  bucket: 'examplebucket',
  key: 'uploads/report.pdf',
  expiresSeconds: 3600,
  date: DATE,
};
const ossV4: PresignPostOptions = {
  ...s3,
  provider: 'oss',
  endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
  accessKeyId: 'LTAI5tExampleKeyId',
};
const ossV1: PresignPostOptions = { ...ossV4, signatureVersion: 'v1' };

const decode = (policy: string | undefined): PostPolicy =>
  JSON.parse(Buffer.from(policy ?? '', 'base64').toString('utf8')) as PostPolicy;

/** Asserts that presignPost throws a ConfigError for `field` with `code`, whose message matches and has no secret. */
function rejects(options: PresignPostOptions, field: string, code: string, message: RegExp) {
  assert.throws(
    () => presignPost(options),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
      assert.equal(err.field, field);
      assert.equal(err.code, code);
      assert.match(err.message, message);
      assert.ok(!err.message.includes(SECRET), 'the message must not contain the secret');
      return true;
    },
  );
}

describe('presignPost: bad input is a ConfigError that says what to do', () => {
  it('both key and keyPrefix', () =>
    rejects({ ...s3, keyPrefix: 'uploads/' }, 'keyPrefix', 'ConflictingOptions', /either key .* or keyPrefix/));
  it('neither key nor keyPrefix', () =>
    rejects({ ...s3, key: undefined }, 'key', 'MissingKey', /Give key .* or keyPrefix/));
  it('an empty keyPrefix (it would allow any key in the bucket)', () =>
    rejects({ ...s3, key: undefined, keyPrefix: '' }, 'keyPrefix', 'InvalidKeyPrefix', /any key in the bucket/));
  it('a keyPrefix with ${filename} in it', () =>
    rejects({ ...s3, key: undefined, keyPrefix: 'a/${filename}' }, 'keyPrefix', 'InvalidKeyPrefix', /give key/));
  it('an OSS keyPrefix starting with "/"', () =>
    rejects({ ...ossV4, key: undefined, keyPrefix: '/up/' }, 'keyPrefix', 'InvalidKeyPrefix', /"up\/"/));
  it('an invalid exact key (OSS: leading "/")', () =>
    rejects({ ...ossV4, key: '/a.txt' }, 'key', 'InvalidObjectKey', /must not start with/));
  it('contentLengthRange with min > max says to swap them', () =>
    rejects({ ...s3, contentLengthRange: [10, 1] }, 'contentLengthRange', 'InvalidContentLengthRange', /\[1, 10\]/));
  for (const range of [[-1, 10], [0.5, 10], [1, 2, 3], [1], '1-10', [1, Number.POSITIVE_INFINITY]]) {
    it(`contentLengthRange ${JSON.stringify(range)} is not [min, max] in whole bytes`, () =>
      rejects(
        { ...s3, contentLengthRange: range as unknown as [number, number] },
        'contentLengthRange',
        'InvalidContentLengthRange',
        /\[min, max\] in whole bytes/,
      ));
  }
  it('contentLengthRange above 5 GiB', () =>
    rejects(
      { ...s3, contentLengthRange: [0, 5 * 1024 ** 3 + 1] },
      'contentLengthRange',
      'InvalidContentLengthRange',
      /at most 5 GiB/,
    ));
  for (const expiresSeconds of [0, 604801, 1.5, -60]) {
    it(`expiresSeconds ${expiresSeconds} is outside 1..604800`, () =>
      rejects({ ...s3, expiresSeconds }, 'expiresSeconds', 'InvalidExpiry', /604800/));
  }
  it('both contentType and contentTypePrefix', () =>
    rejects(
      { ...s3, contentType: 'image/png', contentTypePrefix: 'image/' },
      'contentTypePrefix',
      'ConflictingOptions',
      /either contentType/,
    ));
  it('a contentType with a line break', () =>
    rejects(
      { ...s3, contentType: 'text/plain\r\nx-amz-acl: public-read' },
      'contentType',
      'InvalidHeaderValue',
      /CR\/LF/,
    ));
  for (const [what, value] of [
    ['a tab', 'a\tb'],
    ['a non-ASCII character', 'Ünïcode'],
    ['a line break', 'a\nb'],
  ] as const) {
    it(`metadata with ${what}`, () =>
      rejects({ ...s3, metadata: { note: value } }, 'metadata', 'InvalidMetadataValue', /printable ASCII/));
  }
  it('a metadata name that is not a header token', () =>
    rejects({ ...s3, metadata: { 'my name': 'x' } }, 'metadata', 'InvalidMetadataName', /letters, digits/));
  it('an empty metadata value', () =>
    rejects({ ...s3, metadata: { note: '  ' } }, 'metadata', 'InvalidHeaderValue', /is empty/));
  for (const status of [202, '201', 302]) {
    it(`successActionStatus ${JSON.stringify(status)}`, () =>
      rejects(
        { ...s3, successActionStatus: status as 201 },
        'successActionStatus',
        'InvalidSuccessActionStatus',
        /200, 201 or 204/,
      ));
  }
  it('signature version v1 for S3', () =>
    rejects({ ...s3, signatureVersion: 'v1' }, 'signatureVersion', 'InvalidSignatureVersion', /only for OSS/));
  it('no secret', () => rejects({ ...s3, accessKeySecret: '' }, 'accessKeySecret', 'MissingCredentials', /secret/));
  it('an invalid date', () => rejects({ ...s3, date: 'yesterday' }, 'date', 'InvalidDate', /ISO 8601/));
});

describe('presignPost: the policy names exactly what the options ask for', () => {
  const full = {
    contentLengthRange: [1, 1000] as const,
    contentType: 'text/plain; charset=utf-8',
    metadata: { Owner: 'ana' },
    successActionStatus: 201 as const,
    securityToken: TOKEN,
  };

  it('S3: range, Content-Type, x-amz-meta-*, success_action_status, bucket, X-Amz-* signing fields, token, exact key', () => {
    const p = presignPost({ ...s3, ...full });
    assert.deepEqual(p.policy.conditions, [
      ['content-length-range', 1, 1000],
      { 'Content-Type': 'text/plain; charset=utf-8' },
      { 'x-amz-meta-owner': 'ana' },
      { success_action_status: '201' },
      { bucket: 'examplebucket' },
      { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' },
      { 'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20240102/eu-west-1/s3/aws4_request' },
      { 'X-Amz-Date': '20240102T030405Z' },
      { 'X-Amz-Security-Token': TOKEN },
      { key: 'uploads/report.pdf' },
    ]);
  });

  it('OSS V4: x-oss-meta-*, the x-oss-signature-version / x-oss-credential / x-oss-date conditions and x-oss-security-token', () => {
    const p = presignPost({ ...ossV4, ...full });
    assert.deepEqual(p.policy.conditions, [
      ['content-length-range', 1, 1000],
      { 'Content-Type': 'text/plain; charset=utf-8' },
      { 'x-oss-meta-owner': 'ana' },
      { success_action_status: '201' },
      { bucket: 'examplebucket' },
      { 'x-oss-signature-version': 'OSS4-HMAC-SHA256' },
      { 'x-oss-credential': 'LTAI5tExampleKeyId/20240102/cn-hangzhou/oss/aliyun_v4_request' },
      { 'x-oss-date': '20240102T030405Z' },
      { 'x-oss-security-token': TOKEN },
      { key: 'uploads/report.pdf' },
    ]);
  });

  it('OSS V1: no credential or date conditions (V1 signs with the secret alone); the token is still a condition', () => {
    const p = presignPost({ ...ossV1, ...full });
    assert.deepEqual(p.policy.conditions, [
      ['content-length-range', 1, 1000],
      { 'Content-Type': 'text/plain; charset=utf-8' },
      { 'x-oss-meta-owner': 'ana' },
      { success_action_status: '201' },
      { bucket: 'examplebucket' },
      { 'x-oss-security-token': TOKEN },
      { key: 'uploads/report.pdf' },
    ]);
  });

  it('without the optional options: only bucket, the signing fields and the key', () => {
    assert.deepEqual(presignPost(ossV1).policy.conditions, [
      { bucket: 'examplebucket' },
      { key: 'uploads/report.pdf' },
    ]);
    assert.deepEqual(
      presignPost(s3).policy.conditions.map((c) => Object.keys(c)[0]),
      ['bucket', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'key'],
    );
  });

  it('keyPrefix: starts-with $key; the key field defaults to <prefix>${filename} and startsWith says what may change', () => {
    const p = presignPost({ ...s3, key: undefined, keyPrefix: 'user/ana/' });
    assert.deepEqual(p.policy.conditions.at(-1), ['starts-with', '$key', 'user/ana/']);
    assert.equal(p.fields.key, 'user/ana/${filename}');
    assert.deepEqual(p.startsWith, { key: 'user/ana/' });
  });

  it('an exact key with ${filename}: starts-with the part before it (the server substitutes first); the key field is fixed', () => {
    const p = presignPost({ ...ossV4, key: 'in/${filename}.bak' });
    assert.deepEqual(p.policy.conditions.at(-1), ['starts-with', '$key', 'in/']);
    assert.equal(p.fields.key, 'in/${filename}.bak');
    assert.deepEqual(p.startsWith, {});
  });

  it('contentTypePrefix: starts-with $Content-Type, no Content-Type field (the uploader adds one)', () => {
    const p = presignPost({ ...s3, contentTypePrefix: 'image/' });
    assert.deepEqual(p.policy.conditions[0], ['starts-with', '$Content-Type', 'image/']);
    assert.equal(p.fields['Content-Type'], undefined);
    assert.deepEqual(p.startsWith, { 'Content-Type': 'image/' });
  });

  it('metadata names are lower-cased and values trimmed, in the field and the condition alike', () => {
    const p = presignPost({ ...s3, metadata: { 'Dash-Name': '  two  spaces ' } });
    assert.equal(p.fields['x-amz-meta-dash-name'], 'two  spaces');
    assert.deepEqual(p.policy.conditions[0], { 'x-amz-meta-dash-name': 'two  spaces' });
  });

  it('every field but the policy and signature has a condition (S3 and radosgw reject a field no condition names)', () => {
    for (const [options, exempt] of [
      [s3, ['Policy', 'X-Amz-Signature']],
      [ossV4, ['policy', 'x-oss-signature']],
    ] as const) {
      const p = presignPost({ ...options, ...full, key: undefined, keyPrefix: 'up/' });
      const named = new Set(
        p.policy.conditions.map((c) => (Array.isArray(c) ? String(c[1]).slice(1) : Object.keys(c)[0])),
      );
      for (const field of Object.keys(p.fields))
        if (!exempt.includes(field as never)) assert.ok(named.has(field), field);
    }
  });

  it('the policy field is the returned policy, base64 of its compact JSON', () => {
    for (const options of [s3, ossV4, ossV1]) {
      const p = presignPost({ ...options, ...full });
      const field = p.fields.policy ?? p.fields.Policy;
      assert.deepEqual(decode(field), p.policy);
      assert.equal(field, Buffer.from(JSON.stringify(p.policy)).toString('base64'));
    }
  });
});

describe('presignPost: field names per dialect, in order, the file to follow', () => {
  it('S3 SigV4', () => {
    assert.deepEqual(Object.keys(presignPost({ ...s3, securityToken: TOKEN }).fields), [
      'key',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Security-Token',
      'Policy',
      'X-Amz-Signature',
    ]);
  });
  it('OSS V4', () => {
    assert.deepEqual(Object.keys(presignPost({ ...ossV4, securityToken: TOKEN }).fields), [
      'key',
      'x-oss-signature-version',
      'x-oss-credential',
      'x-oss-date',
      'x-oss-security-token',
      'policy',
      'x-oss-signature',
    ]);
  });
  it('OSS V1', () => {
    assert.deepEqual(Object.keys(presignPost({ ...ossV1, securityToken: TOKEN }).fields), [
      'key',
      'OSSAccessKeyId',
      'x-oss-security-token',
      'policy',
      'Signature',
    ]);
  });
  it('no token field without a token; Content-Type, metadata and success_action_status after the key', () => {
    const p = presignPost({ ...s3, contentType: 'image/png', metadata: { a: '1' }, successActionStatus: 204 });
    assert.deepEqual(Object.keys(p.fields).slice(0, 4), [
      'key',
      'Content-Type',
      'x-amz-meta-a',
      'success_action_status',
    ]);
    assert.ok(!('X-Amz-Security-Token' in p.fields));
  });
});

describe('presignPost: URL and expiry', () => {
  it('the URL is the bucket: virtual-hosted, path style, path style for an IP endpoint, the custom domain for cname', () => {
    assert.equal(presignPost(s3).url, 'https://examplebucket.s3.eu-west-1.amazonaws.com/');
    assert.equal(presignPost({ ...s3, addressing: 'path' }).url, 'https://s3.eu-west-1.amazonaws.com/examplebucket/');
    assert.equal(presignPost({ ...s3, endpoint: 'http://127.0.0.1:7480' }).url, 'http://127.0.0.1:7480/examplebucket/');
    assert.equal(
      presignPost({ ...ossV4, endpoint: 'https://static.example.com', region: 'cn-hangzhou', addressing: 'cname' }).url,
      'https://static.example.com/',
    );
  });

  it('expiresAt is the signing time in whole seconds plus expiresSeconds; S3 writes it without a fraction, OSS with .000', () => {
    const s = presignPost({ ...s3, expiresSeconds: 604800 });
    assert.equal(s.expiresAt.toISOString(), '2024-01-09T03:04:05.000Z');
    assert.equal(s.policy.expiration, '2024-01-09T03:04:05Z');
    for (const options of [ossV4, ossV1]) {
      const p = presignPost({ ...options, expiresSeconds: 1 });
      assert.equal(p.expiresAt.toISOString(), '2024-01-02T03:04:06.000Z');
      assert.equal(p.policy.expiration, '2024-01-02T03:04:06.000Z');
    }
  });

  it('without a date the clock is read once: expiresAt lies between the times read before and after', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const p = presignPost({ ...s3, date: undefined });
    const after = Date.now();
    assert.ok(p.expiresAt.getTime() >= before + 3600_000 && p.expiresAt.getTime() <= after + 3600_000);
    const dateCondition = p.policy.conditions.find((c) => !Array.isArray(c) && 'X-Amz-Date' in c);
    assert.deepEqual(dateCondition, { 'X-Amz-Date': p.fields['X-Amz-Date'] });
  });
});

describe('presignPost: golden fields at a fixed date (the same from @aws-sdk/s3-presigned-post and ali-oss)', () => {
  const golden = {
    key: undefined,
    keyPrefix: 'user/ana/',
    contentLengthRange: [1, 10485760] as const,
    contentTypePrefix: 'image/',
    metadata: { Owner: 'ana' },
    successActionStatus: 201 as const,
    securityToken: TOKEN,
  };
  const conditions = [
    ['content-length-range', 1, 10485760],
    ['starts-with', '$Content-Type', 'image/'],
    { success_action_status: '201' },
  ];

  it('S3 SigV4', () => {
    const p = presignPost({ ...s3, ...golden });
    const { Policy, ...fields } = p.fields;
    assert.deepEqual(fields, {
      key: 'user/ana/${filename}',
      'x-amz-meta-owner': 'ana',
      success_action_status: '201',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20240102/eu-west-1/s3/aws4_request',
      'X-Amz-Date': '20240102T030405Z',
      'X-Amz-Security-Token': TOKEN,
      'X-Amz-Signature': 'eea9b65f956533bd415cb0492ba4c9277462e0d60b58167c4cd85888d11d46f5',
    });
    assert.equal(decode(Policy).expiration, '2024-01-02T04:04:05Z');
    for (const c of conditions)
      assert.ok(decode(Policy).conditions.some((x) => JSON.stringify(x) === JSON.stringify(c)));
  });

  it('OSS V4', () => {
    const p = presignPost({ ...ossV4, ...golden });
    const { policy, ...fields } = p.fields;
    assert.deepEqual(fields, {
      key: 'user/ana/${filename}',
      'x-oss-meta-owner': 'ana',
      success_action_status: '201',
      'x-oss-signature-version': 'OSS4-HMAC-SHA256',
      'x-oss-credential': 'LTAI5tExampleKeyId/20240102/cn-hangzhou/oss/aliyun_v4_request',
      'x-oss-date': '20240102T030405Z',
      'x-oss-security-token': TOKEN,
      'x-oss-signature': '66ec18c80db391ba5347a41452cd317ec20727795cec3ada827a171cc11ac459',
    });
    assert.equal(decode(policy).expiration, '2024-01-02T04:04:05.000Z');
  });

  it('OSS V1', () => {
    const p = presignPost({ ...ossV1, ...golden });
    const { policy, ...fields } = p.fields;
    assert.deepEqual(fields, {
      key: 'user/ana/${filename}',
      'x-oss-meta-owner': 'ana',
      success_action_status: '201',
      OSSAccessKeyId: 'LTAI5tExampleKeyId',
      'x-oss-security-token': TOKEN,
      Signature: 'O0U8PpVPc36smGZi+IIfX29sgjc=',
    });
    assert.equal(decode(policy).expiration, '2024-01-02T04:04:05.000Z');
  });
});
