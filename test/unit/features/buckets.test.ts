// src/features/buckets: the Buckets tree over an injected listing (no server), and a command of its table.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ListObjectsOptions, ListObjectsResult } from '../../../src/core/index';
import type { Listing } from '../../../src/features/buckets/treeProvider';
import type { TreeNode } from '../../../src/features/buckets/nodes';
import { createHarness, profile, type Harness } from '../fakes/services';

type TreeModule = typeof import('../../../src/features/buckets/treeProvider');
type Tree = InstanceType<TreeModule['BucketTreeProvider']>;

/** A Listing that answers from scripted pages (an Error is thrown) and records its calls. */
function scriptedListing() {
  const objectPages: (ListObjectsResult | Error)[] = [];
  const calls = { buckets: [] as { accessKeySecret: string }[], objects: [] as ListObjectsOptions[] };
  const listing: Listing = {
    listBuckets: async (conn) => {
      calls.buckets.push(conn);
      return { buckets: [{ name: 'alpha', region: 'eu-west-1' }, { name: 'beta' }] };
    },
    listObjects: async (options) => {
      calls.objects.push(options);
      const page = objectPages.shift() ?? new Error('the test scripted no more pages');
      if (page instanceof Error) throw page;
      return page;
    },
    // Incomplete uploads are listed only when their node is expanded (test/unit/features/incompleteUploads.test.ts).
    listMultipartUploads: async () => assert.fail('listed the incomplete uploads without their node expanded'),
    listParts: async () => assert.fail('listed parts without an upload expanded'),
  };
  return { listing, objectPages, calls };
}

const object = (key: string, size = 1) => ({ key, size, lastModified: '2024-01-01T00:00:00.000Z', etag: 'e' });

