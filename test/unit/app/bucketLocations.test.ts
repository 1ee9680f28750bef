// src/app/bucketLocations.ts: what a session learns about where each profile's buckets live.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BucketLocations } from '../../../src/app/bucketLocations';

describe('BucketLocations', () => {
  it('keeps the buckets of a listing that named their region, per profile', () => {
    const known = new BucketLocations();
    known.rememberListing('p', [
      { name: 'bj', region: 'cn-beijing', extranetEndpoint: 'oss-cn-beijing.aliyuncs.com' },
      { name: 'nowhere' },
    ]);
    assert.deepEqual(known.get('p', 'bj'), {
      bucketRegion: 'cn-beijing',
      bucketEndpoint: 'oss-cn-beijing.aliyuncs.com',
    });
    assert.equal(known.get('p', 'nowhere'), undefined);
    assert.equal(known.get('other', 'bj'), undefined);
  });

  it('remembers a refused lookup as "use the profile\'s endpoint", and keeps no endpoint without a region', () => {
    const known = new BucketLocations();
    known.remember('p', 'b', {});
    assert.deepEqual(known.get('p', 'b'), {});
    known.remember('p', 'c', { bucketEndpoint: 'oss-cn-beijing.aliyuncs.com' });
    assert.deepEqual(known.get('p', 'c'), {});
  });

  it('forgets everything on clear', () => {
    const known = new BucketLocations();
    known.remember('p', 'b', { bucketRegion: 'eu-west-1' });
    known.clear();
    assert.equal(known.get('p', 'b'), undefined);
  });
});
