// Object and folder nodes of the Buckets view in the real extension host, against the real S3 server (S3_* env):
// Open through the read-only ossPresign: file system (text in an editor, an image in the image preview, a large
// object only after a question), Download (with cancel: nothing left), several objects and a folder downloaded,
// multi-select Delete with its modal count, a download link, and Reveal in Tree selecting an uploaded object.
// Questions are answered by replacing the window's showWarningMessage (the extension shares this `vscode` object);
// dialogs by the commands' options argument.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { ObjectNode, TreeNode } from '../../src/features/buckets/nodes';
import { startFaultProxy } from '../integration/helpers/faultProxy';
import {
  type S3Env,
  type S3Suite,
  s3Connection,
  s3Profile,
  setUpS3Suite,
  tearDownS3Suite,
  type TestHooks,
  waitFor,
} from './helpers';

const PROFILE_ID = `obj-${randomBytes(3).toString('hex')}`;
const FOLDER = `objects-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const BIG = randomBytes(1536 * 1024);

suite('objects in the Buckets view: open, download, delete, link, reveal', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  let api: S3Suite['api'];
  let tmp: string;
  const created: string[] = [];
  const conn = () => s3Connection(env!);

  async function put(key: string, body: Buffer | string): Promise<void> {
    const file = path.join(tmp, 'upload.bin');
    fs.writeFileSync(file, body);
    await api.uploadFile({ ...conn(), bucket: env!.bucket, key, filePath: file });
    created.push(key);
  }

  /** The children of FOLDER/<sub> in the tree, listed afresh. */
  async function listed(sub = ''): Promise<TreeNode[]> {
    const profile = (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === PROFILE_ID)!;
    const bucket = (await hooks.tree.getChildren(profile)).find((n) => n.kind === 'bucket')!;
    // The filter lists just FOLDER/ at the bucket's top (a shared test bucket holds many folders).
    hooks.tree.setFilter(bucket as Extract<TreeNode, { kind: 'bucket' }>, FOLDER);
    let node: TreeNode = (await hooks.tree.getChildren(bucket)).find((n) => n.kind === 'prefix')!;
    for (const part of sub.split('/').filter(Boolean)) {
      hooks.tree.refreshNode(node);
      node = (await hooks.tree.getChildren(node)).find((n) => n.kind === 'prefix' && n.prefix.endsWith(`/${part}/`))!;
    }
    hooks.tree.refreshNode(node);
    return hooks.tree.getChildren(node);
  }

  async function objectNode(key: string): Promise<ObjectNode> {
    const sub = key.slice(FOLDER.length + 1, key.lastIndexOf('/') + 1);
    const node = (await listed(sub)).find((n): n is ObjectNode => n.kind === 'object' && n.key === key);
    assert.ok(node, `${key} is not listed`);
    return node;
  }

  /** Runs `run` with modal warnings answered `answer`; returns the warnings' texts. */
  async function answeringWarnings(answer: string | undefined, run: () => Thenable<unknown>): Promise<string[]> {
    const texts: string[] = [];
    const window = vscode.window as unknown as Record<string, unknown>;
    const original = window.showWarningMessage;
    window.showWarningMessage = async (text: string, ...rest: unknown[]) => {
      texts.push(text);
      const options = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as vscode.MessageOptions) : {};
      return options.modal ? answer : undefined;
    };
    try {
      await run();
    } finally {
      window.showWarningMessage = original;
    }
    return texts;
  }

  suiteSetup(async function () {
    this.timeout(60_000);
    ({ env, api, hooks } = await setUpS3Suite(this, (e) =>
      s3Profile(e, PROFILE_ID, `Objects ${PROFILE_ID}`, { buckets: [e.bucket] }),
    ));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'objects-host-'));
    await put(`${FOLDER}/hello.txt`, 'hello from the bucket\n');
    await put(`${FOLDER}/pixel.png`, PNG);
    await put(`${FOLDER}/big.bin`, BIG);
    await put(`${FOLDER}/sub/a.txt`, 'a');
    await put(`${FOLDER}/sub/b.txt`, 'b');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await tearDownS3Suite({ env, api, hooks }, created, PROFILE_ID);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a click on an object opens its text read-only through the ossPresign: file system', async () => {
    const node = await objectNode(`${FOLDER}/hello.txt`);
    const click = hooks.tree.getTreeItem(node).command!;
    assert.equal(click.command, 'ossPresign.openObject');
    const uri = await vscode.commands.executeCommand<vscode.Uri>(click.command, ...(click.arguments ?? []));
    assert.equal(uri.scheme, 'ossPresign');
    const editor = await waitFor(
      () =>
        vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()
          ? vscode.window.activeTextEditor
          : undefined,
      10_000,
      'the object in the active editor',
    );
    assert.equal(editor.document.getText(), 'hello from the bucket\n');
    const stat = await vscode.workspace.fs.stat(uri);
    assert.equal(stat.size, 22);
    assert.equal(stat.permissions, vscode.FilePermission.Readonly);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from('changed'))));
  });

  test('an image opens in the image preview', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      'ossPresign.openObject',
      await objectNode(`${FOLDER}/pixel.png`),
    );
    const tab = await waitFor(
      () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputCustom && input.uri.toString() === uri.toString() ? input : undefined;
      },
      10_000,
      'the image preview tab',
    );
    assert.equal(tab.viewType, 'imagePreview.previewEditor');
  });

  test('an object over ossPresign.openSizeLimitMB opens only after the question', async () => {
    const config = vscode.workspace.getConfiguration('ossPresign');
    await config.update('openSizeLimitMB', 1, vscode.ConfigurationTarget.Global);
    try {
      const node = await objectNode(`${FOLDER}/big.bin`);
      let uri: vscode.Uri | undefined;
      const asked = await answeringWarnings(undefined, async () => {
        uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('ossPresign.openObject', node);
      });
      assert.equal(uri, undefined, 'opened without a yes');
      assert.equal(asked.length, 1);
      assert.match(asked[0], /big\.bin is 1\.5 MiB, more than the 1\.0 MiB .*ossPresign\.openSizeLimitMB/);
    } finally {
      await config.update('openSizeLimitMB', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('Download... writes the object; cancelled mid-body it leaves no file at all', async () => {
    const node = await objectNode(`${FOLDER}/big.bin`);
    const target = path.join(tmp, 'big-copy.bin');
    const written = await vscode.commands.executeCommand<string[]>('ossPresign.downloadObject', node, [node], {
      target,
    });
    assert.deepEqual(written, [target]);
    assert.ok(fs.readFileSync(target).equals(BIG));

    const proxy = await startFaultProxy(env!.endpoint);
    const slowId = `${PROFILE_ID}-slow`;
    try {
      await hooks.profiles.add(
        s3Profile(env!, slowId, `Slow ${slowId}`, { endpoint: proxy.url, buckets: [env!.bucket] }),
        {
          secret: env!.secretKey,
        },
      );
      proxy.inject((r) => r.method === 'GET', { kind: 'slow-body', intervalMs: 100, chunkBytes: 4096 });
      const slowNode: ObjectNode = { ...node, profileId: slowId, id: `o:${slowId}/${node.bucket}/${node.key}` };
      const cancelled = path.join(tmp, 'cancelled', 'big.bin');
      fs.mkdirSync(path.dirname(cancelled));
      const abort = new AbortController();
      const pending = vscode.commands.executeCommand<string[]>('ossPresign.downloadObject', slowNode, [slowNode], {
        target: cancelled,
        signal: abort.signal,
      });
      await waitFor(() => proxy.requests.some((r) => r.fault === 'slow-body'), 10_000, 'the slowed download');
      abort.abort();
      assert.deepEqual(await pending, []);
      assert.deepEqual(fs.readdirSync(path.dirname(cancelled)), [], 'a partial or temporary file was left');
    } finally {
      if (hooks.profiles.get(slowId)) await hooks.profiles.remove({ id: slowId });
      await proxy.close();
    }
  });

  test('several selected objects download into a folder, keeping their layout; Download Folder takes a whole folder', async () => {
    const hello = await objectNode(`${FOLDER}/hello.txt`);
    const a = await objectNode(`${FOLDER}/sub/a.txt`);
    const into = path.join(tmp, 'selection');
    fs.mkdirSync(into);
    await vscode.commands.executeCommand('ossPresign.downloadObject', a, [hello, a], { target: into });
    assert.equal(fs.readFileSync(path.join(into, 'hello.txt'), 'utf8'), 'hello from the bucket\n');
    assert.equal(fs.readFileSync(path.join(into, 'sub', 'a.txt'), 'utf8'), 'a');

    const sub = (await listed()).find((n) => n.kind === 'prefix' && n.prefix === `${FOLDER}/sub/`)!;
    const parent = path.join(tmp, 'folder');
    fs.mkdirSync(parent);
    await vscode.commands.executeCommand('ossPresign.downloadFolder', sub, undefined, { target: parent });
    assert.deepEqual(fs.readdirSync(path.join(parent, 'sub')).sort(), ['a.txt', 'b.txt']);
  });

  test('Copy Download Link copies a presigned GET the server answers with the attachment name', async () => {
    const node = await objectNode(`${FOLDER}/hello.txt`);
    await vscode.commands.executeCommand('ossPresign.copyDownloadLink', node, [node], {
      expirySeconds: 600,
      disposition: 'attachment; filename="greeting.txt"',
    });
    const res = await fetch(await vscode.env.clipboard.readText());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="greeting.txt"');
    assert.equal(await res.text(), 'hello from the bucket\n');
  });

  test('Reveal in Tree after an upload selects the object, its folders expanded', async () => {
    const key = `${FOLDER}/deep/er/new.txt`;
    await put(key, 'new');
    await vscode.commands.executeCommand('ossPresign.revealObject', { bucket: env!.bucket, key, conn: conn() });
    const view = hooks.tree.treeView!;
    await waitFor(
      () => view.selection.some((n) => n.id === `o:${PROFILE_ID}/${env!.bucket}/${key}`),
      10_000,
      'the uploaded object selected in the Buckets view',
    );
  });

  test('Delete on a multi-selection asks once, modally, with the count, and deletes them all', async () => {
    const a = await objectNode(`${FOLDER}/sub/a.txt`);
    const b = await objectNode(`${FOLDER}/sub/b.txt`);
    const asked = await answeringWarnings('Delete', () =>
      vscode.commands.executeCommand('ossPresign.deleteObject', a, [a, b]),
    );
    assert.deepEqual(asked, [`Delete 2 objects from bucket "${env!.bucket}"?`]);
    for (const key of [a.key, b.key])
      assert.equal(await api.headObject({ ...conn(), bucket: env!.bucket, key }), null, `${key} still exists`);
  });
});
