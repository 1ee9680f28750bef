#!/usr/bin/env node
// `npm test`: every check the project has, in order, ending with ONE line `N passed, N failed[, N skipped]`.
//   1. npm run check                      tsc --noEmit + eslint
//   2. npm run build, npm run compile:test esbuild bundles; tsc to out/
//   3. unit tests                         node --test, out/test/unit/**/*.test.js
//   4. integration tests                  node --test, out/test/integration/**/*.test.js, against radosgw
//   5. extension-host suites              scripts/vscode-host/run-all.mjs (code-server in headless Chromium)
//   6. radosgw is stopped (also after a failure or Ctrl-C), then the summary; exit 1 if anything failed.
//
//   node scripts/test.mjs [--unit | --integration] [--no-host] [FILTER...]
//     --unit         stages 1-3 only
//     --integration  compile:test and stage 4 only (npm run test:integration); uses a radosgw that
//                    scripts/s3-server/start.sh already started in its default state dir, if there is one
//     --no-host      skip stage 5
//     FILTER         only test files whose path contains one of these strings (stage 5 is then skipped)
//
// radosgw takes about 20 s to start, so it starts in the background at once, in a private state dir
// on free ports (runs in other checkouts on this machine do not collide), and is stopped at the end.
// If S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY are already set, that server is used and nothing starts.
// Under CI=true a radosgw that does not start counts as a failure; otherwise it is a loud warning and
// the tests that need it skip themselves (test/integration/helpers/env.ts).
//
// Counting: test counts come from node's TAP summary and from the host runner's final `N passed, N failed`
// line. A step that is not a test (check, build, radosgw start, a crashed runner)
// adds one failure when it fails and nothing when it succeeds.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const CI = !['', 'false', '0'].includes((process.env.CI ?? '').toLowerCase());
const HOST_RUNNER = 'scripts/vscode-host/run-all.mjs';
const START_SH = 'scripts/s3-server/start.sh';
const STOP_SH = 'scripts/s3-server/stop.sh';
const MIN = 60_000;

// ---------------------------------------------------------------------------------------------- options
const opts = { unit: false, integration: false, host: true, filters: [] };
for (const a of process.argv.slice(2)) {
  if (a === '--unit') opts.unit = true;
  else if (a === '--integration') opts.integration = true;
  else if (a === '--no-host') opts.host = false;
  else if (a === '--help' || a === '-h') {
    console.log('usage: node scripts/test.mjs [--unit | --integration] [--no-host] [FILTER...]');
    process.exit(0);
  } else if (a.startsWith('-')) {
    console.error(`test.mjs: unknown option ${a} (try --help)`);
    process.exit(2);
  } else opts.filters.push(a);
}
if (opts.unit && opts.integration) {
  console.error('test.mjs: --unit and --integration exclude each other');
  process.exit(2);
}
if (opts.filters.length) opts.host = false;

// ---------------------------------------------------------------------------------------------- output
const results = []; // { stage, passed, failed, skipped, note, ms }
const record = (stage, r) => results.push({ stage, passed: 0, failed: 0, skipped: 0, note: '', ms: 0, ...r });
const secs = (ms) =>
  ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
const banner = (title) => console.log(`\n=== ${title} ${'='.repeat(Math.max(3, 90 - title.length))}`);
const loud = (lines) =>
  console.error(['', '!'.repeat(90), ...lines.map((l) => `!!  ${l}`), '!'.repeat(90), ''].join('\n'));
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''); // eslint-disable-line no-control-regex

// ---------------------------------------------------------------------------------------------- children
const children = new Set();
let interrupted = null;

