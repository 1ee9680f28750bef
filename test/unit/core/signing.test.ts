// The signing rules one by one (../shared/reference/signing-spec.md), as a spec table over the exported steps.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import {
  canonicalQuery,
  ossV1CanonicalizedResource,
  parsePresignedUrl,
  presignPut,
  ossV4CanonicalUri,
  ossV4SigningKey,
  ossV4Signature,
  signOssV1Query,
  signOssV4Header,
  signOssV4Query,
  signSigV4Query,
  sigV4SigningKey,
  sigV4Signature,
  toAmzDate,
  uriEncode,
} from '../../../src/core/index';
import { DIALECTS } from '../../../src/core/signing/dialect';

const DATE = new Date('2024-03-09T17:30:05Z');
const ossBase = {
  method: 'PUT',
  bucket: 'examplebucket',
  key: 'a.txt',
  region: 'cn-hangzhou',
  accessKeyId: 'id',
  accessKeySecret: 'sk',
  date: DATE,
  expiresSeconds: 900,
};
const s3Base = {
  method: 'PUT',
  path: '/examplebucket/a.txt',
  host: 's3.amazonaws.com',
  region: 'us-east-1',
  accessKeyId: 'id',
  secretAccessKey: 'sk',
  date: DATE,
  expiresSeconds: 900,
};
const line = (canonicalRequest: string, n: number) => canonicalRequest.split('\n')[n - 1];

describe('UriEncode (RFC 3986, UTF-8 bytes, upper-case hex)', () => {
  const table: Array<[string, string, string]> = [
    ['a space is %20, never +', 'a b', 'a%20b'],
    ['+ is %2B', 'a+b', 'a%2Bb'],
    ['* is %2A', 'a*b', 'a%2Ab'],
    ["!'() are escaped", "!'()", '%21%27%28%29'],
    ['unreserved - . _ ~ stay', 'A-z.0_9~', 'A-z.0_9~'],
    ['% is %25', '100%', '100%25'],
    ['? # & = are escaped', '?#&=', '%3F%23%26%3D'],
    ['unicode is its UTF-8 bytes', 'ü名😀', '%C3%BC%E5%90%8D%F0%9F%98%80'],
    ['/ is %2F without keepSlash', 'a/b', 'a%2Fb'],
    ['the empty string stays empty', '', ''],
  ];
  for (const [rule, input, expected] of table) it(rule, () => assert.equal(uriEncode(input), expected));
  it('keepSlash keeps / (and // and a trailing /)', () => assert.equal(uriEncode('/a//b c/', true), '/a//b%20c/'));
});

describe('timestamps', () => {
  it('formats yyyymmddTHHMMSSZ in UTC', () =>
    assert.equal(toAmzDate(new Date('2024-03-10T01:30:00+08:00')), '20240309T173000Z'));
  it('truncates milliseconds instead of rounding', () =>
    assert.equal(toAmzDate(new Date('2023-12-16T16:20:57.999Z')), '20231216T162057Z'));
  it('gives each date its own value when dates alternate', () => {
    const a = new Date('2020-01-01T00:00:00Z');
    const b = new Date('2021-06-15T12:34:56Z');
    assert.deepEqual(
      [toAmzDate(a), toAmzDate(b), toAmzDate(a)],
      ['20200101T000000Z', '20210615T123456Z', '20200101T000000Z'],
    );
  });
  it('the scope date is the UTC day of the signing time', () => {
    const signed = signOssV4Query({ ...ossBase, date: new Date('2024-03-10T01:30:00+08:00') });
    assert.equal(new Map(signed.query).get('x-oss-credential'), 'id/20240309/cn-hangzhou/oss/aliyun_v4_request');
  });
});

describe('canonical query', () => {
  it('sorts by encoded name: %XX before digits before upper before lower case', () => {
    assert.equal(
      canonicalQuery(
        [
          ['b', '1'],
          ['B', '2'],
          ['+', '3'],
          ['1', '4'],
        ],
        false,
      ),
      '%2B=3&1=4&B=2&b=1',
    );
  });
  it('sorts equal names by value', () =>
    assert.equal(
      canonicalQuery(
        [
          ['a', 'z'],
          ['a', 'b'],
        ],
        false,
      ),
      'a=b&a=z',
    ));
  it('renders empty OSS query values as a bare key, S3 ones as key=', () => {
    assert.equal(
      canonicalQuery(
        [
          ['uploads', ''],
          ['a', 'b'],
        ],
        true,
      ),
      'a=b&uploads',
    );
    assert.equal(
      canonicalQuery(
        [
          ['uploads', ''],
          ['a', 'b'],
        ],
        false,
      ),
      'a=b&uploads=',
    );
  });
  it('encodes names and values (a / in the credential is %2F)', () =>
    assert.equal(canonicalQuery([['x', 'a/b c']], true), 'x=a%2Fb%20c'));
});

