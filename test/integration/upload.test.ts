// uploadFile against a real radosgw (it verifies SigV4 and Content-MD5), directly and through a loopback proxy that
// injects resets, 503s and 403s. Every test checks that no multipart upload or partial object is left behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancelledError,
  ServiceError,
  deleteObject,
  getObject,
  headObject,
  type ConnectionOptions,
} from '../../src/core/index';
import { FileChangedError } from '../../src/core/upload/fileSource';
import { listMultipartUploads } from '../../src/core/upload/multipart';
import { uploadFile, type UploadFileOptions } from '../../src/core/upload/uploadFile';
import { s3TestEnv, uniqueKey, NO_S3_SKIP_REASON, s3Connection } from './helpers/env';
import { startFaultProxy, s3ErrorXml, type FaultProxy } from './helpers/faultProxy';

const MiB = 1024 * 1024;
const env = s3TestEnv();
const conn: ConnectionOptions | undefined = env && s3Connection(env);
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 };

let dir: string;
const files: Record<string, Buffer> = {};
function file(name: string, size: number): string {
  const p = path.join(dir, name);
  if (!files[name]) {
    files[name] = randomBytes(size);
    fs.writeFileSync(p, files[name]);
  }
  return p;
}

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

/** Asserts nothing of `key` is left: no object, no multipart upload. */
async function assertNothingLeft(c: ConnectionOptions, bucket: string, key: string): Promise<void> {
  assert.equal(await headObject({ ...c, bucket, key }), null, `object ${key} exists`);
  assert.deepEqual(
    (await listMultipartUploads({ ...c, bucket, prefix: key })).uploads,
    [],
    `multipart uploads of ${key} left behind`,
  );
}

function monotonicTo(events: Array<[number, number]>, total: number): void {
  assert.ok(events.length > 0, 'no progress reported');
  for (let i = 1; i < events.length; i++)
    assert.ok(events[i][0] >= events[i - 1][0], `progress went back at ${i}: ${events[i - 1][0]} -> ${events[i][0]}`);
  assert.ok(events.every(([, t]) => t === total));
  assert.equal(events[events.length - 1][0], total);
}

