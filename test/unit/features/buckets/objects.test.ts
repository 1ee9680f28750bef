// src/features/buckets: what object and folder nodes do (issue 13 item 1, issue 15 items 6 and 9): local paths of a
// download, the click on an object, bucket and folder tooltips, the folder chain Reveal in Tree needs, Copy URI's
// scheme and the copied download link (a ledger entry whose URL lives in secret storage only).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ListObjectsResult } from '../../../../src/core/index';
import { commonFolder, planLocalPaths } from '../../../../src/features/buckets/localPaths';
import type { Listing } from '../../../../src/features/buckets/treeProvider';
import type { ObjectNode, TreeNode } from '../../../../src/features/buckets/nodes';
import { createHarness, profile, type Harness } from '../../fakes/services';

type TreeModule = typeof import('../../../../src/features/buckets/treeProvider');
type Tree = InstanceType<TreeModule['BucketTreeProvider']>;

describe('download paths', () => {
  const root = path.resolve('/tmp/dl');
  it('maps keys below the prefix to paths below the folder, skipping folder markers', () => {
    const plan = planLocalPaths(root, 'docs/', ['docs/a.txt', 'docs/sub/', 'docs/sub/b c.txt', 'docs/日本/メモ.txt']);
    assert.deepEqual(
      plan.targets.map((t) => [t.key, path.relative(root, t.filePath)]),
      [
        ['docs/a.txt', 'a.txt'],
        ['docs/sub/b c.txt', path.join('sub', 'b c.txt')],
        ['docs/日本/メモ.txt', path.join('日本', 'メモ.txt')],
      ],
    );
    assert.deepEqual(plan.skipped, []);
  });

  it('rejects keys that would escape the folder or have empty or dot segments', () => {
    const plan = planLocalPaths(root, 'p/', ['p/../../etc/passwd', 'p/a/../../x', 'p/./a', 'p//abs', 'p/ok'], 'linux');
    assert.deepEqual(
      plan.targets.map((t) => t.key),
      ['p/ok'],
    );
    assert.deepEqual(
      plan.skipped.map((s) => s.key),
      ['p/../../etc/passwd', 'p/a/../../x', 'p/./a', 'p//abs'],
    );
    assert.ok(plan.targets.every((t) => t.filePath.startsWith(root + path.sep)));
  });

  it('skips a second key landing on a taken path, and Windows-forbidden names on Windows', () => {
    const plan = planLocalPaths(root, '', ['A.txt', 'a.txt', 'c:d', 'x\\y'], 'win32');
    assert.deepEqual(
      plan.targets.map((t) => t.key),
      ['A.txt'],
    );
    assert.equal(plan.skipped.length, 3);
  });

  it('keeps several selected objects in the layout below the folder they share', () => {
    assert.equal(commonFolder(['a/b/x.txt', 'a/b/c/y.txt']), 'a/b/');
    assert.equal(commonFolder(['a/b/x.txt', 'a/c/x.txt']), 'a/');
    assert.equal(commonFolder(['x.txt', 'a/y.txt']), '');
  });
});

