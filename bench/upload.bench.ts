// Upload throughput, CPU and memory, side by side on the same machine and file: this engine (`uploadFile`, the
// shipped dist/core.js), `curl -T` with a presigned URL (one unchecked PUT: the floor), and the tools users would
// pick instead -- rclone, aws cli v2 and s3cmd from Debian -- each in its own child process under `/usr/bin/time -v`,
// into (a) the local radosgw (S3_* env, see scripts/s3-server) and (b) a loopback sink: a node:http server in a child
// process that reads and drops the body (keeping its MD5 for the ETag, as S3 does), answers S3-shaped responses
// and notes the checksum each client sends.
// Every multipart client gets 8 MiB parts, 4 in flight (s3cmd has no setting for parallel parts: one at a time) and
// goes multipart from 64 MiB; the peers' config lives in a temp dir (HOME included), never in the user's home.
//
//   npm run bench:upload                           256 MiB, 1 GiB and 4 GiB, median of 3 (the full run)
//   BENCH_SIZES=64,256 BENCH_RUNS=1 npm run bench:upload     a quick run (about a minute)
//   BENCH_SIZES=1024 BENCH_TARGETS=radosgw npm run bench:upload
//   BENCH_UPLOADERS=engine,rclone npm run bench:upload       any of engine, curl, rclone, aws, s3cmd, lib-storage
//   BENCH_DIAGNOSE=1 npm run bench:upload          adds the engine under `node --liftoff-only` (see LIFTOFF)
//
// MB/s is the file size over the client process's whole run (start-up included: what a user waits for); CPU is its
// user + system time. "Added memory" is a client's peak RSS uploading the file minus its peak uploading 1 KiB.
// With S3_STATE_DIR set (scripts/s3-server), deleted objects are garbage-collected after each radosgw run
// (`radosgw-admin gc process`), so that memstore does not fill up; a 4 GiB run needs S3_MEMSTORE_BYTES above 4 GiB.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, closeSync, writeFileSync, writeSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deleteObject } from '../src/core/api/objects';
import { presignPut } from '../src/core/presign';
import type { ConnectionOptions } from '../src/core/types';
import type { WorkerJob } from './uploadWorker';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** Same part size, parallelism and multipart threshold for every multipart client: the comparison is about the clients. */
const PART_SIZE = 8 * MiB;
const QUEUE = 4;
const MULTIPART_FROM = 64 * MiB;
const TIME = '/usr/bin/time';
/** The 1 KiB upload whose peak RSS is each client's "idle" memory. */
const IDLE_BYTES = 1024;

// `engine --liftoff-only` (BENCH_DIAGNOSE=1) is the engine with V8 kept from optimising undici's WebAssembly HTTP
// parser: that compile happens once the parser is hot and adds ~30 MiB to the peak, so this row shows how much of
// the engine's peak is V8's. A diagnosis only: the targets are checked against the plain engine row.
const LIFTOFF = 'engine --liftoff-only';
const UPLOADERS = ['engine', 'curl', 'rclone', 'aws', 's3cmd', 'lib-storage'] as const;
type Uploader = (typeof UPLOADERS)[number] | typeof LIFTOFF;
/** The tools users would pick instead: the aims are set against these, not against curl's unchecked PUT. */
const PEERS: readonly Uploader[] = ['rclone', 'aws', 's3cmd'];
/**
 * The peers' executables, by absolute path: Debian's, not whatever comes first in PATH (a pyenv `aws` is often aws
 * cli v1).
 */
const PEER_BIN: Partial<Record<Uploader, { bin: string; install: string }>> = {
  rclone: { bin: '/usr/bin/rclone', install: 'sudo apt-get install rclone' },
  aws: { bin: '/usr/bin/aws', install: 'sudo apt-get install awscli   (Debian 12: aws cli v2.9)' },
  s3cmd: { bin: '/usr/bin/s3cmd', install: 'sudo apt-get install s3cmd' },
};