describe('OSS V4 rules', () => {
  it('the canonical URI is always /bucket/key, whatever the URL style', () => {
    assert.equal(ossV4CanonicalUri('b', 'dir/a b+c.txt'), '/b/dir/a%20b%2Bc.txt');
    assert.equal(ossV4CanonicalUri('b', 'a//b/'), '/b/a//b/');
    assert.equal(ossV4CanonicalUri('b'), '/b/');
    assert.equal(ossV4CanonicalUri(), '/');
  });
  it('signs content-type, content-md5 and x-oss-* when present, and nothing else by default (not host)', () => {
    const signed = signOssV4Query({
      ...ossBase,
      headers: {
        'Content-Type': 'text/plain',
        'Content-MD5': 'abc==',
        'x-oss-meta-a': 'b',
        'Cache-Control': 'no-cache',
        Host: 'h',
      },
    });
    assert.deepEqual(signed.signedHeaders, ['content-md5', 'content-type', 'x-oss-meta-a']);
    assert.equal(line(signed.canonicalRequest, 4), 'content-md5:abc==');
    assert.equal(line(signed.canonicalRequest, 8), '', 'no additional headers');
  });
  it('additional headers: lower-cased, de-duplicated, sorted; default-signed and absent names dropped', () => {
    const signed = signOssV4Query({
      ...ossBase,
      headers: { 'Cache-Control': 'no-cache', host: 'h', 'x-oss-meta-a': 'b' },
      additionalHeaders: ['Host', 'cache-control', 'HOST', 'x-oss-meta-a', 'content-type', 'absent'],
    });
    assert.deepEqual(signed.additionalHeaders, ['cache-control', 'host']);
    assert.equal(new Map(signed.query).get('x-oss-additional-headers'), 'cache-control;host');
    assert.deepEqual(signed.signedHeaders, ['cache-control', 'host', 'x-oss-meta-a']);
    assert.equal(line(signed.canonicalRequest, 8), 'cache-control;host');
  });
  it('trims header values at both ends only (inner runs of spaces stay, unlike SigV4)', () => {
    const signed = signOssV4Query({ ...ossBase, headers: { 'x-oss-meta-a': '  a   b  ' } });
    assert.equal(line(signed.canonicalRequest, 4), 'x-oss-meta-a:a   b');
  });
  it('uses x-oss-content-sha256 as the payload line, UNSIGNED-PAYLOAD otherwise', () => {
    assert.equal(signOssV4Query(ossBase).canonicalRequest.split('\n').at(-1), 'UNSIGNED-PAYLOAD');
    const hash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    assert.equal(
      signOssV4Header({ ...ossBase, headers: { 'x-oss-content-sha256': hash } })
        .canonicalRequest.split('\n')
        .at(-1),
      hash,
    );
  });
  it('puts x-oss-security-token in the canonical query (signed) and x-oss-signature last, outside it', () => {
    const signed = signOssV4Query({ ...ossBase, securityToken: 'tok/en+' });
    assert.match(
      line(signed.canonicalRequest, 3)!,
      /&x-oss-security-token=tok%2Fen%2B&x-oss-signature-version=OSS4-HMAC-SHA256$/,
    );
    assert.deepEqual(signed.query.at(-1), ['x-oss-signature', signed.signature]);
  });
  it('x-oss-expires is the validity in seconds, not an epoch', () =>
    assert.equal(new Map(signOssV4Query({ ...ossBase, expiresSeconds: 604800 }).query).get('x-oss-expires'), '604800'));
  it('the signing key is HMAC("aliyun_v4"+secret, day) -> region -> product -> aliyun_v4_request, per product', () => {
    const h = (k: string | Buffer, m: string) => createHmac('sha256', k).update(m).digest();
    const expected = h(h(h(h('aliyun_v4sk', '20240309'), 'cb-1'), 'oss-cloudbox'), 'aliyun_v4_request');
    assert.deepEqual(Buffer.from(ossV4SigningKey('sk', DATE, 'cb-1', 'oss-cloudbox')), expected);
    assert.notDeepEqual(Buffer.from(ossV4SigningKey('sk', DATE, 'cb-1')), expected, 'product is part of the key');
  });
});

