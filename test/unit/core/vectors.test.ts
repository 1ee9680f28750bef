// The official signing vectors (test/unit/fixtures/vectors/, copied from ../shared/reference/vectors/) run through the
// core's exported step functions. Every stage is asserted, not only the final signature: where a fixture gives only
// the signature, the intermediate steps are checked against node:crypto (an independent HMAC/SHA implementation) and
// the final value against the official one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ossV1StringToSign,
  ossV4CanonicalUri,
  ossV4Scope,
  ossV4SigningKey,
  ossV4StringToSign,
  presignPut,
  signOssV1Header,
  signOssV1Query,
  signOssV4Header,
  signOssV4Query,
  signSigV4Header,
  signSigV4Query,
  sigV4CanonicalRequest,
  sigV4Scope,
  sigV4Signature,
  sigV4SigningKey,
  sigV4StringToSign,
  toAmzDate,
} from '../../../src/core/index';

// Compiled to out/test/unit/<dir>/: the repository root is three levels up.
const FIXTURES = join(resolve(__dirname, '../../../..'), 'test/unit/fixtures/vectors');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg, 'utf8').digest();
const chain = (seed: string, day: string, region: string, service: string, terminator: string) =>
  hmac(hmac(hmac(hmac(seed, day), region), service), terminator);

// ------------------------------------------------------------------------------------------------ OSS Go SDK

type Pair = [string, string];
interface OssVector {
  id: string;
  algorithm: string;
  auth: 'header' | 'query';
  input: {
    method: string;
    endpoint?: string;
    bucket: string;
    key: string | null;
    region?: string;
    product?: string;
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
    signTime?: string;
    expiresSeconds?: number;
    expiresUnix?: number;
    headers?: Pair[];
    query?: Pair[];
    additionalHeaders?: string[];
    subResource?: string;
    date?: string;
  };
  expected: Record<string, string>;
}

const oss = load<{ vectors: OssVector[] }>('oss-go-sdk-vectors.json').vectors;
const ossV4 = oss.filter((v) => v.algorithm === 'OSS4-HMAC-SHA256');
const ossV1 = oss.filter((v) => v.algorithm !== 'OSS4-HMAC-SHA256');

/**
 * Canonical requests written out by hand from the spec (signing-spec.md 1.2) for three vectors. The official
 * signature of each vector confirms the text: a single differing byte would change it.
 */
const OSS_QUERY = '%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2';
const HAND_WRITTEN_CANONICAL: Record<string, string> = {
  'oss4-header-basic': [
    'PUT',
    '/bucket/1234%2B-/123/1.txt',
    OSS_QUERY,
    'content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n',
    '',
    'UNSIGNED-PAYLOAD',
  ].join('\n'),
  'oss4-query-basic': [
    'PUT',
    '/bucket/1234%2B-/123/1.txt',
    OSS_QUERY +
      '&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T025437Z&x-oss-expires=599' +
      '&x-oss-signature-version=OSS4-HMAC-SHA256',
    'content-type:application/octet-stream\nx-oss-head1:value\n',
    '',
    'UNSIGNED-PAYLOAD',
  ].join('\n'),
  'oss4-query-additional': [
    'PUT',
    '/bucket/1234%2B-/123/1.txt',
    OSS_QUERY +
      '&x-oss-additional-headers=abc%3Bzabc&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request' +
      '&x-oss-date=20231217T033009Z&x-oss-expires=599&x-oss-signature-version=OSS4-HMAC-SHA256',
    'abc:value\ncontent-type:application/octet-stream\nx-oss-head1:value\nzabc:value\n',
    'abc;zabc',
    'UNSIGNED-PAYLOAD',
  ].join('\n'),
};

function ossV4Common(v: OssVector) {
  const i = v.input;
  return {
    method: i.method,
    bucket: i.bucket,
    ...(i.key ? { key: i.key } : {}),
    region: i.region!,
    product: i.product!,
    accessKeyId: i.accessKeyId,
    accessKeySecret: i.accessKeySecret,
    securityToken: i.securityToken,
    date: new Date(i.signTime!),
    headers: Object.fromEntries(i.headers ?? []),
    query: i.query ?? [],
    additionalHeaders: i.additionalHeaders ?? [],
  };
}

