// src/features/presign/handover.ts, copySnippet.ts and the ledger view's tooltip: every hand-over of a presigned
// PUT states the headers the uploader must send. Over the fake vscode and the real stores; signing is local.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../../src/app/ledger';
import { createHarness, profile, type Harness } from '../fakes/services';
import { Uri } from '../fakes/vscode';

const OWNER_SET = 'Owner';
const BARE_SET = 'Bare';
/** A folder's files get their keys from the key template (their paths in the workspace). */
const FOLDER_OPTIONS = { profileId: 'p', bucket: 'bkt', headerSet: OWNER_SET, expirySeconds: 600, copyFormat: 'url' };
const S3_OPTIONS = { ...FOLDER_OPTIONS, key: 'k/one.txt' };

type Window = Record<string, (...args: unknown[]) => unknown>;

describe('hand-over of presigned URLs', () => {
  let h: Harness;
  const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
  const window = () => h.fake.vscode.window as unknown as Window;
  const clipboard = () => h.fake.vscode.env.clipboard.readText();
  const file = (name: string, text = name) => {
    mkdirSync(join(h.dir, name, '..'), { recursive: true });
    writeFileSync(join(h.dir, name), text);
    return h.file(name);
  };
  /** The notification shown right after presigning, with its buttons. */
  const presignNotice = () => {
    const notice = h.fake.record.messages.find((m) => m.text.startsWith('Presigned PUT for'));
    assert.ok(notice, JSON.stringify(h.fake.record.messages));
    return notice;
  };
  /** Resolves with the next information message matching `pattern`; rejects on an error message. */
  const nextMessage = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const w = window();
      const [info, error] = [w.showInformationMessage, w.showErrorMessage];
      w.showInformationMessage = (text, ...rest) => {
        if (pattern.test(String(text))) resolve(String(text));
        return info(text, ...rest);
      };
      w.showErrorMessage = (text, ...rest) => {
        reject(new Error(String(text)));
        return error(text, ...rest);
      };
    });
  /** The save dialog (the fake has none): records its options and answers `answer`. */
  const saveDialogs: { title?: string; filters?: Record<string, string[]> }[] = [];
  const answerSaveDialog = (answer: string) => {
    window().showSaveDialog = async (options: unknown) => {
      saveDialogs.push(options as (typeof saveDialogs)[number]);
      return Uri.file(answer);
    };
  };
  /** Presigns the files of the folder `batch/` (a.txt, b.png, c.json) with the owner set. */
  const presignFolder = async () => {
    file('batch/a.txt');
    file('batch/b.png');
    file('batch/sub/c.json', '{}');
    const entries = await execute<LedgerEntry[]>('ossPresign.presignPut', h.file('batch'), FOLDER_OPTIONS);
    return entries.sort((a, b) => a.key.localeCompare(b.key));
  };
  const byKey = <T extends { key: string }>(rows: T[]) => rows.sort((a, b) => a.key.localeCompare(b.key));
  const storedUrl = (entry: LedgerEntry) => h.secrets.get(`ossPresign.ledger.${entry.id}.url`)!;

  beforeEach(async () => {
    h = createHarness();
    saveDialogs.length = 0;
    await h.setProfiles([
      profile('p', { buckets: ['bkt'] }),
      profile('o', {
        provider: 'oss',
        endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
        region: 'cn-hangzhou',
        addressing: 'virtual',
        buckets: ['demo-bucket'],
      }),
    ]);
    await h.fake.vscode.workspace
      .getConfiguration('ossPresign')
      .update(
        'headerSets',
        [{ name: OWNER_SET, contentType: 'auto', metadata: { owner: 'ana' } }, { name: BARE_SET }],
        1,
      );
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../../src/features/presign/commands')>('features/presign/commands.js');
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, presignCommands(h.services()));
  });
  afterEach(() => h.dispose());

  it('S3: copies the bare URL of one file and the notification names the headers to send', async () => {
    await execute('ossPresign.presignPut', file('one.txt'), S3_OPTIONS);
    const url = await clipboard();
    assert.match(url, /^http:\/\/127\.0\.0\.1:9\/bkt\/k\/one\.txt\?\S+$/);
    const notice = presignNotice();
    assert.equal(
      notice.text,
      'Presigned PUT for "bkt/k/one.txt" copied as URL (expires in 10 min). Send exactly: Content-Type: text/plain; x-amz-meta-owner: ana',
    );
    assert.deepEqual(notice.items, ['Copy URL', 'Copy as curl', 'Copy as fetch', 'Diagnose', 'Open Ledger']);
  });

  it('OSS V4: names the signed Content-Type, which the URL does not show', async () => {
    await execute('ossPresign.presignPut', file('hello.txt'), {
      ...S3_OPTIONS,
      profileId: 'o',
      bucket: 'demo-bucket',
      key: 'uploads/hello.txt',
      expirySeconds: 7200,
    });
    const url = new URL(await clipboard());
    assert.equal(url.host, 'demo-bucket.oss-cn-hangzhou.aliyuncs.com');
    assert.equal(url.searchParams.get('x-oss-signature-version'), 'OSS4-HMAC-SHA256');
    assert.ok(!/content-type|text%2Fplain/i.test(url.href), url.href);
    assert.equal(
      presignNotice().text,
      'Presigned PUT for "demo-bucket/uploads/hello.txt" copied as URL (expires in 2 h). Send exactly: Content-Type: text/plain; x-oss-meta-owner: ana',
    );
  });

  it('says "Send no extra headers." for a header set that signs none', async () => {
    await execute('ossPresign.presignPut', file('one.txt'), { ...S3_OPTIONS, headerSet: BARE_SET });
    assert.match(presignNotice().text, /\(expires in 10 min\)\. Send no extra headers\.$/);
  });

  it('a folder copies each URL with its headers, and the notification offers JSON and CSV', async () => {
    const entries = await presignFolder();
    assert.equal(entries.length, 3);
    const blocks = (await clipboard()).split('\n\n');
    assert.equal(blocks.length, 3);
    for (const entry of entries) {
      const block = blocks.find((b) => b.startsWith(`# ${entry.key}\n`));
      assert.ok(block, `no block for ${entry.key} in ${JSON.stringify(blocks)}`);
      assert.equal(
        block,
        [`# ${entry.key}`, storedUrl(entry), ...Object.entries(entry.headers).map(([n, v]) => `${n}: ${v}`)].join(
          '\n',
        ) + (block === blocks.at(-1) ? '\n' : ''),
      );
      assert.equal(entry.headers['x-amz-meta-owner'], 'ana');
    }
    assert.deepEqual(entries.map((e) => e.headers['Content-Type']).sort(), [
      'application/json',
      'image/png',
      'text/plain',
    ]);
    const notice = presignNotice();
    assert.equal(
      notice.text,
      'Presigned PUT for 3 files in "bkt" copied as URLs with their headers (expires in 10 min). Send exactly: Content-Type: per file; x-amz-meta-owner: ana',
    );
    assert.deepEqual(notice.items, ['Save as JSON...', 'Save as CSV...', 'Copy URLs', 'Copy as curl', 'Open Ledger']);
  });

  it('"Save as JSON..." writes { key, url, method, headers, expiresAt } per file, readable only by its owner', async () => {
    const target = join(h.dir, 'urls.json');
    answerSaveDialog(target);
    h.fake.answers.messages.push('Save as JSON...');
    const saved = nextMessage(/^Saved /);
    const entries = await presignFolder();
    assert.equal(await saved, `Saved 3 presigned URLs with their headers to ${target}.`);
    assert.match(saveDialogs[0].title ?? '', /bearer URLs/);
    assert.deepEqual(saveDialogs[0].filters, { JSON: ['json'] });
    const rows = JSON.parse(readFileSync(target, 'utf8')) as { key: string }[];
    assert.deepEqual(
      byKey(rows),
      entries.map((e) => ({
        key: e.key,
        url: storedUrl(e),
        method: 'PUT',
        headers: e.headers,
        expiresAt: e.effectiveExpiresAt,
      })),
    );
    assert.equal(statSync(target).mode & 0o777, 0o600);
  });

  it('"Save as CSV..." writes key,url,expiresAt,headers and makes an existing file private', async () => {
    const target = join(h.dir, 'urls.csv');
    writeFileSync(target, 'old content that is longer than nothing', { mode: 0o644 });
    answerSaveDialog(target);
    h.fake.answers.messages.push('Save as CSV...');
    const saved = nextMessage(/^Saved /);
    const entries = await presignFolder();
    await saved;
    assert.deepEqual(saveDialogs[0].filters, { CSV: ['csv'] });
    const [head, ...lines] = readFileSync(target, 'utf8').split('\r\n');
    assert.equal(head, 'key,url,expiresAt,headers');
    assert.deepEqual(lines.sort(), [
      '',
      ...entries.map(
        (e) =>
          `${e.key},${storedUrl(e)},${e.effectiveExpiresAt},Content-Type: ${e.headers['Content-Type']}; x-amz-meta-owner: ana`,
      ),
    ]);
    assert.equal(statSync(target).mode & 0o777, 0o600);
  });

  it('"Copy URL" on a ledger entry names its headers (or says none are needed)', async () => {
    const [owned] = await execute<LedgerEntry[]>('ossPresign.presignPut', file('one.txt'), S3_OPTIONS);
    const [bare] = await execute<LedgerEntry[]>('ossPresign.presignPut', file('two.txt'), {
      ...S3_OPTIONS,
      key: 'k/two.txt',
      headerSet: BARE_SET,
    });
    h.fake.record.messages.length = 0;
    await execute('ossPresign.copyUrl', owned);
    await execute('ossPresign.copyUrl', bare);
    assert.deepEqual(
      h.fake.record.messages.map((m) => m.text),
      [
        'Copied bkt/k/one.txt as URL. Send exactly: Content-Type: text/plain; x-amz-meta-owner: ana',
        'Copied bkt/k/two.txt as URL. Send no extra headers.',
      ],
    );
    assert.equal(await clipboard(), storedUrl(bare));
  });

  it("the Presigned URLs view's tooltip states the headers to send, or that there are none", async () => {
    const [owned] = await execute<LedgerEntry[]>('ossPresign.presignPut', file('one.txt'), S3_OPTIONS);
    const [bare] = await execute<LedgerEntry[]>('ossPresign.presignPut', file('two.txt'), {
      ...S3_OPTIONS,
      key: 'k/two.txt',
      headerSet: BARE_SET,
    });
    let tree: vscode.TreeDataProvider<LedgerEntry> | undefined;
    const createTreeView = window().createTreeView;
    window().createTreeView = (id, options) => {
      tree = (options as { treeDataProvider: vscode.TreeDataProvider<LedgerEntry> }).treeDataProvider;
      return createTreeView(id, options);
    };
    const { createLedgerView } = h.load<typeof import('../../../src/features/ledger/view')>('features/ledger/view.js');
    createLedgerView(h.services());
    const tooltip = async (e: LedgerEntry) => ((await tree!.getTreeItem(e)).tooltip as vscode.MarkdownString).value;
    assert.match(
      await tooltip(owned),
      /Send exactly these headers:\n\n```http\nContent-Type: text\/plain\nx-amz-meta-owner: ana\n```/,
    );
    assert.match(await tooltip(bare), /Send no extra headers\./);
  });
});
