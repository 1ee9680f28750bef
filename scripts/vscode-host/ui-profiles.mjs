#!/usr/bin/env node
/* global document */
// Drives "OSS Presign: Add Profile" in a real workbench (code-server + headless Chromium) by typing, as a user
// would: provider -> endpoint (custom, typed) -> region -> addressing -> Back and forward again -> access key ->
// secret -> name; the connection test must list the S3 server's bucket, the Buckets view must then show the
// profile and the bucket, and settings.json must hold the access key id but not the secret. A second run cancels
// the wizard half way and checks that nothing was saved; then Edit Profile (secret kept) and Remove Profile (modal).
//
//   S3_ENDPOINT=... S3_ACCESS_KEY=... S3_SECRET_KEY=... S3_BUCKET=... node scripts/vscode-host/ui-profiles.mjs [--host 4.100.3]
//
// Needs `npm run build`. Prints ok/FAIL per check, saves PNGs to test-artifacts/ui-<host>-profiles-*.png and closes
// with 'N passed, N failed'.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ARTIFACTS,
  REPO,
  elapsed,
  launchBrowser,
  parseArgs,
  prepareWorkspace,
  redact,
  startCodeServer,
  uiChecks,
  workbenchUrl,
} from './lib.mjs';

const opts = parseArgs(process.argv.slice(2), {
  host: '4.100.3',
  timeout: process.env.OSS_PRESIGN_HOST_TIMEOUT || '300',
});
const env = {
  endpoint: process.env.S3_ENDPOINT,
  key: process.env.S3_ACCESS_KEY,
  secret: process.env.S3_SECRET_KEY,
  bucket: process.env.S3_BUCKET || 'test-bucket',
};
if (!env.endpoint || !env.key || !env.secret) {
  console.log(
    process.env.CI === 'true'
      ? 'FAIL S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY not set'
      : 'skipped: S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY not set',
  );
  process.exit(process.env.CI === 'true' ? 1 : 0);
}
const t0 = Date.now();
const shot = (name) => path.join(ARTIFACTS, `ui-${opts.host}-profiles-${name}.png`);
const NAME = 'UI radosgw';
const SEEDED = 450;
const FOLDER = `ui-paging-${Date.now().toString(36)}/`;

/** PUTs SEEDED small objects under FOLDER through presigned URLs from the built core (dist/core.js). */
const core = () => createRequire(import.meta.url)(path.join(REPO, 'dist', 'core.js'));
const conn = () => ({
  provider: 's3',
  endpoint: env.endpoint,
  region: process.env.S3_REGION || 'us-east-1',
  addressing: 'path',
  accessKeyId: env.key,
  accessKeySecret: env.secret,
});
let seeded = 0;

async function seedFolder() {
  const { presignPut } = core();
  let next = 0;
  const worker = async () => {
    while (next < SEEDED) {
      const key = `${FOLDER}obj-${String(next++).padStart(4, '0')}.txt`;
      const signed = presignPut({ ...conn(), bucket: env.bucket, key, expiresSeconds: 300 });
      const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: key });
      if (res.status !== 200) throw new Error(`seeding ${key}: HTTP ${res.status}`);
      seeded++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function unseedFolder() {
  const { deleteObject } = core();
  let next = 0;
  const worker = async () => {
    while (next < seeded)
      await deleteObject({
        ...conn(),
        bucket: env.bucket,
        key: `${FOLDER}obj-${String(next++).padStart(4, '0')}.txt`,
      }).catch(() => {});
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const tally = uiChecks({ shot, clean: (text) => text.split(env.secret).join('***') });
const { check } = tally;

async function runCommand(page, title) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    if (
      await row.waitFor({ timeout: 3000 }).then(
        () => true,
        () => false,
      )
    ) {
      await row.click();
      return;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) throw new Error(`no palette entry "${title}"`);
    await page.waitForTimeout(1000);
  }
}

/** Waits until the quick input shows step `n` of the wizard (the title carries "n/7"). */
async function atStep(page, n, wizard = /Add Profile/) {
  const title = page.locator('.quick-input-widget .quick-input-title', { hasText: wizard });
  // The first step waits for the extension to activate, which a loaded machine makes slow.
  await title.waitFor({ timeout: n === 1 ? 30_000 : 10_000 });
  await page.waitForFunction(
    (step) => {
      const el = document.querySelector('.quick-input-widget');
      return !!el && el.style.display !== 'none' && new RegExp(`\\b${step}\\s*/\\s*7\\b`).test(el.textContent || '');
    },
    n,
    { timeout: 10_000 },
  );
}

/**
 * Waits for a notification's text and returns it. Reads the whole DOM, not only visible toasts: newer workbenches
 * may keep a toast collapsed or show it only to screen readers (aria alert), and the text is what matters here.
 */
async function waitForMessage(page, pattern, timeout = 20_000) {
  const handle = await page.waitForFunction(
    ([source, flags]) => {
      const re = new RegExp(source, flags);
      for (const el of document.querySelectorAll('.notification-list-item-message, .monaco-alert, [role="alert"]')) {
        const m = re.exec(el.textContent || '');
        if (m) return (el.textContent || '').trim();
      }
      return false;
    },
    [pattern.source, pattern.flags],
    { timeout },
  );
  return handle.jsonValue();
}

async function typeAndEnter(page, text, { replace = false } = {}) {
  const input = page.locator('.quick-input-widget input').first();
  if (replace) await input.fill('');
  if (text) await page.keyboard.type(text, { delay: 5 });
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
}

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `ossp-ui-profiles-${opts.host}-`));
let server;
let browser;
const cleanup = async () => {
  if (browser) await browser.close().catch(() => {});
  if (server) await server.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
};
const overall = setTimeout(
  async () => {
    console.log(`FAIL ui-profiles ${opts.host}: TIMEOUT after ${opts.timeout}s`);
    console.log(`${tally.passed} passed, ${tally.failed + 1} failed`);
    await cleanup();
    process.exit(124);
  },
  Number(opts.timeout) * 1000,
);