/** Runs a command with output streamed; resolves { code, timedOut }. `onLine` gets each stdout line (stdout is then piped through). */
function run(cmd, args, { env = process.env, timeoutMs = 30 * MIN, onLine } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', onLine ? 'pipe' : 'inherit', 'inherit'] });
    children.add(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\ntest.mjs: ${cmd} ${args.join(' ')} still running after ${secs(timeoutMs)}: stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    if (onLine) {
      let buf = '';
      child.stdout.on('data', (chunk) => {
        process.stdout.write(chunk);
        buf += chunk.toString('utf8');
        const lines = buf.split('\n');
        buf = lines.pop();
        lines.forEach(onLine);
      });
      child.stdout.on('end', () => buf && onLine(buf));
    }
    child.on('error', (err) => console.error(`test.mjs: cannot run ${cmd}: ${err.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

class Interrupted extends Error {}
const checkInterrupted = () => {
  if (interrupted) throw new Interrupted(interrupted);
};

function onSignal(sig) {
  if (interrupted) {
    // second Ctrl-C: no more waiting for children to wind down
    for (const c of children) c.kill('SIGKILL');
    stopRadosgw();
    process.exit(130);
  }
  interrupted = sig;
  console.error(`\ntest.mjs: ${sig}: stopping the running step, then radosgw (Ctrl-C again to force)`);
  for (const c of children) c.kill(sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => onSignal(sig));

// ---------------------------------------------------------------------------------------------- stages
const npm = (script) =>
  process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath, 'run', script]] : ['npm', ['run', script]];

/** A step that is not a test: one failure if it fails. */
async function step(stage, [cmd, args], timeoutMs = 15 * MIN) {
  banner(stage);
  const t0 = Date.now();
  const r = await run(cmd, args, { timeoutMs });
  checkInterrupted(); // an interrupted step is not a failure of its own: the interruption counts once
  const failed = r.code === 0 ? 0 : 1;
  record(stage, { failed, note: r.timedOut ? 'timed out' : failed ? `exit ${r.code}` : 'ok', ms: Date.now() - t0 });
  return failed === 0;
}

/** Compiled test files under `dir` whose .ts source still exists (tsc never deletes outputs of removed tests). */
function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith('.test.js') && existsSync(path.relative('out', f).replace(/\.js$/, '.ts')))
    .filter((f) => opts.filters.length === 0 || opts.filters.some((s) => f.includes(s)))
    .sort();
}

/** Node's TAP summary: `# pass 3`, `# fail 0`, ... at column 0 near the end of the file. */
function tapCounts(file) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const n = (k) => Number((new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text) ?? [])[1] ?? 0);
  return {
    found: /^# tests \d+$/m.test(text),
    passed: n('pass'),
    failed: n('fail') + n('cancelled'),
    skipped: n('skipped') + n('todo'),
  };
}

async function nodeTests(stage, dir, env, timeoutMs) {
  banner(`${stage} tests`);
  const files = testFiles(dir);
  if (!files.length) {
    console.log(`no test files in ${dir}${opts.filters.length ? ` matching ${opts.filters.join(', ')}` : ''}`);
    record(stage, { note: 'no test files' });
    return;
  }
  const tap = path.join(tmp, `${stage}.tap`);
  const t0 = Date.now();
  const r = await run(
    process.execPath,
    [
      '--enable-source-maps',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { env, timeoutMs },
  );
  checkInterrupted();
  const c = tapCounts(tap);
  let note = `${files.length} files`;
  if (r.code !== 0 && c.failed === 0) {
    c.failed = 1; // the runner itself failed (crash, timeout, signal) without a failing test to show for it
    note += r.timedOut ? ', timed out' : `, node --test exited ${r.code}${c.found ? '' : ' without a summary'}`;
  }
  record(stage, { passed: c.passed, failed: c.failed, skipped: c.skipped, note, ms: Date.now() - t0 });
}

async function hostSuites(env) {
  banner('extension-host suites');
  if (!existsSync(HOST_RUNNER)) {
    console.log(`${HOST_RUNNER} is missing: no extension-host suites run`);
    record('host', { note: 'runner missing' });
    return;
  }
  // run-all.mjs prints `host <version>: N passed, N failed` per host (and each step's own lines, prefixed
  // with [host step]), then the total as a bare `N passed, N failed` line: the last bare line counts.
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const hosts = [];
  const t0 = Date.now();
  const r = await run(process.execPath, [HOST_RUNNER], {
    env,
    timeoutMs: 45 * MIN,
    onLine: (line) => {
      const l = stripAnsi(line).trim();
      const host = /^host (\S+): \d+ passed, \d+ failed/.exec(l);
      if (host) hosts.push(host[1]);
      const m = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/.exec(l);
      if (m) Object.assign(counts, { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) });
    },
  });
  checkInterrupted();
  let note = hosts.length ? `hosts ${hosts.join(', ')}` : 'no host reported';
  if (r.code !== 0 && counts.failed === 0) {
    counts.failed = 1;
    note += r.timedOut ? ', timed out' : `, runner exited ${r.code}`;
  }
  record('host', { passed: counts.passed, failed: counts.failed, skipped: counts.skipped, note, ms: Date.now() - t0 });
}

// ---------------------------------------------------------------------------------------------- radosgw
let rgwState = null; // state dir of a radosgw this run started (and must stop)

function parseEnvFile(file) {
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(S3_[A-Z0-9_]+)=(?:'([^']*)'|(.*))$/.exec(line.trim());
    if (m) env[m[1]] = m[2] ?? m[3];
  }
  return env;
}

