// Presign from the explorer against the real S3 server (S3_* env): the command puts a curl command on the
// clipboard that uploads unchanged (and fails with one signed header changed), the ledger lists the URL with only
// metadata in globalState (the URL itself in SecretStorage), "with Last Settings" asks nothing, and a folder
// gives one URL per file.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { LedgerEntry } from '../../src/app/ledger';
import {
  FIXTURE,
  type S3Env,
  type S3Suite,
  s3Profile,
  type TestHooks,
  waitFor,
  workspaceFile,
  runBash,
  s3Connection,
  setUpS3Suite,
  tearDownS3Suite,
} from './helpers';

const PROFILE_ID = `presign-${randomBytes(3).toString('hex')}`;
const DEFAULT_SET = 'Default (Content-Type only)';

suite('presign PUT from the explorer', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  let api: S3Suite['api'];
  const keys: string[] = [];
  const conn = () => s3Connection(env!);

  suiteSetup(async function () {
    ({ env, api, hooks } = await setUpS3Suite(this, (e) =>
      s3Profile(e, PROFILE_ID, `Presign test ${PROFILE_ID}`, { buckets: [e.bucket] }),
    ));
  });

  suiteTeardown(() => tearDownS3Suite({ env, api, hooks }, keys, PROFILE_ID));

  test('the explorer command copies a curl command that uploads unchanged, and the ledger keeps only metadata', async () => {
    const file = workspaceFile(FIXTURE.nested);
    const entries = await vscode.commands.executeCommand<LedgerEntry[]>('ossPresign.presignPut', file, {
      profileId: PROFILE_ID,
      bucket: env!.bucket,
      headerSet: DEFAULT_SET,
      expirySeconds: 900,
      copyFormat: 'curl',
    });
    assert.ok(entries?.length === 1, `presignPut returned ${JSON.stringify(entries)}; see the "OSS Presign" output`);
    const [entry] = entries;
    keys.push(entry.key);
    // The default key template is the workspace-relative path.
    assert.equal(entry.key, FIXTURE.nested);
    assert.deepEqual(entry.headers, { 'Content-Type': 'text/csv' });

    const curl = await vscode.env.clipboard.readText();
    assert.match(curl, /^curl --fail-with-body -T '/);
    const good = runBash(curl);
    assert.ok(good.ok, `the copied curl command failed:\n${good.output}`);
    const got = await api.readBody(await api.getObject({ ...conn(), bucket: env!.bucket, key: entry.key }));
    assert.equal(got, readFileSync(file.fsPath, 'utf8'));

    const tampered = curl.replace("'Content-Type: text/csv'", "'Content-Type: text/plain'");
    assert.notEqual(tampered, curl);
    const bad = runBash(tampered);
    assert.equal(bad.ok, false, 'curl with a changed Content-Type still uploaded');
    assert.match(bad.output, /SignatureDoesNotMatch|403/);

    // globalState: the entry, without the URL's query (signature, credential).
    const { context } = hooks;
    const state = JSON.stringify(context.globalState.keys().map((k) => context.globalState.get(k) ?? null));
    assert.ok(state.includes(entry.id), 'the ledger entry is not in globalState');
    assert.doesNotMatch(state, /X-Amz-Signature|X-Amz-Credential|x-oss-signature/i, 'globalState holds a signature');
    const url = await context.secrets.get(`ossPresign.ledger.${entry.id}.url`);
    assert.ok(url && curl.includes(url), 'SecretStorage does not hold the URL that was copied');
    assert.ok(!state.includes(url.split('?')[1]), 'globalState holds the query of the URL');

    // Copying again from the ledger entry gives the same URL.
    await vscode.commands.executeCommand('ossPresign.copyUrl', entry);
    assert.equal(await vscode.env.clipboard.readText(), url);
  });

  test('"with Last Settings" asks nothing and reuses the last choices', async () => {
    const entries = await vscode.commands.executeCommand<LedgerEntry[]>(
      'ossPresign.presignPutLast',
      workspaceFile(FIXTURE.json),
    );
    assert.ok(entries?.length === 1, `presignPutLast returned ${JSON.stringify(entries)}`);
    keys.push(entries[0].key);
    assert.equal(entries[0].profileId, PROFILE_ID);
    assert.equal(entries[0].headerSet, DEFAULT_SET);
    assert.equal(entries[0].key, FIXTURE.json);
    const url = await hooks.context.secrets.get(`ossPresign.ledger.${entries[0].id}.url`);
    assert.ok(url);
    const res = await fetch(url, {
      method: 'PUT',
      headers: entries[0].headers,
      body: readFileSync(workspaceFile(FIXTURE.json).fsPath),
    });
    assert.equal(res.status, 200, await res.text());
  });

  test('from the explorer menu, three choices (header set, expiry, key) give a curl command that uploads; copying again reuses it', async function () {
    // With one profile (whose bucket list has one bucket) neither is asked; more profiles add a question.
    if (hooks.profiles.list().length !== 1) return this.skip();
    await vscode.env.clipboard.writeText('');
    // A file of its own: no live URL of another suite to reuse, no object of that name to overwrite.
    const name = `copy-curl-${randomBytes(3).toString('hex')}.txt`;
    const file = workspaceFile(name);
    writeFileSync(file.fsPath, `uploaded by ${name}\n`);
    try {
      let settled = false;
      const done = Promise.resolve(
        vscode.commands.executeCommand<LedgerEntry[] | undefined>('ossPresign.copyCurl', file, [file]),
      ).finally(() => (settled = true));
      // Accept the active item of each question: the first header set, the first expiry, the previewed key.
      for (let choice = 0; choice < 3 && !settled; choice++) {
        // The next question opens asynchronously; there is no API event for it.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      }
      await waitFor(() => settled, 10_000, 'the command to finish after three choices');
      const entries = await done;
      assert.ok(entries?.length === 1, `copyCurl returned ${JSON.stringify(entries)}`);
      keys.push(entries[0].key);
      assert.equal(entries[0].key, name);
      const curl = await vscode.env.clipboard.readText();
      assert.match(curl, /^curl --fail-with-body -T /);
      const run = runBash(curl);
      assert.ok(run.ok, `the copied curl command failed:\n${run.output}`);
      const got = await api.readBody(await api.getObject({ ...conn(), bucket: env!.bucket, key: entries[0].key }));
      assert.equal(got, readFileSync(file.fsPath, 'utf8'));

      // The URL is live in the ledger: "Copy as curl" copies it again, asking nothing.
      await vscode.env.clipboard.writeText('');
      const reused = await vscode.commands.executeCommand<LedgerEntry | undefined>('ossPresign.copyCurl', file, [file]);
      assert.equal(reused?.id, entries[0].id);
      assert.equal(await vscode.env.clipboard.readText(), curl);
    } finally {
      rmSync(file.fsPath, { force: true });
    }
  });

  test('a folder gives one URL per file below it', async () => {
    const folder = workspaceFile('nested');
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'));
    const entries = await vscode.commands.executeCommand<LedgerEntry[]>('ossPresign.presignPut', folder, {
      profileId: PROFILE_ID,
      bucket: env!.bucket,
      headerSet: DEFAULT_SET,
      expirySeconds: 60,
      copyFormat: 'url',
    });
    assert.equal(entries?.length, files.length);
    assert.deepEqual(
      entries.map((e) => e.key).sort(),
      files.map((f) => vscode.workspace.asRelativePath(f, false)).sort(),
    );
    const clip = (await vscode.env.clipboard.readText()).split('\n');
    assert.equal(clip.length, files.length);
  });
});
