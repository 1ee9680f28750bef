// The presigned multipart kit end to end: presignMultipart against radosgw, then the generated bash + curl script,
// run with no credentials in its environment, uploads and completes the object (or aborts it on failure).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  abortMultipartUpload,
  deleteObject,
  getObject,
  headObject,
  listMultipartUploads,
  multipartKitManifest,
  multipartKitScript,
  presignMultipart,
  type ConnectionOptions,
} from '../../src/core/index';
import { s3TestEnv, uniqueKey, NO_S3_SKIP_REASON, s3Connection } from './helpers/env';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const env = s3TestEnv();
const conn: ConnectionOptions | undefined = env && s3Connection(env);

async function getBytes(
  c: ConnectionOptions,
  bucket: string,
  key: string,
): Promise<{ bytes: Buffer; headers: Record<string, string> }> {
  const res = await getObject({ ...c, bucket, key });
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  return { bytes: Buffer.concat(chunks), headers: res.headers };
}

/** Runs the script as a recipient would: bash, a clean environment (no S3_* or AWS_* credentials), in the kit's folder. */
function runScript(script: string, cwd: string, args: string[] = []) {
  return run('bash', [script, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd },
    maxBuffer: 4 * MiB,
  });
}

describe('presigned multipart kit against radosgw', { concurrency: false }, () => {
  let dir: string;
  const created: string[] = [];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-test-'));
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (conn && env) for (const key of created) await deleteObject({ ...conn, bucket: env.bucket, key });
  });

  async function makeKit(name: string, size: number, key: string, extra: { expiresSeconds?: number } = {}) {
    assert.ok(conn && env);
    const data = randomBytes(size);
    fs.writeFileSync(path.join(dir, name), data);
    const kit = await presignMultipart({
      ...conn,
      bucket: env.bucket,
      key,
      fileSize: size,
      partSize: 5 * MiB,
      expiresSeconds: extra.expiresSeconds ?? 600,
      headers: { 'Content-Type': 'video/mp4' },
      metadata: { origin: 'kit' },
    });
    const manifest = multipartKitManifest(kit, {
      provider: 's3',
      bucket: env.bucket,
      key,
      fileName: name,
      fileSize: size,
      partSize: kit.partSize,
    });
    const script = path.join(dir, `${name}.upload.sh`);
    fs.writeFileSync(script, multipartKitScript(manifest), { mode: 0o700 });
    return { data, kit, manifest, script };
  }

  it('the script uploads a 12 MiB file in 3 presigned parts and completes it; bytes, type and metadata match', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const key = uniqueKey('kit/ünï cødé');
    created.push(key);
    const { data, kit, manifest, script } = await makeKit('big file.bin', 12 * MiB + 7, key);
    assert.equal(kit.parts.length, 3);
    assert.deepEqual(
      kit.parts.map((p) => [p.start, p.end]),
      [
        [0, 5 * MiB],
        [5 * MiB, 10 * MiB],
        [10 * MiB, 12 * MiB + 7],
      ],
    );
    for (const p of kit.parts) assert.match(p.url, new RegExp(`[?&]partNumber=${p.partNumber}&uploadId=`));
    assert.ok(!JSON.stringify(manifest).includes(env.accessKeySecret));
    assert.ok(!fs.readFileSync(script, 'utf8').includes(env.accessKeySecret));
    const out = await runScript(script, dir);
    assert.match(out.stdout, /part 3\/3 uploaded/);
    assert.match(out.stdout, /Uploaded big file\.bin \(12582919 bytes\) in 3 parts\./);
    const got = await getBytes(conn, env.bucket, key);
    assert.ok(got.bytes.equals(data), 'downloaded bytes differ');
    assert.equal(got.headers['content-type'], 'video/mp4');
    assert.equal(got.headers['x-amz-meta-origin'], 'kit');
    assert.deepEqual((await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key })).uploads, []);
  });

  it('a 0-byte file goes up as one empty part', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const key = uniqueKey('kit/empty');
    created.push(key);
    const { script } = await makeKit('empty.bin', 0, key);
    await runScript(script, dir);
    assert.equal((await headObject({ ...conn, bucket: env.bucket, key }))?.size, 0);
  });

  it('a refused part (tampered URL -> 403) stops the script, which aborts the upload', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const key = uniqueKey('kit/refused');
    const { script, kit } = await makeKit('refused.bin', 11 * MiB, key);
    // Swap the signature of part 2 for a wrong one.
    const text = fs
      .readFileSync(script, 'utf8')
      .replace(kit.parts[1].url, kit.parts[1].url.replace(/X-Amz-Signature=[0-9a-f]{8}/, 'X-Amz-Signature=00000000'));
    fs.writeFileSync(script, text);
    const err = await runScript(script, dir).then(
      () => assert.fail('the script succeeded'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(err.code, 1);
    assert.match(err.stderr, /part 2 was refused \(HTTP 403\)/);
    assert.match(err.stderr, /aborting multipart upload/);
    assert.deepEqual((await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key })).uploads, []);
    assert.equal(await headObject({ ...conn, bucket: env.bucket, key }), null);
  });

  it('refuses a file of the wrong size before sending anything', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const key = uniqueKey('kit/wrong-size');
    const { script, kit } = await makeKit('sized.bin', 6 * MiB, key);
    fs.writeFileSync(path.join(dir, 'other.bin'), randomBytes(100));
    try {
      const err = await runScript(script, dir, ['other.bin']).then(
        () => assert.fail('the script succeeded'),
        (e: { code: number; stderr: string }) => e,
      );
      assert.match(err.stderr, /has 100 bytes, but this kit was made for a file of 6291456 bytes/);
    } finally {
      // The kit stays usable with the right file, so the script leaves the upload open; the test cleans up.
      await abortMultipartUpload({ ...conn, bucket: env.bucket, key, uploadId: kit.uploadId });
    }
    assert.deepEqual((await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key })).uploads, []);
  });
});
