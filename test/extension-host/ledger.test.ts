// The Presigned URLs view's commands against the real S3 server (S3_* env): Re-issue gives a fresh URL that
// uploads, Remove drops the clicked or the selected entries with their URLs, and Clear Expired drops exactly the
// entries whose URLs the server already refuses. The view's rows are not reachable through the API: these tests
// read the ledger where the view reads it (global state, and SecretStorage for the URLs).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { ledgerUrlKey, type LedgerEntry } from '../../src/app/ledger';
import {
  FIXTURE,
  type S3Env,
  type S3Suite,
  s3Connection,
  s3Profile,
  setUpS3Suite,
  tearDownS3Suite,
  type TestHooks,
  waitFor,
  workspaceFile,
} from './helpers';

const PROFILE_ID = `ledger-${randomBytes(3).toString('hex')}`;
const PREFIX = `${PROFILE_ID}/`;
const DEFAULT_SET = 'Default (Content-Type only)';
/** Where LedgerStore keeps the entries (src/features/ledger/ledgerStore.ts). */
const STATE_KEY = 'ossPresign.ledger';

suite('ledger: Re-issue, Remove and Clear Expired in the Presigned URLs view', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  let api: S3Suite['api'];
  const keys: string[] = [];
  const issued: LedgerEntry[] = [];

  suiteSetup(async function () {
    ({ env, api, hooks } = await setUpS3Suite(this, (e) =>
      s3Profile(e, PROFILE_ID, `Ledger test ${PROFILE_ID}`, { buckets: [e.bucket] }),
    ));
  });

  suiteTeardown(async () => {
    if (hooks && issued.length) await vscode.commands.executeCommand('ossPresign.removeLedgerEntry', issued[0], issued);
    await tearDownS3Suite({ env, api, hooks }, keys, PROFILE_ID);
  });

  const listed = (): LedgerEntry[] => hooks.context.globalState.get<LedgerEntry[]>(STATE_KEY) ?? [];
  const urlOf = (entry: LedgerEntry) => hooks.context.secrets.get(ledgerUrlKey(entry.id));

  /** Presigns one fixture file under PREFIX through the explorer command, answering every question. */
  async function presign(file: string, name: string, expirySeconds = 900): Promise<LedgerEntry> {
    const key = `${PREFIX}${name}`;
    const entries = await vscode.commands.executeCommand<LedgerEntry[]>('ossPresign.presignPut', workspaceFile(file), {
      profileId: PROFILE_ID,
      bucket: env!.bucket,
      headerSet: DEFAULT_SET,
      expirySeconds,
      key,
      copyFormat: 'url',
    });
    assert.ok(entries?.length === 1, `presignPut returned ${JSON.stringify(entries)}; see the "OSS Presign" output`);
    keys.push(key);
    issued.push(entries[0]);
    return entries[0];
  }

  /** PUTs the entry's file through its URL from SecretStorage, with the headers the entry says to send. */
  async function upload(entry: LedgerEntry): Promise<Response> {
    const url = await urlOf(entry);
    assert.ok(url, `no URL in SecretStorage for ${entry.key}`);
    return fetch(url, { method: 'PUT', headers: entry.headers, body: readFileSync(entry.filePath!) });
  }

  test('Re-issue gives a new entry, listed first, for the same file, key, header set and expiry, whose URL uploads', async () => {
    const old = await presign(FIXTURE.nested, 'reissue.csv');
    const entries = await vscode.commands.executeCommand<LedgerEntry[]>('ossPresign.reissue', old);
    assert.ok(entries?.length === 1, `reissue returned ${JSON.stringify(entries)}; see the "OSS Presign" output`);
    const [fresh] = entries;
    issued.push(fresh);
    assert.notEqual(fresh.id, old.id);
    for (const field of ['profileId', 'bucket', 'key', 'headerSet', 'expirySeconds', 'filePath'] as const)
      assert.equal(fresh[field], old[field], field);
    assert.deepEqual(fresh.headers, old.headers);
    assert.ok(Date.parse(fresh.createdAt) >= Date.parse(old.createdAt));
    assert.equal(listed()[0]?.id, fresh.id, 'the re-issued URL is not at the top of the list');
    // It replaces the old row: one row per upload, not two with the same name.
    assert.equal(
      listed().some((e) => e.id === old.id),
      false,
      'the old entry is still listed',
    );
    assert.equal(await urlOf(old), undefined, "the old entry's URL is still in SecretStorage");

    const res = await upload(fresh);
    assert.equal(res.status, 200, await res.text());
    const got = await api.readBody(await api.getObject({ ...s3Connection(env!), bucket: env!.bucket, key: fresh.key }));
    assert.equal(got, readFileSync(workspaceFile(FIXTURE.nested).fsPath, 'utf8'));
  });

  test('Re-issue of a POST form gives a new form with the same prefix and limits, which the server accepts', async () => {
    const keyPrefix = `${PREFIX}form/`;
    const old = await vscode.commands.executeCommand<LedgerEntry>('ossPresign.presignPost', undefined, {
      profileId: PROFILE_ID,
      bucket: env!.bucket,
      keyPrefix,
      maxBytes: 1024,
      contentTypePrefix: '',
      expirySeconds: 600,
      format: 'curl',
    });
    assert.ok(old?.method === 'POST', `presignPost returned ${JSON.stringify(old)}; see the "OSS Presign" output`);
    issued.push(old);
    const entries = await vscode.commands.executeCommand<LedgerEntry[]>('ossPresign.reissue', old);
    assert.ok(entries?.length === 1, `reissue returned ${JSON.stringify(entries)}; see the "OSS Presign" output`);
    const [fresh] = entries;
    issued.push(fresh);
    assert.deepEqual([fresh.method, fresh.key, fresh.post, fresh.expirySeconds], ['POST', old.key, old.post, 600]);
    assert.equal(
      listed().some((e) => e.id === old.id),
      false,
      'the old form is still listed',
    );

    // The new form uploads: its fields, then the file, as a browser posts them.
    const form = JSON.parse((await urlOf(fresh)) ?? '{}') as { url: string; fields: Record<string, string> };
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    body.append('file', new Blob(['posted again']), 'again.txt');
    const res = await fetch(form.url, { method: 'POST', body });
    assert.ok(res.status === 204 || res.status === 201 || res.status === 200, `${res.status} ${await res.text()}`);
    keys.push(`${keyPrefix}again.txt`);
    const got = await api.readBody(
      await api.getObject({ ...s3Connection(env!), bucket: env!.bucket, key: `${keyPrefix}again.txt` }),
    );
    assert.equal(got, 'posted again');
  });

  test('Remove drops the clicked entry, then every selected one, each with its URL in SecretStorage', async () => {
    const a = await presign(FIXTURE.text, 'remove-a.txt');
    const b = await presign(FIXTURE.json, 'remove-b.json');
    const c = await presign(FIXTURE.spacedUnicode, 'remove-c.txt');
    for (const e of [a, b, c]) assert.ok(await urlOf(e), `no URL stored for ${e.key}`);
    const ids = () => new Set(listed().map((e) => e.id));

    // The view passes the clicked entry alone...
    await vscode.commands.executeCommand('ossPresign.removeLedgerEntry', a);
    assert.equal(ids().has(a.id), false, 'the clicked entry is still listed');
    assert.equal(await urlOf(a), undefined, "the removed entry's URL is still in SecretStorage");
    assert.ok(ids().has(b.id) && ids().has(c.id), 'Remove dropped entries that were not clicked');
    assert.ok(await urlOf(b));

    // ... or, with several selected, the clicked one and the whole selection.
    await vscode.commands.executeCommand('ossPresign.removeLedgerEntry', b, [b, c]);
    assert.equal(ids().has(b.id) || ids().has(c.id), false, 'a selected entry is still listed');
    assert.equal(await urlOf(b), undefined);
    assert.equal(await urlOf(c), undefined);
  });

  test('Clear Expired drops the entries whose URLs the server refuses as expired, and keeps the others', async () => {
    const shortLived = await presign(FIXTURE.text, 'expired.txt', 1);
    const valid = await presign(FIXTURE.json, 'valid.json');
    await waitFor(
      () => Date.now() > Date.parse(shortLived.effectiveExpiresAt) + 1000,
      10_000,
      'the 1-second URL to expire',
    );
    const refused = await upload(shortLived);
    assert.equal(refused.status, 403, 'the server still accepts the URL the ledger calls expired');

    const before = listed();
    const cleared = await vscode.commands.executeCommand<number>('ossPresign.clearExpired');
    const after = listed();
    assert.equal(cleared, before.length - after.length, 'the count Clear Expired returns');
    assert.ok(!after.some((e) => e.id === shortLived.id), 'the expired entry is still listed');
    assert.equal(await urlOf(shortLived), undefined, "the expired entry's URL is still in SecretStorage");
    assert.ok(
      after.some((e) => e.id === valid.id),
      'Clear Expired dropped a valid entry',
    );
    assert.ok(await urlOf(valid));
    const accepted = await upload(valid);
    assert.equal(accepted.status, 200, await accepted.text());
  });
});
