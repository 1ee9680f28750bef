// Every input rule of presignPut (src/core/validate.ts, endpoint.ts, presign.ts), through the public API: each bad
// input throws a ConfigError with the field and code, a message that says what to do, and never the secret.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, StorageError, presignPut, type PresignPutOptions } from '../../../src/core/index';

const SECRET = 'Sup3rSecret/Value+WithPlus=';
const PASSWORD = 'Hunter2Password';
/** A message "says what to do next": it contains an instruction. */
const ACTION =
  /\b(use|set|give|choose|remove|shorten|fix|add|pass|percent-encode|keep|write|run|paste|store|put|leave|must start with)\b/i;

const oss: PresignPutOptions = {
  provider: 'oss',
  endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
  accessKeyId: 'LTAI5tExample',
  accessKeySecret: SECRET,
  bucket: 'examplebucket',
  key: 'dir/file.txt',
  expiresSeconds: 900,
  date: '2024-01-01T00:00:00Z',
};
const s3: PresignPutOptions = {
  ...oss,
  provider: 's3',
  endpoint: 'https://s3.eu-west-1.amazonaws.com',
  accessKeyId: 'AKIAEXAMPLE',
};

function rejects(options: PresignPutOptions, field: string, code: string): ConfigError {
  let caught: unknown;
  try {
    presignPut(options);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.ok(caught instanceof StorageError);
  assert.equal(caught.name, 'ConfigError');
  assert.equal(caught.code, code);
  assert.equal(caught.field, field);
  assert.match(caught.message, ACTION, `message says what to do: ${caught.message}`);
  for (const secret of [SECRET, PASSWORD]) {
    assert.ok(!caught.message.includes(secret), `message leaks a secret: ${caught.message}`);
    assert.ok(!JSON.stringify(caught.details ?? {}).includes(secret), 'details leak a secret');
  }
  return caught;
}

const bytes = (n: number, unit = 'a') => unit.repeat(n / Buffer.byteLength(unit));

describe('expiry: whole seconds from 1 to 604800', () => {
  for (const bad of [
    0,
    -1,
    604801,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '900' as unknown as number,
    undefined as unknown as number,
  ]) {
    it(`rejects ${JSON.stringify(bad) ?? String(bad)} as InvalidExpiry`, () =>
      void rejects({ ...oss, expiresSeconds: bad }, 'expiresSeconds', 'InvalidExpiry'));
  }
  for (const good of [1, 604800]) {
    it(`accepts ${good}`, () => {
      assert.match(presignPut({ ...oss, expiresSeconds: good }).url, new RegExp(`x-oss-expires=${good}&`));
      assert.match(presignPut({ ...s3, expiresSeconds: good }).url, new RegExp(`X-Amz-Expires=${good}&`));
    });
  }
});

describe('bucket names per provider', () => {
  const cases: Array<[string, 'oss' | 's3', string, boolean]> = [
    ['empty', 'oss', '', false],
    ['2 characters', 's3', 'ab', false],
    ['64 characters', 'oss', 'a'.repeat(64), false],
    ['upper case', 's3', 'MyBucket', false],
    ['leading hyphen', 'oss', '-bucket', false],
    ['trailing hyphen', 's3', 'bucket-', false],
    ['a dot on OSS', 'oss', 'my.bucket', false],
    ['a dot on S3', 's3', 'my.bucket', true],
    ['two dots in a row on S3', 's3', 'my..bucket', false],
    ['dot next to hyphen on S3', 's3', 'my.-bucket', false],
    ['an IP address on S3', 's3', '192.168.1.1', false],
    ['underscore', 'oss', 'my_bucket', false],
    ['63 characters', 'oss', 'a'.repeat(63), true],
  ];
  for (const [what, provider, bucket, ok] of cases) {
    it(`${ok ? 'accepts' : 'rejects'} ${what} (${provider})`, () => {
      const options = { ...(provider === 'oss' ? oss : s3), bucket };
      if (ok) assert.ok(presignPut(options).url);
      else rejects(options, 'bucket', 'InvalidBucketName');
    });
  }
});

describe('object keys', () => {
  it('rejects an empty key', () => void rejects({ ...oss, key: '' }, 'key', 'InvalidObjectKey'));
  it('accepts a 1023-byte key on OSS and rejects 1024 bytes', () => {
    assert.ok(presignPut({ ...oss, key: bytes(1023) }).url);
    assert.ok(presignPut({ ...oss, key: 'x' + bytes(1022, '名') }).url, '1 + 1022 bytes of 3-byte characters');
    rejects({ ...oss, key: bytes(1024) }, 'key', 'InvalidObjectKey');
  });
  it('accepts a 1024-byte key on S3 and rejects 1025 bytes (counted in UTF-8, not UTF-16 units)', () => {
    assert.ok(presignPut({ ...s3, key: bytes(1024) }).url);
    rejects({ ...s3, key: bytes(1025) }, 'key', 'InvalidObjectKey');
    rejects({ ...s3, key: 'abc' + bytes(1022, 'é') }, 'key', 'InvalidObjectKey');
  });
  it('rejects a leading "/" or "\\" on OSS and suggests the fixed key', () => {
    assert.match(rejects({ ...oss, key: '/a/b.txt' }, 'key', 'InvalidObjectKey').message, /"a\/b\.txt"/);
    rejects({ ...oss, key: '\\a.txt' }, 'key', 'InvalidObjectKey');
  });
  it('keeps a leading "/" on S3 (the path becomes //key, signed as sent)', () => {
    assert.match(
      presignPut({ ...s3, addressing: 'path', key: '/leading.txt' }).url,
      /amazonaws\.com\/examplebucket\/\/leading\.txt\?/,
    );
  });
  it('rejects a lone UTF-16 surrogate', () => {
    rejects({ ...oss, key: 'bad\uD800.txt' }, 'key', 'InvalidObjectKey');
    rejects({ ...s3, key: 'bad\uDC00' }, 'key', 'InvalidObjectKey');
  });
});

describe('endpoints', () => {
  const bad: Array<[string, string]> = [
    ['a path', 'https://oss-cn-hangzhou.aliyuncs.com/examplebucket'],
    ['a query', 'https://oss-cn-hangzhou.aliyuncs.com/?x=1'],
    ['user info', `https://ak:${PASSWORD}@oss-cn-hangzhou.aliyuncs.com`],
    ['ftp', 'ftp://oss-cn-hangzhou.aliyuncs.com'],
    ['ftp with user info', `ftp://ak:${PASSWORD}@oss-cn-hangzhou.aliyuncs.com`],
    ['ftp with a "/" in the password', `ftp://ak:a/${PASSWORD}@oss-cn-hangzhou.aliyuncs.com`],
    ['an unparsable URL with a "/" in the password', `http://ak:${PASSWORD}/x:y@oss-cn-hangzhou.aliyuncs.com`],
    ['user info without a scheme', `ak:${PASSWORD}@oss-cn-hangzhou.aliyuncs.com`],
    ['garbage', 'not a url'],
    ['garbage with user info', `http://ak:${PASSWORD} x@host`],
    ['empty', ''],
  ];
  for (const [what, endpoint] of bad) {
    it(`rejects ${what} as InvalidEndpoint without echoing a password`, () =>
      void rejects({ ...oss, endpoint }, 'endpoint', 'InvalidEndpoint'));
  }
  it('accepts http with a port and a trailing slash', () => {
    assert.ok(
      presignPut({ ...s3, endpoint: 'http://127.0.0.1:9000/', region: 'us-east-1' }).url.startsWith(
        'http://127.0.0.1:9000/examplebucket/dir/file.txt?',
      ),
    );
  });
});

describe('regions', () => {
  it('OSS custom domain without a region: MissingRegion', () =>
    void rejects({ ...oss, endpoint: 'https://static.example.com', addressing: 'cname' }, 'region', 'MissingRegion'));
  it('standard OSS endpoint: region inferred (cn-hangzhou, -internal too)', () => {
    assert.match(presignPut(oss).url, /x-oss-credential=LTAI5tExample%2F20240101%2Fcn-hangzhou%2Foss%2F/);
    assert.match(
      presignPut({ ...oss, endpoint: 'http://oss-cn-shanghai-internal.aliyuncs.com' }).url,
      /%2Fcn-shanghai%2Foss%2F/,
    );
  });
  it('S3 endpoints: region inferred (AWS, R2) or us-east-1 for other hosts', () => {
    assert.match(presignPut(s3).url, /%2Feu-west-1%2Fs3%2F/);
    assert.match(presignPut({ ...s3, endpoint: 'https://acct.r2.cloudflarestorage.com' }).url, /%2Fauto%2Fs3%2F/);
    assert.match(presignPut({ ...s3, endpoint: 'http://minio.local:9000' }).url, /%2Fus-east-1%2Fs3%2F/);
  });
  it('OSS region written as oss-cn-hangzhou (ali-oss style) is signed as cn-hangzhou', () => {
    // ali-oss strips a leading "oss-" (getStandardRegion); the signing scope needs the bare id (signing-spec 1.3).
    assert.match(
      presignPut({ ...oss, endpoint: 'https://static.example.com', addressing: 'cname', region: 'oss-cn-hangzhou' })
        .url,
      /%2F20240101%2Fcn-hangzhou%2Foss%2F/,
    );
  });
  it('rejects a region that is not a region id', () =>
    void rejects({ ...s3, region: 'EU West' }, 'region', 'InvalidRegion'));
});

describe('headers and metadata', () => {
  it('rejects CR/LF in a value (header injection)', () => {
    rejects({ ...oss, headers: { 'Content-Type': 'text/plain\r\nX-Evil: 1' } }, 'headers', 'InvalidHeaderValue');
    rejects({ ...s3, metadata: { owner: 'ana\nx-amz-acl: public-read' } }, 'metadata', 'InvalidHeaderValue');
  });
  it('rejects non-ASCII values and tells how to encode them', () => {
    assert.match(
      rejects(
        { ...oss, headers: { 'Content-Disposition': 'attachment; filename="ü.txt"' } },
        'headers',
        'InvalidHeaderValue',
      ).message,
      /filename\*=UTF-8''/,
    );
    rejects({ ...s3, metadata: { owner: 'Zoë' } }, 'metadata', 'InvalidHeaderValue');
  });
  it('rejects an empty value', () =>
    void rejects({ ...s3, headers: { 'Cache-Control': '  ' } }, 'headers', 'InvalidHeaderValue'));
  it('rejects a tab in a value (servers canonicalise it differently) and says to use a space instead', () => {
    for (const options of [
      { ...oss, headers: { 'Cache-Control': 'no-cache,\tno-store' } },
      { ...s3, headers: { 'Content-Type': 'text/plain;\tcharset=utf-8' } },
    ])
      assert.match(rejects(options, 'headers', 'InvalidHeaderValue').message, /contains a tab.*use a space instead/i);
    assert.match(
      rejects({ ...oss, metadata: { owner: 'ana\tlopez' } }, 'metadata', 'InvalidHeaderValue').message,
      /"x-oss-meta-owner" contains a tab/,
    );
  });
  it('rejects other control characters and names the one found', () => {
    assert.match(
      rejects({ ...s3, headers: { 'Cache-Control': 'no-cache\u0007' } }, 'headers', 'InvalidHeaderValue').message,
      /control character U\+0007.*remove it/i,
    );
    assert.match(
      rejects({ ...oss, metadata: { owner: 'ana\u007f' } }, 'metadata', 'InvalidHeaderValue').message,
      /control character U\+007F/,
    );
  });
  it('x-amz-content-sha256: 64 lower-case hex digits or UNSIGNED-PAYLOAD', () => {
    const hash = 'a'.repeat(63) + 'f';
    for (const value of [hash.toUpperCase(), hash.slice(1), 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'unsigned-payload'])
      assert.match(
        rejects({ ...s3, headers: { 'X-Amz-Content-Sha256': value } }, 'headers', 'InvalidHeaderValue').message,
        /64 lower-case hex digits/,
      );
    for (const value of [hash, 'UNSIGNED-PAYLOAD'])
      assert.equal(
        presignPut({ ...s3, headers: { 'x-amz-content-sha256': value } }).headers['x-amz-content-sha256'],
        value,
      );
  });
  it('rejects a header name that is not an HTTP token', () =>
    void rejects({ ...oss, headers: { 'Bad Name': 'x' } }, 'headers', 'InvalidHeaderName'));
  for (const name of ['has space', 'ünï', '', '-leading', 'a:b']) {
    it(`rejects metadata name ${JSON.stringify(name)}`, () =>
      void rejects({ ...oss, metadata: { [name]: 'v' } }, 'metadata', 'InvalidMetadataName'));
  }
  for (const name of ['Host', 'authorization', 'Content-Length', 'Transfer-Encoding', 'Expect', 'Connection']) {
    it(`rejects reserved header ${name}`, () =>
      void rejects({ ...s3, headers: { [name]: 'x' } }, 'headers', 'ReservedHeader'));
  }
  it("rejects the other provider's prefix and names the right one", () => {
    assert.match(
      rejects({ ...oss, headers: { 'x-amz-storage-class': 'IA' } }, 'headers', 'WrongProviderHeader').message,
      /x-oss-storage-class/,
    );
    assert.match(
      rejects({ ...s3, headers: { 'x-oss-meta-a': 'b' } }, 'headers', 'WrongProviderHeader').message,
      /x-amz-meta-a/,
    );
  });
  it('rejects the same header twice in different case, and metadata that repeats a header', () => {
    rejects({ ...oss, headers: { 'Content-Type': 'a/b', 'content-type': 'a/b' } }, 'headers', 'DuplicateHeader');
    rejects({ ...s3, headers: { 'x-amz-meta-owner': 'a' }, metadata: { Owner: 'b' } }, 'metadata', 'DuplicateHeader');
  });
  it('additionalHeaders: OSS V4 only, valid names, each with a value (host excepted)', () => {
    rejects({ ...s3, additionalHeaders: ['host'] }, 'additionalHeaders', 'UnsupportedOption');
    rejects({ ...oss, signatureVersion: 'v1', additionalHeaders: ['host'] }, 'additionalHeaders', 'UnsupportedOption');
    rejects({ ...oss, additionalHeaders: ['bad name'] }, 'additionalHeaders', 'InvalidHeaderName');
    rejects({ ...oss, additionalHeaders: ['cache-control'] }, 'additionalHeaders', 'MissingHeaderValue');
    assert.match(presignPut({ ...oss, additionalHeaders: ['Host'] }).url, /x-oss-additional-headers=host&/);
  });
});

describe('credentials', () => {
  it('missing access key id', () => void rejects({ ...oss, accessKeyId: '' }, 'accessKeyId', 'MissingCredentials'));
  it('access key id with a space', () =>
    void rejects({ ...oss, accessKeyId: 'LTAI 5t' }, 'accessKeyId', 'InvalidCredentials'));
  it('missing secret', () => void rejects({ ...s3, accessKeySecret: '' }, 'accessKeySecret', 'MissingCredentials'));
  it('secret of the wrong type', () =>
    void rejects({ ...s3, accessKeySecret: undefined as unknown as string }, 'accessKeySecret', 'MissingCredentials'));
});

describe('provider, signature version, addressing, date', () => {
  it('unknown provider', () => void rejects({ ...oss, provider: 'gcs' as 'oss' }, 'provider', 'InvalidProvider'));
  it('unknown signature version', () =>
    void rejects({ ...oss, signatureVersion: 'v2' as 'v4' }, 'signatureVersion', 'InvalidSignatureVersion'));
  it('V1 on S3', () => void rejects({ ...s3, signatureVersion: 'v1' }, 'signatureVersion', 'InvalidSignatureVersion'));
  it('unknown addressing', () =>
    void rejects({ ...oss, addressing: 'subdomain' as 'path' }, 'addressing', 'InvalidAddressing'));
  it('cname on S3', () => void rejects({ ...s3, addressing: 'cname' }, 'addressing', 'InvalidAddressing'));
  for (const date of ['yesterday', '', new Date(Number.NaN), 12345 as unknown as Date]) {
    it(`invalid date ${JSON.stringify(date)}`, () => void rejects({ ...oss, date }, 'date', 'InvalidDate'));
  }
});