/** The user settings.json code-server writes, if any. */
function settingsText() {
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !p.includes('extensions')) walk(p);
      else if (e.name === 'settings.json' && p.includes(`${path.sep}User${path.sep}`)) files.push(p);
    }
  };
  walk(stateDir);
  return files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

try {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const workspace = prepareWorkspace(stateDir);
  server = await startCodeServer({ version: opts.host, stateDir });
  browser = await launchBrowser(stateDir);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(workbenchUrl(server.authority, workspace));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  console.log(`[ui-profiles ${opts.host} ${elapsed(t0)}] workbench loaded on ${server.authority}`);

  await check(page, 'cancelling Add Profile half way saves nothing', async () => {
    await runCommand(page, 'OSS Presign: Add Profile');
    await atStep(page, 1);
    await typeAndEnter(page, 'S3-compatible');
    await atStep(page, 2);
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
    await page.waitForTimeout(500);
    if (settingsText().includes('ossPresign.profiles'))
      throw new Error('settings.json has ossPresign.profiles after a cancelled wizard');
  });

  await check(page, 'Add Profile by typing, with Back, tests the connection and saves', async () => {
    await runCommand(page, 'OSS Presign: Add Profile');
    await atStep(page, 1);
    await typeAndEnter(page, 'S3-compatible');
    await atStep(page, 2);
    await typeAndEnter(page, 'not a url');
    // An invalid typed endpoint is not accepted: still step 2.
    await page.waitForTimeout(300);
    await atStep(page, 2);
    await typeAndEnter(page, env.endpoint, { replace: true });
    await atStep(page, 3);
    await typeAndEnter(page, ''); // region: the pre-filled default
    await atStep(page, 4);
    await typeAndEnter(page, 'Path style');
    await atStep(page, 5);
    // Back to the addressing step and forward again: the answer is kept.
    await page.locator('.quick-input-widget .codicon-quick-input-back').first().click();
    await atStep(page, 4);
    await typeAndEnter(page, 'Path style');
    await atStep(page, 5);
    await typeAndEnter(page, env.key);
    await atStep(page, 6);
    const type = await page.locator('.quick-input-widget input').first().getAttribute('type');
    if (type !== 'password') throw new Error(`the secret input is type="${type}", not a password field`);
    await typeAndEnter(page, env.secret);
    await atStep(page, 7);
    await typeAndEnter(page, NAME, { replace: true });
    const text = await waitForMessage(page, /Test connection:/);
    if (!text.includes(env.bucket)) throw new Error(`the connection test did not list ${env.bucket}: "${text}"`);
    await page.screenshot({ path: shot('added') });
    return `"${text}"`;
  });

  await check(page, 'settings.json holds the profile and the access key id, never the secret', async () => {
    const deadline = Date.now() + 10_000;
    while (!settingsText().includes(NAME) && Date.now() < deadline) await page.waitForTimeout(250);
    const text = settingsText();
    if (!text.includes(NAME)) throw new Error('the profile is not in settings.json');
    if (!text.includes(env.key)) throw new Error('the access key id is not in settings.json');
    if (text.includes(env.secret)) throw new Error('the SECRET is in settings.json');
  });

  await check(page, `the Buckets view shows the profile and ${env.bucket}`, async () => {
    await page.locator('.activitybar .action-item [aria-label^="OSS Presign"]').first().click();
    const profileRow = page.locator('.sidebar .monaco-list-row', { hasText: NAME }).first();
    await profileRow.waitFor({ timeout: 15_000 });
    if ((await profileRow.getAttribute('aria-expanded')) !== 'true') await profileRow.click();
    const bucketRow = page.locator('.sidebar .monaco-list-row', { hasText: env.bucket }).first();
    await bucketRow.waitFor({ timeout: 15_000 });
    await bucketRow.click();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: shot('tree') });
    return `${await page.locator('.sidebar .monaco-list-row').count()} rows`;
  });

  await check(
    page,
    `a folder of ${SEEDED} objects opens with one page of 200 and pages on with "Load more…"`,
    async () => {
      await seedFolder();
      // The bucket was listed before the seeding: its inline Refresh action lists it again.
      const bucketRow = page.locator('.sidebar .monaco-list-row', { hasText: env.bucket }).first();
      await bucketRow.hover();
      await bucketRow.locator('.action-label.codicon-refresh').click();
      const folderRow = page.locator('.sidebar .monaco-list-row', { hasText: FOLDER }).first();
      await folderRow.waitFor({ timeout: 15_000 });
      const started = Date.now();
      await folderRow.click();
      const more = page.locator('.sidebar .monaco-list-row', { hasText: 'Load more' });
      const lastRow = page.locator('.sidebar .monaco-list-row', { hasText: /obj-\d{4}\.txt/ }).last();
      await lastRow.waitFor({ timeout: 15_000 });
      const firstPageMs = Date.now() - started;
      // The list renders only the rows in view: End scrolls to the last one, where "Load more…" sits.
      const toEnd = async () => {
        await page.keyboard.press('End');
        await page.waitForTimeout(300);
      };
      await toEnd();
      const timings = [];
      for (let i = 0; i < 5 && (await more.count()); i++) {
        const before = await lastRow.textContent();
        const t = Date.now();
        await more.first().click();
        await page.waitForFunction(
          ([b]) =>
            [...document.querySelectorAll('.sidebar .monaco-list-row')].some(
              (r) => /obj-\d{4}\.txt/.test(r.textContent || '') && (r.textContent || '') > b,
            ),
          [before],
          { timeout: 15_000 },
        );
        timings.push(Date.now() - t);
        await toEnd();
      }
      await page.screenshot({ path: shot('paged') });
      if (await more.count()) throw new Error('"Load more…" is still there after 5 clicks');
      if (timings.length !== Math.ceil(SEEDED / 200) - 1)
        throw new Error(`expected ${Math.ceil(SEEDED / 200) - 1} Load more clicks, took ${timings.length}`);
      return `first page shown ${firstPageMs} ms after expanding; Load more clicks ${timings.join(', ')} ms`;
    },
  );

  // With one profile, Edit and Remove go straight to it (the wizard's title and the dialog name it), like every command.
  await check(page, 'Edit Profile keeps the stored secret when the secret step is left empty', async () => {
    await runCommand(page, 'OSS Presign: Edit Profile');
    const wizard = new RegExp(`Edit Profile "${NAME}"`);
    for (let step = 1; step <= 7; step++) {
      await atStep(page, step, wizard);
      if (step === 6) {
        const value = await page.locator('.quick-input-widget input').first().inputValue();
        if (value) throw new Error('the secret step is pre-filled: it must never show the stored secret');
      }
      await typeAndEnter(page, '');
    }
    await waitForMessage(page, new RegExp(`Profile "${NAME}" saved\\.`));
    if (settingsText().includes(env.secret)) throw new Error('the SECRET is in settings.json after editing');
  });

  await check(page, 'Remove Profile asks in a modal dialog and removes the profile', async () => {
    await runCommand(page, 'OSS Presign: Remove Profile');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    const text = (await dialog.textContent()) ?? '';
    if (!text.includes(NAME)) throw new Error(`the dialog does not name the profile: "${text.slice(0, 200)}"`);
    await page.screenshot({ path: shot('remove-dialog') });
    await dialog
      .locator('.monaco-button', { hasText: /^Remove$/ })
      .first()
      .click();
    const deadline = Date.now() + 10_000;
    while (settingsText().includes(NAME) && Date.now() < deadline) await page.waitForTimeout(250);
    if (settingsText().includes(NAME)) throw new Error('the profile is still in settings.json');
    await page.locator('.sidebar .monaco-list-row', { hasText: NAME }).waitFor({ state: 'detached', timeout: 10_000 });
  });
} catch (err) {
  tally.failed++;
  console.log(
    `FAIL ui-profiles ${opts.host} could not run: ${redact(err instanceof Error ? err.message : String(err))}`,
  );
}
clearTimeout(overall);
await unseedFolder();
await cleanup();
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed ? 1 : 0);
