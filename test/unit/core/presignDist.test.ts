// The programmatic API as a user gets it: `require('./dist/core.js').presignPut(...)` in plain Node, with no VS Code
// anywhere (a separate process, so nothing this test runner loaded can help). `npm test` builds dist/ first.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { presignPut, type PresignPutOptions } from '../../../src/core/index';

// Compiled to out/test/unit/<dir>/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../../..');
const CORE = join(ROOT, 'dist', 'core.js');
const CI = !['', 'false', '0'].includes((process.env.CI ?? '').toLowerCase());

const OPTIONS: PresignPutOptions = {
  provider: 's3',
  endpoint: 'https://s3.amazonaws.com',
  bucket: 'examplebucket',
  key: 'test.txt',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  expiresSeconds: 86400,
  date: '2013-05-24T00:00:00Z',
  headers: { 'Content-Type': 'text/plain' },
};

const SCRIPT = `
const core = require(${JSON.stringify(CORE)});
let vscode = 'absent';
try { require.resolve('vscode'); vscode = 'present'; } catch {}
const r = core.presignPut({
  ...${JSON.stringify(OPTIONS)},
});
let error;
try { core.presignPut({ provider: 'oss', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'bucket', key: 'k', accessKeyId: 'a', accessKeySecret: 's', expiresSeconds: 0 }); }
catch (e) { error = { name: e.name, code: e.code, isConfigError: e instanceof core.ConfigError }; }
process.stdout.write(JSON.stringify({ url: r.url, signature: r.steps.signature, vscode, error }));
`;

it('dist/core.js presigns in plain Node without VS Code (same URL as the sources give) and throws ConfigError', (t) => {
  if (!existsSync(CORE)) {
    assert.ok(!CI, 'dist/core.js is missing under CI: npm test must build before the unit tests');
    return t.skip('dist/core.js not built: run npm run build (npm test does)');
  }
  const run = spawnSync(process.execPath, ['-e', SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as {
    url: string;
    signature: string;
    vscode: string;
    error: { name: string; code: string; isConfigError: boolean };
  };
  assert.equal(out.vscode, 'absent', 'no vscode module resolvable from the project: the run proves core needs none');
  const expected = presignPut(OPTIONS);
  assert.equal(out.url, expected.url);
  assert.equal(out.signature, expected.steps.signature);
  assert.match(
    out.url,
    /^https:\/\/examplebucket\.s3\.amazonaws\.com\/test\.txt\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&/,
  );
  assert.deepEqual(out.error, { name: 'ConfigError', code: 'InvalidExpiry', isConfigError: true });
});
