#!/usr/bin/env node
// Runs the Mocha suites of test/extension-host (the same entry, out/test/extension-host/index.js, that run-tests.mjs
// hands to code-server) in desktop VS Code, through runTests() of @vscode/test-electron. The exit code is the one
// VS Code exits with (0 = every suite passed, non-zero when a suite failed); 124 on the overall timeout; 1 when VS Code
// could not be found, downloaded or started, or exited 0 without the suites' closing `N passed, N failed` line; 2 for
// a bad option. That closing line is repeated as the last line of the output.
//
//   node scripts/vscode-host/run-desktop.mjs [--timeout 600] [--tests out/test/extension-host/index.js]
//        [--trust untrusted]
//
// VS Code: the executable in VSCODE_EXECUTABLE (desktop VS Code or Code - OSS: the Electron binary, e.g.
// VSCode-linux-x64/code, not the bin/code launcher script), else VSCODE_VERSION (default: the lowest VS Code that
// package.json's engines.vscode allows, at the patch level the oldest code-server host runs, today 1.100.3)
// downloaded by downloadAndUnzipVSCode into .vscode-host/vscode-desktop/. CI cannot reach the download and runs the
// suites in code-server (npm test, run-all.mjs) instead. On Linux without a display: xvfb-run -a <this command>.
// Needs compiled output: npm run build && npm run compile:test.
import { StringDecoder } from 'node:string_decoder';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import testElectron from '@vscode/test-electron';
import {
  DEFAULT_HOSTS,
  HOST_DIR,
  REPO,
  elapsed,
  parseArgs,
  prepareWorkspace,
  quietWorkbenchSettings,
  redact,
} from './lib.mjs';

const { downloadAndUnzipVSCode, runTests, TestRunFailedError, ProgressReportStage } = testElectron;

let opts;
try {
  opts = parseArgs(process.argv.slice(2), {
    timeout: process.env.OSS_PRESIGN_HOST_TIMEOUT || '600',
    tests: path.join(REPO, 'out', 'test', 'extension-host', 'index.js'),
    // 'untrusted': open the workspace in Restricted Mode and run only the suites that check it (as run-tests.mjs).
    trust: 'trusted',
  });
  if (!['trusted', 'untrusted'].includes(opts.trust))
    throw new Error(`--trust must be trusted or untrusted, not ${opts.trust}`);
  if (!(Number(opts.timeout) > 0)) throw new Error(`--timeout must be a number of seconds, not ${opts.timeout}`);
} catch (err) {
  console.error(`[run-desktop] ${err.message}`);
  process.exit(2);
}
const untrusted = opts.trust === 'untrusted';
if (untrusted) process.env.OSS_PRESIGN_GREP = 'workspace trust';
const testsPath = path.resolve(opts.tests);
/** Downloads live beside the code-server hosts: .vscode-host/ is gitignored (.vscode-test/, the default, is not). */
const CACHE = path.join(HOST_DIR, 'vscode-desktop');
/** Each download request gives up after this long without data (offline: one request, so about 15 s in all). */
const DOWNLOAD_IDLE_MS = 15_000;
const FORWARDED = ['S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_REGION', 'S3_BUCKET', 'CI', 'OSS_PRESIGN_GREP'];
const SUMMARY = /^\s*(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/;
const t0 = Date.now();
const say = (msg) => console.log(`[run-desktop ${elapsed(t0)}] ${msg}`);

/**
 * engines.vscode's lowest version; at the patch level of the code-server host with the same minor when there is one
 * (code-server 4.M.P bundles VS Code 1.M.P), so that a desktop run and the CI run test the same VS Code.
 */
function defaultVersion() {
  const range = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).engines?.vscode ?? '';
  const min = /(\d+)\.(\d+)\.(\d+)/.exec(range);
  if (!min) return 'stable';
  const host = DEFAULT_HOSTS.map((v) => v.split('.')).find(([, minor]) => min[1] === '1' && minor === min[2]);
  return host ? `1.${host[1]}.${host[2]}` : min.slice(1).join('.');
}