describe('uploadFile against radosgw', { concurrency: false }, () => {
  const created: string[] = [];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-test-'));
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (conn && env) for (const key of created) await deleteObject({ ...conn, bucket: env.bucket, key });
  });

  async function roundTrip(
    t: { skip(reason: string): void },
    name: string,
    size: number,
    extra: Partial<UploadFileOptions>,
    keyPrefix = 'upload/',
  ) {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const key = uniqueKey(keyPrefix);
    created.push(key);
    const events: Array<[number, number]> = [];
    const result = await uploadFile({
      ...conn,
      bucket: env.bucket,
      key,
      filePath: file(name, size),
      onProgress: (s, tt) => events.push([s, tt]),
      retry: FAST_RETRY,
      ...extra,
    });
    assert.equal(result.bytes, size);
    monotonicTo(events, size);
    const got = await getBytes(conn, env.bucket, key);
    assert.ok(got.bytes.equals(files[name]), 'downloaded bytes differ from the file');
    return { key, result, got };
  }

  it('uploads a 0-byte file with a single PUT', async (t) => {
    const r = await roundTrip(t, 'zero.bin', 0, {});
    if (r) assert.equal(r.result.parts, undefined);
  });

  it('uploads a 1-byte file with a single PUT, storing Content-Type and metadata', async (t) => {
    const r = await roundTrip(t, 'one.bin', 1, {
      headers: { 'Content-Type': 'text/x-test', 'Cache-Control': 'no-cache' },
      metadata: { Owner: 'ana' },
    });
    if (!r) return;
    assert.equal(r.got.headers['content-type'], 'text/x-test');
    assert.equal(r.got.headers['cache-control'], 'no-cache');
    assert.equal(r.got.headers['x-amz-meta-owner'], 'ana');
  });

  it('uploads a file of exactly one part as a one-part multipart upload', async (t) => {
    const r = await roundTrip(t, 'onepart.bin', 5 * MiB, { partSize: 5 * MiB, multipartThreshold: 1 });
    if (r) assert.equal(r.result.parts, 1);
  });

  it('uploads 23 MiB in 5 MiB parts under a unicode key, with metadata and Content-Type on the final object', async (t) => {
    const r = await roundTrip(
      t,
      'm23.bin',
      23 * MiB,
      {
        partSize: 5 * MiB,
        multipartThreshold: 5 * MiB,
        concurrency: 3,
        headers: { 'Content-Type': 'application/x-custom' },
        metadata: { project: 'p1' },
      },
      'upload/ünïcødé 名前 ',
    );
    if (!r) return;
    assert.equal(r.result.parts, 5);
    assert.match(r.result.etag, /^[0-9a-f]{32}-5$/, 'the ETag of the HEAD after Complete');
    assert.equal(r.got.headers['content-type'], 'application/x-custom');
    assert.equal(r.got.headers['x-amz-meta-project'], 'p1');
  });

  it('a cancelled multipart upload rejects with CancelledError and leaves nothing', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const key = uniqueKey('upload/cancel-mp');
    const ac = new AbortController();
    await assert.rejects(
      uploadFile({
        ...conn,
        bucket: env.bucket,
        key,
        filePath: file('m23.bin', 23 * MiB),
        partSize: 5 * MiB,
        multipartThreshold: 1,
        signal: ac.signal,
        onProgress: (s) => s > 6 * MiB && ac.abort(),
      }),
      CancelledError,
    );
    await assertNothingLeft(conn, env.bucket, key);
  });

  it('a single PUT cancelled mid-body leaves no object (radosgw drops a cut body)', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const key = uniqueKey('upload/cancel-put');
    const ac = new AbortController();
    await assert.rejects(
      uploadFile({
        ...conn,
        bucket: env.bucket,
        key,
        filePath: file('m23.bin', 23 * MiB),
        signal: ac.signal,
        onProgress: (s) => s > 4 * MiB && ac.abort(),
      }),
      CancelledError,
    );
    await assertNothingLeft(conn, env.bucket, key);
  });

  it('stops with FileChangedError when the file is truncated during the upload, and aborts it', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const key = uniqueKey('upload/truncated');
    const p = path.join(dir, 'shrinking.bin');
    fs.writeFileSync(p, randomBytes(23 * MiB));
    let truncated = false;
    const err = await uploadFile({
      ...conn,
      bucket: env.bucket,
      key,
      filePath: p,
      partSize: 5 * MiB,
      multipartThreshold: 1,
      concurrency: 1,
      retry: FAST_RETRY,
      onProgress: (s) => {
        if (!truncated && s > 6 * MiB) {
          truncated = true;
          fs.truncateSync(p, 7 * MiB);
        }
      },
    }).then(
      () => assert.fail('the upload of a truncated file succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof FileChangedError, `expected FileChangedError, got ${String(err)}`);
    assert.match(err.message, /changed while it was being uploaded/);
    await assertNothingLeft(conn, env.bucket, key);
  });

  describe('through a fault-injecting proxy', () => {
    let proxy: FaultProxy;
    let viaProxy: ConnectionOptions;
    before(async () => {
      if (!conn || !env) return;
      proxy = await startFaultProxy(env.endpoint);
      viaProxy = { ...conn, endpoint: proxy.url };
    });
    after(async () => proxy?.close());

    const isPart = (n: number) => (r: { method: string; query: URLSearchParams }) =>
      r.method === 'PUT' && r.query.get('partNumber') === String(n);

    it('retries a part whose connection is reset mid-body and a part answered 503, and completes identical', async (t) => {
      if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
      proxy.clearFaults();
      proxy.inject(isPart(2), { kind: 'reset-request', afterBytes: 2 * MiB }, { times: 1 });
      proxy.inject(isPart(4), { kind: 'unavailable' }, { times: 1 });
      const key = uniqueKey('upload/faults');
      created.push(key);
      const events: Array<[number, number]> = [];
      const lines: string[] = [];
      const record = (m: unknown, ...a: unknown[]) =>
        lines.push([m, ...a].map((x) => (x instanceof Error ? `${x.name}: ${x.message}` : String(x))).join(' '));
      const log = { trace: record, debug: record, info: record, warn: record, error: record };
      const result = await uploadFile({
        ...viaProxy,
        bucket: env.bucket,
        key,
        filePath: file('m23.bin', 23 * MiB),
        partSize: 5 * MiB,
        multipartThreshold: 1,
        retry: FAST_RETRY,
        log,
        onProgress: (s, tt) => events.push([s, tt]),
      });
      assert.ok(
        lines.some((l) => /part 2 .*retrying/.test(l)) && lines.some((l) => /part 4 .*retrying/.test(l)),
        `the retries are not logged:\n${lines.join('\n')}`,
      );
      assert.ok(
        lines.every((l) => !l.includes(env.accessKeySecret) && !/Signature=[0-9a-f]/.test(l)),
        'a log line holds the secret or a signature',
      );
      assert.equal(result.parts, 5);
      monotonicTo(events, 23 * MiB);
      const faults = proxy.requests
        .filter((r) => r.fault)
        .map((r) => r.fault)
        .sort();
      // Every part carries its SHA-256 as the signed payload hash, which radosgw checks against the body.
      const parts = proxy.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));
      assert.ok(
        parts.length >= 7 && parts.every((r) => /^[0-9a-f]{64}$/.test(String(r.headers['x-amz-content-sha256']))),
        'a part was sent without its payload hash',
      );
      assert.deepEqual(faults, ['reset-request', 'unavailable']);
      assert.ok((await getBytes(conn, env.bucket, key)).bytes.equals(files['m23.bin']));
      assert.deepEqual((await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key })).uploads, []);
    });

    it('fails at once on a 403 for a part, with a clear error, and aborts the upload', async (t) => {
      if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
      proxy.clearFaults();
      proxy.inject(isPart(2), {
        kind: 'respond',
        status: 403,
        body: s3ErrorXml('AccessDenied', 'Access Denied', 'req-403'),
      });
      const key = uniqueKey('upload/forbidden');
      const seenBefore = proxy.requests.length;
      const err = await uploadFile({
        ...viaProxy,
        bucket: env.bucket,
        key,
        filePath: file('m23.bin', 23 * MiB),
        partSize: 5 * MiB,
        multipartThreshold: 1,
        concurrency: 2,
        retry: FAST_RETRY,
      }).then(
        () => assert.fail('expected a 403'),
        (e: unknown) => e,
      );
      proxy.clearFaults();
      assert.ok(err instanceof ServiceError, `expected ServiceError, got ${String(err)}`);
      assert.equal(err.status, 403);
      assert.equal(err.code, 'AccessDenied');
      assert.equal(err.requestId, 'req-403');
      assert.ok(!err.message.includes(env.accessKeySecret));
      const part2 = proxy.requests
        .slice(seenBefore)
        .filter((r) => r.method === 'PUT' && /[?&]partNumber=2(&|$)/.test(r.url));
      assert.equal(part2.length, 1, 'a 403 must not be retried');
      assert.ok(
        proxy.requests.slice(seenBefore).some((r) => r.method === 'DELETE' && r.url.includes('uploadId=')),
        'the upload was not aborted',
      );
      await assertNothingLeft(conn, env.bucket, key);
    });
  });
});
