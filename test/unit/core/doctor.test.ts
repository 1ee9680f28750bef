// src/core/doctor.ts: the doctor tests hypotheses with the profile's keys. Every cause it knows, on each dialect
// (OSS V4, OSS V1, S3 SigV4), with and without the signed values a ledger entry keeps; a correct request comes back
// verified with no cause, also for URLs the official SDKs (ali-oss, @aws-sdk/s3-request-presigner) produced.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { diagnose, parsePresignedUrl, type DiagnoseInput, type Diagnosis } from '../../../src/core/doctor';
import { diagnoseFromErrorXml } from '../../../src/core/doctorRun';
import { presignPut } from '../../../src/core/presign';
import type { PresignPutOptions } from '../../../src/core/types';
import { AliOssClient, atFixedTime } from '../../integration/helpers/aliOss';

const SIGNED_AT = new Date('2026-03-01T10:00:00Z');
const during = new Date(SIGNED_AT.getTime() + 60_000);
const creds = { accessKeyId: 'AKIDOCTOR', accessKeySecret: 'doctor/secret+key' };
const common = {
  key: 'in/photo 1.txt',
  ...creds,
  expiresSeconds: 3600,
  date: SIGNED_AT,
  headers: { 'Content-Type': 'text/plain' },
  metadata: { owner: 'ana' },
};
interface DialectCase {
  name: 'OSS V4' | 'OSS V1' | 'S3 SigV4';
  options: PresignPutOptions;
  meta: string;
  /** The URL parameter holding the validity, and a way to lengthen it. */
  expiryParam: string;
}
const DIALECTS: DialectCase[] = [
  {
    name: 'OSS V4',
    options: { provider: 'oss', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'media-bucket', ...common },
    meta: 'x-oss-meta-owner',
    expiryParam: 'x-oss-expires',
  },
  {
    name: 'OSS V1',
    options: {
      provider: 'oss',
      signatureVersion: 'v1',
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
      bucket: 'media-bucket',
      ...common,
    },
    meta: 'x-oss-meta-owner',
    expiryParam: 'Expires',
  },
  {
    name: 'S3 SigV4',
    options: { provider: 's3', endpoint: 'https://s3.eu-west-1.amazonaws.com', bucket: 'media-bucket', ...common },
    meta: 'x-amz-meta-owner',
    expiryParam: 'X-Amz-Expires',
  },
];

/** The verdict as a list: each cause's code, with its header when it names one. */
const verdict = (d: Diagnosis) => d.causes.map((c) => (c.header ? `${c.code}:${c.header}` : c.code));
const messageOf = (d: Diagnosis, code: string) => d.causes.find((c) => c.code === code)?.message ?? '';

function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([n]) => n.toLowerCase() !== name));
}

/** The URL with its validity parameter lengthened by an hour (as someone "extending" a link would). */
function extendExpiry(url: string, param: string): string {
  const re = new RegExp(`([?&]${param}=)(\\d+)`);
  assert.match(url, re);
  return url.replace(re, (_m, p: string, n: string) => `${p}${Number(n) + 3600}`);
}

/** The URL with the spaces of its path written as "+" (a tool that form-encodes paths). */
const plusForSpace = (url: string) => url.replace(/^([^?]*)/, (path) => path.replace(/%20/g, '+'));

