#!/usr/bin/env node
// Runs the extension-host suites (run-tests.mjs) and then the UI check scripts (ui-*.mjs) on every VS Code host,
// installing a missing host first with install.sh. Builds nothing: run `npm run build && npm run compile:test`
// first (npm test does).
//
//   node scripts/vscode-host/run-all.mjs
//   OSS_PRESIGN_HOSTS=4.100.3 node scripts/vscode-host/run-all.mjs       # one host
//   OSS_PRESIGN_UI_HOSTS=none node scripts/vscode-host/run-all.mjs       # suites only (default: UI on every host)
//
// Prints `host <version>: N passed, N failed` per host and closes with `N passed, N failed`; exits non-zero on any
// failure. A host that cannot be installed or started is skipped on a developer machine, but under CI=true it is a
// failure: a CI run that skipped the real host would prove nothing.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_HOSTS, HOST_DIR, REPO, elapsed } from './lib.mjs';

const HERE = path.join(REPO, 'scripts', 'vscode-host');
const CI = process.env.CI === 'true';
const list = (value, fallback) => (value ?? fallback).split(/[\s,]+/).filter((v) => v && v !== 'none');
const hosts = list(process.env.OSS_PRESIGN_HOSTS, DEFAULT_HOSTS.join(','));
const uiHosts = new Set(list(process.env.OSS_PRESIGN_UI_HOSTS, hosts.join(',')));

// Stopped from outside (Ctrl+C, `timeout`, a CI cancel): pass the signal to the running step, which stops its
// code-server and browser, instead of leaving them behind.
let current;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    console.log(`run-all: ${signal}, stopping the running step`);
    if (!current || current.exitCode !== null) process.exit(code);
    current.once('close', () => process.exit(code));
    current.kill(signal);
  });
}

/** Runs a command, echoing its output with a prefix; resolves with its exit code and last `N passed, N failed`. */
function run(prefix, cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let summary;
    let partial = '';
    const onData = (chunk) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const m = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(line);
        if (m) summary = { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) };
        process.stdout.write(`${prefix} ${line}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => resolve({ code: 1, summary, error: err.message }));
    child.on('close', (code) => {
      if (partial) process.stdout.write(`${prefix} ${partial}\n`);
      resolve({ code: code ?? 1, summary });
    });
  });
}

// Every ui-*.mjs beside this file is a UI check script: it takes --host and closes with 'N passed, N failed'.
const uiScripts = fs
  .readdirSync(HERE)
  .filter((f) => /^ui-.+\.mjs$/.test(f))
  .sort()
  .map((f) => [f.replace(/\.mjs$/, ''), f]);
const isInstalled = (v) => fs.existsSync(path.join(HOST_DIR, `code-server-${v}`, '.installed'));

const total = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
for (const host of hosts) {
  const t0 = Date.now();
  const result = { passed: 0, failed: 0, skipped: 0 };
  const timings = [];
  const notRun = (what) => {
    if (CI) {
      result.failed++;
      console.log(`[${host}] FAIL ${what} (CI=true: a host that does not run is a failure)`);
    } else {
      result.skipped++;
      console.log(`[${host}] SKIP ${what}`);
    }
  };
  let usable = true;
  if (!isInstalled(host)) {
    const t = Date.now();
    const { code } = await run(`[${host} install]`, 'bash', [path.join(HERE, 'install.sh'), host]);
    timings.push(`install ${elapsed(t)}`);
    if (code !== 0 || !isInstalled(host)) {
      notRun(`code-server ${host} could not be installed; see the install output above`);
      usable = false;
    }
  }
  const steps = usable
    ? [
        ['suites', 'run-tests.mjs'],
        ['restricted-mode', 'run-tests.mjs', '--trust', 'untrusted'],
        ...(uiHosts.has(host) ? uiScripts : []),
      ]
    : [];
  for (const [name, script, ...extra] of steps) {
    const t = Date.now();
    const { code, summary, error } = await run(`[${host} ${name}]`, process.execPath, [
      path.join(HERE, script),
      '--host',
      host,
      ...extra,
    ]);
    timings.push(`${name} ${elapsed(t)}`);
    if (!summary) {
      notRun(
        `${name} on code-server ${host} counted no tests (exit ${code}${error ? `: ${error}` : ''}; its output is above)`,
      );
      continue;
    }
    result.passed += summary.passed;
    result.failed += summary.failed;
    result.skipped += summary.skipped;
    // A non-zero exit with nothing counted as failed (a timeout after the summary, a crash in clean-up) still fails.
    if (code !== 0 && summary.failed === 0) result.failed++;
  }
  total.passed += result.passed;
  total.failed += result.failed;
  total.skipped += result.skipped;
  lines.push(
    `host ${host}: ${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''}`,
  );
  console.log(`[${host}] took ${elapsed(t0)} (${timings.join(', ') || 'nothing ran'})`);
}
for (const line of lines) console.log(line);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
