// A bucket's "Incomplete Uploads" in the Buckets view (src/features/buckets) over an injected listing, and the
// Abort / Abort All Older Than... flows (src/features/upload/incompleteUploads.ts) over an injected core.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type {
  AbortMultipartUploadOptions,
  ListMultipartUploadsOptions,
  ListMultipartUploadsPage,
  ListPartsOptions,
  ListPartsPage,
} from '../../../src/core/index';
import type { Listing } from '../../../src/features/buckets/treeProvider';
import type { TreeNode } from '../../../src/features/buckets/nodes';
import type { MultipartApi } from '../../../src/features/upload/incompleteUploads';
import { createHarness, profile, type Harness } from '../fakes/services';

type TreeModule = typeof import('../../../src/features/buckets/treeProvider');
type Tree = InstanceType<TreeModule['BucketTreeProvider']>;
type UploadsModule = typeof import('../../../src/features/upload/incompleteUploads');

const MiB = 1024 * 1024;

/** Scripted pages of ListMultipartUploads and ListParts (an Error is thrown), the calls made, and the aborts. */
function scriptedMultipart() {
  const uploadPages: (ListMultipartUploadsPage | Error)[] = [];
  const partPages: (ListPartsPage | Error)[] = [];
  const calls = {
    uploads: [] as ListMultipartUploadsOptions[],
    parts: [] as ListPartsOptions[],
    aborts: [] as AbortMultipartUploadOptions[],
  };
  const next = <T>(pages: (T | Error)[]): T => {
    const page = pages.shift() ?? new Error('the test scripted no more pages');
    if (page instanceof Error) throw page;
    return page;
  };
  const listing: Listing = {
    listBuckets: async () => ({ buckets: [{ name: 'alpha' }] }),
    listObjects: async () => ({ prefixes: [], objects: [{ key: 'a.txt', size: 1, lastModified: '', etag: 'e' }] }),
    listMultipartUploads: async (options) => (calls.uploads.push(options), next(uploadPages)),
    listParts: async (options) => (calls.parts.push(options), next(partPages)),
  };
  const api: MultipartApi = {
    listMultipartUploads: listing.listMultipartUploads,
    abortMultipartUpload: async (options) => void calls.aborts.push(options),
  };
  return { listing, api, uploadPages, partPages, calls };
}

const upload = (key: string, uploadId: string, initiated?: string) => ({
  key,
  uploadId,
  ...(initiated && { initiated }),
});

