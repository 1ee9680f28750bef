import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isCI } from './helpers/env';

// Compiled to out/test/integration/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../..');
const CODE_SERVER = join(ROOT, '.vscode-host', 'code-server-4.100.3', '.installed');

describe('npm start -- --check', () => {
  // start.mjs installs a missing code-server itself (300 MB, about a minute); on a developer machine that is
  // left to the host stage of npm test or to install.sh, under CI it must run.
  it(
    'builds, serves the demo bucket and shows it in the Buckets view of a real workbench',
    { timeout: 10 * 60_000 },
    async (t) => {
      if (!existsSync(CODE_SERVER) && !isCI()) {
        return t.skip('code-server 4.100.3 is not installed: run bash scripts/vscode-host/install.sh 4.100.3');
      }
      const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--check'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        // On a test timeout: SIGTERM, on which start.mjs stops s3rver and code-server before exiting.
        signal: t.signal,
      });
      let output = '';
      child.stdout.on('data', (b: Buffer) => (output += b));
      child.stderr.on('data', (b: Buffer) => (output += b));
      child.on('error', () => undefined);
      const code = await new Promise<number | null>((done) => child.on('close', done));
      assert.equal(code, 0, output);
      for (const line of [
        'workbench answers 200',
        'demo-bucket lists',
        'extension activated',
        'Buckets view lists demo-bucket',
        'check passed',
      ]) {
        assert.ok(output.includes(line), `missing "${line}" in:\n${output}`);
      }
    },
  );
});
