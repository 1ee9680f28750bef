// Bucket locations against radosgw (a real SigV4-verifying server): GetBucketLocation is signed so the server
// accepts it, a refusal that names no region is the caller's error (never a guessed region), and the ProfileStore
// uses a custom endpoint's buckets as they are, without asking where they live.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getBucketLocation, listObjects, ServiceError } from '../../src/core/index';
import { createHarness, profile } from '../unit/fakes/services';
import { NO_S3_SKIP_REASON, s3Connection, s3TestEnv } from './helpers/env';

const env = s3TestEnv();

describe('bucket locations on radosgw', () => {
  it('GetBucketLocation is accepted and answers the zonegroup radosgw names', async (t) => {
    if (!env) return t.skip(NO_S3_SKIP_REASON);
    const { region, endpoint } = await getBucketLocation({ ...s3Connection(env), bucket: env.bucket });
    assert.match(region, /^[a-z0-9-]+$/);
    assert.equal(endpoint, undefined);
  });

  it('a refusal that names no region is thrown as it is', async (t) => {
    if (!env) return t.skip(NO_S3_SKIP_REASON);
    await assert.rejects(
      getBucketLocation({ ...s3Connection(env), accessKeySecret: 'not-the-secret', bucket: env.bucket }),
      (err: unknown) => err instanceof ServiceError && err.code === 'SignatureDoesNotMatch',
    );
  });

  it("the ProfileStore reaches a custom endpoint's bucket as it is, without a lookup", async (t) => {
    if (!env) return t.skip(NO_S3_SKIP_REASON);
    const h = createHarness();
    t.after(() => h.dispose());
    await h.setProfiles(
      [profile('rgw', { endpoint: env.endpoint, region: env.region, accessKeyId: env.accessKeyId })],
      env.accessKeySecret,
    );
    const store = h.services().profiles;
    const conn = await store.connection('rgw', env.bucket);
    assert.deepEqual(conn, await store.connection('rgw'));
    const page = await listObjects({ ...conn, bucket: env.bucket, maxKeys: 1 });
    assert.ok(Array.isArray(page.objects));
    assert.deepEqual(
      h.log.lines.filter((l) => l.text.includes('[profiles]')),
      [],
      'no lookup was logged',
    );
  });
});