for (const c of DIALECTS) {
  const r = presignPut(c.options);
  const signedValues = r.headers;
  for (const ledger of [true, false]) {
    const known = ledger ? 'with the signed values' : 'without the signed values';
    const run = (extra: Partial<DiagnoseInput>) =>
      diagnose({
        url: r.url,
        sentHeaders: r.headers,
        ...(ledger ? { signedHeaderValues: signedValues } : {}),
        credentials: creds,
        now: during,
        ...extra,
      });

    describe(`${c.name}, ${known}`, () => {
      it('a correct request verifies: no cause, verified', () => {
        const d = run({});
        assert.deepEqual(verdict(d), []);
        assert.equal(d.verified, true);
        assert.equal(d.signatureChecked, true);
        assert.deepEqual(d.diff, []);
      });

      it('a correct request that the server refuses with AccessDenied: the signature is fine, the permission is named', () => {
        const d = run({ server: { code: 'AccessDenied', message: 'Access Denied' } });
        assert.deepEqual(verdict(d), ['PermissionDenied']);
        assert.equal(d.verified, true);
        assert.match(messageOf(d, 'PermissionDenied'), c.name === 'S3 SigV4' ? /s3:PutObject/ : /oss:PutObject/);
        assert.match(messageOf(d, 'PermissionDenied'), /bucket policy/);
      });

      it('HeaderAdded: names the header the uploader added', () => {
        // OSS signs every x-oss-* header present; S3 takes the payload hash from x-amz-content-sha256 when sent.
        const [name, value] =
          c.name === 'S3 SigV4' ? ['x-amz-content-sha256', 'f'.repeat(64)] : ['x-oss-meta-extra', 'yes'];
        const d = run({ sentHeaders: { ...r.headers, [name]: value } });
        assert.deepEqual(verdict(d), [`HeaderAdded:${name}`]);
        assert.equal(d.verified, false);
      });

      it('HeaderMissing: names the signed header that was not sent', () => {
        const d = run({ sentHeaders: withoutHeader(r.headers, c.meta) });
        if (ledger || c.name === 'S3 SigV4') {
          // S3 lists every signed name in the URL; with the ledger the value is known too.
          assert.deepEqual(verdict(d), [`HeaderMissing:${c.meta}`]);
          if (ledger) assert.match(messageOf(d, 'HeaderMissing'), new RegExp(`${c.meta}: ana`));
        } else {
          // OSS signs x-oss-* headers present in the request: with neither the value nor the name, nothing can say which.
          assert.deepEqual(verdict(d), ['Unknown']);
          assert.match(messageOf(d, 'Unknown'), /signed values are not known/);
        }
        assert.equal(d.verified, false);
      });

      it('HeaderDiffers: names the header sent with another value', () => {
        const d = run({ sentHeaders: { ...r.headers, 'Content-Type': 'text/html' } });
        if (ledger) {
          assert.deepEqual(verdict(d), ['HeaderDiffers:content-type']);
          assert.match(messageOf(d, 'HeaderDiffers'), /sent as "text\/html" but signed as "text\/plain"/);
        } else {
          assert.deepEqual(verdict(d), ['Unknown']);
          assert.match(messageOf(d, 'Unknown'), /A signed header was sent with another value/);
        }
        assert.equal(d.verified, false);
      });

      it('MethodMismatch: a PUT URL sent as POST', () => {
        const d = run({ method: 'POST' });
        assert.deepEqual(verdict(d), ['MethodMismatch']);
        assert.match(messageOf(d, 'MethodMismatch'), /sent as POST, but the URL is signed for PUT/);
      });

      it('UrlEdited: the key written with "+" for a space after signing', () => {
        const d = run({ url: plusForSpace(r.url) });
        assert.deepEqual(verdict(d), ['UrlEdited']);
        assert.match(messageOf(d, 'UrlEdited'), /written as "\+"/);
      });

      it('UrlEdited: the expiry lengthened after signing', () => {
        const edited = extendExpiry(r.url, c.expiryParam);
        const d = run({ url: edited });
        if (ledger) {
          assert.deepEqual(verdict(d), ['UrlEdited']);
          const named = run({ url: edited, issuedUrl: r.url });
          assert.deepEqual(verdict(named), ['UrlEdited']);
          assert.match(messageOf(named, 'UrlEdited'), new RegExp(`${c.expiryParam} \\(\\d+ instead of \\d+\\)`));
        } else {
          assert.deepEqual(verdict(d), ['Unknown']);
          assert.match(messageOf(d, 'Unknown'), /the URL was edited/);
        }
      });

      it('WrongSecret: the request verifies, yet the server says SignatureDoesNotMatch', () => {
        const d = run({ server: { code: 'SignatureDoesNotMatch' } });
        assert.deepEqual(verdict(d), ['WrongSecret']);
        assert.equal(d.verified, true);
        assert.match(messageOf(d, 'WrongSecret'), /Set Secret/);
      });

      it('WrongAccessKey: the profile has another key id, or the server does not know it', () => {
        const other = run({ credentials: { ...creds, accessKeyId: 'AKIOTHER' } });
        assert.ok(verdict(other).includes('WrongAccessKey'), verdict(other).join());
        assert.equal(other.signatureChecked, false);
        const unknown = run({ server: { code: 'InvalidAccessKeyId' } });
        assert.deepEqual(verdict(unknown), ['WrongAccessKey']);
        assert.match(messageOf(unknown, 'WrongAccessKey'), /AKIDOCTOR/);
      });

      it("Expired: by the server's clock, while the signature still verifies", () => {
        const later = new Date(SIGNED_AT.getTime() + 7200_000);
        const d = run({ now: later, serverDate: later.toUTCString() });
        assert.deepEqual(verdict(d), ['Expired']);
        assert.equal(d.verified, true);
        assert.match(messageOf(d, 'Expired'), /Presign it again/);
      });

      it("ClockSkew: this computer's clock against the server's Date", () => {
        const d = run({ serverDate: new Date(during.getTime() - 300_000).toUTCString() });
        assert.deepEqual(verdict(d), ['ClockSkew']);
        assert.match(messageOf(d, 'ClockSkew'), /300 s ahead of the server/);
      });

      if (c.name !== 'OSS V1')
        it('NotYetValid: signed for a time in the future of the server', () => {
          const d = run({ now: new Date(SIGNED_AT.getTime() - 3600_000) });
          assert.deepEqual(verdict(d), ['NotYetValid']);
        });

      it("PathMismatch: the server's own text shows another path than the URL signs", () => {
        const signedText = run({}).signed!;
        const path =
          c.name === 'S3 SigV4'
            ? '/in/photo%201.txt'
            : c.name === 'OSS V4'
              ? '/media-bucket/in/photo%201.txt'
              : '/media-bucket/in/photo 1.txt';
        assert.ok(signedText.includes(path), signedText);
        const serverText = signedText.replace(path, path.replace('in/', 'in/./'));
        const d = run({
          server: {
            code: 'SignatureDoesNotMatch',
            ...(c.name === 'OSS V1' ? { stringToSign: serverText } : { canonicalRequest: serverText }),
          },
        });
        assert.deepEqual(verdict(d), ['PathMismatch']);
        assert.equal(d.verified, false);
      });
    });
  }
}

