// Pure parts of the HTTP layer: the skew clock, ServiceError messages and network-error mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SkewClock } from '../../../src/core/clock';
import { toServiceError } from '../../../src/core/http/client';
import { mapNetworkError } from '../../../src/core/http/transport';
import { CancelledError, NetworkError } from '../../../src/core/errors';
import { parseError } from '../../../src/core/xml';

const local = new Date('2026-11-25T12:00:00.400Z');

test('SkewClock ignores offsets within a minute and applies larger ones, warning once', () => {
  const warnings: number[] = [];
  const clock = new SkewClock({ localNow: () => local, onSkew: (ms) => warnings.push(ms) });
  clock.observe('Wed, 25 Nov 2026 12:00:59 GMT', local);
  assert.equal(clock.offsetMs, 0);
  assert.equal(clock.now().toISOString(), local.toISOString());
  clock.observe('Wed, 25 Nov 2026 12:10:00 GMT', local);
  assert.equal(clock.offsetMs, 600_000);
  assert.equal(clock.now().toISOString(), '2026-11-25T12:10:00.400Z');
  clock.observe('Wed, 25 Nov 2026 11:50:00 GMT', local);
  assert.equal(clock.offsetMs, -600_000);
  assert.deepEqual(warnings, [600_000]);
});

test('SkewClock reads ISO ServerTime and ignores missing or garbage dates', () => {
  const clock = new SkewClock({ localNow: () => local });
  clock.observe(undefined, local);
  clock.observe('not a date', local);
  assert.equal(clock.offsetMs, 0);
  clock.observe('2026-11-25T13:00:00.000Z', local);
  assert.equal(clock.offsetMs, 3_600_000);
});

const ctx = {
  provider: 's3' as const,
  host: 's3.example.com',
  method: 'GET',
  bucket: 'photos',
  accessKeyId: 'AKIDEXAMPLE',
  region: 'us-east-1',
};

test('SignatureDoesNotMatch says the secret does not match and to run Set Secret, without the secret', () => {
  const body = '<Error><Code>SignatureDoesNotMatch</Code><Message>x</Message><RequestId>rid-1</RequestId></Error>';
  const err = toServiceError(403, parseError(body), body, undefined, ctx);
  assert.equal(err.code, 'SignatureDoesNotMatch');
  assert.equal(err.status, 403);
  assert.equal(err.requestId, 'rid-1');
  assert.match(err.message, /secret does not match the access key id "AKIDEXAMPLE"/);
  assert.match(err.message, /Set Secret/);
  assert.equal(err.body, body);
});

test('region errors name the bucket region to set', () => {
  const body = '<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>';
  const err = toServiceError(400, parseError(body), body, 'hdr-rid', ctx);
  assert.match(err.message, /bucket "photos" is in region eu-west-1.*set the profile's region to eu-west-1/i);
  assert.equal(err.requestId, 'hdr-rid');
});

test('a body-less 301 with the bucket region (from x-amz-bucket-region) says which region to set', () => {
  const err = toServiceError(301, { code: '', message: '', region: 'ap-southeast-1' }, '', undefined, {
    ...ctx,
    method: 'HEAD',
    key: 'k',
  });
  assert.equal(err.code, 'PermanentRedirect');
  assert.match(err.message, /is in region ap-southeast-1, not us-east-1: set the profile's region to ap-southeast-1/);
});

test('AccessDenied names the missing permission; OSS errors keep EC', () => {
  const body = '<Error><Code>AccessDenied</Code><RequestId>r</RequestId><EC>0003-00000001</EC></Error>';
  const err = toServiceError(403, parseError(body), body, undefined, {
    ...ctx,
    provider: 'oss',
    key: 'a.txt',
    method: 'PUT',
  });
  assert.match(err.message, /lacks permission for oss:PutObject on "photos\/a.txt"/);
  assert.equal(err.ec, '0003-00000001');
});

test('5xx without a body says to retry later; 404 HEAD becomes NotFound', () => {
  assert.match(toServiceError(503, undefined, '', undefined, ctx).message, /retry later/);
  const nf = toServiceError(404, undefined, '', undefined, { ...ctx, method: 'HEAD', key: 'k' });
  assert.equal(nf.code, 'NotFound');
  assert.match(nf.message, /Object "k" does not exist/);
});

test('network errors name the host, never the query, and say what to do', () => {
  const url = 'https://bucket.oss-cn-hangzhou.aliyuncs.com/k?x-oss-signature=SECRETSIG';
  const cases: Array<[string, string, RegExp]> = [
    ['ENOTFOUND', 'DnsError', /check the endpoint host name/],
    ['ECONNREFUSED', 'ConnectionRefused', /refused/],
    ['ECONNRESET', 'ConnectionReset', /reset/],
    ['UND_ERR_SOCKET', 'ConnectionReset', /reset/],
    ['UND_ERR_CONNECT_TIMEOUT', 'Timeout', /Connecting .* timed out/],
    ['UND_ERR_HEADERS_TIMEOUT', 'Timeout', /did not answer in time/],
    ['UND_ERR_BODY_TIMEOUT', 'Timeout', /stopped sending/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TlsError', /self-signed endpoint/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TlsError', /certificate/],
  ];
  for (const [errno, code, message] of cases) {
    const e = mapNetworkError(Object.assign(new Error('boom ' + url), { code: errno }), url);
    assert.ok(e instanceof NetworkError, errno);
    assert.equal((e as NetworkError).code, code, errno);
    assert.match(e.message, message);
    assert.match(e.message, /bucket\.oss-cn-hangzhou\.aliyuncs\.com/);
    assert.ok(!e.message.includes('SECRETSIG'));
  }
  const wrapped = mapNetworkError(
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
    url,
  );
  assert.equal((wrapped as NetworkError).code, 'ConnectionRefused');
});

test('an aborted signal maps to CancelledError', () => {
  const ac = new AbortController();
  ac.abort();
  assert.ok(mapNetworkError(new Error('aborted'), 'http://h/', ac.signal) instanceof CancelledError);
});