interface Target {
  name: 'radosgw' | 'sink';
  conn: ConnectionOptions;
  bucket: string;
  cleanup: (key: string) => Promise<void>;
  /** What the client sent as checksums for `key` (the sink only). */
  checksums?: (key: string) => Promise<string>;
}
interface Sample {
  seconds: number;
  rssKiB: number;
  cpuSeconds: number;
}

// ---------------------------------------------------------------------------------------------- the sink process
function runSink(): void {
  const uploads = new Map<string, Map<number, { size: number; md5: Buffer }>>();
  const objects = new Map<string, { size: number; etag: string }>();
  /** Per object key: the checksums its PUTs carried, as `what the client sent` lines. */
  const sent = new Map<string, Set<string>>();
  const noteChecksums = (key: string, headers: http.IncomingHttpHeaders) => {
    const seen = sent.get(key) ?? new Set<string>();
    sent.set(key, seen);
    const payload = headers['x-amz-content-sha256'];
    if (typeof payload === 'string')
      seen.add(
        /^[0-9a-f]{64}$/.test(payload)
          ? 'SHA-256 (signed payload hash)'
          : payload.startsWith('STREAMING-')
            ? `chunk signatures (${payload})`
            : 'no payload hash (UNSIGNED-PAYLOAD)',
      );
    if (headers['content-md5']) seen.add('Content-MD5');
    for (const name of Object.keys(headers))
      if (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-algorithm') seen.add(name);
  };
  const xml = (res: http.ServerResponse, body: string) => {
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const q = url.searchParams;
    const key = url.pathname;
    if (req.method === 'GET' && q.has('bench-checksums')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end([...(sent.get(key) ?? [])].sort().join(', ') || 'none');
    }
    if (req.method === 'PUT') noteChecksums(key, req.headers);
    // Every body's MD5 is its ETag, as S3 computes it: s3cmd checks each part's ETag against its own MD5.
    const bodyHash = createHash('md5');
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      bodyHash.update(chunk);
    });
    req.on('end', () => {
      const md5 = bodyHash.digest();
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
        res.writeHead(200, { etag: `"${md5.toString('hex')}"`, 'content-length': 0 });
        return res.end();
      }
      if (req.method === 'POST' && uploadId) {
        const parts = [...(uploads.get(uploadId)?.entries() ?? [])].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
        uploads.delete(uploadId);
        // The multipart ETag: the MD5 of the part MD5s, as S3 computes it.
        const h = createHash('md5');
        for (const p of parts) h.update(p.md5);
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
        const etag = md5.toString('hex');
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

/** Peak RSS and CPU time from `/usr/bin/time -v`. */
function timeFigures(stderr: string): { rssKiB: number; cpuSeconds: number } {
  const field = (re: RegExp) => {
    const m = re.exec(stderr);
    if (!m) throw new Error(`no "${re.source}" in /usr/bin/time output: ${stderr.slice(-400)}`);
    return Number(m[1]);
  };
  return {
    rssKiB: field(/Maximum resident set size \(kbytes\): (\d+)/),
    cpuSeconds: field(/User time \(seconds\): ([\d.]+)/) + field(/System time \(seconds\): ([\d.]+)/),
  };
}

/** Runs a child under `/usr/bin/time -v` with `input` on stdin; rejects with its stderr's first lines (never its command line). */
function runTimed(
  cmd: string,
  args: string[],
  input: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(TIME, ['-v', cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) return resolve({ stdout, stderr, seconds });
      const lines = stderr.split('\n').filter((l) => l && !l.startsWith('\t') && !l.startsWith('Command'));
      reject(new Error(`${path.basename(cmd)} exited with ${code}: ${lines.slice(0, 3).join(' | ')}`));
    });
    child.stdin.end(input);
  });
}