const answers = (endpoint) =>
  new Promise((resolve) => {
    const req = http.get(`${endpoint}/`, { timeout: 3000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });

const portFree = (port) =>
  new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** Ceph's port block (mon BASE, BASE+1; osd BASE+10..99) and S3 on BASE+100, below Linux's ephemeral range. */
async function freePorts() {
  for (let i = 0; i < 50; i++) {
    const base = 20_000 + 200 * Math.floor(Math.random() * 60);
    if ((await portFree(base)) && (await portFree(base + 1)) && (await portFree(base + 100)))
      return { base, s3: base + 100 };
  }
  throw new Error('no free port block for radosgw found');
}

/**
 * Resolves { env, note, ok }: env holds S3_* (+ OSS_PRESIGN_RADOSGW=1) when a server is there.
 * Never rejects; its output is kept and shown when the integration stage begins.
 */
async function startRadosgw() {
  const t0 = Date.now();
  if (process.env.S3_ENDPOINT && process.env.S3_ACCESS_KEY && process.env.S3_SECRET_KEY) {
    return { ok: true, env: {}, note: `S3_ENDPOINT from the environment (${process.env.S3_ENDPOINT})`, log: '', ms: 0 };
  }
  if (opts.integration) {
    const shared = path.join(process.env.S3_STATE_DIR || path.join(os.tmpdir(), 'oss-presign-radosgw'), 'env');
    if (existsSync(shared)) {
      const env = parseEnvFile(shared);
      if (env.S3_ENDPOINT && (await answers(env.S3_ENDPOINT))) {
        return {
          ok: true,
          env: { ...env, OSS_PRESIGN_RADOSGW: '1' },
          note: `already running (${env.S3_STATE_DIR}), left running`,
          log: '',
          ms: 0,
        };
      }
    }
  }
  const state = path.join(os.tmpdir(), `oss-presign-radosgw-test-${process.pid}`);
  let log = '';
  try {
    const ports = await freePorts();
    rgwState = state;
    const child = spawn('bash', [START_SH], {
      env: { ...process.env, S3_STATE_DIR: state, S3_PORT: String(ports.s3), S3_CEPH_PORT_BASE: String(ports.base) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.stdout.on('data', (c) => (log += c)); // the env lines; we read the env file instead
    child.stderr.on('data', (c) => (log += c));
    const code = await new Promise((resolve) => {
      child.on('error', (e) => {
        log += `cannot run bash ${START_SH}: ${e.message}\n`;
        resolve(1);
      });
      child.on('close', (c) => resolve(c ?? 1));
    });
    children.delete(child);
    const envFile = path.join(state, 'env');
    if (code !== 0 || !existsSync(envFile))
      return { ok: false, env: {}, note: `start.sh exited ${code}`, log, ms: Date.now() - t0 };
    const env = parseEnvFile(envFile);
    return {
      ok: true,
      env: { ...env, OSS_PRESIGN_RADOSGW: '1' },
      note: `started on ${env.S3_ENDPOINT}`,
      log,
      ms: Date.now() - t0,
    };
  } catch (e) {
    return { ok: false, env: {}, note: e.message, log, ms: Date.now() - t0 };
  }
}

function stopRadosgw() {
  if (!rgwState) return;
  const t0 = Date.now();
  const r = spawnSync('bash', [STOP_SH], { env: { ...process.env, S3_STATE_DIR: rgwState }, stdio: 'inherit' });
  record('radosgw stop', {
    failed: r.status === 0 ? 0 : 1,
    note: r.status === 0 ? 'ok' : `stop.sh exited ${r.status}`,
    ms: Date.now() - t0,
  });
  rgwState = null;
}

// ---------------------------------------------------------------------------------------------- main
const tmp = mkdtempSync(path.join(os.tmpdir(), 'oss-presign-test-'));
const started = Date.now();
let rgw = null;

try {
  const wantS3 = !opts.unit;
  if (wantS3) {
    rgw = startRadosgw();
    if (!opts.integration)
      console.log('radosgw: starting in the background (about 20 s); its log follows at the integration stage');
  }
  if (!opts.integration) {
    await step('check', npm('check'));
    // The bundles as they ship (minified, no sourcemaps): the host suites and dist tests exercise what users get.
    await step('build', [process.execPath, ['scripts/build.mjs', '--production']]);
  }
  const compiled = await step('compile:test', npm('compile:test'));
  if (!compiled && !existsSync('out/test')) throw new Error('compile:test produced no out/test: no tests can run');
  if (!opts.integration) await nodeTests('unit', 'out/test/unit', process.env, 10 * MIN);

  if (wantS3) {
    banner('radosgw');
    const s3 = await rgw;
    process.stdout.write(s3.log);
    console.log(`radosgw: ${s3.note}${s3.ms ? ` (${secs(s3.ms)})` : ''}`);
    if (!s3.ok) {
      if (CI) {
        console.error(
          'radosgw did not start: under CI that is a failure, and the integration tests that need it will fail.',
        );
      } else {
        loud([
          `radosgw did not start (${s3.note}).`,
          'Integration tests that need an S3 server will SKIP. Ceph must be installed (start.sh installs it as root),',
          `see the log above and ${START_SH}.`,
        ]);
      }
    }
    record('radosgw', {
      failed: !s3.ok && CI ? 1 : 0,
      note: s3.ok ? s3.note : CI ? `FAILED: ${s3.note}` : `not running (${s3.note}): tests needing it skipped`,
      ms: s3.ms,
    });
    checkInterrupted();
    const env = { ...process.env, ...s3.env };
    await nodeTests('integration', 'out/test/integration', env, 30 * MIN);
    if (!opts.integration && !opts.unit) {
      if (opts.host) await hostSuites(env);
      else record('host', { note: opts.filters.length ? 'skipped (file filter given)' : 'skipped (--no-host)' });
    }
  }
} catch (e) {
  if (e instanceof Interrupted) record('interrupted', { failed: 1, note: e.message });
  else {
    console.error(`test.mjs: ${e.stack ?? e}`);
    record('test.mjs', { failed: 1, note: e.message });
  }
} finally {
  if (rgw) await rgw; // a start.sh still running must finish (or clean up after itself) before stop.sh runs
  stopRadosgw();
  rmSync(tmp, { recursive: true, force: true });
}

banner('summary');
for (const r of results) {
  const counts =
    r.passed || r.failed || r.skipped
      ? `${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`
      : '';
  console.log(`${r.stage.padEnd(14)} ${counts.padEnd(34)} ${r.note.padEnd(48)} ${r.ms ? secs(r.ms) : ''}`.trimEnd());
}
console.log(`total time ${secs(Date.now() - started)}${CI ? ' (CI)' : ''}`);
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
const [passed, failed, skipped] = [sum('passed'), sum('failed'), sum('skipped')];
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(interrupted ? 130 : failed ? 1 : 0);
