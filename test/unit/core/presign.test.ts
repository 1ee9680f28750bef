// presignPut's contract: the result says exactly what the uploader must send, and every header the user chose is
// signed (STYLE.md: one test per provider pins that policy; the AWS presigner does not sign content-type by default,
// OSS does, and the core inherits neither silently).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { presignPut, type PresignPutOptions } from '../../../src/core/index';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'STS.token/with+chars==';
const chosen = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Cache-Control': 'max-age=60',
  'Content-Disposition': 'attachment; filename="r.txt"',
};
const base = {
  accessKeyId: 'AKIDEXAMPLE',
  accessKeySecret: SECRET,
  bucket: 'examplebucket',
  key: 'dir/report 1.txt',
  expiresSeconds: 900,
  date: '2024-01-02T03:04:05.678Z',
};
const oss: PresignPutOptions = {
  ...base,
  provider: 'oss',
  endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
  headers: { ...chosen, 'x-oss-storage-class': 'IA' },
  metadata: { Owner: 'ana' },
};
const s3: PresignPutOptions = {
  ...base,
  provider: 's3',
  endpoint: 'https://s3.eu-west-1.amazonaws.com',
  headers: { ...chosen, 'x-amz-storage-class': 'STANDARD_IA' },
  metadata: { Owner: 'ana' },
};
const query = (url: string) => new URL(url).searchParams;

describe('policy: every chosen header is signed and returned', () => {
  it('OSS V4: Content-Type and x-oss-* by default, the others as x-oss-additional-headers; Host is never returned', () => {
    const r = presignPut(oss);
    assert.deepEqual(r.headers, { ...chosen, 'x-oss-storage-class': 'IA', 'x-oss-meta-owner': 'ana' });
    assert.deepEqual(r.signedHeaders, [
      'cache-control',
      'content-disposition',
      'content-type',
      'x-oss-meta-owner',
      'x-oss-storage-class',
    ]);
    assert.equal(query(r.url).get('x-oss-additional-headers'), 'cache-control;content-disposition');
  });
  it('OSS V4 with additionalHeaders ["host"]: host is signed but still not returned (the HTTP client sets it)', () => {
    const r = presignPut({ ...oss, additionalHeaders: ['host'] });
    assert.equal(query(r.url).get('x-oss-additional-headers'), 'cache-control;content-disposition;host');
    assert.match(r.steps.canonicalRequest!, /\nhost:examplebucket\.oss-cn-hangzhou\.aliyuncs\.com\n/);
    assert.ok(!Object.keys(r.headers).some((h) => h.toLowerCase() === 'host'));
  });
  it('S3: every chosen header and host in X-Amz-SignedHeaders (Content-Type too), nothing hoisted into the query', () => {
    const r = presignPut(s3);
    assert.deepEqual(r.headers, { ...chosen, 'x-amz-storage-class': 'STANDARD_IA', 'x-amz-meta-owner': 'ana' });
    assert.equal(
      query(r.url).get('X-Amz-SignedHeaders'),
      'cache-control;content-disposition;content-type;host;x-amz-meta-owner;x-amz-storage-class',
    );
    assert.deepEqual(
      [...query(r.url).keys()],
      ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'],
    );
  });
  it('OSS V1: can sign only Content-Type, Content-MD5 and x-oss-*: the others are returned but listed as unsigned', () => {
    const r = presignPut({ ...oss, signatureVersion: 'v1' });
    assert.deepEqual(r.signedHeaders, ['content-type', 'x-oss-meta-owner', 'x-oss-storage-class']);
    assert.equal(r.headers['Cache-Control'], 'max-age=60');
    assert.equal(
      r.steps.stringToSign,
      'PUT\n\ntext/plain; charset=utf-8\n1704165545\nx-oss-meta-owner:ana\nx-oss-storage-class:IA\n/examplebucket/dir/report 1.txt',
    );
  });
  it('metadata names become lower-case x-oss-meta-/x-amz-meta- headers; values are trimmed as sent', () => {
    assert.deepEqual(presignPut({ ...oss, headers: {}, metadata: { 'Mixed.Case_Name': '  v  ' } }).headers, {
      'x-oss-meta-mixed.case_name': 'v',
    });
    assert.deepEqual(presignPut({ ...s3, headers: {}, metadata: { Owner: 'ana' } }).headers, {
      'x-amz-meta-owner': 'ana',
    });
  });
});

describe('time', () => {
  it('signs at whole seconds (milliseconds dropped) and expiresAt = signing time + expiry', () => {
    for (const r of [presignPut(oss), presignPut(s3)])
      assert.equal(r.expiresAt.toISOString(), '2024-01-02T03:19:05.000Z');
    assert.equal(query(presignPut(oss).url).get('x-oss-date'), '20240102T030405Z');
    assert.equal(query(presignPut(s3).url).get('X-Amz-Date'), '20240102T030405Z');
  });
  it('OSS V1: Expires is absolute (unix seconds) and expiresAt matches it', () => {
    const r = presignPut({ ...oss, signatureVersion: 'v1' });
    assert.equal(query(r.url).get('Expires'), String(Date.UTC(2024, 0, 2, 3, 19, 5) / 1000));
    assert.equal(r.expiresAt.getTime(), Date.UTC(2024, 0, 2, 3, 19, 5));
  });
  it('without a date it signs now (read once, at the API edge)', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { date: _date, ...now } = s3;
    const r = presignPut(now);
    assert.ok(r.expiresAt.getTime() - 900_000 >= before && r.expiresAt.getTime() - 900_000 <= Date.now());
  });
  it('a Date passed in is not modified', () => {
    const date = new Date('2024-01-02T03:04:05.678Z');
    presignPut({ ...s3, date });
    assert.equal(date.toISOString(), '2024-01-02T03:04:05.678Z');
  });
});