/**
 * Each peer's configuration, written once into a temp dir that also serves as its HOME: part size, parallelism,
 * multipart threshold, path-style addressing, the target's endpoint and keys.
 */
function peerSetup(
  uploader: Uploader,
  target: Target,
  dir: string,
): { bin: string; args: (file: string, key: string) => string[]; env: NodeJS.ProcessEnv } {
  const { conn, bucket } = target;
  const home = path.join(dir, 'home');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home };
  const region = conn.region ?? 'us-east-1';
  const file = (name: string, text: string) => {
    const p = path.join(dir, `${target.name}-${name}`);
    writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  const host = new URL(conn.endpoint ?? '').host;
  const mib = (n: number) => n / MiB;
  switch (uploader) {
    case 'rclone': {
      const config = file(
        'rclone.conf',
        `[bench]\ntype = s3\nprovider = Ceph\naccess_key_id = ${conn.accessKeyId}\nsecret_access_key = ${conn.accessKeySecret}\nendpoint = ${conn.endpoint}\nregion = ${region}\nforce_path_style = true\n`,
      );
      return {
        bin: PEER_BIN.rclone!.bin,
        env,
        args: (f, key) => [
          '--config',
          config,
          'copyto',
          f,
          `bench:${bucket}/${key}`,
          `--s3-chunk-size=${mib(PART_SIZE)}M`,
          `--s3-upload-concurrency=${QUEUE}`,
          `--s3-upload-cutoff=${mib(MULTIPART_FROM)}M`,
          '--s3-no-check-bucket',
        ],
      };
    }
    case 'aws': {
      env.AWS_CONFIG_FILE = file(
        'aws-config',
        `[default]\nregion = ${region}\ns3 =\n  multipart_chunksize = ${mib(PART_SIZE)}MB\n  multipart_threshold = ${mib(MULTIPART_FROM)}MB\n  max_concurrent_requests = ${QUEUE}\n  addressing_style = path\n`,
      );
      env.AWS_SHARED_CREDENTIALS_FILE = file(
        'aws-credentials',
        `[default]\naws_access_key_id = ${conn.accessKeyId}\naws_secret_access_key = ${conn.accessKeySecret}\n`,
      );
      env.AWS_EC2_METADATA_DISABLED = 'true';
      return {
        bin: PEER_BIN.aws!.bin,
        env,
        args: (f, key) => [
          '--endpoint-url',
          conn.endpoint ?? '',
          's3',
          'cp',
          f,
          `s3://${bucket}/${key}`,
          '--no-progress',
        ],
      };
    }
    case 's3cmd': {
      const config = file(
        's3cmd.cfg',
        `[default]\naccess_key = ${conn.accessKeyId}\nsecret_key = ${conn.accessKeySecret}\nhost_base = ${host}\nhost_bucket = ${host}\nuse_https = False\nsignature_v2 = False\nbucket_location = ${region}\nmultipart_chunk_size_mb = ${mib(PART_SIZE)}\n`,
      );
      return {
        bin: PEER_BIN.s3cmd!.bin,
        env,
        args: (f, key) => ['-c', config, '--no-progress', 'put', f, `s3://${bucket}/${key}`],
      };
    }
    default:
      throw new Error(`${uploader} is not a peer`);
  }
}

