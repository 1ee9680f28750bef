#!/usr/bin/env node
// `npm start`: try the extension against a local S3 server, no cloud account needed.
//
//   npm start               build, start s3rver with a demo bucket, open VS Code on a demo workspace with the
//                           extension loaded from this checkout; Ctrl-C stops everything it started
//   npm start -- --web      use code-server in your browser even when the desktop `code` is on PATH
//   npm start -- --check    start everything in a throwaway state directory, check that the workbench answers,
//                           the bucket lists and the extension activates (headless Chromium), stop, exit 0 or 1
//
// State lives in .sandbox/ (gitignored): s3/ (bucket data, kept so uploads survive a restart), workspace/,
// vscode/ (user data and extensions of the sandbox's own VS Code profile). Delete it to start over.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEMO_BUCKET,
  ossConnection,
  SANDBOX_CREDENTIALS,
  startS3rver,
  startSandboxOssGateway,
  writeOssSettings,
} from './sandbox/s3.mjs';
import { writeDemoWorkspace, writeDoctorExample, writeUserSettings } from './sandbox/workspace.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// code-server 4.100.3 is VS Code 1.100.3, our minimum engine, and runs on the system Node 20.
const CODE_SERVER_VERSION = '4.100.3';
const OPTIONS = ['--web', '--check'];

const args = process.argv.slice(2);
const unknown = args.filter((a) => !OPTIONS.includes(a));
if (unknown.length) {
  console.error(`unknown option ${unknown.join(' ')}; options: ${OPTIONS.join(' ')}`);
  process.exit(2);
}
const check = args.includes('--check');
const desktop = !check && !args.includes('--web') && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
const say = (msg) => console.log(`[sandbox] ${msg}`);

const sandboxDir = path.join(REPO, '.sandbox');
mkdirSync(sandboxDir, { recursive: true });
// --check must not disturb a sandbox that is already running, so it gets its own state.
const stateDir = check ? mkdtempSync(path.join(sandboxDir, 'check-')) : sandboxDir;
const workspace = path.join(stateDir, 'workspace');
const vscodeDir = path.join(stateDir, 'vscode');
// The first start (no demo workspace yet) opens the walkthrough.
const firstStart = !existsSync(workspace);

const stops = [];
// Servers still starting: a Ctrl-C in that window must wait for them, or their stop would never be registered.
const starting = [];
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled(starting);
  for (const stop of stops.reverse()) {
    await stop().catch((err) => console.error(`[sandbox] while stopping: ${err.message}`));
  }
  if (check) {
    // The server log is the first thing to read when a check fails; the rest of the state goes.
    const log = path.join(vscodeDir, 'code-server.log');
    if (code !== 0 && existsSync(log)) {
      mkdirSync(path.join(REPO, 'test-artifacts'), { recursive: true });
      copyFileSync(log, path.join(REPO, 'test-artifacts', 'sandbox-code-server.log'));
      say('code-server log: test-artifacts/sandbox-code-server.log');
    }
    rmSync(stateDir, { recursive: true, force: true });
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    say(`${signal}: stopping`);
    // Ctrl-C is how an interactive sandbox ends; a check that gets stopped did not pass.
    void shutdown(check ? 1 : 0);
  });
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: REPO, stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`${command} ${commandArgs.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

async function startWeb(endpoint) {
  // lib.mjs is shared with the extension-host test runner; it pulls in playwright-core, so load it only here.
  const { codeServerPaths, startCodeServer, workbenchUrl } = await import('./vscode-host/lib.mjs');
  try {
    codeServerPaths(CODE_SERVER_VERSION);
  } catch {
    say(
      `code-server ${CODE_SERVER_VERSION} is not installed yet: installing it (about a minute, 300 MB in .vscode-host/)`,
    );
    run('bash', [path.join(REPO, 'scripts', 'vscode-host', 'install.sh'), CODE_SERVER_VERSION]);
  }
  const started = startCodeServer({ version: CODE_SERVER_VERSION, stateDir: vscodeDir }).then((server) => {
    stops.push(server.stop);
    return server;
  });
  starting.push(started);
  const server = await started;
  // A signal arrived while code-server started: shutdown() stops it and exits; go no further.
  if (stopping) await new Promise(() => {});
  // startCodeServer writes quiet default settings; the profile goes on top before any workbench reads them.
  writeUserSettings(path.join(vscodeDir, 'user-data'), endpoint, { firstStart });
  return workbenchUrl(server.authority, workspace);
}

function startDesktop() {
  const userData = path.join(vscodeDir, 'user-data');
  // A user-data-dir of its own makes `code` start a separate instance, which gets this process's environment
  // (the credentials); --wait keeps the CLI attached, so closing that window ends the sandbox too.
  const child = spawn(
    'code',
    [
      '--new-window',
      '--wait',
      `--extensionDevelopmentPath=${REPO}`,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      path.join(vscodeDir, 'extensions'),
      workspace,
    ],
    { stdio: 'inherit' },
  );
  child.on('exit', () => {
    say('VS Code closed: stopping');
    void shutdown(0);
  });
}

try {
  say('building the extension (npm run build)');
  run('npm', ['run', '--silent', 'build']);

  const s3 = await startS3rver(path.join(stateDir, 's3'));
  stops.push(s3.stop);
  say(`s3rver: ${s3.endpoint}, bucket ${DEMO_BUCKET} (s3rver checks no signatures)`);
  const oss = await startSandboxOssGateway(s3.endpoint, stateDir);
  stops.push(oss.stop);
  say(`OSS gateway (checks OSS signatures, 2 regions): HTTP proxy ${oss.url}, VS Code's http.proxy`);

  writeDemoWorkspace(workspace);
  // A failed upload for the doctor, against the gateway: it checks signatures (s3rver does not).
  writeDoctorExample(workspace, { connection: ossConnection(), bucket: DEMO_BUCKET, proxy: oss.url });
  // The sandbox profile reads its key pair from the environment (credentialSource 'env'); drop whatever
  // AWS session or profile this shell has, so real credentials never mix with the sandbox's.
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_PROFILE', 'OSS_SESSION_TOKEN'])
    delete process.env[name];
  Object.assign(process.env, SANDBOX_CREDENTIALS);

  if (desktop) {
    writeUserSettings(path.join(vscodeDir, 'user-data'), s3.endpoint, { firstStart });
    writeOssSettings(path.join(vscodeDir, 'user-data'), oss.url);
    startDesktop();
    say('VS Code is opening the demo workspace. Close its window or press Ctrl-C to stop the sandbox.');
  } else {
    const url = await startWeb(s3.endpoint);
    writeOssSettings(path.join(vscodeDir, 'user-data'), oss.url);
    if (check) {
      const { checkSandbox } = await import('./sandbox/check.mjs');
      await checkSandbox({ url, endpoint: s3.endpoint, ossProxy: oss.url, stateDir: vscodeDir, workspace, say });
      say('check passed');
      await shutdown(0);
    } else {
      say(`open ${url}`);
      say('Ctrl-C stops s3rver and code-server.');
    }
  }
} catch (err) {
  console.error(`[sandbox] ${err instanceof Error ? err.message : err}`);
  await shutdown(1);
}
