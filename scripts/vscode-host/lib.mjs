// Shared pieces of run-tests.mjs and ui-checks.mjs: start an isolated code-server on 127.0.0.1, attach
// Debian's headless Chromium through the project's playwright-core, and stop both again.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HOST_DIR = process.env.OSS_PRESIGN_HOST_DIR || path.join(REPO, '.vscode-host');
export const ARTIFACTS = path.join(REPO, 'test-artifacts');
export const DEFAULT_HOSTS = ['4.100.3', '4.139.1'];
const FIXTURE_WORKSPACE = path.join(REPO, 'scripts', 'vscode-host', 'workspace');

const require = createRequire(import.meta.url);
const { chromium } = require(path.join(REPO, 'node_modules', 'playwright-core'));

/** Minimal `--name value` parser; flags without a value are not used by these scripts. */
export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in defaults) || argv[i + 1] === undefined) {
      throw new Error(
        `unknown or incomplete option ${argv[i]}; options: ${Object.keys(defaults)
          .map((k) => '--' + k)
          .join(' ')}`,
      );
    }
    out[name] = argv[i + 1];
  }
  return out;
}

export function codeServerPaths(version) {
  const dir = path.join(HOST_DIR, `code-server-${version}`);
  const bin = path.join(dir, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(path.join(dir, '.installed')) || !fs.existsSync(bin)) {
    throw new Error(
      `code-server ${version} is not installed in ${dir}: run bash scripts/vscode-host/install.sh ${version}`,
    );
  }
  const nodeBin = fs.readFileSync(path.join(dir, '.node-bin-dir'), 'utf8').trim();
  return { bin, nodeBin };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Hides what must never reach a log: signatures, credentials and tokens in presigned URLs (SigV4, OSS V1/V4)
 * and the literal S3 secret, should a suite print one by mistake.
 */
export function redact(text) {
  let out = text.replace(
    /((?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|OSSAccessKeyId|x-oss-signature|x-oss-credential|x-oss-security-token)=)[^&\s"'<>]+/gi,
    '$1<redacted>',
  );
  const secret = process.env.S3_SECRET_KEY;
  if (secret && secret.length >= 4) out = out.split(secret).join('<redacted>');
  return out;
}

/** A fresh copy of the fixture workspace, so a suite that writes files never dirties the repo. */
export function prepareWorkspace(stateDir) {
  const ws = path.join(stateDir, 'workspace');
  fs.cpSync(FIXTURE_WORKSPACE, ws, { recursive: true });
  return ws;
}

/**
 * Starts code-server with all its state under stateDir. Returns { port, authority, stop, logPath }.
 * Environment given to code-server reaches the extension host's process.env: that is how S3_* and CI get to
 * the suites.
 */
export async function startCodeServer({ version, stateDir, log, extraEnv = {}, untrusted = false }) {
  const { bin, nodeBin } = codeServerPaths(version);
  const port = await freePort();
  for (const d of ['user-data/User', 'extensions', 'config', 'data', 'cache'])
    fs.mkdirSync(path.join(stateDir, d), { recursive: true });
  const config = path.join(stateDir, 'config', 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  fs.writeFileSync(
    path.join(stateDir, 'user-data', 'User', 'settings.json'),
    JSON.stringify(quietWorkbenchSettings(untrusted), null, 2),
  );
  const args = [
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    path.join(stateDir, 'user-data'),
    '--extensions-dir',
    path.join(stateDir, 'extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    ...(untrusted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    '--log',
    'info',
  ];
  // VS Code 1.1xx honours the payload's extensionDevelopmentPath/extensionTestsPath in a built product only with
  // enable-smoke-test-driver; code-server versions that need it accept it through --vscode-option (4.100.x has
  // neither the option nor the need).
  const cli = path.join(path.dirname(fs.realpathSync(bin)), 'cli.js');
  if (fs.existsSync(cli) && fs.readFileSync(cli, 'utf8').includes('"vscode-option"')) {
    args.push('--vscode-option', 'enable-smoke-test-driver');
  }
  // The server and the extension host create unix sockets in TMPDIR: keep its path short (limit 108 bytes).
  const tmp = fs.mkdtempSync('/tmp/ossp-');
  const env = {
    ...process.env,
    ...extraEnv,
    PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: path.join(stateDir, 'config'),
    XDG_DATA_HOME: path.join(stateDir, 'data'),
    XDG_CACHE_HOME: path.join(stateDir, 'cache'),
    // '{}' turns the Open VSX gallery off; offline every start would otherwise fail a lookup.
    EXTENSIONS_GALLERY: '{}',
    // Mocha's pass/fail symbols come from a colour library that switches colours on under CI=true even with
    // Mocha's color: false; logs read as plain text.
    NO_COLOR: '1',
  };
  for (const name of ['PASSWORD', 'HASHED_PASSWORD', 'PORT', 'VSCODE_PROXY_URI']) delete env[name];
  const logPath = path.join(stateDir, 'code-server.log');
  const logFile = fs.createWriteStream(logPath);
  // detached: its own process group, so stop() also ends the extension host and other children it spawns.
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let seen = '';
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      const text = redact(chunk.toString());
      logFile.write(text);
      if (log) for (const line of text.split('\n')) if (line.trim()) log(`[code-server] ${line}`);
      seen += text;
      if (seen.includes('HTTP server listening on')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) =>
      reject(new Error(`code-server ${version} exited with ${code} before listening; log: ${logPath}`)),
    );
  });
  const stop = async () => {
    const signalGroup = (sig) => {
      try {
        process.kill(-child.pid, sig);
      } catch {
        // the group is already gone
      }
    };
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup('SIGTERM');
      await new Promise((resolve) => {
        const t = setTimeout(resolve, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    // Children of the server (extension host, file watcher) can outlive it briefly: end what is left of our group.
    await new Promise((resolve) => setTimeout(resolve, 300));
    signalGroup('SIGKILL');
    await new Promise((resolve) => logFile.end(resolve));
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  return { port, authority: `127.0.0.1:${port}`, stop, logPath };
}

export async function launchBrowser(stateDir) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: run bash scripts/vscode-host/install.sh (apt-installs chromium) or set CHROMIUM`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    env: {
      ...process.env,
      XDG_CACHE_HOME: path.join(stateDir, 'cache'),
      XDG_CONFIG_HOME: path.join(stateDir, 'config'),
    },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Workbench URL that opens folder and loads the extension from the repo (and, with testsPath, runs its suites). */
export function workbenchUrl(authority, folder, testsPath) {
  const remote = (p) => `vscode-remote://${authority}${encodeURI(p)}`;
  const payload = [
    ['extensionDevelopmentPath', remote(REPO)],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return `http://${authority}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export const elapsed = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

/**
 * Named UI checks for the ui-*.mjs scripts: `check(page, name, fn)` logs `ok`/`FAIL` with the time taken and
 * `fn`'s result, saves a screenshot of a failure (`shot(name)` gives its path) and counts both.
 * `clean` blanks anything secret in a failure message beyond what `redact` does; `after(page)` runs after each check.
 */
export function uiChecks({ shot, clean = (text) => text, after = async () => {} }) {
  const tally = { passed: 0, failed: 0 };
  tally.check = async (page, name, fn) => {
    const start = Date.now();
    try {
      const info = await fn();
      tally.passed++;
      console.log(`ok   ${name}${info ? ` -> ${info}` : ''} (${Date.now() - start} ms)`);
    } catch (err) {
      tally.failed++;
      const file = shot(`FAIL-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
      await page.screenshot({ path: file }).catch(() => {});
      console.log(
        `FAIL ${name}: ${clean(redact(String(err.message).split('\n')[0]))} (screenshot: ${path.relative(REPO, file)})`,
      );
    }
    await after(page);
  };
  return tally;
}

/** A quiet, deterministic workbench: no welcome page, no telemetry, no update or gallery checks, no AI side bar. */
export function quietWorkbenchSettings(untrusted) {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
    // Trust off (every folder trusted), except for the Restricted Mode pass, which must not be asked either.
    'security.workspace.trust.enabled': untrusted,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.emptyWindow': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'git.enabled': false,
  };
}