describe('Incomplete Uploads in the Buckets view', () => {
  let h: Harness;
  let tree: Tree;
  let script: ReturnType<typeof scriptedMultipart>;
  const changed: (TreeNode | undefined)[] = [];
  const name = (n: TreeNode) =>
    n.kind === 'message'
      ? n.message
      : n.kind === 'upload'
        ? n.key
        : n.kind === 'part'
          ? String(n.partNumber)
          : n.kind === 'object'
            ? n.key
            : '';
  const describeNodes = (nodes: TreeNode[]) => nodes.map((n) => `${n.kind}:${name(n)}`);
  const bucket = async () => (await tree.getChildren((await tree.getChildren())[0]))[0];
  const uploadsOf = async () => (await tree.getChildren(await bucket()))[0];

  beforeEach(async () => {
    h = createHarness();
    await h.setProfiles([profile('p')]);
    script = scriptedMultipart();
    const { BucketTreeProvider } = h.load<TreeModule>('features/buckets/treeProvider.js');
    tree = new BucketTreeProvider(h.services().profiles, h.log, () => 2, script.listing);
    h.context.subscriptions.push(tree);
    changed.length = 0;
    tree.onDidChangeTreeData((node) => void changed.push(node));
  });
  afterEach(() => h.dispose());

  it("is a bucket's first child, listed only once expanded (no request before)", async () => {
    const children = await tree.getChildren(await bucket());
    assert.deepEqual(describeNodes(children), ['uploads:', 'object:a.txt']);
    const item = tree.getTreeItem(children[0]);
    assert.deepEqual(
      [item.label, item.contextValue, item.collapsibleState, item.description],
      ['Incomplete Uploads', 'uploads', 1, undefined],
    );
    assert.deepEqual(script.calls.uploads, []);
    assert.equal(tree.getParent(children[0]), await bucket());
  });

  it('lists the uploads a page at a time (key and upload-id markers), each as its key and start time, and counts them', async () => {
    script.uploadPages.push(
      {
        uploads: [upload('a.iso', 'u1', '2024-01-02T03:04:05.000Z'), upload('b.iso', 'u2')],
        isTruncated: true,
        nextKeyMarker: 'b.iso',
        nextUploadIdMarker: 'u2',
      },
      { uploads: [upload('c.iso', 'u3', '2024-01-03T00:00:00.000Z')], isTruncated: false },
    );
    const node = await uploadsOf();
    const first = await tree.getChildren(node);
    assert.deepEqual(describeNodes(first), ['upload:a.iso', 'upload:b.iso', 'loadMore:']);
    assert.ok(changed.includes(node), 'the node was not redrawn with its count');
    assert.equal(tree.getTreeItem(node).description, '2+');
    const item = tree.getTreeItem(first[0]);
    assert.deepEqual(
      [item.label, item.contextValue, item.description],
      ['a.iso', 'upload', 'started 2024-01-02 03:04:05 UTC'],
    );
    assert.match(String((item.tooltip as vscode.MarkdownString).value), /Upload id \| u1/);

    await tree.loadMore(first[2]);
    assert.deepEqual(describeNodes(await tree.getChildren(node)), ['upload:a.iso', 'upload:b.iso', 'upload:c.iso']);
    assert.equal(tree.getTreeItem(node).description, '3');
    assert.deepEqual(
      script.calls.uploads.map((c) => [c.bucket, c.maxUploads, c.keyMarker, c.uploadIdMarker, c.accessKeySecret]),
      [
        ['alpha', 2, undefined, undefined, 'test-secret'],
        ['alpha', 2, 'b.iso', 'u2', 'test-secret'],
      ],
    );
  });

  it('expanding an upload lists the parts it stored; the upload then shows their count and total size', async () => {
    script.uploadPages.push({ uploads: [upload('a.iso', 'u1', '2024-01-02T03:04:05.000Z')], isTruncated: false });
    script.partPages.push({
      parts: [
        { partNumber: 1, size: 5 * MiB, etag: 'e1', lastModified: '2024-01-02T03:05:00.000Z' },
        { partNumber: 2, size: 3 * MiB, etag: 'e2' },
      ],
      isTruncated: false,
    });
    const [node] = await tree.getChildren(await uploadsOf());
    const parts = await tree.getChildren(node);
    assert.deepEqual(describeNodes(parts), ['part:1', 'part:2']);
    assert.deepEqual(
      script.calls.parts.map((c) => [c.bucket, c.key, c.uploadId, c.maxParts, c.partNumberMarker]),
      [['alpha', 'a.iso', 'u1', 2, undefined]],
    );
    assert.equal(tree.getTreeItem(node).description, 'started 2024-01-02 03:04:05 UTC · 2 parts, 8.0 MiB');
    const part = tree.getTreeItem(parts[0]);
    assert.deepEqual(
      [part.label, part.contextValue, part.description],
      ['Part 1', 'part', '5.0 MiB · 2024-01-02 03:05:00 UTC'],
    );
    assert.equal(tree.getParent(parts[0]), node);
    assert.equal(tree.getParent(node), await uploadsOf());

    const { bucketCommands } =
      h.load<typeof import('../../../src/features/buckets/commands')>('features/buckets/commands.js');
    await bucketCommands(h.services(), tree)
      .find((c) => c.id === 'ossPresign.copyKey')!
      .run(node);
    assert.equal(await h.fake.vscode.env.clipboard.readText(), 'a.iso', 'Copy Key on an upload copies its key');
  });

  it('says so when there are none, or when an upload stored no part yet', async () => {
    script.uploadPages.push({ uploads: [], isTruncated: false });
    const node = await uploadsOf();
    assert.deepEqual(describeNodes(await tree.getChildren(node)), ['message:No incomplete uploads.']);
    assert.equal(tree.getTreeItem(node).description, 'none');
  });

  it('shows a failed listing as an error node whose click lists again', async () => {
    script.uploadPages.push(new Error('Access denied by the test'), {
      uploads: [upload('a.iso', 'u1')],
      isTruncated: false,
    });
    const node = await uploadsOf();
    const [error] = await tree.getChildren(node);
    assert.deepEqual(error.kind === 'message' && [error.message, error.isError, error.action], [
      'Access denied by the test',
      true,
      'retry',
    ]);
    assert.equal(tree.getTreeItem(node).description, undefined, 'no count when the listing failed');
    const command = tree.getTreeItem(error).command;
    assert.deepEqual([command?.command, command?.arguments], ['ossPresign.refreshNode', [error]]);
    tree.refreshNode(error);
    assert.deepEqual(describeNodes(await tree.getChildren(node)), ['upload:a.iso']);
  });

  it("Refresh on an upload lists its bucket's incomplete uploads again; Refresh on the bucket forgets them too", async () => {
    script.uploadPages.push(
      { uploads: [upload('a.iso', 'u1')], isTruncated: false },
      { uploads: [], isTruncated: false },
      { uploads: [upload('b.iso', 'u2')], isTruncated: false },
    );
    const node = await uploadsOf();
    const [a] = await tree.getChildren(node);
    tree.refreshNode(a);
    assert.equal(changed.at(-1), node);
    assert.deepEqual(describeNodes(await tree.getChildren(node)), ['message:No incomplete uploads.']);
    tree.refreshNode(await bucket());
    assert.deepEqual(describeNodes(await tree.getChildren(node)), ['upload:b.iso']);
    assert.equal(script.calls.uploads.length, 3);
  });
});

