// Resuming a multipart upload from a checkpoint: the decisions (resume, or start over and why), and uploadFile
// against a loopback fake of the OSS multipart API that keeps uploads in memory and counts the bytes it receives.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, FileChangedError, uploadFile, type ConnectionOptions } from '../../../src/core/index';
import {
  checkCheckpoint,
  reconcileParts,
  type Checkpoint,
  type CheckpointStore,
  type CheckpointTarget,
} from '../../../src/core/upload/checkpoint';
import type { FileSnapshot } from '../../../src/core/upload/fileSource';
import { planParts } from '../../../src/core/upload/partPlan';

const KiB = 1024;
const PART = 100 * KiB; // the OSS minimum part size
const SECRET = 'fake-secret-never-stored';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex').toUpperCase();

interface FakeUpload {
  key: string;
  parts: Map<number, { bytes: Buffer; etag: string }>;
}

/** An in-memory OSS: multipart uploads (ListParts in pages of 2), HEAD, and the bytes each UploadPart carried. */
class FakeOss {
  readonly uploads = new Map<string, FakeUpload>();
  readonly objects = new Map<string, { bytes: Buffer; etag: string }>();
  /** Part numbers received by UploadPart, in order, and their bytes in all. */
  partsReceived: number[] = [];
  partBytes = 0;
  private server = http.createServer((req, res) => this.handle(req, res));
  private ids = 0;
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  resetCounts(): void {
    this.partsReceived = [];
    this.partBytes = 0;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = decodeURIComponent(url.pathname.split('/').slice(2).join('/'));
    const q = url.searchParams;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const reply = (status: number, xml = '', headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/xml', ...headers });
        res.end(xml);
      };
      const noSuchUpload = () =>
        reply(404, '<Error><Code>NoSuchUpload</Code><Message>gone</Message><RequestId>r</RequestId></Error>');
      const upload = q.has('uploadId') ? this.uploads.get(q.get('uploadId') ?? '') : undefined;
      if (req.method === 'POST' && q.has('uploads')) {
        const id = `upload-${++this.ids}`;
        this.uploads.set(id, { key, parts: new Map() });
        return reply(200, `<InitiateMultipartUploadResult><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
      }
      if (req.method === 'PUT' && q.has('partNumber')) {
        if (!upload) return noSuchUpload();
        const n = Number(q.get('partNumber'));
        this.partsReceived.push(n);
        this.partBytes += body.length;
        const etag = md5(body);
        upload.parts.set(n, { bytes: body, etag });
        return reply(200, '', { etag: `"${etag}"` });
      }
      if (req.method === 'GET' && q.has('uploadId')) {
        if (!upload) return noSuchUpload();
        const after = Number(q.get('part-number-marker') ?? 0);
        const all = [...upload.parts.entries()].filter(([n]) => n > after).sort(([a], [b]) => a - b);
        const page = all.slice(0, 2);
        const truncated = all.length > 2;
        const parts = page
          .map(
            ([n, p]) =>
              `<Part><PartNumber>${n}</PartNumber><ETag>"${p.etag}"</ETag><Size>${p.bytes.length}</Size></Part>`,
          )
          .join('');
        const next = truncated ? `<NextPartNumberMarker>${page[page.length - 1][0]}</NextPartNumberMarker>` : '';
        return reply(200, `<ListPartsResult><IsTruncated>${truncated}</IsTruncated>${next}${parts}</ListPartsResult>`);
      }
      if (req.method === 'POST' && q.has('uploadId')) {
        if (!upload) return noSuchUpload();
        const numbers = [...body.toString().matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        const bytes = Buffer.concat(numbers.map((n) => upload.parts.get(n)?.bytes ?? Buffer.alloc(0)));
        this.objects.set(key, { bytes, etag: `${md5(bytes)}-${numbers.length}` });
        this.uploads.delete(q.get('uploadId') ?? '');
        return reply(200, '<CompleteMultipartUploadResult><ETag>"x"</ETag></CompleteMultipartUploadResult>');
      }
      if (req.method === 'DELETE' && q.has('uploadId')) {
        if (!upload) return noSuchUpload();
        this.uploads.delete(q.get('uploadId') ?? '');
        return reply(204);
      }
      if (req.method === 'HEAD') {
        const o = this.objects.get(key);
        if (!o) return reply(404);
        res.writeHead(200, { 'content-length': String(o.bytes.length), etag: `"${o.etag}"` });
        return res.end();
      }
      reply(400, '<Error><Code>NotImplemented</Code><Message>fake</Message></Error>');
    });
  }
}

/** A checkpoint store in memory that remembers every save. */
class MemoryStore implements CheckpointStore {
  saved: Checkpoint | undefined;
  saves: Checkpoint[] = [];
  cleared = 0;
  onSave: ((c: Checkpoint) => void) | undefined;
  constructor(public loadValue?: () => Promise<unknown>) {}
  async load(): Promise<Checkpoint | undefined> {
    if (this.loadValue) return (await this.loadValue()) as Checkpoint | undefined;
    return this.saved && (JSON.parse(JSON.stringify(this.saved)) as Checkpoint);
  }
  async save(c: Checkpoint): Promise<void> {
    this.saved = c;
    this.saves.push(c);
    this.onSave?.(c);
  }
  async clear(): Promise<void> {
    this.saved = undefined;
    this.loadValue = undefined;
    this.cleared++;
  }
}

function recordingLog() {
  const warnings: string[] = [];
  const log = {
    trace() {},
    debug() {},
    info() {},
    warn: (m: string) => warnings.push(m),
    error: (m: string | Error) => warnings.push(String(m)),
  };
  return { log, warnings };
}

const fake = new FakeOss();
let conn: ConnectionOptions;
let dir: string;

function writeFile(name: string, size: number): { path: string; bytes: Buffer } {
  const p = path.join(dir, name);
  const bytes = randomBytes(size);
  fs.writeFileSync(p, bytes);
  return { path: p, bytes };
}

/** Uploads until the checkpoint records `parts` parts, then cancels (as a user or a dying process would). */
async function interruptAfter(filePath: string, key: string, store: MemoryStore, parts: number): Promise<Checkpoint> {
  const stop = new AbortController();
  store.onSave = (c) => {
    if (c.parts.length >= parts) stop.abort();
  };
  await assert.rejects(
    uploadFile({
      ...conn,
      bucket: 'bkt',
      key,
      filePath,
      partSize: PART,
      multipartThreshold: 1,
      concurrency: 1,
      signal: stop.signal,
      checkpoint: store,
    }),
    CancelledError,
  );
  store.onSave = undefined;
  assert.ok(store.saved, 'the checkpoint was cleared on cancel');
  return store.saved;
}

const SIZE = 4 * PART + 17; // 5 parts, the last one 17 bytes

describe('resuming a multipart upload from a checkpoint', { concurrency: false }, () => {
  before(async () => {
    await fake.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resume-unit-'));
    conn = { provider: 'oss', endpoint: fake.url, region: 'cn-hangzhou', accessKeyId: 'AKID', accessKeySecret: SECRET };
  });
  after(async () => {
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a cancelled upload with a checkpoint is kept; a resume sends only the parts not recorded', async () => {
    const file = writeFile('resume.bin', SIZE);
    const store = new MemoryStore();
    const saved = await interruptAfter(file.path, 'resume.bin', store, 2);
    assert.deepEqual(
      saved.parts.map((p) => p.partNumber),
      [1, 2],
    );
    assert.ok(fake.uploads.has(saved.uploadId), 'the interrupted upload was aborted');
    assert.equal(saved.fileSize, SIZE);
    assert.equal(saved.partSize, PART);
    assert.equal(saved.bucket, 'bkt');
    assert.equal(saved.key, 'resume.bin');
    assert.equal(saved.endpoint, fake.url);
    const json = JSON.stringify(store.saves);
    assert.ok(!json.includes(SECRET) && !json.includes('AKID') && !/https?:\/\/[^"]*\//.test(json), json);
    assert.match(saved.parts[0].md5 ?? '', /^[0-9a-f]{32}$/);

    fake.resetCounts();
    const progress: number[] = [];
    const result = await uploadFile({
      ...conn,
      bucket: 'bkt',
      key: 'resume.bin',
      filePath: file.path,
      partSize: 8 * PART, // ignored: the checkpoint's part size wins
      multipartThreshold: 1,
      checkpoint: store,
      onProgress: (sent) => progress.push(sent),
    });
    assert.deepEqual(
      fake.partsReceived.sort((a, b) => a - b),
      [3, 4, 5],
    );
    assert.equal(fake.partBytes, SIZE - 2 * PART);
    assert.equal(result.resumedBytes, 2 * PART);
    assert.equal(result.restarted, undefined);
    assert.equal(result.parts, 5);
    assert.ok(fake.objects.get('resume.bin')?.bytes.equals(file.bytes), 'stored bytes differ from the file');
    assert.equal(store.saved, undefined, 'the checkpoint was not cleared on completion');
    assert.equal(fake.uploads.size, 0);
    assert.equal(progress[progress.length - 1], SIZE);
  });

  it('without a checkpoint, a cancelled upload is aborted as before', async () => {
    const file = writeFile('plain.bin', SIZE);
    const stop = new AbortController();
    const before = fake.uploads.size;
    await assert.rejects(
      uploadFile({
        ...conn,
        bucket: 'bkt',
        key: 'plain.bin',
        filePath: file.path,
        partSize: PART,
        multipartThreshold: 1,
        concurrency: 1,
        signal: stop.signal,
        onProgress: (sent) => {
          if (sent >= 2 * PART) stop.abort();
        },
      }),
      CancelledError,
    );
    assert.equal(fake.uploads.size, before, 'an upload was left behind');
  });

  it('starts over when the file changed between sessions: warns, aborts the old upload, reports file-changed', async () => {
    const file = writeFile('changed.bin', SIZE);
    const store = new MemoryStore();
    const saved = await interruptAfter(file.path, 'changed.bin', store, 2);
    const changed = randomBytes(SIZE + 5);
    fs.writeFileSync(file.path, changed);
    fake.resetCounts();
    const { log, warnings } = recordingLog();
    const result = await uploadFile({
      ...conn,
      bucket: 'bkt',
      key: 'changed.bin',
      filePath: file.path,
      partSize: PART,
      multipartThreshold: 1,
      checkpoint: store,
      log,
    });
    assert.equal(result.restarted, 'file-changed');
    assert.equal(result.resumedBytes, 0);
    assert.equal(fake.partBytes, SIZE + 5);
    assert.ok(!fake.uploads.has(saved.uploadId), 'the old upload was not aborted');
    assert.equal(fake.uploads.size, 0);
    assert.ok(fake.objects.get('changed.bin')?.bytes.equals(changed));
    assert.ok(
      warnings.some((w) => /changed/.test(w) && /starting over/.test(w) && w.includes(saved.uploadId)),
      warnings.join('\n'),
    );
  });

  it('starts over cleanly when the service no longer has the upload', async () => {
    const file = writeFile('gone.bin', SIZE);
    const store = new MemoryStore();
    const saved = await interruptAfter(file.path, 'gone.bin', store, 2);
    fake.uploads.delete(saved.uploadId);
    fake.resetCounts();
    const result = await uploadFile({
      ...conn,
      bucket: 'bkt',
      key: 'gone.bin',
      filePath: file.path,
      multipartThreshold: 1,
      checkpoint: store,
    });
    assert.equal(result.restarted, 'upload-gone');
    assert.equal(fake.partBytes, SIZE);
    assert.ok(fake.objects.get('gone.bin')?.bytes.equals(file.bytes));
    assert.equal(fake.uploads.size, 0);
  });

  it('sends again a part whose ETag on the service differs from the checkpoint, and only that one', async () => {
    const file = writeFile('etag.bin', SIZE);
    const store = new MemoryStore();
    const saved = await interruptAfter(file.path, 'etag.bin', store, 3);
    // Part 2 overwritten on the service with other bytes of the same size.
    const other = randomBytes(PART);
    fake.uploads.get(saved.uploadId)?.parts.set(2, { bytes: other, etag: md5(other) });
    fake.resetCounts();
    const { log, warnings } = recordingLog();
    const result = await uploadFile({
      ...conn,
      bucket: 'bkt',
      key: 'etag.bin',
      filePath: file.path,
      multipartThreshold: 1,
      checkpoint: store,
      log,
    });
    assert.deepEqual(
      fake.partsReceived.sort((a, b) => a - b),
      [2, 4, 5],
    );
    assert.deepEqual(result.resentParts, [2]);
    assert.equal(result.resumedBytes, 2 * PART);
    assert.equal(result.restarted, undefined);
    assert.ok(fake.objects.get('etag.bin')?.bytes.equals(file.bytes), 'the stale part went into the object');
    assert.ok(
      warnings.some((w) => /part\(s\) 2 /.test(w)),
      warnings.join('\n'),
    );
  });

  it('starts over when the checkpoint is corrupt: load throws, or returns something else', async () => {
    const file = writeFile('corrupt.bin', SIZE);
    for (const load of [
      async () => {
        throw new SyntaxError('Unexpected end of JSON input');
      },
      async () => ({ version: 1, uploadId: 'x' }),
      async () => 'garbage',
    ]) {
      fake.resetCounts();
      const store = new MemoryStore(load);
      const result = await uploadFile({
        ...conn,
        bucket: 'bkt',
        key: 'corrupt.bin',
        filePath: file.path,
        multipartThreshold: 1,
        checkpoint: store,
      });
      assert.equal(result.restarted, 'corrupt-checkpoint');
      assert.equal(fake.partBytes, SIZE);
      assert.ok(store.cleared >= 1);
      assert.equal(store.saved, undefined);
    }
  });

  it('aborts the upload a malformed checkpoint still names on the same service', async () => {
    const file = writeFile('salvage.bin', SIZE);
    const store = new MemoryStore();
    const saved = await interruptAfter(file.path, 'salvage.bin', store, 1);
    store.loadValue = async () => ({ ...saved, parts: 'not a list' });
    const result = await uploadFile({
      ...conn,
      bucket: 'bkt',
      key: 'salvage.bin',
      filePath: file.path,
      multipartThreshold: 1,
      checkpoint: store,
    });
    assert.equal(result.restarted, 'corrupt-checkpoint');
    assert.equal(fake.uploads.size, 0, 'the upload the checkpoint named was orphaned');
  });

  it('starts over, aborting the old upload, when the checkpoint is for another key on the same service', async () => {
    const file = writeFile('target.bin', SIZE);
    const store = new MemoryStore();
    const saved = await interruptAfter(file.path, 'target-a.bin', store, 1);
    const result = await uploadFile({
      ...conn,
      bucket: 'bkt',
      key: 'target-b.bin',
      filePath: file.path,
      multipartThreshold: 1,
      checkpoint: store,
    });
    assert.equal(result.restarted, 'target-changed');
    assert.ok(!fake.uploads.has(saved.uploadId));
    assert.equal(fake.uploads.size, 0);
  });

  it('aborts the upload and clears the checkpoint when the file changes during the upload', async () => {
    const file = writeFile('midway.bin', SIZE);
    const store = new MemoryStore();
    store.onSave = (c) => {
      if (c.parts.length === 1) fs.appendFileSync(file.path, 'more');
    };
    await assert.rejects(
      uploadFile({
        ...conn,
        bucket: 'bkt',
        key: 'midway.bin',
        filePath: file.path,
        partSize: PART,
        multipartThreshold: 1,
        concurrency: 1,
        checkpoint: store,
      }),
      FileChangedError,
    );
    assert.equal(fake.uploads.size, 0);
    assert.equal(store.saved, undefined);
  });

  it('aborts the upload when the first save of the checkpoint fails, so nothing is orphaned', async () => {
    const file = writeFile('nosave.bin', SIZE);
    const store = new MemoryStore();
    store.save = async () => {
      throw new Error('disk full');
    };
    await assert.rejects(
      uploadFile({
        ...conn,
        bucket: 'bkt',
        key: 'nosave.bin',
        filePath: file.path,
        multipartThreshold: 1,
        checkpoint: store,
      }),
      /disk full/,
    );
    assert.equal(fake.uploads.size, 0);
  });
});

describe('checkpoint decisions', () => {
  const target: CheckpointTarget = {
    provider: 's3',
    endpoint: 'http://127.0.0.1:7480',
    region: 'us-east-1',
    bucket: 'bkt',
    key: 'k',
  };
  const file: FileSnapshot = { path: '/tmp/f', size: 12 * 1024 * 1024, mtimeMs: 1700000000123.25 };
  const cp: Checkpoint = {
    version: 1,
    ...target,
    uploadId: 'u1',
    partSize: 5 * 1024 * 1024,
    fileSize: file.size,
    fileMtimeMs: file.mtimeMs,
    parts: [{ partNumber: 1, size: 5 * 1024 * 1024, etag: 'aa' }],
  };
  const verdict = (saved: unknown, t = target, f = file) => {
    const v = checkCheckpoint(saved, t, f);
    return v.kind === 'resume' ? 'resume' : `${v.reason}${v.stale ? ' (abort ' + v.stale.uploadId + ')' : ''}`;
  };

  it('resumes a checkpoint of the same file and target', () => {
    assert.equal(verdict(cp), 'resume');
    assert.equal(verdict(JSON.parse(JSON.stringify(cp))), 'resume');
  });
  it('starts over when the file size or modification time changed, aborting the old upload', () => {
    assert.equal(verdict(cp, target, { ...file, size: file.size + 1 }), 'file-changed (abort u1)');
    assert.equal(verdict(cp, target, { ...file, mtimeMs: file.mtimeMs + 1 }), 'file-changed (abort u1)');
  });
  it('starts over when the target differs; aborts only on the same service', () => {
    assert.equal(verdict(cp, { ...target, key: 'other' }), 'target-changed (abort u1)');
    assert.equal(verdict(cp, { ...target, bucket: 'other' }), 'target-changed (abort u1)');
    assert.equal(verdict(cp, { ...target, endpoint: 'http://127.0.0.1:9000' }), 'target-changed');
    assert.equal(verdict(cp, { ...target, provider: 'oss' }), 'target-changed');
    assert.equal(verdict(cp, { ...target, region: 'eu-west-1' }), 'target-changed');
  });
  it('calls anything malformed corrupt, salvaging an upload id of the same target', () => {
    assert.equal(verdict(null), 'corrupt-checkpoint');
    assert.equal(verdict('{"version":1}'), 'corrupt-checkpoint');
    assert.equal(verdict({ ...cp, version: 2 }), 'corrupt-checkpoint (abort u1)');
    assert.equal(verdict({ ...cp, partSize: '5' }), 'corrupt-checkpoint (abort u1)');
    assert.equal(verdict({ ...cp, parts: [{ partNumber: 0, size: 1, etag: 'a' }] }), 'corrupt-checkpoint (abort u1)');
    assert.equal(verdict({ ...cp, endpoint: 'http://elsewhere', parts: null }), 'corrupt-checkpoint');
    // A part size the plan would not use (below the S3 minimum) cannot describe the stored parts.
    assert.equal(verdict({ ...cp, partSize: 1024 }), 'corrupt-checkpoint (abort u1)');
  });
  it('keeps recorded parts the service holds as recorded; the others are sent again', () => {
    const MiB = 1024 * 1024;
    const plan = planParts('s3', file.size, 5 * MiB);
    const c: Checkpoint = {
      ...cp,
      parts: [
        { partNumber: 1, size: 5 * MiB, etag: 'abc' },
        { partNumber: 2, size: 5 * MiB, etag: 'def' },
        { partNumber: 3, size: 2 * MiB, etag: '123' },
      ],
    };
    assert.deepEqual(
      reconcileParts(c, plan, [
        { partNumber: 1, size: 5 * MiB, etag: 'ABC' },
        { partNumber: 2, size: 5 * MiB, etag: 'xyz' },
        { partNumber: 4, size: 1, etag: 'zzz' },
      ]),
      { done: [c.parts[0]], resend: [2, 3] },
    );
    assert.deepEqual(reconcileParts(c, plan, [{ partNumber: 1, size: 4 * MiB, etag: 'abc' }]).resend, [1, 2, 3]);
  });
});