/** Plain-line download progress (the default reporter draws a spinner that garbles CI logs). */
function downloadReporter() {
  let shownTenth = -1;
  return {
    report(r) {
      if (r.stage === ProgressReportStage.ResolvedVersion) say(`VS Code version ${r.version}`);
      else if (r.stage === ProgressReportStage.FoundMatchingInstall)
        say(`using the copy in ${path.relative(REPO, r.downloadedPath)}`);
      else if (r.stage === ProgressReportStage.ResolvingCDNLocation) say(`downloading ${r.url}`);
      else if (r.stage === ProgressReportStage.Downloading && r.totalBytes > 0) {
        const tenth = Math.floor((10 * r.bytesSoFar) / r.totalBytes);
        if (tenth !== shownTenth)
          say(`downloaded ${(r.bytesSoFar / 1048576).toFixed(0)} of ${(r.totalBytes / 1048576).toFixed(0)} MB`);
        shownTenth = tenth;
      } else if (r.stage === ProgressReportStage.Retrying)
        say(`download failed (${r.error?.message ?? r.error}), attempt ${r.attempt + 1} of ${r.totalAttempts + 1}`);
      else if (r.stage === ProgressReportStage.NewInstallComplete)
        say(`installed in ${path.relative(REPO, r.downloadedPath)}`);
    },
    error() {
      // the caller reports the failure once, with what to do about it
    },
  };
}

function startsWithShebang(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return fs.readSync(fd, head, 0, 2, 0) === 2 && head.toString() === '#!';
  } finally {
    fs.closeSync(fd);
  }
}

/** The VS Code executable to run, or a message saying why there is none. */
async function resolveExecutable() {
  const given = process.env.VSCODE_EXECUTABLE;
  if (given) {
    const exe = path.resolve(given);
    const stat = fs.statSync(exe, { throwIfNoEntry: false });
    if (!stat)
      return {
        error: `VSCODE_EXECUTABLE=${given}: no such file. Point it at a desktop VS Code / Code - OSS executable (Linux: VSCode-linux-x64/code; macOS: Visual Studio Code.app/Contents/MacOS/Electron; Windows: Code.exe).`,
      };
    if (!stat.isFile())
      return {
        error: `VSCODE_EXECUTABLE=${given} is not a file${stat.isDirectory() ? ' but a directory' : ''}: point it at the executable itself (Linux: VSCode-linux-x64/code; macOS: Visual Studio Code.app/Contents/MacOS/Electron).`,
      };
    try {
      if (process.platform !== 'win32') fs.accessSync(exe, fs.constants.X_OK);
    } catch {
      return {
        error: `VSCODE_EXECUTABLE=${given} is not executable (chmod +x, or point it at the VS Code executable).`,
      };
    }
    // bin/code is the CLI launcher: it starts VS Code detached and does not hand back the suites' exit code.
    if (/^code(-oss|-insiders)?$/.test(path.basename(exe)) && startsWithShebang(exe)) {
      say(
        `warning: ${exe} is a script, probably the bin/code launcher, which does not wait for the suites: point VSCODE_EXECUTABLE at the Electron binary (e.g. /usr/share/code/code)`,
      );
    }
    say(`VS Code from VSCODE_EXECUTABLE: ${exe}`);
    return { exe };
  }
  const version = process.env.VSCODE_VERSION || defaultVersion();
  say(
    `VSCODE_EXECUTABLE not set: getting VS Code ${version} with @vscode/test-electron (cache: ${path.relative(REPO, CACHE)})`,
  );
  try {
    const exe = await downloadAndUnzipVSCode({
      version,
      cachePath: CACHE,
      timeout: DOWNLOAD_IDLE_MS,
      reporter: downloadReporter(),
      extensionDevelopmentPath: REPO,
    });
    return { exe };
  } catch (err) {
    const why = redact(String(err?.message ?? err).split('\n')[0]);
    return {
      error:
        `could not download VS Code ${version} (${why}). Set VSCODE_EXECUTABLE to a desktop VS Code / Code - OSS ` +
        'executable that is already installed to run the suites without a download. CI runs these suites in code-server ' +
        '(npm test, scripts/vscode-host/run-all.mjs) because VS Code downloads are not reachable there.',
    };
  }
}

