// Upload throughput and memory, side by side on the same machine and file: this engine (`uploadFile`), `curl -T`
// with a presigned URL, and @aws-sdk/lib-storage `Upload`, each in its own child process under `/usr/bin/time -v`
// (peak RSS), into (a) the local radosgw (S3_* env, see scripts/s3-server) and (b) a loopback sink: a node:http
// server in a child process that reads and drops the body and answers S3-shaped responses.
//
//   npm run bench:upload                       10 MiB, 256 MiB and 1 GiB
//   BENCH_SIZES=10,256 npm run bench:upload    sizes in MiB
//   BENCH_RUNS=3 npm run bench:upload          best of 3 per cell (default 1)
//   BENCH_DIAGNOSE=1 npm run bench:upload      adds the engine under `node --liftoff-only` (see LIFTOFF)
//
// The uploading processes are bench/uploadWorker.ts (engine: the shipped dist/core.js; lib-storage: the SDK), and the
// sink is this file run as `upload.bench.js sink`. With S3_STATE_DIR set (scripts/s3-server), deleted
// objects are garbage-collected after each radosgw run (`radosgw-admin gc process`), so that memstore does not fill up.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, openSync, closeSync, writeSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deleteObject } from '../src/core/api/objects';
import { presignPut } from '../src/core/presign';
import type { ConnectionOptions } from '../src/core/types';
import type { WorkerJob } from './uploadWorker';

const MiB = 1024 * 1024;
/** Same part size and parallelism for both multipart uploaders: the comparison is about the engines, not settings. */
const PART_SIZE = 8 * MiB;
const QUEUE = 4;
const TIME = '/usr/bin/time';

// `engine --liftoff-only` (BENCH_DIAGNOSE=1) is the engine with V8 kept from optimising undici's WebAssembly HTTP
// parser: that compile happens once the parser is hot and adds ~30 MiB to the peak, so this row shows how much of
// the engine's peak is V8's. A diagnosis only: the targets are checked against the plain engine row.
const LIFTOFF = 'engine --liftoff-only';
type Uploader = 'engine' | 'curl' | 'lib-storage' | typeof LIFTOFF;
interface Target {
  name: string;
  conn: ConnectionOptions;
  bucket: string;
  cleanup: (key: string) => Promise<void>;
}
interface Sample {
  seconds: number;
  rssKiB: number;
}