describe('BucketTreeProvider', () => {
  let h: Harness;
  let tree: Tree;
  let script: ReturnType<typeof scriptedListing>;
  const changed: (TreeNode | undefined)[] = [];
  const name = (n: TreeNode) =>
    n.kind === 'message'
      ? n.message
      : n.kind === 'object'
        ? n.key
        : n.kind === 'prefix'
          ? n.prefix
          : n.kind === 'bucket'
            ? n.bucket
            : n.kind === 'profile'
              ? n.profileId
              : '';
  const describeNodes = (nodes: TreeNode[]) => nodes.map((n) => `${n.kind}:${name(n)}`);
  const bucket = async (name = 'alpha') =>
    (await tree.getChildren((await tree.getChildren())[0])).find((n) => n.bucket === name)!;
  /** A bucket's or folder's listing: its children after the bucket's Incomplete Uploads node. */
  const listing = async (node: TreeNode) => (await tree.getChildren(node)).filter((n) => n.kind !== 'uploads');

  beforeEach(async () => {
    h = createHarness();
    await h.setProfiles([profile('p')]);
    script = scriptedListing();
    const { BucketTreeProvider } = h.load<TreeModule>('features/buckets/treeProvider.js');
    tree = new BucketTreeProvider(h.services().profiles, h.log, () => 2, script.listing);
    h.context.subscriptions.push(tree);
    changed.length = 0;
    tree.onDidChangeTreeData((node) => void changed.push(node));
  });
  afterEach(() => h.dispose());

  it('lists the profiles, then the buckets of a profile with the secret from secret storage', async () => {
    const roots = await tree.getChildren();
    assert.deepEqual(describeNodes(roots), ['profile:p']);
    const buckets = await tree.getChildren(roots[0]);
    assert.deepEqual(describeNodes(buckets), ['bucket:alpha', 'bucket:beta']);
    assert.deepEqual(
      buckets.map((b) => [b.bucket, b.bucketRegion]),
      [
        ['alpha', 'eu-west-1'],
        ['beta', undefined],
      ],
    );
    assert.deepEqual(
      script.calls.buckets.map((c) => c.accessKeySecret),
      ['test-secret'],
    );
    const item = tree.getTreeItem(buckets[0]);
    assert.deepEqual([item.label, item.contextValue, item.description], ['alpha', 'bucket', 'eu-west-1']);
  });

  it('pages a folder: Load More while the server has more, each page asked with the page size and the last token', async () => {
    script.objectPages.push(
      { prefixes: ['dir/'], objects: [object('a.txt'), object('b.txt')], nextToken: 't1' },
      { prefixes: [], objects: [object('c.txt')] },
    );
    const node = await bucket();
    const first = await listing(node);
    assert.deepEqual(describeNodes(first), ['prefix:dir/', 'object:a.txt', 'object:b.txt', 'loadMore:']);
    assert.equal(tree.getTreeItem(first[3]).command?.command, 'ossPresign.loadMore');

    await tree.loadMore(first[3]);
    assert.deepEqual(describeNodes(await listing(node)), [
      'prefix:dir/',
      'object:a.txt',
      'object:b.txt',
      'object:c.txt',
    ]);
    assert.deepEqual(
      script.calls.objects.map((o) => [o.bucket, o.delimiter, o.maxKeys, o.continuationToken]),
      [
        ['alpha', '/', 2, undefined],
        ['alpha', '/', 2, 't1'],
      ],
    );
    assert.equal(changed.at(-1), node, 'Load More did not redraw the folder');
  });

  it('shows a failed listing as an error node whose click retries, and lists again on Retry', async () => {
    script.objectPages.push(new Error('Access denied by the test'), { prefixes: [], objects: [object('a.txt')] });
    const node = await bucket();
    const [error, ...rest] = await listing(node);
    assert.deepEqual(rest, []);
    assert.deepEqual(error.kind === 'message' && [error.message, error.isError, error.action], [
      'Access denied by the test',
      true,
      'retry',
    ]);
    const command = tree.getTreeItem(error).command;
    assert.deepEqual([command?.command, command?.arguments], ['ossPresign.refreshNode', [error]]);
    assert.equal(h.log.at('warn').length, 1);

    tree.refreshNode(error);
    assert.deepEqual(describeNodes(await listing(node)), ['object:a.txt']);
  });

  it('keeps the items shown when a later page fails, and retries just that page', async () => {
    script.objectPages.push({ prefixes: [], objects: [object('a.txt')], nextToken: 't1' }, new Error('timeout'), {
      prefixes: [],
      objects: [object('b.txt')],
    });
    const node = await bucket();
    const [, more] = await listing(node);
    await tree.loadMore(more);
    const shown = await listing(node);
    assert.deepEqual(describeNodes(shown), ['object:a.txt', 'message:timeout']);
    const retry = tree.getTreeItem(shown[1]).command;
    assert.equal(retry?.command, 'ossPresign.loadMore');
    await tree.loadMore(retry?.arguments?.[0] as TreeNode);
    assert.deepEqual(describeNodes(await listing(node)), ['object:a.txt', 'object:b.txt']);
    assert.deepEqual(
      script.calls.objects.map((o) => o.continuationToken),
      [undefined, 't1', 't1'],
    );
  });

  it('shows a profile without its secret as an error node that runs Set Secret, without listing', async () => {
    h.secrets.delete('ossPresign.profile.p.secret');
    const [error] = await tree.getChildren((await tree.getChildren())[0]);
    assert.equal(error.kind === 'message' && error.action, 'setSecret');
    assert.equal(tree.getTreeItem(error).command?.command, 'ossPresign.setSecret');
    assert.deepEqual(script.calls.buckets, []);
  });

  it('Copy URI on an object node copies s3://bucket/key', async () => {
    script.objectPages.push({ prefixes: [], objects: [object('dir/a b.txt')] });
    const [node] = await listing(await bucket());
    const { bucketCommands } =
      h.load<typeof import('../../../src/features/buckets/commands')>('features/buckets/commands.js');
    await bucketCommands(h.services(), tree)
      .find((c) => c.id === 'ossPresign.copyUri')!
      .run(node);
    assert.equal(await h.fake.vscode.env.clipboard.readText(), 's3://alpha/dir/a b.txt');
    assert.deepEqual(h.fake.record.statusBarMessages, ['Copied s3://alpha/dir/a b.txt']);
  });
});