describe('host and region', () => {
  for (const c of DIALECTS.filter((x) => x.name !== 'OSS V1')) {
    it(`${c.name}: HostMismatch when a proxy changed the signed Host`, () => {
      const r = presignPut({ ...c.options, ...(c.name === 'OSS V4' ? { additionalHeaders: ['host'] } : {}) });
      const signedText = diagnose({ url: r.url, sentHeaders: r.headers, credentials: creds, now: during }).signed!;
      const host = new URL(r.url).host;
      const serverText = signedText.replace(`host:${host}`, 'host:cdn.example.com');
      assert.notEqual(serverText, signedText);
      const d = diagnose({
        url: r.url,
        sentHeaders: r.headers,
        credentials: creds,
        now: during,
        server: { code: 'SignatureDoesNotMatch', canonicalRequest: serverText },
      });
      assert.deepEqual(verdict(d), ['HostMismatch']);
    });
  }

  it('OSS: AccessDenied with an Endpoint names the endpoint and region to use, and is no permission problem', () => {
    const r = presignPut(DIALECTS[0].options);
    const d = diagnose({
      url: r.url,
      sentHeaders: r.headers,
      credentials: creds,
      now: during,
      server: {
        code: 'AccessDenied',
        message: 'The bucket you are attempting to access must be addressed using the specified endpoint.',
        endpoint: 'oss-cn-beijing.aliyuncs.com',
        bucket: 'media-bucket',
      },
    });
    assert.deepEqual(verdict(d), ['WrongEndpoint']);
    assert.equal(d.causes[0].endpoint, 'oss-cn-beijing.aliyuncs.com');
    assert.equal(d.causes[0].region, 'cn-beijing');
    assert.match(d.causes[0].message, /oss-cn-beijing\.aliyuncs\.com \(region cn-beijing\)/);
  });

  for (const [code, server] of [
    ['PermanentRedirect', { endpoint: 'media-bucket.s3.us-west-2.amazonaws.com' }],
    ['AuthorizationQueryParametersError', { region: 'us-west-2' }],
    ['AuthorizationHeaderMalformed', { region: 'us-west-2' }],
  ] as const) {
    it(`S3: ${code} names the bucket's region`, () => {
      const r = presignPut(DIALECTS[2].options);
      const d = diagnose({ url: r.url, sentHeaders: r.headers, now: during, server: { code, ...server } });
      assert.deepEqual(verdict(d), ['WrongEndpoint']);
      assert.equal(d.causes[0].region, 'us-west-2');
      if (code !== 'PermanentRedirect') assert.match(d.causes[0].message, /signed for eu-west-1/);
    });
  }

  it('S3: IllegalLocationConstraintException is a region error without a region named', () => {
    const r = presignPut(DIALECTS[2].options);
    const d = diagnose({
      url: r.url,
      sentHeaders: r.headers,
      now: during,
      server: { code: 'IllegalLocationConstraintException' },
    });
    assert.deepEqual(verdict(d), ['WrongEndpoint']);
    assert.match(d.causes[0].message, /another region/);
  });
});

