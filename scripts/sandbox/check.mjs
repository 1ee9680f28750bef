// `npm start -- --check`: proves the sandbox works end to end, the way a person would find out: the
// workbench URL answers, the demo bucket lists, the OSS gateway lists both regions' buckets, takes a presigned
// upload with the signed header and refuses a changed one with 403, both stores allow a browser PUT (CORS
// preflight), and try-the-doctor.md's command gets the 403 the doctor diagnoses; then in a real (headless) browser
// the workbench loads with the walkthrough open, the extension activates (the walkthrough ticks its profile step)
// and its Buckets view shows both sandbox profiles' buckets and keys. Leaves a screenshot in test-artifacts/sandbox.png
// (sandbox-failed.png when a step fails).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, launchBrowser } from '../vscode-host/lib.mjs';
import { DEMO_BUCKET, DEMO_KEYS, OSS_BUCKETS, SANDBOX_CREDENTIALS, listDemoBucket, ossConnection } from './s3.mjs';
import { DOCTOR_EXAMPLE } from './workspace.mjs';

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

/** One request through an HTTP proxy (absolute-form URI), as curl -x sends it. */
function viaProxy(proxy, url, { method = 'GET', headers = {}, body } = {}) {
  const { hostname, port } = new URL(proxy);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path: url, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether `store` (an S3 origin, or the OSS gateway as a proxy) lets a page on another origin PUT with a Content-Type. */
async function preflightAllows(url, proxy) {
  const headers = {
    origin: 'http://localhost:3000',
    'access-control-request-method': 'PUT',
    'access-control-request-headers': 'content-type',
  };
  const res = proxy
    ? await viaProxy(proxy, url, { method: 'OPTIONS', headers })
    : await fetch(url, { method: 'OPTIONS', headers });
  const allowed = proxy ? res.headers['access-control-allow-origin'] : res.headers.get('access-control-allow-origin');
  if (res.status !== 200 || !allowed)
    throw new Error(`CORS preflight for PUT ${url} answered ${res.status} (allow-origin ${allowed})`);
}

/** The OSS profile through the gateway: both regions' buckets, a real signature check, CORS. */
async function checkOssGateway(proxy, endpoint, say) {
  const core = createRequire(import.meta.url)(path.join(REPO, 'dist', 'core.js'));
  // As the sandbox's VS Code settings have it: OSS hosts through the gateway, s3rver on loopback direct.
  core.configureTransport({ proxy, noProxy: '127.0.0.1' });
  const { buckets } = await core.listBuckets(ossConnection());
  const listed = buckets.map((b) => `${b.name} (${b.region})`).sort();
  const expected = Object.entries(OSS_BUCKETS)
    .flatMap(([region, names]) => names.map((n) => `${n} (${region})`))
    .sort();
  if (listed.join() !== expected.join())
    throw new Error(`OSS gateway ListBuckets: ${listed.join(', ')}; expected ${expected.join(', ')}`);
  say(`OSS gateway lists ${listed.join(', ')}`);

  const signed = core.presignPut({
    ...ossConnection(),
    bucket: DEMO_BUCKET,
    key: 'check/oss-gateway.txt',
    expiresSeconds: 300,
    headers: { 'Content-Type': 'text/plain' },
  });
  const good = await viaProxy(proxy, signed.url, { method: 'PUT', headers: signed.headers, body: 'checked\n' });
  if (good.status !== 200) throw new Error(`OSS gateway: the presigned PUT answered ${good.status}: ${good.body}`);
  const bad = await viaProxy(proxy, signed.url, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: 'checked\n',
  });
  if (bad.status !== 403 || !bad.body.includes('<Code>SignatureDoesNotMatch</Code>'))
    throw new Error(`OSS gateway: a changed Content-Type answered ${bad.status}: ${bad.body.slice(0, 300)}`);
  say('OSS gateway: the signed Content-Type uploads (200), a changed one gets 403 SignatureDoesNotMatch');

  // What "Check Browser Upload (CORS)..." asks: the bucket's rules judged for a page's PUT, then the server's preflight.
  const s3Conn = {
    provider: 's3',
    endpoint,
    region: 'us-east-1',
    addressing: 'path',
    accessKeyId: SANDBOX_CREDENTIALS.AWS_ACCESS_KEY_ID,
    accessKeySecret: SANDBOX_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
  };
  const targets = Object.entries(OSS_BUCKETS).flatMap(([region, names]) =>
    names.flatMap((bucket) => [
      [{ ...s3Conn, bucket }, `${endpoint}/${bucket}/check/browser.txt`, undefined],
      [{ ...ossConnection(region), bucket }, `http://${bucket}.oss-${region}.aliyuncs.com/check/browser.txt`, proxy],
    ]),
  );
  for (const [conn, url, via] of targets) {
    const verdict = core.checkBrowserPut(await core.getBucketCors(conn), {
      origin: 'http://localhost:3000',
      headers: { 'Content-Type': 'text/plain' },
    });
    if (!verdict.allowed)
      throw new Error(`CORS rules of ${conn.provider} ${conn.bucket}: ${verdict.reasons.join(' ')}`);
    await preflightAllows(url, via);
  }
  say('CORS: a browser PUT with Content-Type is allowed on every sandbox bucket (rules and preflight, S3 and OSS)');
}

