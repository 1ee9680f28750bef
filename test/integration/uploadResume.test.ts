// Resuming multipart uploads against radosgw. An upload run in its own process (dist/core.js, as users run it) loses
// its connection halfway (a loopback proxy cuts it), and a fresh process resumes it from the checkpoint file: the
// proxy counts what the resume sends. Then each fault a resume meets (file changed, upload aborted meanwhile, a part
// that differs on the server, a corrupt checkpoint), and the incomplete-upload calls. Nothing is left behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancelledError,
  abortMultipartUpload,
  deleteObject,
  getObject,
  listMultipartUploads,
  listParts,
  uploadFile,
  type Checkpoint,
  type CheckpointStore,
  type ConnectionOptions,
  type MultipartUploadInfo,
  type UploadFileOptions,
  type UploadResult,
} from '../../src/core/index';
import { initiateMultipart, uploadPart } from '../../src/core/upload/multipart';
import { NO_S3_SKIP_REASON, s3TestEnv, uniqueKey, s3Connection } from './helpers/env';
import { startCountingProxy, type CountingProxy } from './helpers/countingProxy';

const MiB = 1024 * 1024;
const PART = 5 * MiB; // the S3 minimum
const ROOT = path.resolve(__dirname, '../../..');
const CORE = path.join(ROOT, 'dist', 'core.js');
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 };

const env = s3TestEnv();
const conn: ConnectionOptions | undefined = env && s3Connection(env);
const PREFIX = `${uniqueKey('resume/')}/`;

/** One upload session in a process of its own, through the proxy, with the checkpoint in a JSON file. */
const SESSION = `
const fs = require('node:fs');
const o = JSON.parse(process.env.RESUME_SESSION);
const core = require(o.core);
core.configureTransport({ proxy: o.proxy, noProxy: '' });
const file = o.checkpointPath;
const checkpoint = {
  load: async () => {
    try { return JSON.parse(fs.readFileSync(file, 'utf8')); }
    catch (e) { if (e.code === 'ENOENT') return undefined; throw e; }
  },
  save: async (c) => { fs.writeFileSync(file + '.tmp', JSON.stringify(c)); fs.renameSync(file + '.tmp', file); },
  clear: async () => fs.rmSync(file, { force: true }),
};
const warnings = [];
const log = { trace() {}, debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(String(m)) };
core.uploadFile({ ...o.upload, checkpoint, log }).then(
  (result) => process.stdout.write(JSON.stringify({ result, warnings })),
  (e) => process.stdout.write(JSON.stringify({ error: { name: e.name, code: e.code, message: e.message }, warnings })),
);
`;

interface SessionOutcome {
  result?: UploadResult;
  error?: { name: string; code: string; message: string };
  warnings: string[];
}