describe('the server error bodies as OSS and S3 send them', () => {
  const oss = DIALECTS[0].options;
  const ossV1 = DIALECTS[1].options;

  /** An OSS SignatureDoesNotMatch body, field for field as OSS documents it (troubleshooting page, EC 0002-00000040). */
  const ossBody = (fields: Record<string, string>) =>
    `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>SignatureDoesNotMatch</Code>
  <Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>
  <RequestId>646DCB189AE2D1333018AAAA</RequestId>
  <HostId>media-bucket.oss-cn-hangzhou.aliyuncs.com</HostId>
  <OSSAccessKeyId>AKIDOCTOR</OSSAccessKeyId>
${Object.entries(fields)
  .map(([k, v]) => `  <${k}>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${k}>`)
  .join('\n')}
  <EC>0002-00000040</EC>
  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0002-00000040</RecommendDoc>
</Error>`;
  const hex = (s: string) => [...Buffer.from(s)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

  it('OSS V4: the CanonicalRequest and StringToSign of a 403 for an added Content-Type name it, without the signed values', () => {
    const r = presignPut(oss);
    const sent = { ...r.headers, 'Content-Type': 'application/x-www-form-urlencoded' };
    // What OSS verified: the request with the browser's Content-Type (rebuilt as the server does).
    const received = diagnose({ url: r.url, sentHeaders: sent, now: during }).server!;
    const d = diagnoseFromErrorXml({
      url: r.url,
      // The uploader believes it sent what was signed; the server's text says otherwise.
      sentHeaders: r.headers,
      credentials: creds,
      now: during,
      errorXml: ossBody({ CanonicalRequest: received, StringToSign: `OSS4-HMAC-SHA256\n...` }),
    });
    assert.equal(d.serverError?.ec, '0002-00000040');
    assert.deepEqual(verdict(d), ['HeaderDiffers:content-type']);
    assert.match(messageOf(d, 'HeaderDiffers'), /application\/x-www-form-urlencoded/);
  });

  it('OSS V4: a StringToSign alone (no CanonicalRequest) is matched by its hash to the request the server received', () => {
    const r = presignPut({ ...oss, headers: {} });
    const sent = { ...r.headers, 'Content-Type': 'text/plain' };
    const received = diagnose({ url: r.url, sentHeaders: sent, now: during }).server!;
    const sts = [
      'OSS4-HMAC-SHA256',
      new URL(r.url).searchParams.get('x-oss-date')!,
      `20260301/cn-hangzhou/oss/aliyun_v4_request`,
      createHash('sha256').update(received).digest('hex'),
    ].join('\n');
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: sent,
      credentials: creds,
      now: during,
      errorXml: ossBody({ StringToSign: sts, StringToSignBytes: hex(sts) }),
    });
    assert.deepEqual(verdict(d), ['HeaderAdded:content-type']);
    assert.equal(d.server, received);
  });

  it('OSS V1: a StringToSign with its line breaks written as "\\n" (as OSS documents it) names the changed header', () => {
    const r = presignPut(ossV1);
    const sent = { ...r.headers, 'x-oss-meta-owner': 'bob' };
    const received = diagnose({ url: r.url, sentHeaders: sent, now: during }).server!;
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: r.headers,
      signedHeaderValues: r.headers,
      credentials: creds,
      now: during,
      errorXml: ossBody({ StringToSign: received.replace(/\n/g, '\\n') }),
    });
    assert.equal(d.serverError?.stringToSign, received);
    assert.deepEqual(verdict(d), ['HeaderDiffers:x-oss-meta-owner']);
  });

  it('OSS V1: StringToSignBytes rebuilds a flattened StringToSign', () => {
    const r = presignPut(ossV1);
    const sent = { ...r.headers, 'Content-Type': 'text/html' };
    const received = diagnose({ url: r.url, sentHeaders: sent, now: during }).server!;
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: sent,
      signedHeaderValues: r.headers,
      credentials: creds,
      now: during,
      errorXml: ossBody({ StringToSign: received.replace(/\n/g, ' '), StringToSignBytes: hex(received) }),
    });
    assert.deepEqual(verdict(d), ['HeaderDiffers:content-type']);
  });

  it('OSS: the wrong-region body (AccessDenied, Bucket, Endpoint) names the endpoint', () => {
    const r = presignPut(oss);
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: r.headers,
      credentials: creds,
      now: during,
      errorXml: `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>AccessDenied</Code>
  <Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message>
  <RequestId>5639B2444A9189587ABE6448</RequestId>
  <HostId>media-bucket.oss-cn-hangzhou.aliyuncs.com</HostId>
  <Bucket>media-bucket</Bucket>
  <Endpoint>oss-cn-beijing.aliyuncs.com</Endpoint>
  <EC>0003-00001403</EC>
</Error>`,
    });
    assert.deepEqual(verdict(d), ['WrongEndpoint']);
    assert.equal(d.causes[0].region, 'cn-beijing');
  });

  it('OSS: an expired body (AccessDenied "Request has expired.", ServerTime) is Expired, not a permission', () => {
    const r = presignPut(oss);
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: r.headers,
      credentials: creds,
      now: during,
      errorXml:
        '<Error><Code>AccessDenied</Code><Message>Request has expired.</Message><Expires>2026-03-01T11:00:00.000Z</Expires><ServerTime>2026-03-01T12:00:00.000Z</ServerTime><EC>0002-00000069</EC></Error>',
    });
    assert.deepEqual(verdict(d), ['Expired']);
    assert.match(messageOf(d, 'Expired'), /by the server's clock/);
  });

  it('S3: AccessDenied with HeadersNotSigned names the header, not a permission', () => {
    const r = presignPut(DIALECTS[2].options);
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: { ...r.headers, 'x-amz-meta-extra': '1' },
      credentials: creds,
      now: during,
      errorXml:
        '<Error><Code>AccessDenied</Code><Message>There were headers present in the request which were not signed</Message><HeadersNotSigned>x-amz-meta-extra</HeadersNotSigned><RequestId>R</RequestId></Error>',
    });
    assert.deepEqual(verdict(d), ['HeaderAdded:x-amz-meta-extra']);
    assert.equal(d.verified, true);
  });

  it('S3: AuthorizationQueryParametersError with a Region names it', () => {
    const r = presignPut(DIALECTS[2].options);
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: r.headers,
      now: during,
      errorXml:
        "<Error><Code>AuthorizationQueryParametersError</Code><Message>Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'ap-south-1'</Message><Region>ap-south-1</Region></Error>",
    });
    assert.deepEqual(verdict(d), ['WrongEndpoint']);
    assert.equal(d.causes[0].region, 'ap-south-1');
  });
});