/**
 * The doctor's example in the workspace (try-the-doctor.md): its curl command, run as the page says, gets 403
 * SignatureDoesNotMatch from the gateway, and the doctor reads that answer as a Content-Type sent but not signed.
 */
async function checkDoctorExample(workspace, say) {
  const page = readFileSync(path.join(workspace, DOCTOR_EXAMPLE), 'utf8');
  const command = /```sh\n([^]*?)\n\s*```/.exec(page)?.[1]?.replace(/^ {3}/gm, '');
  if (!command) throw new Error(`${DOCTOR_EXAMPLE} holds no sh block`);
  // Not spawnSync: the gateway answering it runs in this process.
  const output = await new Promise((resolve) =>
    execFile('bash', ['-c', command], { cwd: workspace, encoding: 'utf8', timeout: 30000 }, (err, stdout, stderr) =>
      resolve(`${stdout}${stderr}${err && !stdout ? err.message : ''}`),
    ),
  );
  if (!/\nHTTP 403\n/.test(output) || !output.includes('<Code>SignatureDoesNotMatch</Code>'))
    throw new Error(`${DOCTOR_EXAMPLE}: the command answered ${output.slice(-300)}`);
  const core = createRequire(import.meta.url)(path.join(REPO, 'dist', 'core.js'));
  const url = /'(http:\/\/[^']+x-oss-signature=[^']+)'/.exec(command)[1];
  const { causes } = core.diagnoseFromErrorXml({
    url,
    sentHeaders: { 'Content-Type': 'application/octet-stream' },
    errorXml: output,
    // As the extension does: the profile's keys test each hypothesis.
    credentials: { accessKeyId: ossConnection().accessKeyId, accessKeySecret: ossConnection().accessKeySecret },
    now: new Date(),
  });
  if (!causes.some((c) => c.code === 'HeaderAdded' && /content-type/i.test(c.header ?? '')))
    throw new Error(`the doctor's causes for ${DOCTOR_EXAMPLE}: ${JSON.stringify(causes)}`);
  say(`${DOCTOR_EXAMPLE}: 403 SignatureDoesNotMatch, diagnosed as ${causes.map((c) => c.code).join(', ')}`);
}

/** Throws with what went wrong; resolves when every check passed. */
export async function checkSandbox({ url, endpoint, ossProxy, stateDir, workspace, say }) {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`workbench ${url} answered ${res.status}`);
  say('workbench answers 200');

  const keys = await listDemoBucket(endpoint);
  const missing = DEMO_KEYS.filter((k) => !keys.includes(k));
  if (missing.length) throw new Error(`${DEMO_BUCKET} lists ${keys.length} keys but lacks ${missing.join(', ')}`);
  say(`${DEMO_BUCKET} lists ${keys.length} objects`);
  await checkOssGateway(ossProxy, endpoint, say);
  await checkDoctorExample(workspace, say);

  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await launchBrowser(stateDir);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    say('workbench loaded in Chromium');
    // The first start opens the walkthrough (the workspace's folder-open task), before anything is clicked.
    const walkthrough = page.locator('.gettingStartedContainer');
    await walkthrough.waitFor({ timeout: 60000 }).catch((err) => {
      throw new Error(`the walkthrough did not open: ${err.message.split('\n')[0]}`);
    });
    say('walkthrough open');
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
    // Its profile step ticks once the extension is active: the sandbox's profiles exist.
    await walkthrough
      .locator('.getting-started-step', { hasText: 'Add a storage profile' })
      .locator('.codicon.complete')
      .waitFor({ timeout: 30000 })
      .catch((err) => {
        throw new Error(`walkthrough: "Add a storage profile" is not ticked: ${err.message.split('\n')[0]}`);
      });
    say('walkthrough: the profile step is ticked');
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
    // The OSS profile (env credentials, http.proxy at the gateway): ListBuckets through the gateway, two regions.
    await step('no "Sandbox OSS" profile row', () => row('Sandbox OSS').click({ timeout: 90000 }));
    for (const names of Object.values(OSS_BUCKETS))
      for (const bucket of names)
        await step(`no ${bucket} row under the OSS profile`, () =>
          view
            .locator('.monaco-list-row', { hasText: bucket })
            .nth(bucket === DEMO_BUCKET ? 1 : 0)
            .waitFor({ timeout: 90000 }),
        );
    say("Buckets view lists the OSS profile's buckets in two regions");
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
