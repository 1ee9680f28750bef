// `npm start -- --check`: proves the sandbox works end to end, the way a person would find out: the
// workbench URL answers, the demo bucket lists, and in a real (headless) browser the workbench loads, the
// extension activates and its Buckets view shows the sandbox profile's bucket and keys. Leaves a screenshot in
// test-artifacts/sandbox.png (sandbox-failed.png when a step fails).
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, launchBrowser } from '../vscode-host/lib.mjs';
import { DEMO_BUCKET, DEMO_KEYS, listDemoBucket } from './s3.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXTENSION_ID = (() => {
  const { publisher, name } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  return `${publisher}.${name}`;
})();

/** Text of the remote extension host logs under the code-server user-data dir ('' while there are none). */
function extensionHostLog(userDataDir) {
  const logs = path.join(userDataDir, 'logs');
  if (!existsSync(logs)) return '';
  const files = readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => /exthost\.log$/.test(f));
  return files.map((f) => readFileSync(path.join(logs, f), 'utf8')).join('\n');
}

async function poll(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Throws with what went wrong; resolves when every check passed. */
export async function checkSandbox({ url, endpoint, stateDir, say }) {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`workbench ${url} answered ${res.status}`);
  say('workbench answers 200');

  const keys = await listDemoBucket(endpoint);
  const missing = DEMO_KEYS.filter((k) => !keys.includes(k));
  if (missing.length) throw new Error(`${DEMO_BUCKET} lists ${keys.length} keys but lacks ${missing.join(', ')}`);
  say(`${DEMO_BUCKET} lists ${keys.length} objects`);

  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await launchBrowser(stateDir);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    say('workbench loaded in Chromium');
    // No '*' activation: open the extension's view container, as a person would, to activate it.
    await page.locator('.activitybar .action-label[aria-label^="OSS Presign"]').first().click({ timeout: 60000 });
    const userData = path.join(stateDir, 'user-data');
    const log = await poll(`${EXTENSION_ID} to activate`, 90000, () => {
      const text = extensionHostLog(userData);
      return text.includes(`_doActivateExtension ${EXTENSION_ID}`) ||
        text.includes(`Activating extension '${EXTENSION_ID}' failed`)
        ? text
        : '';
    });
    const failure = /Activating extension '[^']+' failed[^\n]*/.exec(log);
    if (failure) throw new Error(failure[0]);
    say('extension activated');
    // The sandbox profile from settings, its credentials from the environment, a listing through s3rver, and
    // keys with spaces and non-ASCII characters: walk the Buckets tree down to them.
    const view = page.locator('[id="workbench.view.extension.ossPresign"]');
    const row = (text) => view.locator('.monaco-list-row', { hasText: text }).first();
    const step = async (what, action) => {
      try {
        await action();
      } catch (err) {
        throw new Error(`Buckets view: ${what}: ${err.message.split('\n')[0]}`, { cause: err });
      }
    };
    await step('no "Sandbox (local s3rver)" profile row', () =>
      row('Sandbox (local s3rver)').click({ timeout: 90000 }),
    );
    await step(`no ${DEMO_BUCKET} row under the profile`, () => row(DEMO_BUCKET).click({ timeout: 90000 }));
    await step('no docs/ folder in the bucket', () => row('docs/').click({ timeout: 90000 }));
    await step('no "annual report 2026.txt" in docs/', () => row('annual report 2026.txt').waitFor({ timeout: 90000 }));
    await step('no 日本語/ folder in docs/', () => row('日本語/').waitFor({ timeout: 10000 }));
    say(`Buckets view lists ${DEMO_BUCKET}: ${(await view.locator('.monaco-list-row').allTextContents()).length} rows`);
    const shot = path.join(ARTIFACTS, 'sandbox.png');
    await page.screenshot({ path: shot });
    say(`screenshot: ${path.relative(REPO, shot)}`);
  } catch (err) {
    const shot = path.join(ARTIFACTS, 'sandbox-failed.png');
    await page.screenshot({ path: shot }).then(
      () => say(`screenshot of the failure: ${path.relative(REPO, shot)}`),
      () => {},
    );
    throw err;
  } finally {
    await browser.close();
  }
}