describe('Abort Upload and Abort All Older Than...', () => {
  let h: Harness;
  let tree: Tree;
  let script: ReturnType<typeof scriptedMultipart>;
  const NOW = new Date('2024-02-01T00:00:00.000Z');
  const mod = () => h.load<UploadsModule>('features/upload/incompleteUploads.js');

  beforeEach(async () => {
    h = createHarness();
    await h.setProfiles([profile('p')]);
    script = scriptedMultipart();
    const { BucketTreeProvider } = h.load<TreeModule>('features/buckets/treeProvider.js');
    tree = new BucketTreeProvider(h.services().profiles, h.log, () => 100, script.listing);
    h.context.subscriptions.push(tree);
    // The tree's commands (Refresh) as activate() registers them.
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { bucketCommands } =
      h.load<typeof import('../../../src/features/buckets/commands')>('features/buckets/commands.js');
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, bucketCommands(h.services(), tree));
  });
  afterEach(() => h.dispose());

  const uploadsNode = async () =>
    (await tree.getChildren((await tree.getChildren((await tree.getChildren())[0]))[0]))[0];

  /** A saved resume of upload `uploadId` of `key` (what an interrupted "Upload to Bucket..." leaves). */
  const saveCheckpoint = async (key: string, uploadId: string) => {
    const { UploadCheckpoints } = h.load<typeof import('../../../src/features/upload/checkpointStore')>(
      'features/upload/checkpointStore.js',
    );
    await new UploadCheckpoints((h.context as unknown as vscode.ExtensionContext).globalState)
      .store({ filePath: `/tmp/${key}`, profileId: 'p', bucket: 'alpha', key })
      .save({
        version: 1,
        provider: 's3',
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        bucket: 'alpha',
        key,
        uploadId,
        partSize: 5 * MiB,
        fileSize: 20 * MiB,
        fileMtimeMs: 1,
        parts: [],
      });
  };
  const savedKeys = () =>
    [...h.state.keys()]
      .filter((k) => k.startsWith('ossPresign.uploadCheckpoint.'))
      .map((k) => JSON.parse(h.state.get(k)!).key);

  it('Abort Upload asks first (modal, naming key and bucket); dismissed, nothing is aborted', async () => {
    script.uploadPages.push({ uploads: [upload('a.iso', 'u1', '2024-01-02T03:04:05.000Z')], isTruncated: false });
    const [node] = await tree.getChildren(await uploadsNode());
    assert.equal(await mod().abortUploadCommand(h.services(), node, undefined, script.api), false);
    assert.deepEqual(
      h.spy.messages.map((m) => [m.level, m.text, m.options?.modal]),
      [['warning', 'Abort the incomplete upload of "a.iso" in bucket "alpha"?', true]],
    );
    assert.match(
      h.spy.messages[0].options?.detail ?? '',
      /Started 2024-01-02 03:04:05 UTC\. The parts it stored are deleted/,
    );
    assert.deepEqual(script.calls.aborts, []);
  });

  it("Abort Upload, confirmed, aborts it with the profile's key, forgets a saved resume of it and lists the uploads again", async () => {
    script.uploadPages.push(
      { uploads: [upload('a.iso', 'u1'), upload('b.iso', 'u2')], isTruncated: false },
      { uploads: [upload('b.iso', 'u2')], isTruncated: false },
    );
    await saveCheckpoint('a.iso', 'u1');
    await saveCheckpoint('b.iso', 'u2');
    const uploads = await uploadsNode();
    const [node] = await tree.getChildren(uploads);
    h.fake.answers.messages.push('Abort Upload');
    assert.equal(await mod().abortUploadCommand(h.services(), node, undefined, script.api), true);
    assert.deepEqual(
      script.calls.aborts.map((a) => [a.bucket, a.key, a.uploadId, a.accessKeySecret]),
      [['alpha', 'a.iso', 'u1', 'test-secret']],
    );
    assert.deepEqual(savedKeys(), ['b.iso'], 'the resume of the aborted upload is forgotten, the other kept');
    assert.deepEqual(
      (await tree.getChildren(uploads)).map((n) => n.kind === 'upload' && n.key),
      ['b.iso'],
    );
    assert.deepEqual(h.fake.record.statusBarMessages, ['Aborted the upload of a.iso']);
  });

  it('Abort All Older Than... offers 1, 7 and 30 days or a custom age, then aborts, after a modal with their count, only the uploads started before then', async () => {
    script.uploadPages.push(
      {
        uploads: [upload('old-1', 'u1', '2024-01-01T00:00:00Z'), upload('new', 'u2', '2024-01-31T12:00:00Z')],
        isTruncated: true,
        nextKeyMarker: 'new',
        nextUploadIdMarker: 'u2',
      },
      { uploads: [upload('old-2', 'u3', '2024-01-20T00:00:00Z'), upload('unknown-age', 'u4')], isTruncated: false },
      { uploads: [upload('new', 'u2', '2024-01-31T12:00:00Z')], isTruncated: false },
    );
    const node = await uploadsNode();
    h.fake.answers.quickPicks.push('7 days');
    h.fake.answers.messages.push('Abort 2 Uploads');
    const aborted = await mod().abortOlderThanCommand(h.services(), node, undefined, script.api, () => NOW);
    assert.equal(aborted, 2);
    assert.deepEqual(h.spy.picks[0].labels, ['1 day', '7 days', '30 days', '$(edit) Custom...']);
    assert.deepEqual(
      script.calls.uploads.map((c) => [c.keyMarker, c.uploadIdMarker]),
      [
        [undefined, undefined],
        ['new', 'u2'],
      ],
      'every page is listed, not only what the tree showed',
    );
    const modal = h.spy.messages.find((m) => m.options?.modal)!;
    assert.equal(modal.text, 'Abort 2 incomplete uploads in bucket "alpha" started more than 7 days ago?');
    assert.match(
      modal.options?.detail ?? '',
      /^2 of the bucket's 4 incomplete uploads started before 2024-01-25 00:00:00 UTC: old-1, old-2\./,
    );
    assert.deepEqual(script.calls.aborts.map((a) => a.uploadId).sort(), ['u1', 'u3']);
    assert.equal(h.spy.messages.at(-1)?.text, 'Aborted 2 of 2 incomplete uploads in alpha.');
    assert.deepEqual(
      (await tree.getChildren(node)).map((n) => n.kind === 'upload' && n.key),
      ['new'],
      'the node was listed again',
    );
  });

  it('Abort All Older Than... takes a custom age in hours, and aborts nothing when the modal is dismissed', async () => {
    script.uploadPages.push({ uploads: [upload('a', 'u1', '2024-01-31T00:00:00Z')], isTruncated: false });
    h.fake.answers.quickPicks.push('$(edit) Custom...');
    h.fake.answers.inputBoxes.push('12h');
    assert.equal(
      await mod().abortOlderThanCommand(h.services(), await uploadsNode(), undefined, script.api, () => NOW),
      0,
    );
    assert.equal(h.spy.messages[0].text, 'Abort 1 incomplete upload in bucket "alpha" started more than 12 hours ago?');
    assert.deepEqual(script.calls.aborts, []);
  });

  it('Abort All Older Than... says when no upload is that old, without a question', async () => {
    script.uploadPages.push({ uploads: [upload('a', 'u1', '2024-01-31T00:00:00Z')], isTruncated: false });
    await mod().abortOlderThanCommand(h.services(), await uploadsNode(), { olderThanDays: 30 }, script.api, () => NOW);
    assert.deepEqual(
      h.spy.messages.map((m) => [m.level, m.text]),
      [['info', 'No incomplete upload in alpha started more than 30 days ago (1 incomplete in all).']],
    );
    assert.deepEqual(script.calls.aborts, []);
  });

  it('reads a custom age as days or hours', () => {
    const { parseAge } = mod();
    assert.deepEqual(['2', '0.5', '3d', '12h', ' 1 D ', '0', 'abc', '-1', '1w', ''].map(parseAge), [
      2,
      0.5,
      3,
      0.5,
      1,
      0,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