async function measure(
  uploader: Uploader,
  target: Target,
  filePath: string,
  key: string,
  configDir: string,
): Promise<Sample> {
  const sample = (r: { stderr: string; seconds: number }): Sample => ({ seconds: r.seconds, ...timeFigures(r.stderr) });
  if (uploader === 'curl') {
    const { url } = presignPut({ ...target.conn, bucket: target.bucket, key, expiresSeconds: 3600 });
    // `Expect:` off: curl would otherwise wait for a 100-continue before sending a large body. The URL goes in a
    // config file on stdin, not on the command line (it is a bearer credential).
    const args = ['-sS', '--fail', '-X', 'PUT', '-T', filePath, '-H', 'Expect:', '-o', '/dev/null', '-K', '-'];
    return sample(await runTimed('curl', args, `url = "${url}"\n`));
  }
  if (PEERS.includes(uploader)) {
    const peer = peerSetup(uploader, target, configDir);
    return sample(await runTimed(peer.bin, peer.args(filePath, key), '', peer.env));
  }
  const job = JSON.stringify({
    uploader: uploader === LIFTOFF ? 'engine' : (uploader as 'engine' | 'lib-storage'),
    conn: target.conn,
    bucket: target.bucket,
    key,
    filePath,
    partSize: PART_SIZE,
    queueSize: QUEUE,
  } satisfies WorkerJob);
  const argv = [...(uploader === LIFTOFF ? ['--liftoff-only'] : []), path.join(__dirname, 'uploadWorker.js')];
  return sample(await runTimed(process.execPath, argv, job));
}

/** radosgw deletes object data only when its garbage collector runs (hours later by default); run it now. */
async function collectGarbage(): Promise<void> {
  const conf = process.env.S3_STATE_DIR && path.join(process.env.S3_STATE_DIR, 'ceph.conf');
  if (!conf || !existsSync(conf)) return;
  await run('radosgw-admin', ['-c', conf, 'gc', 'process', '--include-all'], { timeout: 120_000 }).catch((err: Error) =>
    console.log(`  (radosgw-admin gc process failed: ${err.message.split('\n')[0]})`),
  );
}

