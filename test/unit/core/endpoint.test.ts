// Endpoints as users paste them (src/core/endpoint.ts): which region each host names, what happens when it names none,
// and the warnings a presigned URL on the endpoint deserves.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, endpointWarnings, inferRegion, resolveEndpoint, type Provider } from '../../../src/core/index';

describe('inferRegion: the region a host names', () => {
  const table: Array<[Provider, string, string | undefined]> = [
    ['oss', 'oss-cn-hangzhou.aliyuncs.com', 'cn-hangzhou'],
    ['oss', 'examplebucket.oss-cn-hangzhou.aliyuncs.com', 'cn-hangzhou'],
    ['oss', 'oss-cn-shanghai-internal.aliyuncs.com', 'cn-shanghai'],
    ['oss', 'examplebucket.oss-ap-southeast-1-internal.aliyuncs.com', 'ap-southeast-1'],
    ['oss', 'oss-accelerate.aliyuncs.com', undefined],
    ['oss', 'oss-accelerate-overseas.aliyuncs.com', undefined],
    ['oss', 'examplebucket.oss-accelerate.aliyuncs.com', undefined],
    ['oss', 'static.example.com', undefined],
    ['s3', 's3.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['s3', 's3-eu-west-1.amazonaws.com', 'eu-west-1'],
    ['s3', 's3.amazonaws.com', 'us-east-1'],
    ['s3', 's3-external-1.amazonaws.com', 'us-east-1'],
    ['s3', 'examplebucket.s3-external-1.amazonaws.com', 'us-east-1'],
    ['s3', 's3-accelerate.amazonaws.com', undefined],
    ['s3', 'examplebucket.s3-accelerate.dualstack.amazonaws.com', undefined],
    ['s3', 'acct.r2.cloudflarestorage.com', 'auto'],
    ['s3', 'minio.local', undefined],
  ];
  for (const [provider, host, region] of table)
    it(`${provider} ${host} -> ${String(region)}`, () => assert.equal(inferRegion(provider, host), region));
});

describe('resolveEndpoint on an acceleration endpoint (it names no region)', () => {
  const missingRegion = (provider: Provider, endpoint: string) => {
    let caught: unknown;
    try {
      resolveEndpoint({ provider, endpoint });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
    assert.equal(caught.field, 'region');
    assert.equal(caught.code, 'MissingRegion');
    assert.match(caught.message, /acceleration endpoint/);
    assert.match(caught.message, /set the profile's region to the bucket's region/);
  };

  it('OSS without a region: MissingRegion that says to set the bucket region', () =>
    missingRegion('oss', 'https://oss-accelerate.aliyuncs.com'));
  it('OSS overseas acceleration without a region: the same', () =>
    missingRegion('oss', 'https://oss-accelerate-overseas.aliyuncs.com'));
  it('S3 Transfer Acceleration without a region: the same, not the us-east-1 fallback', () =>
    missingRegion('s3', 'https://s3-accelerate.amazonaws.com'));
  it('with the region given, signs for it', () => {
    assert.equal(
      resolveEndpoint({ provider: 'oss', endpoint: 'https://oss-accelerate.aliyuncs.com', region: 'cn-shenzhen' })
        .region,
      'cn-shenzhen',
    );
    assert.equal(
      resolveEndpoint({ provider: 's3', endpoint: 'https://s3-accelerate.amazonaws.com', region: 'eu-west-1' }).region,
      'eu-west-1',
    );
  });
});

describe('endpointWarnings', () => {
  it('an OSS internal endpoint: works only inside Alibaba Cloud, names the public endpoint to use', () => {
    assert.deepEqual(endpointWarnings('oss', 'https://oss-cn-hangzhou-internal.aliyuncs.com'), [
      'URLs on an internal endpoint work only from inside Alibaba Cloud (ECS in cn-hangzhou): use oss-cn-hangzhou.aliyuncs.com for people outside.',
    ]);
  });
  it('reads the host of a presigned URL on a bucket host too', () => {
    const url = 'https://bkt.oss-eu-central-1-internal.aliyuncs.com/k.txt?x-oss-signature-version=OSS4-HMAC-SHA256';
    assert.match(endpointWarnings('oss', url).join(' '), /ECS in eu-central-1\): use oss-eu-central-1\.aliyuncs\.com/);
  });
  it('none for public OSS, acceleration and S3 endpoints, or text that is not an endpoint', () => {
    for (const [provider, endpoint] of [
      ['oss', 'https://oss-cn-hangzhou.aliyuncs.com'],
      ['oss', 'https://oss-accelerate.aliyuncs.com'],
      ['s3', 'https://s3.eu-west-1.amazonaws.com'],
      ['s3', 'http://127.0.0.1:9000'],
      ['oss', 'not a url'],
    ] as const)
      assert.deepEqual(endpointWarnings(provider, endpoint), [], endpoint);
  });
});