/**
 * @vscode/test-electron's runTests always passes --disable-workspace-trust, which makes every folder trusted whatever
 * the settings say. For Restricted Mode, VS Code is started through a wrapper that drops that one argument.
 */
function withoutTrustOverride(exe, dir) {
  const wrapper = path.join(dir, 'code-untrusted');
  fs.writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      '# Written by run-desktop.mjs --trust untrusted: VS Code without --disable-workspace-trust.',
      'for arg do',
      '  shift',
      '  [ "$arg" = --disable-workspace-trust ] || set -- "$@" "$arg"',
      'done',
      `exec '${exe.replaceAll("'", "'\\''")}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return wrapper;
}

/**
 * Passes everything written to `stream` through redact() line by line (as run-tests.mjs does for the host's log) and
 * hands each line to onLine. Returns a function that flushes the last partial line and restores the stream.
 */
function tapLines(stream, onLine) {
  const write = stream.write;
  const decoder = new StringDecoder('utf8');
  let partial = '';
  stream.write = (chunk, encoding, cb) => {
    if (typeof encoding === 'function') cb = encoding;
    const lines = (partial + (typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk)))).split('\n');
    partial = lines.pop();
    for (const line of lines) onLine(line);
    if (lines.length === 0) {
      if (cb) process.nextTick(cb);
      return true;
    }
    return write.call(stream, lines.map((l) => redact(l) + '\n').join(''), 'utf8', cb);
  };
  return () => {
    stream.write = write;
    const rest = partial + decoder.end();
    if (rest) {
      onLine(rest);
      write.call(stream, redact(rest) + '\n');
    }
  };
}

async function main() {
  for (const [file, fix] of [
    [testsPath, 'npm run compile:test'],
    [path.join(REPO, 'dist', 'extension.js'), 'npm run build'],
  ]) {
    if (!fs.existsSync(file)) {
      console.error(`[run-desktop] ${file} is missing: run ${fix} first (npm run build && npm run compile:test).`);
      return 1;
    }
  }
  if (untrusted && process.platform === 'win32') {
    console.error(
      '[run-desktop] --trust untrusted needs a POSIX shell (see withoutTrustOverride); on Windows run the Restricted Mode pass in code-server: node scripts/vscode-host/run-tests.mjs --trust untrusted',
    );
    return 1;
  }

  const { exe, error } = await resolveExecutable();
  if (error) {
    console.error(`[run-desktop] ${error}`);
    return 1;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.error(
      '[run-desktop] no display (DISPLAY is not set) and desktop VS Code needs one: run it under a virtual X server, `xvfb-run -a npm run test:desktop` or `xvfb-run -a node scripts/vscode-host/run-desktop.mjs` (Debian/Ubuntu: apt-get install xvfb).',
    );
    return 1;
  }

  // The extension-host suites read S3_* and CI from process.env; say which arrive (never their values).
  const forwarded = FORWARDED.filter((n) => process.env[n]);
  say(`forwarding to the extension host: ${forwarded.join(', ') || '(no S3_* variables set)'}`);

  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossp-desktop-'));
  const userData = path.join(stateDir, 'user-data');
  const extensionsDir = path.join(stateDir, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // The same quiet, deterministic workbench as code-server's (lib.mjs).
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(quietWorkbenchSettings(untrusted), null, 2),
  );
  const workspace = prepareWorkspace(stateDir);
  const launchArgs = [
    workspace, // runTests: a first argument that is a folder is opened
    `--user-data-dir=${userData}`,
    `--extensions-dir=${extensionsDir}`,
    '--disable-telemetry',
    // Software rendering: there is no GPU under xvfb or in a container, and the suites draw nothing.
    '--disable-gpu',
    // Without a keyring (xvfb, CI, containers) VS Code keeps SecretStorage in memory and asks, in a dialog that
    // tests refuse, whether to use weaker encryption; basic is that encryption, so secrets persist as for a user.
    ...(process.platform === 'linux' ? ['--password-store=basic'] : []),
  ];
  const extensionTestsEnv = {
    ...Object.fromEntries(forwarded.map((n) => [n, process.env[n]])),
    // Mocha's pass/fail symbols come from a colour library that turns colours on under CI=true (see lib.mjs).
    NO_COLOR: '1',
    // Set when this runs inside another Electron app's Node (a VS Code task, an extension): VS Code would start as
    // plain Node and exit. undefined removes it from VS Code's environment.
    ELECTRON_RUN_AS_NODE: undefined,
  };

  let summary;
  let interrupted;
  let timedOut = false;
  // runTests closes VS Code on SIGINT (and kills its process tree on a second one) but then calls process.exit(1)
  // unless someone else listens: listen, so that the temp dir is removed and the exit code says what happened.
  const onSigint = () => {
    interrupted ??= 'SIGINT';
  };
  const onSigterm = () => {
    interrupted ??= 'SIGTERM';
    process.emit('SIGINT');
  };
  process.on('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  const overall = setTimeout(
    () => {
      timedOut = true;
      console.error(
        `[run-desktop] TIMEOUT: VS Code has not exited after ${opts.timeout}s; closing it (raise --timeout or OSS_PRESIGN_HOST_TIMEOUT if the machine is just slow)`,
      );
      process.emit('SIGINT');
      setTimeout(() => process.emit('SIGINT'), 15_000).unref();
    },
    Number(opts.timeout) * 1000,
  );
  const onLine = (line) => {
    if (SUMMARY.test(line)) summary = line.trim();
  };
  const untapOut = tapLines(process.stdout, onLine);
  const untapErr = tapLines(process.stderr, onLine);

  let code;
  try {
    say(
      `starting VS Code: workspace ${workspace}, tests ${testsPath.startsWith(REPO + path.sep) ? path.relative(REPO, testsPath) : testsPath}${untrusted ? ', Restricted Mode' : ''}`,
    );
    code = await runTests({
      vscodeExecutablePath: untrusted ? withoutTrustOverride(exe, stateDir) : exe,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: testsPath,
      extensionTestsEnv,
      launchArgs,
    });
  } catch (err) {
    if (err instanceof TestRunFailedError) {
      code = err.code;
      if (err.signal) say(`VS Code ended by ${err.signal}`);
    } else {
      console.error(`[run-desktop] could not run VS Code: ${err instanceof Error ? err.message : err}`);
      code = 1;
    }
  } finally {
    clearTimeout(overall);
    untapOut();
    untapErr();
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
    fs.rmSync(stateDir, { recursive: true, force: true, maxRetries: 3 });
  }
  if (!Number.isInteger(code) || code < 0 || code > 255) code = 1;
  if (timedOut) code = 124;
  else if (interrupted) code = interrupted === 'SIGINT' ? 130 : 143;
  else if (code === 0 && !summary) {
    // In a CLI test run VS Code logs the extension host's console to its own stdout, where index.ts's closing line
    // always lands before run() resolves. A 0 without it is a run that proved nothing, e.g. the bin/code launcher,
    // which starts VS Code in the background and exits 0 at once.
    say(
      'VS Code exited with 0, but no "N passed, N failed" line reached its output: counted as a failure (is VSCODE_EXECUTABLE the bin/code launcher rather than VS Code itself?)',
    );
    code = 1;
  }
  say(`exit code ${code}${timedOut ? ' (timeout)' : interrupted ? ` (${interrupted})` : ''}`);
  // The suites' own closing line (index.ts prints it in the extension host), repeated last so that it closes this
  // run's output as it closes run-tests.mjs's (VS Code's shutdown messages follow it otherwise).
  if (summary) console.log(summary);
  else
    console.log(
      `no "N passed, N failed" line came from the extension host: the suites did not run to the end (exit code ${code})`,
    );
  return code;
}

const exitCode = await main();
// Exit explicitly, once stdout and stderr are flushed: a download request that timed out can leave its socket (and a
// proxy agent's) open, which would keep this process alive long after it has said why it failed.
process.stdout.write('', () => process.stderr.write('', () => process.exit(exitCode)));
