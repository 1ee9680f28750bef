// The secrets audit: after a full run through the extension (add profile, list, presign, copy every snippet format,
// upload, diagnose, remove), search every file VS Code keeps for this user (settings.json, the state databases,
// every log including the "OSS Presign" output channel), the extension's globalState/workspaceState and every
// value the clipboard held for the secret key and for any signature value. A signature may be on the clipboard only
// right after the user explicitly copied a URL or snippet. Runs last (file name) so it also sees what the other
// suites left behind.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { LedgerEntry } from '../../src/app/ledger';
import { FIXTURE, getApi, type S3Env, s3Env, s3Profile, type TestHooks, testHooks, workspaceFile } from './helpers';

const PROFILE_ID = `audit-${randomBytes(3).toString('hex')}`;
const SIGNATURE = /(?:X-Amz-Signature|x-oss-signature|Signature)=([0-9A-Za-z%+/=]{20,})/g;

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesBelow(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

suite('secrets audit', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  /** Every clipboard value seen, with whether the user had just asked to copy a URL or snippet. */
  const clipboard: Array<{ step: string; text: string; copiedUrl: boolean }> = [];
  const signatures = new Set<string>();
  const uploadedKeys: string[] = [];

  async function step(
    name: string,
    copiedUrl: boolean,
    run: () => Thenable<unknown> | Promise<unknown>,
  ): Promise<unknown> {
    await vscode.env.clipboard.writeText(`sentinel before ${name}`);
    const result = await run();
    const text = await vscode.env.clipboard.readText();
    clipboard.push({ step: name, text, copiedUrl });
    for (const m of text.matchAll(SIGNATURE)) signatures.add(decodeURIComponent(m[1]!));
    return result;
  }

  suiteSetup(async function () {
    this.timeout(180_000);
    env = s3Env();
    if (!env) return this.skip();
    const api = await getApi();
    hooks = await testHooks();
    const e = env;

    await step('add profile', false, () =>
      hooks.profiles.add(s3Profile(e, PROFILE_ID, `Audit ${PROFILE_ID}`, { buckets: [e.bucket] }), {
        secret: e.secretKey,
      }),
    );
    await step('list', false, async () => {
      const profile = (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === PROFILE_ID);
      assert.ok(profile, 'the audit profile is not in the tree');
      const buckets = await hooks.tree.getChildren(profile);
      const bucket = buckets.find((n) => n.kind === 'bucket');
      assert.ok(bucket, 'no bucket under the audit profile');
      await hooks.tree.getChildren(bucket);
    });
    const entries = (await step('presign (copy curl)', true, () =>
      vscode.commands.executeCommand<LedgerEntry[]>('ossPresign.presignPut', workspaceFile(FIXTURE.text), {
        profileId: PROFILE_ID,
        bucket: e.bucket,
        headerSet: 'Default (Content-Type only)',
        expirySeconds: 900,
        copyFormat: 'curl',
        key: `audit/${PROFILE_ID}/hello.txt`,
      }),
    )) as LedgerEntry[] | undefined;
    assert.ok(entries?.length, 'presign returned no ledger entry');
    uploadedKeys.push(entries[0]!.key);
    for (const id of [
      'ossPresign.copyUrl',
      'ossPresign.copyCurl',
      'ossPresign.copyFetch',
      'ossPresign.copyPython',
      'ossPresign.copyPowerShell',
    ]) {
      await step(id, true, () => vscode.commands.executeCommand(id, entries[0]));
    }
    await step('copy key', false, () =>
      vscode.commands.executeCommand('ossPresign.copyKey', {
        kind: 'object',
        profileId: PROFILE_ID,
        bucket: e.bucket,
        key: entries[0]!.key,
      }),
    );
    const uploadKey = `audit/${PROFILE_ID}/uploaded.csv`;
    await step('upload', false, () =>
      vscode.commands.executeCommand('ossPresign.uploadFile', workspaceFile(FIXTURE.nested), {
        profileId: PROFILE_ID,
        bucket: e.bucket,
        key: uploadKey,
      }),
    );
    uploadedKeys.push(uploadKey);
    const url = [...clipboard].reverse().find((c) => c.step === 'ossPresign.copyUrl')!.text;
    await step('diagnose', false, () =>
      vscode.commands.executeCommand('ossPresign.diagnose', {
        url,
        sentHeaders: { 'Content-Type': 'text/html' },
        signedHeaderValues: entries[0]!.headers,
      }),
    );
    await step('remove profile', false, () => hooks.profiles.remove({ id: PROFILE_ID }));
    for (const key of uploadedKeys) {
      await api
        .deleteObject({
          provider: 's3',
          endpoint: e.endpoint,
          region: e.region,
          addressing: 'path',
          accessKeyId: e.accessKey,
          accessKeySecret: e.secretKey,
          bucket: e.bucket,
          key,
        })
        .catch(() => undefined);
    }
    assert.ok(signatures.size > 0, 'no signature was ever copied: the audit would prove nothing');
    // Let the log channel flush to disk before the files are read.
    await new Promise((r) => setTimeout(r, 1500));
  });

  test('no file under the user data directory holds the secret or a signature (settings, state, logs)', () => {
    const userDir = path.resolve(hooks.context.globalStorageUri.fsPath, '..', '..', '..');
    const files = filesBelow(userDir);
    const logs = files.filter((f) => /OSS Presign\.log$/.test(f));
    assert.ok(
      logs.length > 0,
      `no "OSS Presign" log file under ${userDir}: the log channel is not where the audit looks`,
    );
    assert.ok(
      logs.some((f) => fs.readFileSync(f, 'utf8').includes('[presign]')),
      'the log channel has no presign line: the audit would not see a leak there',
    );
    assert.ok(
      files.some((f) => f.endsWith('settings.json')),
      'settings.json not found',
    );
    const needles = [env!.secretKey, encodeURIComponent(env!.secretKey), ...signatures];
    const hits: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f).toString('latin1');
      for (const n of needles)
        if (text.includes(n))
          hits.push(
            `${path.relative(userDir, f)} contains ${n === env!.secretKey || n === encodeURIComponent(env!.secretKey) ? 'the secret' : `signature ${n.slice(0, 8)}...`}`,
          );
    }
    console.log(
      `secrets audit: ${files.length} files scanned (${logs.length} OSS Presign logs), ${signatures.size} signatures and the secret searched, ${hits.length} hits`,
    );
    assert.deepEqual(hits, []);
  });

  test('globalState and workspaceState hold neither the secret nor a signature', () => {
    const needles = [env!.secretKey, ...signatures];
    for (const memento of [hooks.context.globalState, hooks.context.workspaceState]) {
      for (const key of memento.keys()) {
        const value = JSON.stringify(memento.get(key) ?? null);
        for (const n of needles) assert.ok(!value.includes(n), `state "${key}" holds a secret or signature`);
      }
    }
  });

  test('the clipboard never held the secret, and a signature only after an explicit copy', () => {
    assert.ok(clipboard.length >= 10, `only ${clipboard.length} clipboard values were recorded`);
    for (const c of clipboard) {
      assert.ok(
        !c.text.includes(env!.secretKey) && !c.text.includes(encodeURIComponent(env!.secretKey)),
        `the clipboard held the secret after "${c.step}"`,
      );
      if (!c.copiedUrl)
        assert.ok(!SIGNATURE.test(c.text), `the clipboard held a signature after "${c.step}", which copies no URL`);
      SIGNATURE.lastIndex = 0;
    }
    console.log(`secrets audit: ${clipboard.length} clipboard values checked, 0 hits`);
  });
});