describe('addressing (URL origin and path; the OSS canonical URI stays /bucket/key)', () => {
  const table: Array<[string, PresignPutOptions, string]> = [
    ['OSS virtual', oss, 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/dir/report%201.txt'],
    [
      'OSS path',
      { ...oss, addressing: 'path' },
      'https://oss-cn-hangzhou.aliyuncs.com/examplebucket/dir/report%201.txt',
    ],
    [
      'OSS custom domain',
      { ...oss, endpoint: 'https://cdn.example.com', region: 'cn-hangzhou', addressing: 'cname' },
      'https://cdn.example.com/dir/report%201.txt',
    ],
    [
      'OSS IP endpoint: path style',
      { ...oss, endpoint: 'http://10.0.0.1:8080', region: 'cn-hangzhou' },
      'http://10.0.0.1:8080/examplebucket/dir/report%201.txt',
    ],
    ['S3 virtual', s3, 'https://examplebucket.s3.eu-west-1.amazonaws.com/dir/report%201.txt'],
    [
      'S3 dotted bucket over https: path style',
      { ...s3, bucket: 'my.bucket' },
      'https://s3.eu-west-1.amazonaws.com/my.bucket/dir/report%201.txt',
    ],
    [
      'S3 dotted bucket over http: virtual',
      { ...s3, endpoint: 'http://minio.lan:9000', bucket: 'my.bucket' },
      'http://my.bucket.minio.lan:9000/dir/report%201.txt',
    ],
    [
      'S3 localhost: path style',
      { ...s3, endpoint: 'http://localhost:9000' },
      'http://localhost:9000/examplebucket/dir/report%201.txt',
    ],
    [
      'S3 default https port dropped',
      { ...s3, endpoint: 'https://s3.eu-west-1.amazonaws.com:443' },
      'https://examplebucket.s3.eu-west-1.amazonaws.com/dir/report%201.txt',
    ],
  ];
  for (const [what, options, prefix] of table) {
    it(what, () => {
      const r = presignPut(options);
      assert.ok(r.url.startsWith(prefix + '?'), r.url);
      if (options.provider === 'oss')
        assert.equal(
          r.steps.canonicalRequest!.split('\n')[1],
          '/examplebucket/dir/report%201.txt'.replace('examplebucket', options.bucket),
        );
      else assert.equal(r.steps.canonicalRequest!.split('\n')[1], new URL(r.url).pathname);
    });
  }
  it('S3 signs the Host the client will send (port kept when not the default)', () => {
    assert.match(
      presignPut({ ...s3, endpoint: 'http://127.0.0.1:7480', region: 'us-east-1' }).steps.canonicalRequest!,
      /\nhost:127\.0\.0\.1:7480\n/,
    );
  });
});

describe('STS tokens and secrets', () => {
  it('the token is a signed query parameter in each dialect', () => {
    const v4 = presignPut({ ...oss, securityToken: TOKEN });
    assert.equal(query(v4.url).get('x-oss-security-token'), TOKEN);
    assert.match(v4.steps.canonicalRequest!, /x-oss-security-token=STS.token%2Fwith%2Bchars%3D%3D/);
    const v1 = presignPut({ ...oss, signatureVersion: 'v1', securityToken: TOKEN });
    assert.equal(query(v1.url).get('security-token'), TOKEN);
    assert.ok(v1.steps.stringToSign.endsWith(`?security-token=${TOKEN}`));
    const sig = presignPut({ ...s3, securityToken: TOKEN });
    assert.equal(query(sig.url).get('X-Amz-Security-Token'), TOKEN);
    assert.match(sig.steps.canonicalRequest!, /X-Amz-Security-Token=STS.token%2Fwith%2Bchars%3D%3D/);
  });
  it('an empty token is no token', () =>
    assert.equal(query(presignPut({ ...s3, securityToken: '' }).url).has('X-Amz-Security-Token'), false));
  it('the secret appears nowhere in the result', () => {
    for (const options of [oss, s3, { ...oss, signatureVersion: 'v1' as const }]) {
      const r = presignPut({ ...options, securityToken: TOKEN });
      assert.ok(!JSON.stringify(r).includes(SECRET));
      assert.ok(!decodeURIComponent(r.url).includes(SECRET));
    }
  });
  it('the steps match the URL: the returned signature is the one in the URL', () => {
    assert.equal(query(presignPut(oss).url).get('x-oss-signature'), presignPut(oss).steps.signature);
    assert.equal(query(presignPut(s3).url).get('X-Amz-Signature'), presignPut(s3).steps.signature);
    assert.equal(
      query(presignPut({ ...oss, signatureVersion: 'v1' }).url).get('Signature'),
      presignPut({ ...oss, signatureVersion: 'v1' }).steps.signature,
    );
  });
});