describe('URLs from the official SDKs: a correct request verifies, a wrong one is named', () => {
  const region = 'oss-cn-hangzhou';
  const ali = (authorizationV4: boolean) =>
    new AliOssClient({ ...creds, bucket: 'media-bucket', region, authorizationV4 });
  const sent = { 'Content-Type': 'text/plain', 'x-oss-meta-owner': 'ana' };

  const sdkUrls: Array<[string, () => Promise<string>]> = [
    [
      'ali-oss signatureUrlV4',
      () => atFixedTime(SIGNED_AT, () => ali(true).signatureUrlV4('PUT', 3600, { headers: sent }, 'in/photo 1.txt')),
    ],
    [
      'ali-oss signatureUrl (V1)',
      async () =>
        atFixedTime(SIGNED_AT, () =>
          ali(false).signatureUrl('in/photo 1.txt', { method: 'PUT', expires: 3600, ...sent }, false),
        ),
    ],
  ];
  for (const [name, make] of sdkUrls) {
    it(`${name}: Content-Type and x-oss-meta-owner sent as signed verify (the issue's "HeaderAdded" case)`, async () => {
      const url = await make();
      const d = diagnose({ url, sentHeaders: sent, credentials: creds, now: during });
      assert.deepEqual(verdict(d), []);
      assert.equal(d.verified, true);
      // Without the keys it cannot clear the request, but it blames no header either.
      const blind = diagnose({ url, sentHeaders: sent, now: during });
      assert.deepEqual(verdict(blind), ['Unknown']);
      assert.equal(blind.verified, false);
    });

    it(`${name}: a browser's Content-Type is named, with the signed values and without`, async () => {
      const url = await make();
      const browser = { ...sent, 'Content-Type': 'application/octet-stream' };
      const withLedger = diagnose({
        url,
        sentHeaders: browser,
        signedHeaderValues: sent,
        credentials: creds,
        now: during,
      });
      assert.deepEqual(verdict(withLedger), ['HeaderDiffers:content-type']);
      const extra = diagnose({
        url,
        sentHeaders: { ...sent, 'x-oss-meta-extra': '1' },
        credentials: creds,
        now: during,
      });
      assert.deepEqual(verdict(extra), ['HeaderAdded:x-oss-meta-extra']);
    });
  }

  const s3Url = (signContentType: boolean) =>
    getSignedUrl(
      new S3Client({
        region: 'eu-west-1',
        credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.accessKeySecret },
        requestChecksumCalculation: 'WHEN_REQUIRED',
      }),
      new PutObjectCommand({
        Bucket: 'media-bucket',
        Key: 'in/photo 1.txt',
        ContentType: 'text/plain',
        Metadata: { owner: 'ana' },
      }),
      {
        expiresIn: 3600,
        signingDate: SIGNED_AT,
        ...(signContentType ? { signableHeaders: new Set(['content-type']) } : {}),
      },
    );

  it('@aws-sdk/s3-request-presigner getSignedUrl: the request with its Content-Type verifies (metadata is in the query)', async () => {
    const url = await s3Url(false);
    assert.equal(parsePresignedUrl(url).dialect, 's3-v4');
    const d = diagnose({ url, sentHeaders: { 'Content-Type': 'text/plain' }, credentials: creds, now: during });
    assert.deepEqual(verdict(d), []);
    assert.equal(d.verified, true);
    // The SDK does not sign Content-Type by default: another value still verifies, as S3 would accept it.
    const other = diagnose({ url, sentHeaders: { 'Content-Type': 'text/html' }, credentials: creds, now: during });
    assert.deepEqual(verdict(other), []);
  });

  it('@aws-sdk/s3-request-presigner getSignedUrl with Content-Type signed: a missing or other Content-Type is named', async () => {
    const url = await s3Url(true);
    const sentOk = { 'Content-Type': 'text/plain' };
    assert.deepEqual(verdict(diagnose({ url, sentHeaders: sentOk, credentials: creds, now: during })), []);
    const missing = diagnose({ url, sentHeaders: {}, credentials: creds, now: during });
    assert.deepEqual(verdict(missing), ['HeaderMissing:content-type']);
    const other = diagnose({
      url,
      sentHeaders: { 'Content-Type': 'text/html' },
      signedHeaderValues: sentOk,
      credentials: creds,
      now: during,
    });
    assert.deepEqual(verdict(other), ['HeaderDiffers:content-type']);
  });
});

