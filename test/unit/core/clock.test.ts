// One clock per endpoint: the key every caller (API requests, presign, the multipart kit) looks the learnt offset up
// under, whatever the bucket and addressing style.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clockFor, clockKey, SkewClock } from '../../../src/core/clock';
import { objectUrl, resolveEndpoint } from '../../../src/core/endpoint';
import { presignPut } from '../../../src/core/presign';
import type { EndpointOptions } from '../../../src/core/types';

const TEN_MINUTES = 600_000;

const OSS: EndpointOptions = { provider: 'oss', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com' };
const S3: EndpointOptions = { provider: 's3', endpoint: 'https://s3.eu-west-1.amazonaws.com' };

describe('clockKey', () => {
  it('maps the virtual-hosted and the path-style form of an endpoint to one key: its origin, not the bucket host', () => {
    for (const ep of [OSS, S3]) {
      const virtual = { ...ep, addressing: 'virtual' as const };
      const path = { ...ep, addressing: 'path' as const };
      assert.equal(clockKey(virtual), clockKey(path));
      assert.equal(clockKey(virtual), ep.endpoint);
      // The host a virtual-hosted request goes to is the bucket's: the key must not be that one.
      const bucketOrigin = objectUrl(resolveEndpoint(virtual), 'photos', 'a.png').origin;
      assert.equal(bucketOrigin, ep.endpoint.replace('https://', 'https://photos.'));
      assert.notEqual(clockKey(virtual), bucketOrigin);
    }
  });

  it('ignores how the endpoint is spelt (case, trailing slash, default port) and tells endpoints apart', () => {
    assert.equal(clockKey({ ...OSS, endpoint: 'https://OSS-cn-hangzhou.aliyuncs.com:443/' }), clockKey(OSS));
    assert.notEqual(clockKey({ ...OSS, endpoint: 'https://oss-cn-beijing.aliyuncs.com' }), clockKey(OSS));
    assert.notEqual(
      clockKey({ provider: 's3', endpoint: 'http://127.0.0.1:9000' }),
      clockKey({ provider: 's3', endpoint: 'http://127.0.0.1:9001' }),
    );
  });
});

describe('clockFor', () => {
  it('is one clock for every bucket and addressing style of an endpoint', () => {
    const ep: EndpointOptions = { provider: 's3', endpoint: 'https://s3.ap-south-1.amazonaws.com' };
    const clock = clockFor({ ...ep, addressing: 'virtual' });
    assert.ok(clock instanceof SkewClock);
    assert.equal(clockFor({ ...ep, addressing: 'path' }), clock);
    assert.notEqual(clockFor({ provider: 's3', endpoint: 'https://s3.ap-south-2.amazonaws.com' }), clock);
  });

  it('knows the server time once a Date was observed, even one within the threshold', () => {
    const clock = new SkewClock();
    assert.equal(clock.hasServerTime, false);
    clock.observe('garbage', new Date());
    assert.equal(clock.hasServerTime, false);
    clock.observe(new Date().toUTCString(), new Date());
    assert.equal(clock.hasServerTime, true);
    assert.equal(clock.offsetMs, 0);
  });
});

describe('presigning at the learnt time', () => {
  const key = 'k/one.txt';
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    accessKeySecret: 'secret',
    expiresSeconds: 600,
    bucket: 'bkt',
    key,
  };
  /** Milliseconds between a signed date (`20260101T120000Z`) and `expected`. */
  const off = (signed: string | null, expected: number) => {
    assert.ok(signed, 'no signed date in the URL');
    const iso = signed.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z');
    return Math.abs(Date.parse(iso) - expected);
  };

  for (const [dialect, ep, param] of [
    ['S3 (X-Amz-Date)', { provider: 's3', endpoint: 'https://s3.sa-east-1.amazonaws.com' }, 'X-Amz-Date'],
    ['OSS V4 (x-oss-date)', { provider: 'oss', endpoint: 'https://oss-cn-shenzhen.aliyuncs.com' }, 'x-oss-date'],
  ] as const) {
    it(`signs ${dialect} with the corrected time of the endpoint's clock`, () => {
      const clock = clockFor(ep);
      const serverNow = Date.now() + TEN_MINUTES;
      clock.observe(new Date(serverNow).toUTCString(), new Date());
      const { url } = presignPut({ ...ep, ...credentials, date: clockFor({ ...ep, addressing: 'virtual' }).now() });
      const signed = new URL(url).searchParams.get(param);
      assert.ok(off(signed, serverNow) < 5_000, `${param}=${signed}, server time ${new Date(serverNow).toISOString()}`);
    });
  }
});
