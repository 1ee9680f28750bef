// Drag and drop onto the Buckets view inside the real extension host, against the real S3 server (S3_* env): the
// view's controller gets a real vscode.DataTransfer holding a `text/uri-list`, as VS Code hands it a drop from the
// Explorer or the OS. The two questions of a drop (header set, overwrite) are answered by replacing the window's
// showQuickPick and showWarningMessage for the drop's duration; the extension shares this `vscode` API object.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/features/buckets/nodes';
import {
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

const PROFILE_ID = `dnd-${randomBytes(3).toString('hex')}`;
const FOLDER = `dnd-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const DEFAULT_SET = 'Default (Content-Type only)';

interface Asked {
  picks: string[];
  warnings: { text: string; detail?: string | undefined; modal: boolean; items: string[] }[];
}

suite('drag and drop onto the Buckets view', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  let api: S3Suite['api'];
  let tmp: string;
  const created: string[] = [];
  const conn = () => s3Connection(env!);

  async function textOf(key: string): Promise<string> {
    const res = await api.getObject({ ...conn(), bucket: env!.bucket, key });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  }

  async function bucketNode(): Promise<TreeNode> {
    const profile = (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === PROFILE_ID);
    assert.ok(profile, 'profile node missing');
    const bucket = (await hooks.tree.getChildren(profile)).find((n) => n.kind === 'bucket' && n.bucket === env!.bucket);
    assert.ok(bucket, 'bucket node missing');
    return bucket;
  }

  /** The folder node of FOLDER/ under the bucket, once the tree lists it. */
  async function folderNode(): Promise<TreeNode> {
    const bucket = await bucketNode();
    return waitFor(
      async () => {
        hooks.tree.refreshNode(bucket);
        return (await hooks.tree.getChildren(bucket)).find((n) => n.kind === 'prefix' && n.prefix === `${FOLDER}/`);
      },
      10_000,
      `folder ${FOLDER}/ in the tree`,
    );
  }

  /**
   * Drops `uris` on `target` through the view's controller with a real DataTransfer, picking `headerSet` and giving
   * `overwrite` to a modal question (undefined: dismissed). Returns what was asked.
   */
  async function drop(
    target: TreeNode,
    uris: vscode.Uri[],
    answers: { headerSet?: string; overwrite?: string } = {},
  ): Promise<Asked> {
    const asked: Asked = { picks: [], warnings: [] };
    const window = vscode.window as unknown as Record<string, unknown>;
    const original = { showQuickPick: window.showQuickPick, showWarningMessage: window.showWarningMessage };
    window.showQuickPick = async (items: Thenable<vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
      asked.picks.push(options?.title ?? '');
      return (await items).find((i) => i.label === (answers.headerSet ?? DEFAULT_SET));
    };
    window.showWarningMessage = async (text: string, ...rest: unknown[]) => {
      const options = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as vscode.MessageOptions) : {};
      const items = rest.filter((r): r is string => typeof r === 'string');
      asked.warnings.push({ text, detail: options.detail, modal: !!options.modal, items });
      return options.modal ? answers.overwrite : undefined;
    };
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(uris.map((u) => u.toString()).join('\r\n')));
    try {
      await hooks.dropController.handleDrop(target, transfer, new vscode.CancellationTokenSource().token);
    } finally {
      Object.assign(window, original);
    }
    return asked;
  }

  suiteSetup(async function () {
    ({ env, api, hooks } = await setUpS3Suite(this, (e) => s3Profile(e, PROFILE_ID, `Drop test ${PROFILE_ID}`)));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dnd-host-'));
  });

  suiteTeardown(async () => {
    await tearDownS3Suite({ env, api, hooks }, created, PROFILE_ID);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a folder from outside the workspace (an OS drop) dropped on the bucket uploads its tree with Content-Types', async () => {
    const dir = path.join(tmp, FOLDER);
    fs.mkdirSync(path.join(dir, 'img'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.html'), '<p>dropped</p>');
    fs.writeFileSync(path.join(dir, 'img', 'logo.png'), randomBytes(64));
    fs.writeFileSync(path.join(dir, 'data.json'), '{"a":1}');
    const keys = [`${FOLDER}/data.json`, `${FOLDER}/img/logo.png`, `${FOLDER}/index.html`];
    created.push(...keys);

    const asked = await drop(await bucketNode(), [vscode.Uri.file(dir)]);
    assert.deepEqual(asked.picks, [`Upload 3 files to ${env!.bucket}: headers to sign`]);
    assert.deepEqual(asked.warnings, [], 'nothing existed, so nothing should ask about overwriting');
    const types = await Promise.all(
      keys.map(async (key) => (await api.headObject({ ...conn(), bucket: env!.bucket, key }))?.contentType),
    );
    assert.deepEqual(types, ['application/json', 'image/png', 'text/html']);
    assert.equal(await textOf(`${FOLDER}/index.html`), '<p>dropped</p>');
  });

  test('a workspace file dropped on a folder node goes into that folder, with the header set picked', async () => {
    const key = `${FOLDER}/hello.txt`;
    created.push(key);
    const asked = await drop(await folderNode(), [workspaceFile('hello.txt')], {
      headerSet: 'Browser upload (Content-Type + Cache-Control: no-cache)',
    });
    assert.deepEqual(asked.warnings, []);
    const head = await api.headObject({ ...conn(), bucket: env!.bucket, key });
    assert.ok(head, `${key} was not uploaded`);
    assert.equal(head.contentType, 'text/plain');
    assert.equal(head.headers['cache-control'], 'no-cache');
    assert.equal(await textOf(key), fs.readFileSync(workspaceFile('hello.txt').fsPath, 'utf8'));
  });

  test('dropping over existing objects asks modally with the count, and overwrites only after Overwrite', async () => {
    const index = path.join(tmp, FOLDER, 'index.html');
    fs.writeFileSync(index, '<p>second version</p>');
    const fresh = path.join(tmp, 'fresh.txt');
    fs.writeFileSync(fresh, 'new file');
    created.push(`${FOLDER}/fresh.txt`);
    const folder = await folderNode();
    const objectInFolder = (await hooks.tree.getChildren(folder)).find(
      (n) => n.kind === 'object' && n.key === `${FOLDER}/index.html`,
    );
    assert.ok(objectInFolder, 'object node missing');

    // Dismissed: nothing changes. Dropped on an object node: its folder is where the files go.
    const dismissed = await drop(objectInFolder, [vscode.Uri.file(index), vscode.Uri.file(fresh)]);
    const question = dismissed.warnings.find((w) => w.modal);
    assert.ok(question, `no modal question: ${JSON.stringify(dismissed.warnings)}`);
    assert.equal(question.text, `Overwrite 1 object in ${env!.bucket}/${FOLDER}/?`);
    assert.match(
      question.detail ?? '',
      new RegExp(`^1 of 2 dropped files would replace an existing object: ${FOLDER}/index\\.html\\.`),
    );
    assert.deepEqual(question.items, ['Overwrite', 'Skip Existing']);
    assert.equal(await textOf(`${FOLDER}/index.html`), '<p>dropped</p>');
    assert.equal(await api.headObject({ ...conn(), bucket: env!.bucket, key: `${FOLDER}/fresh.txt` }), null);

    await drop(objectInFolder, [vscode.Uri.file(index), vscode.Uri.file(fresh)], { overwrite: 'Overwrite' });
    assert.equal(await textOf(`${FOLDER}/index.html`), '<p>second version</p>');
    assert.equal(await textOf(`${FOLDER}/fresh.txt`), 'new file');
  });

  test('a drop with nothing to upload says so', async () => {
    const asked = await drop(await bucketNode(), [vscode.Uri.parse('https://example.com/picture.png')]);
    assert.deepEqual(asked.picks, []);
    assert.deepEqual(
      asked.warnings.map((w) => w.text),
      [
        'Nothing to upload: https://example.com/picture.png is not on the local disk. Drop files or folders from the Explorer or your file manager.',
      ],
    );
  });
});