/** The stages every OSS V4 vector shares: scope, string to sign, signing key and signature against node:crypto. */
function assertOssV4Stages(v: OssVector, steps: { canonicalRequest: string; stringToSign: string; signature: string }) {
  const i = v.input;
  const date = new Date(i.signTime!);
  const day = toAmzDate(date).slice(0, 8);
  const scope = `${day}/${i.region}/${i.product}/aliyun_v4_request`;
  assert.equal(ossV4Scope(date, i.region!, i.product), scope, 'scope');
  assert.ok(
    steps.canonicalRequest.startsWith(`${i.method}\n${ossV4CanonicalUri(i.bucket, i.key ?? undefined)}\n`),
    'canonical request lines 1-2',
  );
  assert.equal(
    steps.stringToSign,
    `OSS4-HMAC-SHA256\n${toAmzDate(date)}\n${scope}\n${sha256(steps.canonicalRequest)}`,
    'string to sign',
  );
  assert.equal(ossV4StringToSign(date, scope, steps.canonicalRequest), steps.stringToSign, 'ossV4StringToSign');
  const key = chain('aliyun_v4' + i.accessKeySecret, day, i.region!, i.product!, 'aliyun_v4_request');
  assert.deepEqual(Buffer.from(ossV4SigningKey(i.accessKeySecret, date, i.region!, i.product)), key, 'signing key');
  assert.equal(
    steps.signature,
    createHmac('sha256', key).update(steps.stringToSign).digest('hex'),
    'signature from the key',
  );
  const hand = HAND_WRITTEN_CANONICAL[v.id];
  if (hand) assert.equal(steps.canonicalRequest, hand, 'canonical request (written out from the spec)');
}

describe('OSS V4 vectors (alibabacloud-oss-go-sdk-v2 signer_test.go, aliyun-oss-go-sdk conn_test.go)', () => {
  for (const v of ossV4.filter((x) => x.auth === 'header')) {
    it(`${v.id}: Authorization header, each stage`, () => {
      // The vectors already carry the x-oss-date and x-oss-content-sha256 headers the Go signer adds.
      const signed = signOssV4Header(ossV4Common(v));
      assertOssV4Stages(v, signed);
      assert.equal(signed.headers.authorization, v.expected.authorization);
    });
  }
  for (const v of ossV4.filter((x) => x.auth === 'query')) {
    it(`${v.id}: presigned query, each stage`, () => {
      const signed = signOssV4Query({ ...ossV4Common(v), expiresSeconds: v.input.expiresSeconds! });
      assertOssV4Stages(v, signed);
      const q = new Map(signed.query);
      for (const name of [
        'x-oss-signature-version',
        'x-oss-date',
        'x-oss-expires',
        'x-oss-credential',
        'x-oss-security-token',
        'x-oss-additional-headers',
      ]) {
        assert.equal(q.get(name), v.expected[name], name);
      }
      assert.equal(q.get('x-oss-signature'), v.expected['x-oss-signature']);
      assert.equal(
        signed.query.at(-1)?.[0],
        'x-oss-signature',
        'the signature is appended last, outside the canonical query',
      );
      assert.ok(!signed.canonicalRequest.includes('x-oss-signature='), 'x-oss-signature is not in the canonical query');
    });
  }
  it('oss4-query-additional: listing x-oss-*, absent and mixed-case names gives the same list and signature', () => {
    const v = ossV4.find((x) => x.id === 'oss4-query-additional')!;
    const a = signOssV4Query({ ...ossV4Common(v), expiresSeconds: 599 });
    const b = signOssV4Query({
      ...ossV4Common(v),
      additionalHeaders: ['x-oss-no-exist', 'abc', 'x-oss-head1', 'ZAbc', 'content-type'],
      expiresSeconds: 599,
    });
    assert.deepEqual(b.additionalHeaders, ['abc', 'zabc']);
    assert.equal(b.signature, a.signature);
    assert.equal(a.signature, v.expected['x-oss-signature']);
  });
  it('oss4-query-basic through presignPut: the x-oss-* params and the signature match the Go SDK URL', () => {
    // presignPut signs only the headers it returns, so give it exactly the vector's signed headers (the Go test
    // also sends abc/ZAbc/XYZ, which OSS V4 does not sign by default) and no user query (a PUT has none).
    const v = ossV4.find((x) => x.id === 'oss4-query-basic')!;
    const r = presignPut({
      provider: 'oss',
      endpoint: v.input.endpoint!,
      bucket: v.input.bucket,
      key: v.input.key!,
      accessKeyId: 'ak',
      accessKeySecret: 'sk',
      expiresSeconds: 599,
      date: v.input.signTime!,
      headers: { 'content-type': 'application/octet-stream', 'x-oss-head1': 'value' },
    });
    const url = new URL(r.url);
    assert.equal(url.origin, 'http://bucket.oss-cn-hangzhou.aliyuncs.com');
    assert.equal(url.pathname, '/1234%2B-/123/1.txt');
    assert.equal(url.searchParams.get('x-oss-credential'), v.expected['x-oss-credential']);
    assert.equal(url.searchParams.get('x-oss-date'), v.expected['x-oss-date']);
    assert.equal(
      r.steps.canonicalRequest,
      HAND_WRITTEN_CANONICAL['oss4-query-basic']!.replace(OSS_QUERY + '&', ''),
      'same canonical request minus the user query',
    );
  });
});