describe('the doctor in general', () => {
  it('recognises the three dialects from the URL', () => {
    for (const c of DIALECTS)
      assert.equal(
        parsePresignedUrl(presignPut(c.options).url).dialect,
        { 'OSS V4': 'oss-v4', 'OSS V1': 'oss-v1', 'S3 SigV4': 's3-v4' }[c.name],
      );
    assert.throws(() => parsePresignedUrl('https://example.com/a?b=c'), /no OSS or S3 signature/);
    assert.throws(() => parsePresignedUrl('not a url'), /not a URL/);
  });

  it("an OSS URL signed without Content-Type, sent with a browser's: HeaderAdded with the browser hint", () => {
    const r = presignPut({ ...DIALECTS[0].options, headers: {} });
    const d = diagnose({
      url: r.url,
      sentHeaders: { ...r.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      credentials: creds,
      now: during,
    });
    assert.deepEqual(verdict(d), ['HeaderAdded:content-type']);
    assert.match(messageOf(d, 'HeaderAdded'), /Browsers and `curl --data-binary` add a Content-Type/);
  });

  it('two added headers are both named (removing them together verifies)', () => {
    const r = presignPut(DIALECTS[0].options);
    const d = diagnose({
      url: r.url,
      sentHeaders: { ...r.headers, 'x-oss-meta-a': '1', 'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==' },
      credentials: creds,
      now: during,
    });
    assert.deepEqual(verdict(d).sort(), ['HeaderAdded:content-md5', 'HeaderAdded:x-oss-meta-a']);
  });

  it("WrongSecret: the ledger's own URL no longer verifies with the profile's secret (changed since it was issued)", () => {
    const r = presignPut(DIALECTS[0].options);
    const d = diagnose({
      url: r.url,
      issuedUrl: r.url,
      sentHeaders: r.headers,
      signedHeaderValues: r.headers,
      credentials: { ...creds, accessKeySecret: 'rotated' },
      now: during,
    });
    assert.deepEqual(verdict(d), ['WrongSecret']);
    assert.match(messageOf(d, 'WrongSecret'), /changed after the URL was signed/);
  });

  it('S3: an unsigned x-amz-* header verifies, but S3 refuses it (HeadersNotSigned)', () => {
    const r = presignPut(DIALECTS[2].options);
    const d = diagnose({
      url: r.url,
      sentHeaders: { ...r.headers, 'x-amz-storage-class': 'GLACIER' },
      credentials: creds,
      now: during,
    });
    assert.deepEqual(verdict(d), ['HeaderAdded:x-amz-storage-class']);
    assert.equal(d.verified, true);
  });

  it('without keys: compares the signed values with the headers sent', () => {
    const r = presignPut(DIALECTS[0].options);
    const d = diagnose({
      url: r.url,
      sentHeaders: { ...r.headers, 'Content-Type': 'image/png' },
      signedHeaderValues: r.headers,
      now: during,
    });
    assert.deepEqual(verdict(d), ['HeaderDiffers:content-type']);
    assert.equal(d.signatureChecked, false);
  });

  it('without keys: the method from the server canonical request', () => {
    const r = presignPut(DIALECTS[2].options);
    const d0 = diagnose({ url: r.url, sentHeaders: r.headers, now: during });
    const d = diagnose({
      url: r.url,
      sentHeaders: r.headers,
      now: during,
      server: { canonicalRequest: d0.signed!.replace(/^PUT/, 'POST') },
    });
    assert.ok(verdict(d).includes('MethodMismatch'));
  });

  it('never repeats the secret or the signature in what it reports', () => {
    for (const c of DIALECTS) {
      const r = presignPut(c.options);
      const signature = r.url.match(/(?:x-oss-signature|Signature|X-Amz-Signature)=([^&]+)/)![1];
      for (const url of [r.url, extendExpiry(r.url, c.expiryParam)]) {
        const d = diagnose({
          url,
          issuedUrl: r.url,
          sentHeaders: {},
          signedHeaderValues: r.headers,
          credentials: creds,
          now: new Date(SIGNED_AT.getTime() + 9e6),
          serverDate: new Date().toUTCString(),
        });
        const text = JSON.stringify(d);
        assert.ok(!text.includes(creds.accessKeySecret));
        assert.ok(!text.includes(signature) && !text.includes(decodeURIComponent(signature)), text);
      }
    }
  });
});
