// The one dispatch over OSS V4 / OSS V1 / S3 SigV4 (src/core/signing/dialect.ts): which signer each profile gets, the
// header canonicalisation of each dialect, and that the signers and the doctor canonicalise the same odd headers alike.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, parsePresignedUrl } from '../../../src/core/doctor';
import { presignPut } from '../../../src/core/presign';
import { authorizeRequest } from '../../../src/core/signing/authorize';
import {
  DIALECTS,
  dialectOf,
  type Dialect,
  type ReceivedRequest,
  type SigningRequest,
} from '../../../src/core/signing/dialect';
import { signOssV1Query } from '../../../src/core/signing/ossV1';
import { signOssV4Query } from '../../../src/core/signing/ossV4';
import { signSigV4Query } from '../../../src/core/signing/s3SigV4';
import type { PresignPutOptions, Provider, SignatureVersion } from '../../../src/core/types';

const DATE = new Date('2024-03-09T17:30:05Z');
const creds = { accessKeyId: 'AKIDEXAMPLE', accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
type Profile = Pick<PresignPutOptions, 'provider' | 'endpoint' | 'signatureVersion'>;
const PROFILES: ReadonlyArray<readonly [Dialect, Provider, SignatureVersion, Profile]> = [
  [
    'oss-v4',
    'oss',
    'v4',
    { provider: 'oss', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', signatureVersion: 'v4' },
  ],
  [
    'oss-v1',
    'oss',
    'v1',
    { provider: 'oss', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', signatureVersion: 'v1' },
  ],
  ['s3-v4', 's3', 'v4', { provider: 's3', endpoint: 'https://s3.eu-west-1.amazonaws.com', signatureVersion: 'v4' }],
];
const presignOptions = (profile: Profile, headers: Record<string, string>): PresignPutOptions => ({
  ...profile,
  ...creds,
  bucket: 'examplebucket',
  key: 'dir/a b.txt',
  expiresSeconds: 900,
  date: DATE,
  headers,
});
/** The header lines of a canonical request (V4) or string to sign (V1): `name:value`. */
const headerLines = (signed: string) => signed.split('\n').filter((l) => /^[a-z0-9-]+:/.test(l));

describe('dialectOf: the signer each profile gets', () => {
  const table: Array<[Provider, SignatureVersion, Dialect]> = [
    ['oss', 'v4', 'oss-v4'],
    ['oss', 'v1', 'oss-v1'],
    ['s3', 'v4', 's3-v4'],
    // validateSignatureVersion rejects this profile; should one get through, S3 still speaks SigV4 only.
    ['s3', 'v1', 's3-v4'],
  ];
  for (const [provider, version, dialect] of table)
    it(`${provider} ${version} signs as ${dialect}`, () => assert.equal(dialectOf(provider, version), dialect));
});

describe('header canonicalisation, one per dialect', () => {
  const odd = {
    'X-Oss-Meta-Note': '  a   b\t ',
    'CONTENT-TYPE': '\ttext/plain;   charset=utf-8 ',
    'x-amz-meta-tag': ' x\r\n y ',
  };
  it('OSS V4: names lower-cased, values trimmed at both ends, inner runs kept', () => {
    assert.deepEqual(
      DIALECTS['oss-v4'].canonicalHeaders(odd),
      new Map([
        ['x-oss-meta-note', 'a   b'],
        ['content-type', 'text/plain;   charset=utf-8'],
        ['x-amz-meta-tag', 'x\r\n y'],
      ]),
    );
  });
  it('OSS V1: names lower-cased, values trimmed at both ends, inner runs kept', () => {
    assert.deepEqual(DIALECTS['oss-v1'].canonicalHeaders(odd), DIALECTS['oss-v4'].canonicalHeaders(odd));
  });
  it('S3 SigV4: CR/LF become spaces, runs of spaces and tabs collapse to one, ends trimmed', () => {
    assert.deepEqual(
      DIALECTS['s3-v4'].canonicalHeaders(odd),
      new Map([
        ['x-oss-meta-note', 'a b'],
        ['content-type', 'text/plain; charset=utf-8'],
        ['x-amz-meta-tag', 'x y'],
      ]),
    );
  });
  it('a name repeated in another case: the V4 dialects join the values with ",", OSS V1 keeps the last', () => {
    const repeated = { 'X-Oss-Meta-A': ' one ', 'x-oss-meta-a': 'two ' };
    assert.equal(DIALECTS['oss-v4'].canonicalHeaders(repeated).get('x-oss-meta-a'), 'one,two');
    assert.equal(DIALECTS['s3-v4'].canonicalHeaders(repeated).get('x-oss-meta-a'), 'one,two');
    assert.equal(DIALECTS['oss-v1'].canonicalHeaders(repeated).get('x-oss-meta-a'), 'two');
  });
});

describe('the signers sign exactly the values their dialect canonicalises to', () => {
  const request: SigningRequest = {
    method: 'PUT',
    region: 'cn-hangzhou',
    bucket: 'examplebucket',
    key: 'a.txt',
    path: '/examplebucket/a.txt',
    host: 'examplebucket.example.com',
    query: [],
    ...creds,
    date: DATE,
    headers: {
      'Content-Type': '  text/plain;   charset=utf-8 ',
      'X-OSS-Meta-Note': '\ta  b ',
      'x-amz-meta-note': ' c \t d ',
    },
  };
  for (const dialect of ['oss-v4', 'oss-v1', 's3-v4'] as const) {
    it(`${dialect}: every signed header line is name:canonicalHeaders(value)`, () => {
      const signer = DIALECTS[dialect];
      const { steps, signedHeaders } = signer.presign({ ...request, expiresSeconds: 60 });
      const canonical = signer.canonicalHeaders(request.headers);
      canonical.set('host', request.host);
      const lines = headerLines(steps.canonicalRequest ?? steps.stringToSign);
      const expected = signedHeaders
        .filter((n) => dialect !== 'oss-v1' || n.startsWith('x-oss-'))
        .map((n) => `${n}:${canonical.get(n)}`);
      assert.ok(expected.length > 0);
      for (const l of expected) assert.ok(lines.includes(l), `${l} not in ${JSON.stringify(lines)}`);
    });
  }
  it('OSS V1 puts the canonical Content-Type value on its own line of the string to sign', () => {
    const { steps } = DIALECTS['oss-v1'].presign({ ...request, expiresSeconds: 60 });
    assert.equal(steps.stringToSign.split('\n')[2], 'text/plain;   charset=utf-8');
  });
});

describe('the doctor canonicalises sent headers as the signer did', () => {
  // Signed as the user typed them (presignPut trims the ends only); sent with other case, padding and, for S3, spacing.
  const chosen = {
    'Content-Type': 'text/plain;   charset=utf-8',
    'x-oss-meta-note': 'a   b',
    'x-amz-meta-note': 'a   b',
  };
  const headersFor = (provider: Provider) =>
    Object.fromEntries(Object.entries(chosen).filter(([n]) => !n.startsWith(provider === 'oss' ? 'x-amz-' : 'x-oss-')));
  const shout = (headers: Record<string, string>, pad: (v: string) => string) =>
    Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toUpperCase(), pad(v)]));

  for (const [dialect, provider, , profile] of PROFILES) {
    it(`${dialect}: upper-case names and padded values rebuild exactly what was signed`, () => {
      const r = presignPut(presignOptions(profile, headersFor(provider)));
      const sentHeaders = shout(r.headers, (v) => `  ${v}\t `);
      const d = diagnose({ url: r.url, sentHeaders, signedHeaderValues: r.headers, credentials: creds, now: DATE });
      const signed = r.steps.canonicalRequest ?? r.steps.stringToSign;
      assert.equal(d.signed, signed);
      assert.equal(d.server, signed);
      assert.deepEqual(d.diff, []);
      assert.deepEqual(
        d.causes.map((c) => c.code),
        [],
      );
      assert.equal(d.verified, true);
    });
  }

  it('S3: inner runs of spaces sent collapsed are no difference (SigV4 collapses them too)', () => {
    const r = presignPut(presignOptions(PROFILES[2][3], headersFor('s3')));
    const sentHeaders = { ...r.headers, 'Content-Type': 'text/plain; charset=utf-8', 'x-amz-meta-note': 'a b' };
    const d = diagnose({ url: r.url, sentHeaders, signedHeaderValues: r.headers, credentials: creds, now: DATE });
    assert.equal(d.server, r.steps.canonicalRequest);
    assert.deepEqual(
      d.causes.map((c) => c.code),
      [],
    );
    assert.equal(d.verified, true);
  });

  it('OSS V4: inner runs of spaces sent collapsed are a difference (OSS keeps them)', () => {
    const r = presignPut(presignOptions(PROFILES[0][3], headersFor('oss')));
    const d = diagnose({
      url: r.url,
      sentHeaders: { ...r.headers, 'x-oss-meta-note': 'a b' },
      signedHeaderValues: r.headers,
      credentials: creds,
      now: DATE,
    });
    assert.deepEqual(
      d.causes.map((c) => [c.code, c.header]),
      [['HeaderDiffers', 'x-oss-meta-note']],
    );
    assert.deepEqual(
      d.diff.map((l) => [l.signed, l.server]),
      [['x-oss-meta-note:a   b', 'x-oss-meta-note:a b']],
    );
  });
});

