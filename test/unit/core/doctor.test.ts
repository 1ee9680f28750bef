import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, parsePresignedUrl } from '../../../src/core/doctor';
import { presignPut } from '../../../src/core/presign';
import type { PresignPutOptions } from '../../../src/core/types';

const SIGNED_AT = new Date('2026-03-01T10:00:00Z');
const creds = { accessKeyId: 'AKIDOCTOR', accessKeySecret: 'doctor/secret+key' };
const s3: PresignPutOptions = {
  provider: 's3',
  endpoint: 'https://s3.eu-west-1.amazonaws.com',
  bucket: 'media-bucket',
  key: 'in/photo 1.png',
  ...creds,
  expiresSeconds: 3600,
  date: SIGNED_AT,
  headers: { 'Content-Type': 'image/png' },
  metadata: { owner: 'ana' },
};
const oss: PresignPutOptions = {
  provider: 'oss',
  endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
  bucket: 'media-bucket',
  key: 'in/photo 1.png',
  ...creds,
  expiresSeconds: 3600,
  date: SIGNED_AT,
  headers: { 'Content-Type': 'image/png', 'x-oss-storage-class': 'IA' },
};
const during = new Date(SIGNED_AT.getTime() + 60_000);
const codes = (d: ReturnType<typeof diagnose>) => d.causes.map((c) => c.code);

