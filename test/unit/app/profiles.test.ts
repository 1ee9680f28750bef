import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/core/errors';
import {
  connectionForBucket,
  connectionOptions,
  credentialsFromEnv,
  locatesBuckets,
  parseTokenExpiry,
  profileIdFor,
  validateProfile,
} from '../../../src/app/profiles';

const base = {
  id: 'prod',
  name: 'Prod',
  provider: 'oss',
  endpoint: 'https://oss-cn-hangzhou.aliyuncs.com/',
  accessKeyId: 'LTAI5tExample',
};

function rejects(input: unknown, field: string, pattern: RegExp): void {
  assert.throws(
    () => validateProfile(input),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
      assert.equal(err.field, field);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('validateProfile', () => {
  it('normalises a valid OSS profile (endpoint origin, default credential source)', () => {
    assert.deepEqual(validateProfile(base), {
      ...base,
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
      credentialSource: 'secretStorage',
    });
  });

  it('keeps optional fields and de-duplicates the fixed bucket list', () => {
    const p = validateProfile({
      ...base,
      provider: 's3',
      endpoint: 'http://127.0.0.1:9000',
      region: ' us-east-1 ',
      addressing: 'path',
      buckets: ['a-b', 'a-b', 'c.d'],
    });
    assert.equal(p.region, 'us-east-1');
    assert.equal(p.addressing, 'path');
    assert.deepEqual(p.buckets, ['a-b', 'c.d']);
  });

  it('does not give OSS a default addressing (virtual applies)', () => {
    assert.equal(validateProfile(base).addressing, undefined);
  });

  it('refuses a secret in settings and says to use Set Secret', () => {
    rejects({ ...base, accessKeySecret: 'x' }, 'profile', /Set Secret/);
    rejects({ ...base, secret: 'x' }, 'profile', /secret storage/);
  });

  it('names the field at fault', () => {
    rejects({ ...base, id: 'Has Spaces' }, 'id', /lower-case/);
    rejects({ ...base, name: ' ' }, 'name', /needs a name/);
    rejects({ ...base, provider: 'gcs' }, 'provider', /Unknown provider/);
    rejects({ ...base, endpoint: 'https://host/bucket' }, 'endpoint', /has a path/);
    rejects({ ...base, region: 'oss-cn-hangzhou!' }, 'region', /region id/);
    rejects(
      { ...base, addressing: 'cname', provider: 's3', endpoint: 'https://s3.amazonaws.com' },
      'addressing',
      /for OSS/,
    );
    rejects(
      { ...base, provider: 's3', endpoint: 'https://s3.amazonaws.com', signatureVersion: 'v1' },
      'signatureVersion',
      /only for OSS/,
    );
    rejects({ ...base, accessKeyId: undefined }, 'accessKeyId', /Edit Profile/);
    rejects({ ...base, buckets: ['Bad_Bucket'] }, 'buckets', /not valid for OSS/);
    rejects({ ...base, credentialSource: 'file' }, 'credentialSource', /secretStorage/);
  });

  it('needs a region for an OSS custom domain', () => {
    rejects({ ...base, endpoint: 'https://files.example.com', addressing: 'cname' }, 'region', /region/);
    assert.equal(
      validateProfile({ ...base, endpoint: 'https://files.example.com', addressing: 'cname', region: 'cn-shanghai' })
        .region,
      'cn-shanghai',
    );
  });

  it('allows an env profile without an access key id', () => {
    const p = validateProfile({ ...base, accessKeyId: undefined, credentialSource: 'env' });
    assert.equal(p.accessKeyId, undefined);
    assert.equal(p.credentialSource, 'env');
  });
});

describe('credentialsFromEnv', () => {
  it('reads the OSS variables, with the session token', () => {
    assert.deepEqual(
      credentialsFromEnv('oss', {
        OSS_ACCESS_KEY_ID: 'id',
        OSS_ACCESS_KEY_SECRET: 'sec',
        OSS_SESSION_TOKEN: 'tok',
        AWS_ACCESS_KEY_ID: 'no',
      }),
      { accessKeyId: 'id', accessKeySecret: 'sec', securityToken: 'tok' },
    );
  });

  it('reads the AWS variables for S3', () => {
    assert.deepEqual(credentialsFromEnv('s3', { AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'sec' }), {
      accessKeyId: 'id',
      accessKeySecret: 'sec',
    });
  });

  it('falls back to the profile access key id', () => {
    assert.equal(credentialsFromEnv('s3', { AWS_SECRET_ACCESS_KEY: 'sec' }, 'fromProfile').accessKeyId, 'fromProfile');
  });

  it('names the missing variable', () => {
    assert.throws(() => credentialsFromEnv('oss', { OSS_ACCESS_KEY_SECRET: 's' }), /OSS_ACCESS_KEY_ID is not set/);
    assert.throws(() => credentialsFromEnv('oss', { OSS_ACCESS_KEY_ID: 'i' }), /OSS_ACCESS_KEY_SECRET is not set/);
    assert.throws(
      () => credentialsFromEnv('s3', { AWS_ACCESS_KEY_ID: 'i', AWS_SECRET_ACCESS_KEY: ' ' }),
      /AWS_SECRET_ACCESS_KEY is not set/,
    );
  });

  it('never puts the secret into the error', () => {
    assert.throws(
      () => credentialsFromEnv('s3', { AWS_ACCESS_KEY_ID: 'has space', AWS_SECRET_ACCESS_KEY: 'topSecretValue' }),
      (err: Error) => !err.message.includes('topSecretValue'),
    );
  });
});

describe('connectionOptions and profileIdFor', () => {
  it('combines a profile and credentials without undefined fields', () => {
    const c = connectionOptions(validateProfile(base), { accessKeyId: 'LTAI5tExample', accessKeySecret: 's' });
    assert.deepEqual(c, {
      provider: 'oss',
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
      accessKeyId: 'LTAI5tExample',
      accessKeySecret: 's',
    });
  });

  it('makes a slug id that is not taken yet', () => {
    assert.equal(profileIdFor('Prod OSS (Hangzhou)', []), 'prod-oss-hangzhou');
    assert.equal(profileIdFor('Prod', ['prod', 'prod-2']), 'prod-3');
    assert.equal(profileIdFor('名前', []), 'profile');
  });
});

describe('connectionForBucket', () => {
  const oss = connectionOptions(validateProfile(base), { accessKeyId: 'LTAI5tExample', accessKeySecret: 's' });

  it("switches a standard OSS endpoint to the bucket's region", () => {
    const c = connectionForBucket(oss, { bucketRegion: 'cn-beijing', bucketEndpoint: 'oss-cn-beijing.aliyuncs.com' });
    assert.equal(c.endpoint, 'https://oss-cn-beijing.aliyuncs.com');
    assert.equal(c.region, 'cn-beijing');
    assert.equal(
      connectionForBucket(oss, { bucketRegion: 'cn-shenzhen' }).endpoint,
      'https://oss-cn-shenzhen.aliyuncs.com',
    );
  });

  it('keeps the connection for the same region, custom domains and custom S3 endpoints', () => {
    assert.equal(connectionForBucket(oss, { bucketRegion: 'cn-hangzhou' }), oss);
    assert.equal(connectionForBucket(oss, undefined), oss);
    const minio = { ...oss, provider: 's3' as const, endpoint: 'http://127.0.0.1:9000' };
    assert.equal(connectionForBucket(minio, { bucketRegion: 'eu-west-1' }), minio);
    const cname = {
      ...oss,
      endpoint: 'https://files.example.com',
      addressing: 'cname' as const,
      region: 'cn-hangzhou',
    };
    assert.equal(connectionForBucket(cname, { bucketRegion: 'cn-beijing' }), cname);
  });

  it("keeps an OSS internal endpoint internal in the bucket's region", () => {
    const internal = { ...oss, endpoint: 'https://oss-cn-hangzhou-internal.aliyuncs.com' };
    const c = connectionForBucket(internal, {
      bucketRegion: 'cn-beijing',
      bucketEndpoint: 'oss-cn-beijing.aliyuncs.com',
    });
    assert.equal(c.endpoint, 'https://oss-cn-beijing-internal.aliyuncs.com');
    assert.equal(c.region, 'cn-beijing');
  });

  it('locates buckets on standard OSS and AWS endpoints only', () => {
    const conn = (endpoint: string, provider: 'oss' | 's3' = 'oss', addressing?: 'cname') => ({
      ...oss,
      provider,
      endpoint,
      ...(addressing ? { addressing } : {}),
    });
    assert.equal(locatesBuckets(oss), true);
    assert.equal(locatesBuckets(conn('https://s3.us-west-2.amazonaws.com', 's3')), true);
    assert.equal(locatesBuckets(conn('https://s3.amazonaws.com', 's3')), true);
    assert.equal(locatesBuckets(conn('http://127.0.0.1:9000', 's3')), false);
    assert.equal(locatesBuckets(conn('https://acct.r2.cloudflarestorage.com', 's3')), false);
    assert.equal(locatesBuckets(conn('https://files.example.com', 'oss', 'cname')), false);
    assert.equal(locatesBuckets(conn('https://oss-cn-hangzhou.aliyuncs.com', 'oss', 'cname')), false);
  });

  it('switches a regional AWS endpoint', () => {
    const aws = { ...oss, provider: 's3' as const, endpoint: 'https://s3.us-east-1.amazonaws.com' };
    assert.equal(
      connectionForBucket(aws, { bucketRegion: 'eu-central-1' }).endpoint,
      'https://s3.eu-central-1.amazonaws.com',
    );
  });
});

describe('tokenExpiresAt', () => {
  it('keeps an ISO 8601 time with a zone, normalised to UTC', () => {
    assert.equal(
      validateProfile({ ...base, tokenExpiresAt: ' 2030-05-01T20:00:00+08:00 ' }).tokenExpiresAt,
      '2030-05-01T12:00:00.000Z',
    );
    assert.equal(
      validateProfile({ ...base, tokenExpiresAt: '2030-05-01T12:00Z' }).tokenExpiresAt,
      '2030-05-01T12:00:00.000Z',
    );
    assert.equal('tokenExpiresAt' in validateProfile({ ...base, tokenExpiresAt: '' }), false);
  });

  it('rejects an unparseable, zone-less or impossible time, naming the field, the format and Set Secret', () => {
    for (const bad of ['tomorrow', '2030-05-01T12:00:00', '2030-02-30T00:00:00Z', '2030-05-01T24:00:00Z', 1893545251]) {
      rejects(
        { ...base, tokenExpiresAt: bad },
        'tokenExpiresAt',
        /tokenExpiresAt .* is not an ISO 8601 time with a zone: write it like 2026-05-01T12:00:00Z.*Set Secret/,
      );
    }
  });

  it('parses the +0000 offset form credential helpers write', () => {
    assert.equal(parseTokenExpiry('2030-01-02T15:04:05+0000')?.toISOString(), '2030-01-02T15:04:05.000Z');
    assert.equal(parseTokenExpiry('2030-01-02 15:04:05Z')?.toISOString(), '2030-01-02T15:04:05.000Z');
    assert.equal(parseTokenExpiry('2030-01-02'), undefined);
  });
});