describe('SigV4 (S3) rules', () => {
  it('always signs host, listed first in sorted order with the chosen headers', () => {
    const signed = signSigV4Query({ ...s3Base, headers: { 'X-Amz-Meta-A': 'b', 'Content-Type': 'text/plain' } });
    assert.deepEqual(signed.signedHeaders, ['content-type', 'host', 'x-amz-meta-a']);
    assert.equal(new Map(signed.query).get('X-Amz-SignedHeaders'), 'content-type;host;x-amz-meta-a');
  });
  it('canonical header values: CR/LF to space, runs of blanks collapsed, trimmed', () => {
    const signed = signSigV4Query({ ...s3Base, headers: { 'x-amz-meta-a': '  a \t  b\r\n c ' } });
    assert.match(signed.canonicalRequest, /\nx-amz-meta-a:a b c\n/);
  });
  it('signs the path exactly as given: no normalisation, no second encoding', () => {
    assert.equal(
      line(signSigV4Query({ ...s3Base, path: '/b/a/./x/../%2520//' }).canonicalRequest, 2),
      '/b/a/./x/../%2520//',
    );
  });
  it('payload is UNSIGNED-PAYLOAD; X-Amz-Security-Token is in the canonical query; X-Amz-Signature is not', () => {
    const signed = signSigV4Query({ ...s3Base, sessionToken: 'tok/en+=' });
    assert.equal(signed.canonicalRequest.split('\n').at(-1), 'UNSIGNED-PAYLOAD');
    assert.match(line(signed.canonicalRequest, 3)!, /&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-SignedHeaders=host$/);
    assert.ok(!signed.canonicalRequest.includes('X-Amz-Signature'));
    assert.deepEqual(signed.query.at(-1), ['X-Amz-Signature', signed.signature]);
  });
  it('an x-amz-content-sha256 header (any case) is the payload hash, as botocore signs it and S3 verifies it', () => {
    const hash = createHash('sha256').update('hello').digest('hex');
    for (const name of ['x-amz-content-sha256', 'X-Amz-Content-SHA256']) {
      const signed = signSigV4Query({ ...s3Base, headers: { [name]: hash } });
      assert.equal(signed.canonicalRequest.split('\n').at(-1), hash);
      assert.match(signed.canonicalRequest, new RegExp(`\nx-amz-content-sha256:${hash}\n`));
    }
    const presigned = presignPut({
      provider: 's3',
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      accessKeyId: 'id',
      accessKeySecret: 'sk',
      bucket: 'examplebucket',
      key: 'a.txt',
      expiresSeconds: 900,
      date: DATE,
      headers: { 'Content-Type': 'text/plain', 'X-Amz-Content-Sha256': hash },
    });
    assert.equal(presigned.steps.canonicalRequest!.split('\n').at(-1), hash);
  });
  it('the verifier side (doctor) takes the payload hash from the same header', () => {
    const hash = createHash('sha256').update('hello').digest('hex');
    const r = presignPut({
      provider: 's3',
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      accessKeyId: 'id',
      accessKeySecret: 'sk',
      bucket: 'examplebucket',
      key: 'a.txt',
      expiresSeconds: 900,
      date: DATE,
      headers: { 'x-amz-content-sha256': hash },
    });
    const p = parsePresignedUrl(r.url);
    const signer = DIALECTS['s3-v4'];
    const received = {
      method: 'PUT',
      rawPath: p.rawPath,
      host: p.url.host,
      params: p.params,
      param: p.get,
      headers: signer.canonicalHeaders({ ...r.headers, Host: p.url.host }),
    };
    assert.equal(signer.rebuild(received), r.steps.canonicalRequest);
  });
});

describe('OSS V1 rules', () => {
  it('the canonicalized resource has the raw key and sorted sub-resources (bare when empty)', () => {
    assert.equal(
      ossV1CanonicalizedResource('b', 'a b+ü.txt', [
        ['uploadId', 'x'],
        ['acl', ''],
      ]),
      '/b/a b+ü.txt?acl&uploadId=x',
    );
    assert.equal(ossV1CanonicalizedResource('b', undefined, []), '/b/');
  });
  it('Expires is absolute; the STS token is a signed sub-resource and a URL param', () => {
    const signed = signOssV1Query({
      method: 'PUT',
      bucket: 'b',
      key: 'k',
      accessKeyId: 'id',
      accessKeySecret: 'sk',
      securityToken: 't+1',
      headers: { 'Content-Type': 'text/plain', 'x-oss-meta-a': ' b ' },
      expiresUnix: 1700000000,
    });
    assert.equal(signed.stringToSign, 'PUT\n\ntext/plain\n1700000000\nx-oss-meta-a:b\n/b/k?security-token=t+1');
    assert.equal(signed.signature, createHmac('sha1', 'sk').update(signed.stringToSign).digest('base64'));
    assert.deepEqual(
      signed.query.map(([k]) => k),
      ['OSSAccessKeyId', 'Expires', 'Signature', 'security-token'],
    );
  });
});

describe('signing keys and the prepared HMAC state', () => {
  it('caches per (secret, day, region, service) and stays right past the cache capacity', () => {
    const h = (k: string | Buffer, m: string) => createHmac('sha256', k).update(m).digest();
    const expected = (secret: string) => h(h(h(h('AWS4' + secret, '20240309'), 'us-east-1'), 's3'), 'aws4_request');
    for (let i = 0; i < 100; i++)
      assert.deepEqual(Buffer.from(sigV4SigningKey(`secret-${i}`, DATE, 'us-east-1')), expected(`secret-${i}`));
    assert.deepEqual(Buffer.from(sigV4SigningKey('secret-0', DATE, 'us-east-1')), expected('secret-0'));
    assert.notDeepEqual(Buffer.from(sigV4SigningKey('secret-0', DATE, 'eu-west-1')), expected('secret-0'));
  });
  it('signing many messages with one key gives the plain HMAC of each (the prepared state is cloned, not consumed)', () => {
    const key = sigV4SigningKey('sk', DATE, 'us-east-1');
    for (const message of ['a', 'b', 'a', 'x'.repeat(200), '']) {
      const plain = createHmac('sha256', Buffer.from(key)).update(message).digest('hex');
      assert.equal(sigV4Signature(key, message), plain);
      assert.equal(ossV4Signature(key, message), plain);
    }
  });
});