describe('OSS V1 vectors (aliyun-oss-go-sdk conn_test.go TestAuthV1*)', () => {
  const subResources = (s: string | undefined): Pair[] => (s ? s.split('&').map((p) => [p, ''] as Pair) : []);
  for (const v of ossV1.filter((x) => x.auth === 'header')) {
    it(`${v.id}: string to sign, then Authorization`, () => {
      const i = v.input;
      const input = {
        method: i.method,
        bucket: i.bucket,
        ...(i.key ? { key: i.key } : {}),
        accessKeyId: i.accessKeyId,
        accessKeySecret: i.accessKeySecret,
        headers: Object.fromEntries(i.headers ?? []),
        subResources: subResources(i.subResource),
      };
      assert.equal(ossV1StringToSign(input, i.date!).stringToSign, v.expected.stringToSign);
      const signed = signOssV1Header({ ...input, date: i.date! });
      assert.equal(signed.stringToSign, v.expected.stringToSign);
      assert.equal(
        signed.signature,
        createHmac('sha1', i.accessKeySecret).update(signed.stringToSign).digest('base64'),
        'HMAC-SHA1, Base64',
      );
      assert.equal(signed.headers.authorization, v.expected.authorization);
    });
  }
  for (const v of ossV1.filter((x) => x.auth === 'query')) {
    it(`${v.id}: string to sign with the absolute Expires, Signature and URL params`, () => {
      const i = v.input;
      const signed = signOssV1Query({
        method: i.method,
        bucket: i.bucket,
        key: i.key!,
        accessKeyId: i.accessKeyId,
        accessKeySecret: i.accessKeySecret,
        securityToken: i.securityToken,
        subResources: i.query ?? [],
        expiresUnix: i.expiresUnix!,
      });
      assert.equal(signed.stringToSign, v.expected.stringToSign);
      assert.equal(signed.signature, v.expected.Signature);
      // The Go URL carries the same params (its order is sorted; ours is not signed, so it does not matter).
      const expected = new URL(v.expected.url!).searchParams;
      const q = new Map(signed.query);
      for (const name of ['OSSAccessKeyId', 'Expires', 'Signature', 'security-token'])
        assert.equal(q.get(name) ?? null, expected.get(name), name);
    });
  }
});

// --------------------------------------------------------------------------------------------- AWS SigV4 suite

interface SuiteForm {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedRequest: string;
}
interface SuiteCase {
  name: string;
  context: {
    credentials: { access_key_id: string; secret_access_key: string; token?: string };
    expiration_in_seconds: number;
    normalize: boolean;
    region: string;
    service: string;
    sign_body: boolean;
    timestamp: string;
    omit_session_token?: boolean;
  };
  request: string;
  header: SuiteForm;
  query: SuiteForm;
}

/**
 * Parses the suite's raw HTTP request text: request line, headers (a line starting with blanks continues the previous
 * header, obs-fold), blank line, body. A header repeated with the same name is given to the core under a differently
 * cased name, because a Record cannot hold duplicates and the core must join case-insensitive repeats with ','.
 */
function parseRequest(text: string) {
  const [head = '', body = ''] = text.split('\n\n');
  const lines = head.split('\n').filter((l) => l !== '');
  const m = /^(\S+) (.*) HTTP\/1\.1$/.exec(lines.shift() ?? '');
  assert.ok(m, 'request line');
  const [, method, target] = m;
  const q = target.indexOf('?');
  const rawQuery = q < 0 ? '' : target.slice(q + 1);
  const query: Pair[] =
    rawQuery === ''
      ? []
      : rawQuery.split('&').map((p) => {
          const [k = '', val = ''] = p.split('=');
          return [decodeURIComponent(k), decodeURIComponent(val)];
        });
  const fields: Pair[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) fields[fields.length - 1]![1] += '\n' + line;
    else {
      const c = line.indexOf(':');
      fields.push([line.slice(0, c), line.slice(c + 1)]);
    }
  }
  let host = '';
  const headers: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (name.toLowerCase() === 'host') {
      host = value.trim();
      continue;
    }
    let n = name;
    for (let i = 0; n in headers; i++) n = name.slice(0, i).toUpperCase() + name.slice(i).toLowerCase();
    headers[n] = value;
  }
  return { method, query, host, headers, body };
}