function runSession(upload: Record<string, unknown>, proxy: CountingProxy, checkpointPath: string) {
  const session = JSON.stringify({ core: CORE, proxy: proxy.url, checkpointPath, upload });
  return new Promise<SessionOutcome>((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', SESSION],
      { env: { PATH: process.env.PATH ?? '', RESUME_SESSION: session }, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`session failed: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout) as SessionOutcome);
        } catch {
          reject(new Error(`session printed no outcome:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** A checkpoint kept in a JSON file, as a user of the library would keep it; `onSave` sees each save. */
function fileStore(file: string, onSave?: (c: Checkpoint) => void): CheckpointStore {
  return {
    load: async () => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Checkpoint) : undefined),
    save: async (c) => {
      fs.writeFileSync(file, JSON.stringify(c));
      onSave?.(c);
    },
    clear: async () => fs.rmSync(file, { force: true }),
  };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function storedSha256(c: ConnectionOptions, bucket: string, key: string): Promise<string> {
  const res = await getObject({ ...c, bucket, key });
  const hash = createHash('sha256');
  for await (const chunk of res.body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function uploadsOf(c: ConnectionOptions, bucket: string, prefix: string): Promise<MultipartUploadInfo[]> {
  const all: MultipartUploadInfo[] = [];
  let page = await listMultipartUploads({ ...c, bucket, prefix });
  all.push(...page.uploads);
  while (page.isTruncated) {
    page = await listMultipartUploads({
      ...c,
      bucket,
      prefix,
      keyMarker: page.nextKeyMarker,
      uploadIdMarker: page.nextUploadIdMarker,
    });
    all.push(...page.uploads);
  }
  return all;
}

describe('resuming uploads against radosgw', { concurrency: false }, () => {
  let dir: string;
  const keys: string[] = [];
  const file = (name: string, size: number) => {
    const p = path.join(dir, name);
    const bytes = randomBytes(size);
    fs.writeFileSync(p, bytes);
    return { path: p, bytes };
  };
  const base = (key: string, filePath: string): UploadFileOptions => {
    keys.push(key);
    return { ...conn!, bucket: env!.bucket, key, filePath, partSize: PART, multipartThreshold: 1, retry: FAST_RETRY };
  };
  /** Uploads until the checkpoint records `parts` parts, then cancels, as a closing window would. */
  async function interrupt(options: UploadFileOptions, cpFile: string, parts: number): Promise<Checkpoint> {
    const stop = new AbortController();
    const store = fileStore(cpFile, (c) => {
      if (c.parts.length >= parts) stop.abort();
    });
    await assert.rejects(
      uploadFile({ ...options, concurrency: 1, signal: stop.signal, checkpoint: store }),
      CancelledError,
    );
    const saved = await store.load();
    assert.ok(saved, 'no checkpoint after the interruption');
    assert.equal(saved.parts.length, parts);
    return saved;
  }

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resume-it-'));
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (!conn || !env) return;
    for (const u of await uploadsOf(conn, env.bucket, PREFIX))
      await abortMultipartUpload({ ...conn, bucket: env.bucket, key: u.key, uploadId: u.uploadId });
    for (const key of keys) await deleteObject({ ...conn, bucket: env.bucket, key });
  });

  it('an upload cut off halfway resumes in a fresh process, sending only the missing parts', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    assert.ok(fs.existsSync(CORE), `${CORE} is missing: build first (node scripts/build.mjs)`);
    const size = 6 * PART;
    const { path: filePath, bytes } = file('half.bin', size);
    const key = `${PREFIX}half.bin`;
    const cpFile = path.join(dir, 'half.checkpoint.json');
    const upload = { ...base(key, filePath), concurrency: 1 };
    const proxy = await startCountingProxy();
    try {
      proxy.killAfter(size / 2 + PART / 2); // in the middle of part 4
      const first = await runSession(upload, proxy, cpFile);
      assert.ok(proxy.dead, 'the connection was never cut');
      assert.equal(first.error?.name, 'NetworkError', JSON.stringify(first));
      const saved = JSON.parse(fs.readFileSync(cpFile, 'utf8')) as Checkpoint;
      const done = saved.parts.length;
      assert.ok(done >= 1 && done < 6, `${done} parts recorded`);
      assert.ok(
        (await uploadsOf(conn, env.bucket, key)).some((u) => u.uploadId === saved.uploadId),
        'the interrupted upload was aborted: a lost connection must leave it resumable',
      );
      const text = fs.readFileSync(cpFile, 'utf8');
      assert.ok(
        !text.includes(env.accessKeySecret) && !text.includes('X-Amz-'),
        'the checkpoint holds a secret or URL',
      );

      proxy.revive();
      const second = await runSession(upload, proxy, cpFile);
      assert.ok(second.result, JSON.stringify(second));
      const missing = size - done * PART;
      t.diagnostic(`resume sent ${proxy.sentBytes} bytes for ${missing} missing of ${size} (${done} parts kept)`);
      assert.equal(second.result.resumedBytes, done * PART);
      assert.equal(second.result.restarted, undefined);
      assert.ok(proxy.sentBytes >= missing, `sent ${proxy.sentBytes} < ${missing} missing`);
      assert.ok(proxy.sentBytes < size, `sent ${proxy.sentBytes}, the whole file is ${size}`);
      // Beyond the missing parts only request heads and small XML bodies.
      assert.ok(proxy.sentBytes < missing + 256 * 1024, `sent ${proxy.sentBytes - missing} bytes more than missing`);
      assert.equal(await storedSha256(conn, env.bucket, key), sha256(bytes));
      assert.ok(!fs.existsSync(cpFile), 'the checkpoint was not cleared');
      assert.deepEqual(await uploadsOf(conn, env.bucket, key), []);
    } finally {
      await proxy.close();
    }
  });

  it('starts over when the file changed between sessions, with a warning, aborting the old upload', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const { path: filePath } = file('changed.bin', 2 * PART + MiB);
    const key = `${PREFIX}changed.bin`;
    const cpFile = path.join(dir, 'changed.json');
    const saved = await interrupt(base(key, filePath), cpFile, 1);
    const changed = randomBytes(2 * PART + 2 * MiB);
    fs.writeFileSync(filePath, changed);
    const warnings: string[] = [];
    const log = { trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const result = await uploadFile({ ...base(key, filePath), checkpoint: fileStore(cpFile), log });
    assert.equal(result.restarted, 'file-changed');
    assert.equal(result.resumedBytes, 0);
    assert.ok(
      warnings.some((w) => w.includes('changed') && w.includes('starting over') && w.includes(saved.uploadId)),
      warnings.join('\n'),
    );
    assert.deepEqual(await uploadsOf(conn, env.bucket, key), [], 'the old upload is still listed');
    assert.equal(await storedSha256(conn, env.bucket, key), sha256(changed));
    assert.ok(!fs.existsSync(cpFile));
  });

  it('starts over cleanly when the upload was aborted on the server meanwhile', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const { path: filePath, bytes } = file('gone.bin', 2 * PART + MiB);
    const key = `${PREFIX}gone.bin`;
    const cpFile = path.join(dir, 'gone.json');
    const saved = await interrupt(base(key, filePath), cpFile, 1);
    await abortMultipartUpload({ ...conn, bucket: env.bucket, key, uploadId: saved.uploadId });
    const result = await uploadFile({ ...base(key, filePath), checkpoint: fileStore(cpFile) });
    assert.equal(result.restarted, 'upload-gone');
    assert.equal(await storedSha256(conn, env.bucket, key), sha256(bytes));
    assert.deepEqual(await uploadsOf(conn, env.bucket, key), []);
  });

  it('sends again a part whose ETag on the server differs from the checkpoint', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const { path: filePath, bytes } = file('etag.bin', 2 * PART + MiB);
    const key = `${PREFIX}etag.bin`;
    const cpFile = path.join(dir, 'etag.json');
    const saved = await interrupt(base(key, filePath), cpFile, 2);
    // Part 1 replaced on the server by other bytes of the same size: its ETag no longer matches the checkpoint.
    const other = randomBytes(PART);
    await uploadPart(conn, {
      bucket: env.bucket,
      key,
      uploadId: saved.uploadId,
      partNumber: 1,
      body: other,
      contentLength: PART,
      payloadHash: sha256(other),
    });
    const result = await uploadFile({ ...base(key, filePath), checkpoint: fileStore(cpFile) });
    assert.deepEqual(result.resentParts, [1]);
    assert.equal(result.resumedBytes, PART, 'only part 2 was kept');
    assert.equal(await storedSha256(conn, env.bucket, key), sha256(bytes), 'the stale part went into the object');
    assert.deepEqual(await uploadsOf(conn, env.bucket, key), []);
  });

  it('starts over when the checkpoint is corrupt', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const { path: filePath, bytes } = file('corrupt.bin', 2 * PART + MiB);
    const key = `${PREFIX}corrupt.bin`;
    const cpFile = path.join(dir, 'corrupt.json');
    // Still naming its upload on this server: that upload is aborted, not orphaned.
    const saved = await interrupt(base(key, filePath), cpFile, 1);
    fs.writeFileSync(cpFile, JSON.stringify({ ...saved, parts: [{ partNumber: 'one' }] }));
    const result = await uploadFile({ ...base(key, filePath), checkpoint: fileStore(cpFile) });
    assert.equal(result.restarted, 'corrupt-checkpoint');
    assert.deepEqual(await uploadsOf(conn, env.bucket, key), []);
    // Unreadable JSON names no upload: the engine starts over (the test aborts the one it cannot know about).
    const again = await interrupt(base(key, filePath), cpFile, 1);
    fs.writeFileSync(cpFile, '{"version":1,"uploadId":');
    const second = await uploadFile({ ...base(key, filePath), checkpoint: fileStore(cpFile) });
    assert.equal(second.restarted, 'corrupt-checkpoint');
    assert.equal(await storedSha256(conn, env.bucket, key), sha256(bytes));
    await abortMultipartUpload({ ...conn, bucket: env.bucket, key, uploadId: again.uploadId });
    assert.deepEqual(await uploadsOf(conn, env.bucket, key), []);
  });

  it('lists incomplete uploads and their parts a page at a time, and aborts them', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const prefix = `${PREFIX}list/`;
    const started: Array<{ key: string; uploadId: string }> = [];
    for (const name of ['a.bin', 'b.bin', 'c.bin']) {
      const key = prefix + name;
      started.push({ key, uploadId: await initiateMultipart(conn, env.bucket, key, {}) });
    }
    const { key, uploadId } = started[0];
    for (const partNumber of [1, 2, 3]) {
      const body = Buffer.alloc(1000 * partNumber, partNumber);
      await uploadPart(conn, {
        bucket: env.bucket,
        key,
        uploadId,
        partNumber,
        body,
        contentLength: body.length,
        payloadHash: sha256(body),
      });
    }

    const first = await listMultipartUploads({ ...conn, bucket: env.bucket, prefix, maxUploads: 2 });
    assert.equal(first.uploads.length, 2);
    assert.equal(first.isTruncated, true);
    assert.ok(first.nextKeyMarker);
    const second = await listMultipartUploads({
      ...conn,
      bucket: env.bucket,
      prefix,
      keyMarker: first.nextKeyMarker,
      uploadIdMarker: first.nextUploadIdMarker,
    });
    assert.equal(second.isTruncated, false);
    const listed = [...first.uploads, ...second.uploads];
    assert.deepEqual(
      listed.map((u) => [u.key, u.uploadId]),
      started.map((u) => [u.key, u.uploadId]),
    );
    assert.ok(
      listed.every((u) => u.initiated && !Number.isNaN(Date.parse(u.initiated))),
      JSON.stringify(listed),
    );

    const p1 = await listParts({ ...conn, bucket: env.bucket, key, uploadId, maxParts: 2 });
    assert.equal(p1.isTruncated, true);
    assert.equal(p1.nextPartNumberMarker, 2);
    const p2 = await listParts({
      ...conn,
      bucket: env.bucket,
      key,
      uploadId,
      partNumberMarker: p1.nextPartNumberMarker,
    });
    assert.equal(p2.isTruncated, false);
    const parts = [...p1.parts, ...p2.parts];
    assert.deepEqual(
      parts.map((p) => [p.partNumber, p.size]),
      [
        [1, 1000],
        [2, 2000],
        [3, 3000],
      ],
    );
    for (const p of parts) {
      assert.equal(p.etag, createHash('md5').update(Buffer.alloc(p.size, p.partNumber)).digest('hex'));
      assert.ok(p.lastModified && !Number.isNaN(Date.parse(p.lastModified)));
    }

    for (const u of started) await abortMultipartUpload({ ...conn, bucket: env.bucket, ...u });
    assert.deepEqual(await uploadsOf(conn, env.bucket, prefix), []);
    await assert.rejects(listParts({ ...conn, bucket: env.bucket, key, uploadId }), { code: 'NoSuchUpload' });
    // Aborting again is not an error: the upload is gone either way.
    await abortMultipartUpload({ ...conn, bucket: env.bucket, key, uploadId });
  });
});