function makeFile(dir: string, bytes: number): string {
  const p = path.join(dir, `upload-${bytes}.bin`);
  const fd = openSync(p, 'w');
  const chunk = randomBytes(Math.min(8 * MiB, bytes));
  for (let left = bytes; left > 0; left -= chunk.byteLength) {
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

/** MiB with its sign, whole: `+32`, `-1`, `0`. */
const signed = (mib: number) => {
  const n = Math.round(mib);
  return n > 0 ? `+${n}` : String(n === 0 ? 0 : n);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sizeLabel = (bytes: number) =>
  bytes >= GiB ? `${bytes / GiB} GiB` : bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`;
const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

interface Row {
  target: string;
  bytes: number;
  uploader: Uploader;
  mbps: number;
  rssMiB: number;
  cpuPerGiB: number;
}

async function main(): Promise<void> {
  const sizes = list('BENCH_SIZES', '256,1024,4096').map((m) => Number(m) * MiB);
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
  const wanted = list('BENCH_UPLOADERS', 'engine,curl,rclone,aws,s3cmd');
  const unknown = wanted.filter((u) => !(UPLOADERS as readonly string[]).includes(u));
  if (unknown.length) throw new Error(`unknown BENCH_UPLOADERS ${unknown.join(', ')}: use ${UPLOADERS.join(', ')}`);
  if (!existsSync(TIME))
    throw new Error(`${TIME} is missing (peak RSS and CPU time come from it): sudo apt-get install time`);
  const uploaders: Uploader[] = [];
  for (const u of wanted as Uploader[]) {
    const peer = PEER_BIN[u];
    if (peer && !existsSync(peer.bin)) {
      console.log(`\n!!! SKIPPING ${u}: ${peer.bin} is not installed. Install it with: ${peer.install}\n`);
      continue;
    }
    uploaders.push(u);
  }
  if (process.env.BENCH_DIAGNOSE) uploaders.push(LIFTOFF);

  const sink = await startSink();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ossp-upload-bench-'));
  const targets: Target[] = [];
  const wantedTargets = list('BENCH_TARGETS', 'radosgw,sink');
  const { S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY } = process.env;
  if (wantedTargets.includes('radosgw')) {
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
  }
  if (wantedTargets.includes('sink')) {
    const endpoint = `http://127.0.0.1:${sink.port}`;
    targets.push({
      name: 'sink',
      conn: {
        provider: 's3',
        endpoint,
        region: 'us-east-1',
        addressing: 'path',
        accessKeyId: 'AKIDSINK',
        accessKeySecret: 'sink-secret',
      },
      bucket: 'sink',
      cleanup: async () => undefined,
      checksums: async (key) => {
        const res = await fetch(`${endpoint}/sink/${key.split('/').map(encodeURIComponent).join('/')}?bench-checksums`);
        return res.text();
      },
    });
  }

  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, load ${os.loadavg()[0].toFixed(1)}; ` +
      `part size ${PART_SIZE / MiB} MiB, ${QUEUE} in flight (s3cmd: 1), multipart from ${MULTIPART_FROM / MiB} MiB; median of ${runs}`,
  );
  const rows: Row[] = [];
  const idleMiB = new Map<string, number>();
  const checksums = new Map<Uploader, string>();
  const once = async (uploader: Uploader, target: Target, file: string, bytes: number): Promise<Sample | undefined> => {
    const key = `bench/upload-${uploader.replace(/\W+/g, '-')}-${bytes}-${randomUUID()}`;
    try {
      const s = await measure(uploader, target, file, key, dir);
      if (target.checksums && !checksums.has(uploader)) checksums.set(uploader, await target.checksums(key));
      return s;
    } catch (err) {
      console.log(
        `${target.name} ${sizeLabel(bytes)} ${uploader}: FAILED: ${err instanceof Error ? err.message : String(err)}`,
      );
      return undefined;
    } finally {
      await target.cleanup(key).catch(() => undefined);
    }
  };
  try {
    const idleFile = makeFile(dir, IDLE_BYTES);
    for (const target of targets)
      for (const uploader of uploaders) {
        const s = await once(uploader, target, idleFile, IDLE_BYTES);
        if (s) idleMiB.set(`${target.name} ${uploader}`, s.rssKiB / 1024);
      }
    for (const bytes of sizes) {
      const file = makeFile(dir, bytes);
      try {
        for (const target of targets) {
          for (const uploader of uploaders) {
            const samples: Sample[] = [];
            for (let i = 0; i < runs; i++) {
              const s = await once(uploader, target, file, bytes);
              if (s) samples.push(s);
            }
            if (!samples.length) continue;
            const row: Row = {
              target: target.name,
              bytes,
              uploader,
              mbps: bytes / 1e6 / median(samples.map((s) => s.seconds)),
              rssMiB: median(samples.map((s) => s.rssKiB)) / 1024,
              cpuPerGiB: median(samples.map((s) => s.cpuSeconds)) / (bytes / GiB),
            };
            rows.push(row);
            console.log(
              `${row.target.padEnd(8)} ${sizeLabel(bytes).padStart(8)}  ${uploader.padEnd(21)} ${row.mbps.toFixed(1).padStart(8)} MB/s  peak RSS ${row.rssMiB.toFixed(0).padStart(5)} MiB  CPU ${row.cpuPerGiB.toFixed(2).padStart(6)} s/GiB`,
            );
          }
        }
      } finally {
        rmSync(file, { force: true });
      }
    }
  } finally {
    sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  report(rows, idleMiB, checksums, sizes, targets, uploaders);
}

function report(
  rows: Row[],
  idleMiB: Map<string, number>,
  checksums: Map<Uploader, string>,
  sizes: number[],
  targets: Target[],
  uploaders: Uploader[],
): void {
  const cell = (target: string, bytes: number, uploader: Uploader) =>
    rows.find((r) => r.target === target && r.bytes === bytes && r.uploader === uploader);
  console.log(
    '\n| target | size | client | MB/s | x fastest peer | peak RSS MiB | CPU s/GiB | x most frugal peer |\n|---|---:|---|---:|---:|---:|---:|---:|',
  );
  for (const target of targets)
    for (const bytes of sizes) {
      const peers = rows.filter((r) => r.target === target.name && r.bytes === bytes && PEERS.includes(r.uploader));
      const fastest = peers.length ? Math.max(...peers.map((r) => r.mbps)) : NaN;
      const frugal = peers.length ? Math.min(...peers.map((r) => r.cpuPerGiB)) : NaN;
      for (const u of uploaders) {
        const r = cell(target.name, bytes, u);
        if (!r) continue;
        console.log(
          `| ${r.target} | ${sizeLabel(bytes)} | ${u} | ${r.mbps.toFixed(0)} | ${(r.mbps / fastest).toFixed(2)} | ${r.rssMiB.toFixed(0)} | ${r.cpuPerGiB.toFixed(2)} | ${(r.cpuPerGiB / frugal).toFixed(2)} |`,
        );
      }
    }

  console.log(
    `\nMemory an upload adds over the same client uploading ${IDLE_BYTES / 1024} KiB (peak RSS, MiB; flat across sizes is the aim):`,
  );
  console.log(
    `| target | client | idle | ${sizes.map(sizeLabel).join(' | ')} |\n|---|---|---:|${sizes.map(() => '---:|').join('')}`,
  );
  for (const target of targets)
    for (const u of uploaders) {
      const idle = idleMiB.get(`${target.name} ${u}`);
      if (idle === undefined) continue;
      const added = sizes.map((b) => {
        const r = cell(target.name, b, u);
        return r ? signed(r.rssMiB - idle) : '-';
      });
      console.log(`| ${target.name} | ${u} | ${idle.toFixed(0)} | ${added.join(' | ')} |`);
    }

  if (checksums.size) {
    console.log('\nChecksums each client sent with its PUTs (seen by the sink):');
    for (const u of uploaders) if (checksums.has(u)) console.log(`  ${u.padEnd(21)} ${checksums.get(u)}`);
  }

  const biggest = Math.max(...sizes);
  const checks: string[] = [];
  const aim = (what: string, value: number, ok: boolean) =>
    checks.push(`  ${Number.isFinite(value) ? (ok ? 'PASS' : 'FAIL') : 'N/A '}  ${what}: ${value.toFixed(2)}x`);
  for (const target of targets) {
    const engine = cell(target.name, biggest, 'engine');
    const peers = rows.filter((r) => r.target === target.name && r.bytes === biggest && PEERS.includes(r.uploader));
    if (!engine || !peers.length) continue;
    const fastest = peers.reduce((a, b) => (b.mbps > a.mbps ? b : a));
    const frugal = peers.reduce((a, b) => (b.cpuPerGiB < a.cpuPerGiB ? b : a));
    if (target.name === 'radosgw') {
      const x = engine.mbps / fastest.mbps;
      aim(`engine MB/s >= 2x the fastest peer on radosgw (${fastest.uploader})`, x, x >= 2);
    }
    const c = engine.cpuPerGiB / frugal.cpuPerGiB;
    aim(`engine CPU/GiB <= 0.4x the most frugal peer on ${target.name} (${frugal.uploader})`, c, c <= 0.4);
  }
  const added = sizes
    .map((b) => cell('radosgw', b, 'engine') ?? cell('sink', b, 'engine'))
    .filter((r): r is Row => r !== undefined)
    .map((r) => r.rssMiB - (idleMiB.get(`${r.target} engine`) ?? NaN));
  if (added.length > 1) {
    const spread = Math.max(...added) - Math.min(...added);
    checks.push(
      `  ${spread <= 16 ? 'PASS' : 'FAIL'}  engine's added memory flat across ${sizes.map(sizeLabel).join(', ')} (within 16 MiB): ${added.map(signed).join(', ')} MiB`,
    );
  }
  console.log(`\nAims at ${sizeLabel(biggest)}:`);
  for (const line of checks) console.log(line);
}

const mode = process.argv[2];
if (mode === 'sink') runSink();
else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
