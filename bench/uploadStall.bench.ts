// The event loop of a plain Node process during one large upload by the shipped engine (dist/core.js, as the
// extension runs it): the longest stall, what the main thread did during it, and how busy the loop was. The same
// figures for the real extension host come from test/extension-host/uploadStall.test.ts.
//
//   npm run bench:stall                            1 GiB to the radosgw of S3_* (8 MiB parts, 4 in flight), 3 runs
//   BENCH_STALL_MIB=256 BENCH_RUNS=1 npm run bench:stall
//   BENCH_TARGETS=sink npm run bench:stall         into the loopback sink of upload.bench.ts instead (or radosgw,sink)
//   BENCH_CORE=/path/to/core.js npm run bench:stall   another build of core, e.g. an older commit's, for a before/after
//
// Each run is its own process (`uploadStall.bench.js run`, the job on stdin), so one run's garbage and JIT state do
// not carry into the next. Each first uploads 1 KiB, which loads what any first request of a session loads (undici,
// node:crypto): the figures are the large upload's own.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Core from '../src/core/index';
import type { ConnectionOptions } from '../src/core/types';
import { formatStalls, watchEventLoop, type StallFigures } from './eventLoopStalls';

const MiB = 1024 * 1024;
const PART_SIZE = 8 * MiB;
const CONCURRENCY = 4;

interface Job {
  conn: ConnectionOptions;
  bucket: string;
  filePath: string;
  warmUpPath: string;
}

/** One measured upload, in this process. Prints `{ seconds, stalls }` as JSON. */
async function runOne(job: Job): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the shipped bundle, loaded by path
  const core = require(process.env.BENCH_CORE || path.join(__dirname, '..', '..', 'dist', 'core.js')) as typeof Core;
  const target = { ...job.conn, bucket: job.bucket };
  const key = `bench/stall-${randomBytes(6).toString('hex')}`;
  try {
    await core.uploadFile({ ...target, key: `${key}.warm-up`, filePath: job.warmUpPath });
    const watch = watchEventLoop();
    const started = process.hrtime.bigint();
    await core.uploadFile({ ...target, key, filePath: job.filePath, partSize: PART_SIZE, concurrency: CONCURRENCY });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stalls = watch.stop();
    process.stdout.write(JSON.stringify({ seconds, stalls }) + '\n');
  } finally {
    for (const k of [key, `${key}.warm-up`]) await core.deleteObject({ ...target, key: k }).catch(() => undefined);
  }
}

function child(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`run exited with ${code}`))));
    c.stdin.end(input);
  });
}

async function startSink(): Promise<{ port: number; stop: () => void }> {
  const c = spawn(process.execPath, [path.join(__dirname, 'upload.bench.js'), 'sink'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    c.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    c.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
  return { port, stop: () => c.kill() };
}

async function main(): Promise<void> {
  const sizeMiB = Number(process.env.BENCH_STALL_MIB ?? 1024);
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
  const targets = (process.env.BENCH_TARGETS ?? 'radosgw').split(',').map((t) => t.trim());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ossp-stall-bench-'));
  const sink = targets.includes('sink') ? await startSink() : undefined;
  try {
    const filePath = path.join(dir, 'big.bin');
    const fd = openSync(filePath, 'w');
    const chunk = randomBytes(PART_SIZE);
    for (let i = 0; i < sizeMiB / 8; i++) {
      chunk.writeUInt32LE(i, 0);
      writeSync(fd, chunk, 0, Math.min(PART_SIZE, (sizeMiB - i * 8) * MiB));
    }
    closeSync(fd);
    const warmUpPath = path.join(dir, 'small.bin');
    writeFileSync(warmUpPath, randomBytes(1024));
    const { S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY } = process.env;
    console.log(
      `node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}; ${sizeMiB} MiB in ${PART_SIZE / MiB} MiB parts, ${CONCURRENCY} in flight`,
    );
    for (const name of targets) {
      let job: Job;
      if (name === 'sink' && sink) {
        const conn: ConnectionOptions = {
          provider: 's3',
          endpoint: `http://127.0.0.1:${sink.port}`,
          region: 'us-east-1',
          addressing: 'path',
          accessKeyId: 'AKIDSINK',
          accessKeySecret: 'sink-secret',
        };
        job = { conn, bucket: 'sink', filePath, warmUpPath };
      } else if (name === 'radosgw' && S3_ENDPOINT && S3_ACCESS_KEY && S3_SECRET_KEY) {
        const conn: ConnectionOptions = {
          provider: 's3',
          endpoint: S3_ENDPOINT,
          region: process.env.S3_REGION || 'us-east-1',
          addressing: 'path',
          accessKeyId: S3_ACCESS_KEY,
          accessKeySecret: S3_SECRET_KEY,
        };
        job = { conn, bucket: process.env.S3_BUCKET || 'test-bucket', filePath, warmUpPath };
      } else {
        console.log(`${name}: skipped (radosgw needs S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY; or use sink)`);
        continue;
      }
      for (let i = 0; i < runs; i++) {
        const out = await child([__filename, 'run'], JSON.stringify(job));
        const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { seconds: number; stalls: StallFigures };
        console.log(
          `${name.padEnd(8)} run ${i + 1}: ${((sizeMiB * MiB) / 1e6 / r.seconds).toFixed(0)} MB/s; ${formatStalls(r.stalls)}`,
        );
      }
    }
  } finally {
    sink?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'run') {
  runOne(JSON.parse(readFileSync(0, 'utf8')) as Job).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