describe('object and folder nodes', () => {
  let h: Harness;
  let tree: Tree;
  const pages: ListObjectsResult[] = [];
  const listing: Listing = {
    listBuckets: async () => ({
      buckets: [{ name: 'alpha', region: 'eu-west-1', creationDate: '2024-02-03T04:05:06.000Z' }],
    }),
    listObjects: async () => pages.shift() ?? assert.fail('no more pages scripted'),
    listMultipartUploads: async () => assert.fail('not expanded'),
    listParts: async () => assert.fail('not expanded'),
  };
  const object = (key: string, size = 1) => ({ key, size, lastModified: '2024-01-01T00:00:00.000Z', etag: 'e' });
  const bucket = async () => (await tree.getChildren((await tree.getChildren())[0])).find((n) => n.kind === 'bucket')!;
  const children = async (n: TreeNode) => (await tree.getChildren(n)).filter((c) => c.kind !== 'uploads');

  beforeEach(async () => {
    h = createHarness();
    pages.length = 0;
  });
  afterEach(() => h.dispose());

  async function start(provider: 's3' | 'oss' = 's3') {
    await h.setProfiles([
      profile('p', provider === 'oss' ? { provider, endpoint: 'https://oss-cn-hangzhou.aliyuncs.com' } : {}),
    ]);
    const { BucketTreeProvider } = h.load<TreeModule>('features/buckets/treeProvider.js');
    tree = new BucketTreeProvider(h.services().profiles, h.log, () => 2, listing);
    h.context.subscriptions.push(tree);
  }

  it('a click on an object opens it read-only (the Open command with the node)', async () => {
    await start();
    pages.push({ prefixes: [], objects: [object('a.txt')] });
    const [node] = await children(await bucket());
    const command = tree.getTreeItem(node).command;
    assert.deepEqual([command?.command, command?.arguments], ['ossPresign.openObject', [node]]);
  });

  it('bucket and folder tooltips say where they are, their URI and what is listed so far', async () => {
    await start();
    pages.push({ prefixes: ['docs/'], objects: [object('a.txt', 1024), object('b.txt', 2048)], nextToken: 't' });
    const b = await bucket();
    const before = tree.resolveTreeItem(tree.getTreeItem(b), b).tooltip as { value: string };
    assert.match(before.value, /\*\*Bucket\*\* alpha/);
    assert.match(before.value, /\| Listed \| not yet: expand to list \|/);
    const [docs] = await children(b);
    const after = (tree.resolveTreeItem(tree.getTreeItem(b), b).tooltip as { value: string }).value;
    for (const row of [
      '| Profile | Profile p (S3) |',
      '| Region | eu\\-west\\-1 |',
      '| Created | 2024-02-03 04:05:06 UTC |',
      '| URI | s3://alpha/ |',
      '| Listed | 1+ folders, 2+ objects (3.0 KiB+) so far: Load More lists the rest |',
    ])
      assert.ok(after.includes(row), `no row ${row} in\n${after}`);
    const folder = (tree.resolveTreeItem(tree.getTreeItem(docs), docs).tooltip as { value: string }).value;
    for (const row of ['**Folder** docs/', '| Bucket | alpha |', '| Prefix | docs/ |', '| URI | s3://alpha/docs/ |'])
      assert.ok(folder.includes(row), `no row ${row} in\n${folder}`);
  });

  it('Reveal in Tree: the parent chain of an object not listed reaches the profile; missing nodes are listed again, then added', async () => {
    await start();
    const page = { prefixes: [], objects: [object('x/y/other.txt')], nextToken: 'more' };
    // The bucket lists x/; x/ lacks y/ (listed before the upload), also when listed again; so does x/y/ the object.
    pages.push(
      { prefixes: ['x/'], objects: [] },
      { prefixes: [], objects: [] },
      { prefixes: [], objects: [] },
      page,
      page,
    );
    const node = await tree.objectNodeFor({ profileId: 'p', bucket: 'alpha', key: 'x/y/new.txt', size: 5 });
    assert.equal(node.id, 'o:p/alpha/x/y/new.txt');
    const chain: string[] = [];
    for (let n: TreeNode | undefined = tree.getParent(node); n; n = tree.getParent(n)) chain.push(n.id);
    assert.deepEqual(chain, ['d:p/alpha/x/y/', 'd:p/alpha/x/', 'b:p/alpha', 'p:p']);
    const folder = tree.getParent(node)!;
    assert.deepEqual(
      (await tree.getChildren(folder)).map((n) => n.id),
      ['o:p/alpha/x/y/other.txt', 'o:p/alpha/x/y/new.txt', 'd:p/alpha/x/y/#more'],
    );
    assert.deepEqual(
      (await tree.getChildren(tree.getParent(folder)!)).map((n) => n.id),
      ['d:p/alpha/x/y/'],
    );
    assert.equal(pages.length, 0, 'each listing that lacked the next node was asked again once');
  });

  it('Copy URI on an OSS profile copies oss://bucket/key, and oss://bucket/prefix/ on a folder', async () => {
    await start('oss');
    pages.push({ prefixes: ['dir/'], objects: [object('a.txt')] });
    const [folder, node] = await children(await bucket());
    const { bucketCommands } =
      h.load<typeof import('../../../../src/features/buckets/commands')>('features/buckets/commands.js');
    await bucketCommands(h.services(), tree)
      .find((c) => c.id === 'ossPresign.copyUri')!
      .run(node);
    assert.equal(await h.fake.vscode.env.clipboard.readText(), 'oss://alpha/a.txt');
    await bucketCommands(h.services(), tree)
      .find((c) => c.id === 'ossPresign.copyUri')!
      .run(folder);
    assert.equal(await h.fake.vscode.env.clipboard.readText(), 'oss://alpha/dir/');
  });

  it('Copy Download Link signs a GET with the attachment name, copies it and records it in the ledger', async () => {
    await start();
    pages.push({ prefixes: [], objects: [object('docs/report 2026.pdf')] });
    const [node] = (await children(await bucket())) as ObjectNode[];
    const { bucketCommands } =
      h.load<typeof import('../../../../src/features/buckets/commands')>('features/buckets/commands.js');
    h.fake.answers.quickPicks.push('1 hour', 'Save as report 2026.pdf');
    await bucketCommands(h.services(), tree)
      .find((c) => c.id === 'ossPresign.copyDownloadLink')!
      .run(node);
    const url = new URL(await h.fake.vscode.env.clipboard.readText());
    assert.equal(url.pathname, '/alpha/docs/report%202026.pdf');
    assert.equal(url.searchParams.get('X-Amz-Expires'), '3600');
    assert.equal(
      url.searchParams.get('response-content-disposition'),
      `attachment; filename="report 2026.pdf"; filename*=UTF-8''report%202026.pdf`,
    );
    const [entry] = h.services().ledger.list();
    assert.deepEqual(
      [entry.method, entry.key, entry.location],
      ['GET', 'docs/report 2026.pdf', url.href.split('?')[0]],
    );
    assert.equal(await h.services().ledger.url(entry.id), url.href);
  });
});
