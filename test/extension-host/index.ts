// Mocha entry point that VS Code loads inside the extension host (the payload's extensionTestsPath points at
// the compiled out/test/extension-host/index.js). VS Code calls run() and reports a rejection as a non-zero
// exit code, which scripts/vscode-host/run-tests.mjs turns into its own exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Runs first: it times the extension's activation, which is only honest while nothing has activated it yet. */
const FIRST = 'activation.test.js';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    // Suites talk to a real S3 server and a real workbench: allow for a slow CI machine.
    timeout: 30_000,
    // OSS_PRESIGN_GREP narrows a local run to matching tests, e.g. OSS_PRESIGN_GREP=presign.
    ...(process.env.OSS_PRESIGN_GREP ? { grep: process.env.OSS_PRESIGN_GREP } : {}),
  });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort((a, b) => Number(b === FIRST) - Number(a === FIRST) || a.localeCompare(b));
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passes = runner.stats?.passes ?? 0;
      const pending = runner.stats?.pending ?? 0;
      // The plain closing line that CI and run-all.mjs read.
      console.log(`${passes} passed, ${failures} failed` + (pending ? `, ${pending} skipped` : ''));
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed; see the spec output above.`));
      else if (passes === 0) {
        reject(
          new Error(
            `no extension-host test passed: check that ${__dirname} has *.test.js (npm run compile:test) and that OSS_PRESIGN_GREP, if set, matches a test.`,
          ),
        );
      } else resolve();
    });
  });
}