// ---------------------------------------------------------------------------------------------- the sink process
function runSink(): void {
  const uploads = new Map<string, Map<number, { size: number; md5?: Buffer | undefined }>>();
  const objects = new Map<string, { size: number; etag: string }>();
  const xml = (res: http.ServerResponse, body: string) => {
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const q = url.searchParams;
    const key = url.pathname;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
    });
    req.on('end', () => {
      const md5Header = req.headers['content-md5'];
      const md5 = typeof md5Header === 'string' ? Buffer.from(md5Header, 'base64') : undefined;
      const uploadId = q.get('uploadId');
      if (req.method === 'POST' && q.has('uploads')) {
        const id = randomUUID();
        uploads.set(id, new Map());
        return xml(
          res,
          `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      if (req.method === 'PUT' && uploadId) {
        uploads.get(uploadId)?.set(Number(q.get('partNumber')), { size, md5 });
        res.writeHead(200, { etag: `"${(md5 ?? randomBytes(16)).toString('hex')}"`, 'content-length': 0 });
        return res.end();
      }
      if (req.method === 'POST' && uploadId) {
        const parts = [...(uploads.get(uploadId)?.entries() ?? [])].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
        uploads.delete(uploadId);
        // The multipart ETag (MD5 of the part MD5s) when the client sent Content-MD5s, as S3 would compute it.
        const h = createHash('md5');
        for (const p of parts) h.update(p.md5 ?? Buffer.alloc(16));
        const etag = `${h.digest('hex')}-${parts.length}`;
        objects.set(key, { size: parts.reduce((n, p) => n + p.size, 0), etag });
        return xml(
          res,
          `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><ETag>"${etag}"</ETag></CompleteMultipartUploadResult>`,
        );
      }
      if (req.method === 'DELETE') {
        if (uploadId) uploads.delete(uploadId);
        else objects.delete(key);
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'PUT') {
        const etag = (md5 ?? randomBytes(16)).toString('hex');
        objects.set(key, { size, etag });
        res.writeHead(200, { etag: `"${etag}"`, 'content-length': 0 });
        return res.end();
      }
      if (req.method === 'HEAD') {
        const o = objects.get(key);
        res.writeHead(o ? 200 : 404, o ? { 'content-length': o.size, etag: `"${o.etag}"` } : {});
        return res.end();
      }
      res.writeHead(405);
      res.end();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.stdout.write(`${typeof addr === 'object' && addr ? addr.port : 0}\n`);
  });
}

// ---------------------------------------------------------------------------------------------- the parent process
const run = promisify(execFile);

function maxRssKiB(stderr: string): number {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (!m) throw new Error(`no max RSS in /usr/bin/time output: ${stderr.slice(-400)}`);
  return Number(m[1]);
}

/** Runs a child with `input` on stdin; rejects with its stderr's last lines (never its command line). */
function runChild(cmd: string, args: string[], input: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(
            new Error(
              `uploader exited with ${code}: ${stderr
                .split('\n')
                .filter((l) => l && !l.startsWith('\t'))
                .slice(0, 3)
                .join(' | ')}`,
            ),
          ),
    );
    child.stdin.end(input);
  });
}

async function measure(uploader: Uploader, target: Target, filePath: string, key: string): Promise<Sample> {
  const timed = existsSync(TIME);
  if (uploader === 'curl') {
    const { url } = presignPut({ ...target.conn, bucket: target.bucket, key, expiresSeconds: 3600 });
    // `Expect:` off: curl would otherwise wait for a 100-continue before sending a large body. The URL goes in a
    // config file on stdin, not on the command line (it is a bearer credential).
    const args = [
      '-sS',
      '--fail',
      '-X',
      'PUT',
      '-T',
      filePath,
      '-H',
      'Expect:',
      '-o',
      '/dev/null',
      '-w',
      '%{time_total}',
      '-K',
      '-',
    ];
    const config = `url = "${url}"\n`;
    const { stdout, stderr } = timed
      ? await runChild(TIME, ['-v', 'curl', ...args], config)
      : await runChild('curl', args, config);
    return { seconds: Number(stdout.trim()), rssKiB: timed ? maxRssKiB(stderr) : NaN };
  }
  const job = JSON.stringify({
    uploader: uploader === LIFTOFF ? 'engine' : uploader,
    conn: target.conn,
    bucket: target.bucket,
    key,
    filePath,
    partSize: PART_SIZE,
    queueSize: QUEUE,
  } satisfies WorkerJob);
  const argv = [...(uploader === LIFTOFF ? ['--liftoff-only'] : []), path.join(__dirname, 'uploadWorker.js')];
  const { stdout, stderr } = timed
    ? await runChild(TIME, ['-v', process.execPath, ...argv], job)
    : await runChild(process.execPath, argv, job);
  const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { seconds: number; maxRssKiB: number };
  return { seconds: r.seconds, rssKiB: timed ? maxRssKiB(stderr) : r.maxRssKiB };
}

/** radosgw deletes object data only when its garbage collector runs (hours later by default); run it now. */
async function collectGarbage(): Promise<void> {
  const conf = process.env.S3_STATE_DIR && path.join(process.env.S3_STATE_DIR, 'ceph.conf');
  if (!conf || !existsSync(conf)) return;
  await run('radosgw-admin', ['-c', conf, 'gc', 'process', '--include-all'], { timeout: 120_000 }).catch((err: Error) =>
    console.log(`  (radosgw-admin gc process failed: ${err.message.split('\n')[0]})`),
  );
}

function makeFile(sizeMiB: number): string {
  const p = path.join(os.tmpdir(), `ossp-upload-bench-${sizeMiB}MiB-${process.pid}.bin`);
  const fd = openSync(p, 'w');
  const chunk = randomBytes(8 * MiB);
  for (let left = sizeMiB * MiB; left > 0; left -= chunk.byteLength) {
    // Vary each chunk a little so that nothing can deduplicate or compress the body.
    chunk.writeUInt32LE(left >>> 0, 0);
    writeSync(fd, chunk, 0, Math.min(left, chunk.byteLength));
  }
  closeSync(fd);
  return p;
}

async function startSink(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, [__filename, 'sink'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
  return { port, stop: () => child.kill() };
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? '10,256,1024').split(',').map(Number);
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
  const uploaders: Uploader[] = [
    'engine',
    'curl',
    'lib-storage',
    ...(process.env.BENCH_DIAGNOSE ? ([LIFTOFF] as const) : []),
  ];
  const sink = await startSink();
  const targets: Target[] = [];
  const { S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY } = process.env;
  if (S3_ENDPOINT && S3_ACCESS_KEY && S3_SECRET_KEY) {
    const conn: ConnectionOptions = {
      provider: 's3',
      endpoint: S3_ENDPOINT,
      region: process.env.S3_REGION || 'us-east-1',
      addressing: 'path',
      accessKeyId: S3_ACCESS_KEY,
      accessKeySecret: S3_SECRET_KEY,
    };
    const bucket = process.env.S3_BUCKET || 'test-bucket';
    targets.push({
      name: 'radosgw',
      conn,
      bucket,
      cleanup: async (key) => {
        await deleteObject({ ...conn, bucket, key });
        await collectGarbage();
      },
    });
  } else {
    console.log(
      'S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY not set: radosgw skipped (start it with scripts/s3-server/start.sh).',
    );
  }
  const sinkConn: ConnectionOptions = {
    provider: 's3',
    endpoint: `http://127.0.0.1:${sink.port}`,
    region: 'us-east-1',
    addressing: 'path',
    accessKeyId: 'AKIDSINK',
    accessKeySecret: 'sink-secret',
  };
  targets.push({ name: 'sink', conn: sinkConn, bucket: 'sink', cleanup: async () => undefined });

  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM; part size ${PART_SIZE / MiB} MiB, ${QUEUE} in flight; best of ${runs}`,
  );
  const rows: Array<{ target: string; sizeMiB: number; uploader: Uploader; mbps: number; rssMiB: number }> = [];
  try {
    for (const sizeMiB of sizes) {
      const file = makeFile(sizeMiB);
      try {
        for (const target of targets) {
          for (const uploader of uploaders) {
            let best: Sample | undefined;
            for (let i = 0; i < runs; i++) {
              const key = `bench/upload-${uploader}-${sizeMiB}MiB-${randomUUID()}`;
              try {
                const s = await measure(uploader, target, file, key);
                if (!best || s.seconds < best.seconds) best = s;
              } catch (err) {
                console.log(
                  `${target.name} ${sizeMiB} MiB ${uploader}: FAILED: ${err instanceof Error ? err.message : String(err)}`,
                );
              } finally {
                await target.cleanup(key);
              }
            }
            if (!best) continue;
            const row = {
              target: target.name,
              sizeMiB,
              uploader,
              mbps: (sizeMiB * MiB) / 1e6 / best.seconds,
              rssMiB: best.rssKiB / 1024,
            };
            rows.push(row);
            console.log(
              `${row.target.padEnd(8)} ${String(sizeMiB).padStart(5)} MiB  ${uploader.padEnd(21)} ${row.mbps.toFixed(1).padStart(8)} MB/s  peak RSS ${row.rssMiB.toFixed(0).padStart(5)} MiB`,
            );
          }
        }
      } finally {
        rmSync(file, { force: true });
      }
    }
  } finally {
    sink.stop();
  }

  console.log('\n| target | size | uploader | MB/s | peak RSS (MiB) |\n|---|---:|---|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.target} | ${r.sizeMiB >= 1024 ? `${r.sizeMiB / 1024} GiB` : `${r.sizeMiB} MiB`} | ${r.uploader} | ${r.mbps.toFixed(1)} | ${r.rssMiB.toFixed(0)} |`,
    );

  const biggest = Math.max(...sizes);
  const cell = (target: string, uploader: Uploader) =>
    rows.find((r) => r.target === target && r.sizeMiB === biggest && r.uploader === uploader);
  const checks: Array<[string, boolean | undefined, string]> = [];
  const eR = cell('radosgw', 'engine');
  const cR = cell('radosgw', 'curl');
  if (eR && cR)
    checks.push([
      'engine >= 0.9x curl MB/s on radosgw',
      eR.mbps >= 0.9 * cR.mbps,
      `${(eR.mbps / cR.mbps).toFixed(2)}x`,
    ]);
  const eS = cell('sink', 'engine');
  const lS = cell('sink', 'lib-storage');
  if (eS && lS) {
    checks.push([
      'engine >= 2x lib-storage MB/s into the sink',
      eS.mbps >= 2 * lS.mbps,
      `${(eS.mbps / lS.mbps).toFixed(2)}x`,
    ]);
    checks.push([
      'engine peak RSS <= 0.5x lib-storage (sink)',
      eS.rssMiB <= 0.5 * lS.rssMiB,
      `${(eS.rssMiB / lS.rssMiB).toFixed(2)}x`,
    ]);
  }
  const lR = cell('radosgw', 'lib-storage');
  if (eR && lR)
    checks.push([
      'engine peak RSS <= 0.5x lib-storage (radosgw)',
      eR.rssMiB <= 0.5 * lR.rssMiB,
      `${(eR.rssMiB / lR.rssMiB).toFixed(2)}x`,
    ]);
  console.log(`\nTargets at ${biggest >= 1024 ? `${biggest / 1024} GiB` : `${biggest} MiB`}:`);
  for (const [what, ok, ratio] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${what}: ${ratio}`);
}

const mode = process.argv[2];
if (mode === 'sink') runSink();
else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