describe('dispatch: one table for query signing, header signing and the verifier side', () => {
  const request: SigningRequest = {
    method: 'PUT',
    region: 'cn-hangzhou',
    bucket: 'examplebucket',
    key: 'a b.txt',
    path: '/examplebucket/a%20b.txt',
    host: 'oss-cn-hangzhou.aliyuncs.com',
    query: [
      ['uploadId', 'u1'],
      ['partNumber', '2'],
    ],
    headers: { 'Content-Type': 'image/png' },
    ...creds,
    securityToken: 'STS.tok',
    date: DATE,
  };
  const signatureOf = (search: string, name: string) => new URLSearchParams(search).get(name);

  it('oss-v4 presigns with signOssV4Query', () => {
    const direct = signOssV4Query({ ...request, expiresSeconds: 60 });
    const { search, steps } = DIALECTS['oss-v4'].presign({ ...request, expiresSeconds: 60 });
    assert.equal(signatureOf(search, 'x-oss-signature'), direct.signature);
    assert.equal(steps.canonicalRequest, direct.canonicalRequest);
  });
  it('oss-v1 presigns with signOssV1Query (Expires absolute, sub-resources signed)', () => {
    const direct = signOssV1Query({ ...request, subResources: request.query, expiresUnix: DATE.getTime() / 1000 + 60 });
    const { search, steps } = DIALECTS['oss-v1'].presign({ ...request, expiresSeconds: 60 });
    assert.equal(signatureOf(search, 'Signature'), direct.signature);
    assert.equal(steps.canonicalRequest, undefined);
    assert.equal(steps.stringToSign, direct.stringToSign);
  });
  it('s3-v4 presigns with signSigV4Query', () => {
    const direct = signSigV4Query({
      ...request,
      secretAccessKey: creds.accessKeySecret,
      sessionToken: 'STS.tok',
      expiresSeconds: 60,
    });
    const { search, steps } = DIALECTS['s3-v4'].presign({ ...request, expiresSeconds: 60 });
    assert.equal(signatureOf(search, 'X-Amz-Signature'), direct.signature);
    assert.equal(steps.canonicalRequest, direct.canonicalRequest);
  });

  for (const [dialect, provider, version, profile] of PROFILES) {
    it(`${provider} ${version}: presignPut writes a ${dialect} URL, and the doctor reads it back as ${dialect}`, () => {
      const r = presignPut(presignOptions(profile, { 'Content-Type': 'image/png' }));
      assert.equal(parsePresignedUrl(r.url).dialect, dialect);
    });

    it(`${provider} ${version}: authorizeRequest signs the Authorization header as ${dialect}`, () => {
      const auth = authorizeRequest({ ...request, provider, signatureVersion: version });
      const scheme = {
        'oss-v4': /^OSS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//,
        'oss-v1': /^OSS AKIDEXAMPLE:/,
        's3-v4': /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//,
      }[dialect];
      assert.match(auth.headers.authorization ?? '', scheme);
      assert.deepEqual(auth, DIALECTS[dialect].authorize(request));
    });

    it(`${dialect}: the verifier side rebuilds what the signer signed, and the same signature`, () => {
      const r = presignPut(presignOptions(profile, { 'Content-Type': 'image/png' }));
      const p = parsePresignedUrl(r.url);
      const signer = DIALECTS[dialect];
      const received: ReceivedRequest = {
        method: 'PUT',
        rawPath: p.rawPath,
        host: p.url.host,
        params: p.params,
        param: p.get,
        headers: signer.canonicalHeaders({ ...r.headers, Host: p.url.host }),
        bucket: 'examplebucket',
        key: 'dir/a b.txt',
      };
      const rebuilt = signer.rebuild(received);
      assert.equal(rebuilt, r.steps.canonicalRequest ?? r.steps.stringToSign);
      assert.equal(signer.signature(received, rebuilt, creds.accessKeySecret), r.steps.signature);
    });
  }
});
