// Is the S3 test server that `npm test` starts (scripts/s3-server/start.sh) up and checking signatures?
// Header-signed requests go through curl's own SigV4 signer (--aws-sigv4), independent of our code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { NO_S3_SKIP_REASON, rawRequest, s3TestEnv, type S3TestEnv } from './helpers/env';

/** ListBuckets signed by curl. radosgw needs x-amz-content-sha256 set explicitly for curl's signer. */
function curlListBuckets(s3: S3TestEnv, secret: string): Promise<{ status: number; body: string }> {
  const args = [
    '-s',
    '--max-time',
    '30',
    '-w',
    '\n%{http_code}',
    '--aws-sigv4',
    `aws:amz:${s3.region}:s3`,
    '-u',
    `${s3.accessKeyId}:${secret}`,
    '-H',
    'x-amz-content-sha256: UNSIGNED-PAYLOAD',
    `${s3.endpoint}/`,
  ];
  return new Promise((resolve, reject) => {
    execFile('curl', args, (err, stdout) => {
      if (err) return reject(err);
      const cut = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
    });
  });
}

test('radosgw answers a SigV4-signed ListBuckets and lists the test bucket', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const res = await curlListBuckets(s3, s3.accessKeySecret);
  assert.equal(res.status, 200, res.body);
  assert.match(res.body, /<ListAllMyBucketsResult/);
  assert.ok(res.body.includes(`<Name>${s3.bucket}</Name>`), `bucket ${s3.bucket} not in ${res.body}`);
});

test('radosgw rejects a request signed with the wrong secret', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const res = await curlListBuckets(s3, `${s3.accessKeySecret}x`);
  assert.equal(res.status, 403, res.body);
  assert.match(res.body, /<Code>SignatureDoesNotMatch<\/Code>/);
});

test('virtual-hosted style reaches the bucket through Host: <bucket>.localhost', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const port = new URL(s3.endpoint).port || '80';
  // Anonymous requests: a bucket that exists refuses (403), one that does not is missing (404),
  // which shows radosgw took the bucket name from the Host header.
  const existing = await rawRequest({ method: 'GET', url: `http://${s3.bucket}.localhost:${port}/` });
  assert.equal(existing.status, 403, existing.body);
  assert.match(existing.body, /<Code>AccessDenied<\/Code>/);
  const missing = await rawRequest({
    method: 'GET',
    url: `${s3.endpoint}/`,
    hostHeader: `no-such-bucket-oss-presign.localhost:${port}`,
  });
  assert.equal(missing.status, 404, missing.body);
  assert.match(missing.body, /<Code>NoSuchBucket<\/Code>/);
});