const suite = load<{ cases: SuiteCase[] }>('aws-sigv4-signing-test-suite.json').cases;

describe('AWS SigV4 test suite (aws-c-auth v4, non-S3 profile: service "service", payload = SHA-256 of the body)', () => {
  assert.equal(suite.length, 38);
  for (const c of suite) {
    const ctx = c.context;
    const date = new Date(ctx.timestamp);
    // Path normalisation and double encoding are the non-S3 signer's job (S3 signs the path as sent): take the
    // canonical path the suite expects and check that the core signs it verbatim.
    const path = c.query.canonicalRequest.split('\n')[1]!;
    const creds = { accessKeyId: ctx.credentials.access_key_id, secretAccessKey: ctx.credentials.secret_access_key };
    // omit_session_token: the token is added after signing, unsigned (post-sts-header-after).
    const token = ctx.credentials.token && !ctx.omit_session_token ? { sessionToken: ctx.credentials.token } : {};

    describe(c.name, () => {
      const req = parseRequest(c.request);
      const payloadHash = sha256(req.body);
      const base = {
        method: req.method,
        path,
        host: req.host,
        region: ctx.region,
        service: ctx.service,
        ...creds,
        ...token,
        date,
        headers: req.headers,
        query: req.query,
        payloadHash,
      };

      it('query form: canonical request, string to sign, signature, URL params', () => {
        const signed = signSigV4Query({ ...base, expiresSeconds: ctx.expiration_in_seconds });
        assert.equal(signed.canonicalRequest, c.query.canonicalRequest);
        assert.equal(signed.stringToSign, c.query.stringToSign);
        assert.equal(signed.signature, c.query.signature);
        const target = c.query.signedRequest.split('\n')[0]!.replace(/ HTTP\/1\.1$/, '');
        const sent = new URLSearchParams(target.slice(target.indexOf('?') + 1));
        if (ctx.omit_session_token) sent.delete('X-Amz-Security-Token');
        const ours = new URLSearchParams(signed.query);
        assert.deepEqual([...ours].sort(), [...sent].sort(), 'the signed request carries exactly these params');
      });

      it('header form: canonical request (plus the x-amz-content-sha256 line S3 requires), string to sign, signature', () => {
        const signed = signSigV4Header(base);
        const expected = c.header.canonicalRequest;
        if (ctx.sign_body) {
          // sign_body: the suite signs x-amz-content-sha256 too, exactly as the S3 flavour always does.
          assert.equal(signed.canonicalRequest, expected);
          assert.equal(signed.stringToSign, c.header.stringToSign);
          assert.equal(signed.signature, c.header.signature);
        } else {
          // The suite's non-S3 profile does not send x-amz-content-sha256; the S3 signer always signs it. So the core's
          // canonical request is the suite's plus that one header line and signed-header name, nothing else.
          const lines = expected.split('\n');
          const blank = lines.indexOf('', 3);
          const headerLines = [...lines.slice(3, blank), `x-amz-content-sha256:${payloadHash}`].sort();
          const names = [...lines[blank + 1]!.split(';'), 'x-amz-content-sha256'].sort().join(';');
          assert.equal(
            signed.canonicalRequest,
            [...lines.slice(0, 3), ...headerLines, '', names, lines[blank + 2]].join('\n'),
          );
          assert.equal(signed.headers['x-amz-content-sha256'], payloadHash);
        }
        // String to sign and signature over the suite's own canonical request, through the exported steps.
        const scope = sigV4Scope(date, ctx.region, ctx.service);
        assert.equal(scope, `20150830/${ctx.region}/${ctx.service}/aws4_request`);
        const sts = sigV4StringToSign(date, scope, expected);
        assert.equal(sts, c.header.stringToSign);
        const key = sigV4SigningKey(ctx.credentials.secret_access_key, date, ctx.region, ctx.service);
        assert.deepEqual(
          Buffer.from(key),
          chain('AWS4' + ctx.credentials.secret_access_key, '20150830', ctx.region, ctx.service, 'aws4_request'),
        );
        assert.equal(sigV4Signature(key, sts), c.header.signature);
        assert.match(c.header.signedRequest, new RegExp(`Signature=${c.header.signature}`));
      });
    });
  }

  it('sigV4CanonicalRequest lays out METHOD, URI, query, header lines, blank, signed names, payload', () => {
    const { canonicalRequest, signedHeaders } = sigV4CanonicalRequest({
      method: 'get',
      path: '/',
      canonicalQuery: 'a=b',
      headers: new Map([
        ['x-amz-date', 'D'],
        ['host', 'h'],
      ]),
      payloadHash: 'P',
    });
    assert.deepEqual(signedHeaders, ['host', 'x-amz-date']);
    assert.equal(canonicalRequest, 'GET\n/\na=b\nhost:h\nx-amz-date:D\n\nhost;x-amz-date\nP');
  });

  it('signing key of the AWS docs example (secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam)', () => {
    const key = sigV4SigningKey(
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      new Date('2012-02-15T12:00:00Z'),
      'us-east-1',
      'iam',
    );
    assert.equal(Buffer.from(key).toString('hex'), 'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });
});

// ------------------------------------------------------------------------------------ AWS S3 doc + smithy presign

interface S3Vector {
  id: string;
  input: {
    accessKeyId: string;
    secretAccessKey: string;
    region: string;
    service: string;
    signingDate: string;
    expiresIn: number;
    method: string;
    host: string;
    path: string;
    uriEscapePath: boolean;
    headers?: Record<string, string>;
  };
  expected: Record<string, string>;
}
const s3 = load<{ vectors: S3Vector[] }>('aws-s3-presign-vectors.json').vectors;
const s3Vector = (id: string) => s3.find((v) => v.id === id)!;

describe('AWS S3 presign vectors', () => {
  it('aws-s3-docs-presigned-get: canonical request, string to sign, signature aeeed9bb…, URL', () => {
    const v = s3Vector('aws-s3-docs-presigned-get');
    const i = v.input;
    const signed = signSigV4Query({
      method: i.method,
      path: i.path,
      host: i.host,
      region: i.region,
      accessKeyId: i.accessKeyId,
      secretAccessKey: i.secretAccessKey,
      date: new Date(i.signingDate),
      expiresSeconds: i.expiresIn,
    });
    assert.equal(signed.canonicalRequest, v.expected.canonicalRequest);
    assert.equal(signed.stringToSign, v.expected.stringToSign);
    assert.equal(signed.signature, v.expected['X-Amz-Signature']);
    const expected = new URL(v.expected.url!);
    assert.deepEqual([...new URLSearchParams(signed.query)].sort(), [...expected.searchParams].sort());
  });

  // smithy's default signer normalises and URI-encodes the path again; the S3 flavour signs the path as sent. The core
  // is the S3 flavour, so these cases pass it the canonical path the non-S3 signer computes (/foo%253Dbar).
  const smithy: Array<[string, string, Pair[], string]> = [
    ['smithy-presign-minimal', '/', [], sha256('')],
    ['smithy-presign-unhoisted-header', '/', [], sha256('')],
    ['smithy-presign-path-double-encoded', '/foo%253Dbar', [], sha256('')],
    ['smithy-presign-path-relative-normalized (/abc/../foo%3Dbar normalised first)', '/foo%253Dbar', [], sha256('')],
    ['smithy-presign-path-double-slash-normalized (//foo%3Dbar normalised first)', '/foo%253Dbar', [], sha256('')],
    // S3 style: the path verbatim; X-Amz-Content-Sha256 is hoisted into the query (signed there) and is the payload hash.
    [
      'smithy-presign-s3-style-no-double-encoding',
      '/foo/bar/baz',
      [['X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD']],
      'UNSIGNED-PAYLOAD',
    ],
  ];
  for (const [title, path, query, payloadHash] of smithy) {
    it(`${title}: signature`, () => {
      const v = s3Vector(title.split(' ')[0]!);
      const i = v.input;
      const headers = Object.fromEntries(
        Object.entries(i.headers ?? {}).filter(([n]) => n.toLowerCase() !== 'x-amz-content-sha256'),
      );
      const signed = signSigV4Query({
        method: i.method,
        path,
        host: i.host,
        region: i.region,
        service: i.service,
        accessKeyId: i.accessKeyId,
        secretAccessKey: i.secretAccessKey,
        date: new Date(i.signingDate),
        expiresSeconds: i.expiresIn,
        headers,
        query,
        payloadHash,
      });
      const q = new Map(signed.query);
      for (const name of ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders']) {
        if (v.expected[name]) assert.equal(q.get(name), v.expected[name], name);
      }
      assert.equal(signed.signature, v.expected['X-Amz-Signature']);
    });
  }
});