describe('signature doctor', () => {
  it('recognises the three dialects from the URL', () => {
    assert.equal(parsePresignedUrl(presignPut(s3).url).dialect, 's3-v4');
    assert.equal(parsePresignedUrl(presignPut(oss).url).dialect, 'oss-v4');
    assert.equal(parsePresignedUrl(presignPut({ ...oss, signatureVersion: 'v1' }).url).dialect, 'oss-v1');
    assert.throws(() => parsePresignedUrl('https://example.com/a?b=c'), /no OSS or S3 signature/);
    assert.throws(() => parsePresignedUrl('not a url'), /not a URL/);
  });

  for (const [name, opts] of [
    ['S3', s3],
    ['OSS V4', oss],
    ['OSS V1', { ...oss, signatureVersion: 'v1' as const }],
  ] as const) {
    it(`${name}: finds nothing wrong when the signed headers are sent`, () => {
      const r = presignPut(opts);
      const d = diagnose({
        url: r.url,
        sentHeaders: r.headers,
        signedHeaderValues: r.headers,
        credentials: creds,
        now: during,
      });
      assert.deepEqual(codes(d), ['Unknown']);
      assert.deepEqual(d.diff, []);
    });

    it(`${name}: names a signed header that was not sent`, () => {
      const r = presignPut(opts);
      const { 'Content-Type': _dropped, ...rest } = r.headers;
      const d = diagnose({
        url: r.url,
        sentHeaders: rest,
        signedHeaderValues: r.headers,
        credentials: creds,
        now: during,
      });
      assert.ok(
        d.causes.some((c) => c.code === 'HeaderMissing' && c.header === 'content-type'),
        JSON.stringify(d.causes),
      );
      assert.ok(d.diff.length > 0);
    });

    it(`${name}: names a header sent with another value`, () => {
      const r = presignPut(opts);
      const d = diagnose({
        url: r.url,
        sentHeaders: { ...r.headers, 'Content-Type': 'image/jpeg' },
        signedHeaderValues: r.headers,
        credentials: creds,
        now: during,
      });
      const cause = d.causes.find((c) => c.code === 'HeaderDiffers');
      assert.equal(cause?.header, 'content-type');
      assert.match(cause!.message, /image\/jpeg.*image\/png/);
    });

    it(`${name}: says the URL expired, by the server's clock when known`, () => {
      const r = presignPut(opts);
      const later = new Date(SIGNED_AT.getTime() + 7200_000);
      const d = diagnose({ url: r.url, sentHeaders: r.headers, now: later, serverDate: later.toUTCString() });
      assert.ok(codes(d).includes('Expired'));
      assert.match(d.causes.find((c) => c.code === 'Expired')!.message, /Presign it again/);
    });
  }

  it('explains a Content-Type a browser added to an OSS URL signed without one', () => {
    const r = presignPut({ ...oss, headers: {} });
    const d = diagnose({
      url: r.url,
      sentHeaders: { 'Content-Type': 'application/x-www-form-urlencoded' },
      credentials: creds,
      now: during,
    });
    const cause = d.causes.find((c) => c.code === 'HeaderAdded');
    assert.equal(cause?.header, 'content-type');
    assert.match(cause!.message, /Browsers and `curl --data-binary` add a Content-Type/);
  });

  it('explains an unsigned x-amz-* header sent with an S3 URL', () => {
    const r = presignPut(s3);
    const d = diagnose({ url: r.url, sentHeaders: { ...r.headers, 'x-amz-storage-class': 'GLACIER' }, now: during });
    assert.equal(d.causes.find((c) => c.code === 'HeaderAdded')?.header, 'x-amz-storage-class');
  });

  it('measures clock skew against the server Date header', () => {
    const r = presignPut(s3);
    const d = diagnose({
      url: r.url,
      sentHeaders: r.headers,
      now: during,
      serverDate: new Date(during.getTime() - 300_000).toUTCString(),
    });
    const cause = d.causes.find((c) => c.code === 'ClockSkew');
    assert.match(cause!.message, /300 s ahead of the server/);
  });

  it('says a URL signed in the future is not yet valid', () => {
    const r = presignPut(s3);
    const d = diagnose({ url: r.url, sentHeaders: r.headers, now: new Date(SIGNED_AT.getTime() - 3600_000) });
    assert.ok(codes(d).includes('NotYetValid'));
  });

  it('detects a URL edited after signing (expiry changed)', () => {
    const r = presignPut(s3);
    const edited = r.url.replace('X-Amz-Expires=3600', 'X-Amz-Expires=7200');
    const d = diagnose({
      url: edited,
      sentHeaders: r.headers,
      signedHeaderValues: r.headers,
      credentials: creds,
      now: during,
    });
    assert.deepEqual(codes(d), ['UrlEdited']);
  });

  it('detects an OSS URL whose key was edited', () => {
    const r = presignPut(oss);
    const d = diagnose({
      url: r.url.replace('photo%201', 'photo%202'),
      sentHeaders: r.headers,
      signedHeaderValues: r.headers,
      credentials: creds,
      now: during,
    });
    assert.deepEqual(codes(d), ['UrlEdited']);
  });

  it('blames the stored secret when the request matches what was signed and the server still says SignatureDoesNotMatch', () => {
    const r = presignPut(s3);
    const d = diagnose({
      url: r.url,
      sentHeaders: r.headers,
      signedHeaderValues: r.headers,
      credentials: creds,
      now: during,
      server: { code: 'SignatureDoesNotMatch' },
    });
    assert.deepEqual(codes(d), ['WrongSecret']);
    assert.match(d.causes[0]!.message, /Set Secret/);
  });

  it('notices a URL signed by another access key', () => {
    const r = presignPut(s3);
    const d = diagnose({
      url: r.url,
      sentHeaders: r.headers,
      credentials: { ...creds, accessKeyId: 'AKIOTHER' },
      now: during,
    });
    assert.ok(codes(d).includes('WrongAccessKey'));
  });

  it('shows a path the server normalised (dot segments) and a different host from the server canonical request', () => {
    const r = presignPut({ ...s3, key: 'a/./b.txt', addressing: 'path' });
    const d0 = diagnose({ url: r.url, sentHeaders: r.headers, now: during });
    const server = d0
      .signed!.replace('/media-bucket/a/./b.txt', '/media-bucket/a/b.txt')
      .replace('host:s3.eu-west-1.amazonaws.com', 'host:cdn.example.com');
    const d = diagnose({
      url: r.url,
      sentHeaders: r.headers,
      now: during,
      server: { code: 'SignatureDoesNotMatch', canonicalRequest: server },
    });
    assert.ok(codes(d).includes('PathMismatch'));
    assert.ok(codes(d).includes('HostMismatch'));
    assert.ok(d.diff.some((l) => l.server === '/media-bucket/a/b.txt'));
  });

  it('notices the wrong method from the server canonical request', () => {
    const r = presignPut(s3);
    const d0 = diagnose({ url: r.url, sentHeaders: r.headers, now: during });
    const d = diagnose({
      url: r.url,
      sentHeaders: r.headers,
      now: during,
      server: { canonicalRequest: d0.signed!.replace(/^PUT/, 'POST') },
    });
    assert.ok(codes(d).includes('MethodMismatch'));
  });

  it('never repeats the secret in what it reports', () => {
    const r = presignPut(s3);
    const d = diagnose({
      url: r.url,
      sentHeaders: {},
      signedHeaderValues: r.headers,
      credentials: creds,
      now: new Date(SIGNED_AT.getTime() + 9e6),
      serverDate: new Date().toUTCString(),
    });
    assert.ok(!JSON.stringify(d).includes(creds.accessKeySecret));
  });
});
