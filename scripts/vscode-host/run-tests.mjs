#!/usr/bin/env node
// Runs the Mocha suites of test/extension-host inside a real VS Code extension host: code-server (installed by
// install.sh) on 127.0.0.1, its workbench opened in headless Chromium. The exit code is the one the extension host
// reports (0 = every suite passed), 124 on the overall timeout, 1 when the host could not be started.
//
//   node scripts/vscode-host/run-tests.mjs [--host 4.100.3] [--timeout 600]
//        [--tests out/test/extension-host/index.js] [--screenshot test-artifacts/extension-host-<host>.png]
//
// code-server has no --extensionDevelopmentPath option; the web workbench reads extensionDevelopmentPath and
// extensionTestsPath from its `payload` query parameter instead, hands them to the remote extension host, and
// reports the result by calling window.codeAutomationExit(code), which this script exposes through Playwright.
// Needs compiled output: npm run build && npm run compile:test.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import {
  ARTIFACTS,
  REPO,
  elapsed,
  launchBrowser,
  parseArgs,
  prepareWorkspace,
  redact,
  startCodeServer,
  workbenchUrl,
} from './lib.mjs';

const opts = parseArgs(process.argv.slice(2), {
  host: '4.100.3',
  timeout: process.env.OSS_PRESIGN_HOST_TIMEOUT || '600',
  tests: path.join(REPO, 'out', 'test', 'extension-host', 'index.js'),
  screenshot: '',
  // 'untrusted': open the workspace in Restricted Mode (workspace trust on, folder not trusted) and run only the
  // suites that check it; the other suites assume a trusted workspace.
  trust: 'trusted',
});
const untrusted = opts.trust === 'untrusted';
if (untrusted) process.env.OSS_PRESIGN_GREP = 'workspace trust';
const testsPath = path.resolve(opts.tests);
const screenshot =
  opts.screenshot || path.join(ARTIFACTS, `extension-host-${opts.host}${untrusted ? '-restricted' : ''}.png`);
const t0 = Date.now();
const say = (msg) => console.log(`[run-tests ${opts.host} ${elapsed(t0)}] ${msg}`);

for (const [file, fix] of [
  [testsPath, 'npm run compile:test'],
  [path.join(REPO, 'dist', 'extension.js'), 'npm run build'],
]) {
  if (!fs.existsSync(file)) {
    console.error(`${file} is missing: run ${fix} first.`);
    process.exit(1);
  }
}
// The extension-host suites read S3_* and CI from process.env; say which arrive (never their values).
const forwarded = [
  'S3_ENDPOINT',
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
  'S3_REGION',
  'S3_BUCKET',
  'CI',
  'OSS_PRESIGN_GREP',
].filter((n) => process.env[n]);
say(`forwarding to the extension host: ${forwarded.join(', ') || '(no S3_* variables set)'}`);

// A server log of an earlier failed run would read as this run's.
fs.rmSync(path.join(ARTIFACTS, `code-server-${opts.host}.log`), { force: true });
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `ossp-host-${opts.host}-`));
let server;
let browser;
let exitCode = 1;
const cleanup = async () => {
  if (browser) await browser.close().catch(() => {});
  if (server) {
    await server.stop();
    if (exitCode !== 0) {
      // Keep the server log where CI keeps artifacts: it is the first thing to read when a host misbehaves.
      const kept = path.join(ARTIFACTS, `code-server-${opts.host}.log`);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      fs.copyFileSync(server.logPath, kept);
      say(`code-server log: ${path.relative(REPO, kept)}`);
    }
  }
  fs.rmSync(stateDir, { recursive: true, force: true });
};
// Stopped from outside (Ctrl+C, `timeout`, a CI cancel): take the server's process group and the browser along.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, async () => {
    console.error(`[run-tests ${opts.host}] ${signal}: stopping code-server and the browser`);
    await cleanup();
    process.exit(code);
  });
}
const overall = setTimeout(
  async () => {
    console.error(
      `[run-tests ${opts.host}] TIMEOUT: no result from the extension host after ${opts.timeout}s; raise --timeout or OSS_PRESIGN_HOST_TIMEOUT if the machine is just slow`,
    );
    await cleanup();
    process.exit(124);
  },
  Number(opts.timeout) * 1000,
);

try {
  const workspace = prepareWorkspace(stateDir);
  server = await startCodeServer({
    version: opts.host,
    stateDir,
    untrusted,
    log: process.env.OSS_PRESIGN_HOST_VERBOSE ? (line) => console.log(line) : undefined,
  });
  say(`code-server listening on ${server.authority}`);
  browser = await launchBrowser(stateDir);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // The workbench implements vscode.env.clipboard with navigator.clipboard, which needs these for the origin.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://${server.authority}` });
  const page = await context.newPage();
  let reportExit;
  const exited = new Promise((resolve) => {
    reportExit = resolve;
  });
  // The workbench forwards the extension host's console (Mocha's spec reporter included) to this function.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = redact(format(...(args || [])));
    console.log(type === 'log' || type === 'info' ? text : `[${type}] ${text}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => reportExit(code));
  page.on('pageerror', (err) => console.log(`[workbench error] ${redact(err.message)}`));
  if (process.env.OSS_PRESIGN_HOST_VERBOSE)
    page.on('console', (m) => console.log(`[browser ${m.type()}] ${redact(m.text())}`));
  // Generous: on a loaded 2-core machine the workbench bundle alone can take more than the default 30 s.
  await page.goto(workbenchUrl(server.authority, workspace, testsPath), { timeout: 120_000 });
  say('workbench opened; waiting for the extension host to run the suites');
  exitCode = await exited;
  say(`extension host exited with code ${exitCode}`);
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot }).then(
    () => say(`screenshot: ${path.relative(REPO, screenshot)}`),
    (err) => say(`screenshot failed: ${err.message}`),
  );
} catch (err) {
  console.error(`[run-tests ${opts.host}] ${err instanceof Error ? err.message : err}`);
  exitCode = 1;
}
clearTimeout(overall);
await cleanup();
process.exit(exitCode);
