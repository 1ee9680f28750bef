// Drag and drop onto the Buckets view (src/features/buckets/dragAndDrop.ts) over the fake vscode, uploading to a
// loopback in-memory object store (HEAD and PUT; the signature is not checked here, radosgw checks it in the host).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import type * as vscode from 'vscode';
import type { TreeNode } from '../../../../src/features/buckets/nodes';
import { createHarness, profile, type Harness } from '../../fakes/services';
import { CancellationTokenSource, Uri } from '../../fakes/vscode';

type DropModule = typeof import('../../../../src/features/buckets/dragAndDrop');
type Nodes = typeof import('../../../../src/features/buckets/nodes');

/** Objects by key, as PUT stored them; HEAD answers from it. */
async function objectStore(bucket: string) {
  const objects = new Map<
    string,
    { body: Buffer; contentType: string | undefined; cacheControl?: string | undefined }
  >();
  const requests: string[] = [];
  /** HEAD of these keys is refused (403), as for a key allowed to write but not to read. */
  const headForbidden = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const key = path.slice(`/${bucket}/`.length);
      requests.push(`${req.method} ${key}`);
      if (req.method === 'PUT') {
        const body = Buffer.concat(chunks);
        objects.set(key, {
          body,
          contentType: req.headers['content-type'],
          cacheControl: req.headers['cache-control'],
        });
        res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
        return void res.end();
      }
      const stored = objects.get(key);
      if (req.method === 'HEAD' && headForbidden.has(key)) {
        res.writeHead(403);
        return void res.end();
      }
      if (req.method === 'HEAD' && stored) {
        res.writeHead(200, {
          'content-length': stored.body.length,
          etag: `"${createHash('md5').update(stored.body).digest('hex')}"`,
        });
        return void res.end();
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    requests,
    headForbidden,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A DataTransfer as VS Code hands it to `handleDrop`: a `text/uri-list` item (absent when `uriList` is undefined). */
function dataTransfer(uriList: string | undefined): vscode.DataTransfer {
  const items = new Map<string, { asString(): Promise<string>; asFile(): undefined; value: unknown }>();
  if (uriList !== undefined)
    items.set('text/uri-list', { asString: async () => uriList, asFile: () => undefined, value: uriList });
  return {
    get: (mime: string) => items.get(mime.toLowerCase()),
    [Symbol.iterator]: () => items.entries(),
  } as unknown as vscode.DataTransfer;
}

const DEFAULT_SET = 'Default (Content-Type only)';
const uriList = (...uris: Uri[]) => `${uris.map((u) => u.toString()).join('\r\n')}\r\n`;

describe('drag and drop onto the Buckets view', () => {
  describe('parseUriList', () => {
    let h: Harness;
    let drop: DropModule;
    beforeEach(() => {
      h = createHarness();
      drop = h.load<DropModule>('features/buckets/dragAndDrop.js');
    });
    afterEach(() => h.dispose());

    it('takes one URI per CRLF line and skips comment and blank lines (RFC 2483)', () => {
      assert.deepEqual(drop.parseUriList('# dragged from the Explorer\r\nfile:///a/b.txt\r\n\r\nfile:///c%20d/\r\n'), [
        'file:///a/b.txt',
        'file:///c%20d/',
      ]);
    });

    it('also takes LF line ends and trims whitespace around a URI', () => {
      assert.deepEqual(drop.parseUriList('  file:///a.txt \nfile:///b.txt'), ['file:///a.txt', 'file:///b.txt']);
    });
  });

  describe('dropKeys', () => {
    let h: Harness;
    let drop: DropModule;
    beforeEach(() => {
      h = createHarness();
      drop = h.load<DropModule>('features/buckets/dragAndDrop.js');
    });
    afterEach(() => h.dispose());
    const p = (...parts: string[]) => join(sep, 'home', 'ana', ...parts);

    it('names a dropped file by its name and a dropped folder by its name and tree, below the prefix', () => {
      assert.deepEqual(
        drop.dropKeys(
          'docs/',
          [p('notes.txt'), p('site')],
          [p('notes.txt'), p('site', 'index.html'), p('site', 'img', 'a b.png')],
        ),
        ['docs/notes.txt', 'docs/site/index.html', 'docs/site/img/a b.png'],
      );
    });

    it('keys a file dropped with a folder that holds it from the outermost dropped folder', () => {
      assert.deepEqual(drop.dropKeys('', [p('site', 'img'), p('site')], [p('site', 'img', 'a.png')]), [
        'site/img/a.png',
      ]);
    });
  });

  describe('the Buckets view', () => {
    let h: Harness;
    afterEach(() => h.dispose());

    it('is created with the drop controller, which takes text/uri-list', () => {
      h = createHarness();
      const created: { id: string; options: { dragAndDropController?: unknown } }[] = [];
      const window = h.fake.vscode.window as unknown as Record<string, (...a: unknown[]) => unknown>;
      const createTreeView = window.createTreeView;
      window.createTreeView = (id, options) => {
        created.push({ id: id as string, options: options as { dragAndDropController?: unknown } });
        return createTreeView(id, options);
      };
      const { UploadStatusBar } =
        h.load<typeof import('../../../../src/features/upload/statusBar')>('features/upload/statusBar.js');
      const uploads = new UploadStatusBar();
      h.context.subscriptions.push(uploads);
      const view = h
        .load<typeof import('../../../../src/features/buckets/view')>('features/buckets/view.js')
        .createBucketsView(h.services(), uploads);
      assert.deepEqual(
        created.map((c) => c.id),
        ['ossPresign.buckets'],
      );
      assert.equal(created[0].options.dragAndDropController, view.dropController);
      assert.ok(view.dropController.dropMimeTypes.includes('text/uri-list'));
    });
  });

  describe('handleDrop', () => {
    let h: Harness;
    let store: Awaited<ReturnType<typeof objectStore>>;
    let controller: InstanceType<DropModule['BucketDropController']>;
    let nodes: Nodes;
    const token = () => new CancellationTokenSource().token as unknown as vscode.CancellationToken;
    const bucket = () => nodes.bucketNode('p', 'alpha');
    const file = (name: string, text = name) => {
      mkdirSync(join(h.dir, name, '..'), { recursive: true });
      writeFileSync(join(h.dir, name), text);
      return h.file(name);
    };
    /** Drops `transfer` on `target`, answering the header set question with `headerSet` (null: not asked). */
    const handle = (
      target: TreeNode | undefined,
      transfer: vscode.DataTransfer,
      headerSet: string | null = DEFAULT_SET,
    ) => {
      if (headerSet !== null) h.fake.answers.quickPicks.push(headerSet);
      return controller.handleDrop(target, transfer, token());
    };
    const stored = () => [...store.objects.keys()].sort();

    beforeEach(async () => {
      h = createHarness();
      store = await objectStore('alpha');
      await h.setProfiles([profile('p', { endpoint: store.endpoint })]);
      const services = h.services();
      nodes = h.load<Nodes>('features/buckets/nodes.js');
      const { BucketTreeProvider } = h.load<typeof import('../../../../src/features/buckets/treeProvider')>(
        'features/buckets/treeProvider.js',
      );
      const { UploadStatusBar } =
        h.load<typeof import('../../../../src/features/upload/statusBar')>('features/upload/statusBar.js');
      const tree = new BucketTreeProvider(services.profiles, h.log, () => 100);
      const uploads = new UploadStatusBar();
      h.context.subscriptions.push(tree, uploads);
      controller = new (h.load<DropModule>('features/buckets/dragAndDrop.js').BucketDropController)(
        services,
        tree,
        uploads,
      );
    });
    afterEach(async () => {
      await store.close();
      h.dispose();
    });

    it('accepts text/uri-list (Explorer and OS drops) and drags nothing out', () => {
      assert.ok(controller.dropMimeTypes.includes('text/uri-list'));
      assert.deepEqual(controller.dragMimeTypes, []);
    });

    it('uploads dropped files and folders below a folder node, each with its detected Content-Type', async () => {
      const notes = file('notes.txt', 'hello');
      file('site/index.html', '<p>hi</p>');
      file('site/img/logo.png', 'png');
      await handle(nodes.prefixNode(bucket(), 'docs/'), dataTransfer(uriList(notes, h.file('site'))));
      assert.deepEqual(h.log.at('error'), []);
      assert.deepEqual(stored(), ['docs/notes.txt', 'docs/site/img/logo.png', 'docs/site/index.html']);
      assert.equal(store.objects.get('docs/notes.txt')?.body.toString(), 'hello');
      assert.equal(store.objects.get('docs/site/index.html')?.contentType, 'text/html');
      assert.equal(store.objects.get('docs/site/img/logo.png')?.contentType, 'image/png');
      assert.ok(
        h.spy.messages.some((m) => m.level === 'info' && m.text.startsWith('Uploaded 3 files')),
        JSON.stringify(h.spy.messages),
      );
    });

    it('gives the objects the header set picked, as "Upload to Bucket..." does', async () => {
      await handle(
        bucket(),
        dataTransfer(uriList(file('page.html', '<p/>'))),
        'Browser upload (Content-Type + Cache-Control: no-cache)',
      );
      assert.deepEqual(
        h.spy.picks.map((p) => p.title),
        ['Upload page.html to alpha: headers to sign'],
      );
      assert.deepEqual(store.objects.get('page.html') && { ...store.objects.get('page.html'), body: undefined }, {
        body: undefined,
        contentType: 'text/html',
        cacheControl: 'no-cache',
      });
    });

    it('uploads nothing, and says nothing, when the header set question is dismissed', async () => {
      await handle(bucket(), dataTransfer(uriList(file('a.txt'))), null);
      assert.equal(h.spy.picks.length, 1);
      assert.deepEqual(store.requests, []);
      assert.deepEqual(h.spy.messages, []);
    });

    it("uploads a drop on an object node into that object's folder", async () => {
      const a = file('a.txt');
      await handle(
        nodes.objectNode(nodes.prefixNode(bucket(), 'x/y/'), { key: 'x/y/old.txt', size: 1 }),
        dataTransfer(uriList(a)),
      );
      assert.deepEqual(stored(), ['x/y/a.txt']);
    });

    it('uploads a drop on a bucket node to the bucket root', async () => {
      await handle(bucket(), dataTransfer(uriList(file('root.json', '{}'))));
      assert.deepEqual(stored(), ['root.json']);
      assert.equal(store.objects.get('root.json')?.contentType, 'application/json');
    });

    it('asks, modally and with the count, before overwriting existing objects; Skip Existing uploads only the new ones', async () => {
      store.objects.set('docs/a.txt', { body: Buffer.from('old a'), contentType: 'text/plain' });
      store.objects.set('docs/b.txt', { body: Buffer.from('old b'), contentType: 'text/plain' });
      h.fake.answers.messages.push('Skip Existing');
      await handle(
        nodes.prefixNode(bucket(), 'docs/'),
        dataTransfer(uriList(file('a.txt', 'new a'), file('b.txt', 'new b'), file('c.txt', 'new c'))),
      );
      const ask = h.spy.messages.find((m) => m.options?.modal);
      assert.ok(ask, `no modal question: ${JSON.stringify(h.spy.messages)}`);
      assert.equal(ask.text, 'Overwrite 2 objects in alpha/docs/?');
      assert.match(
        ask.options?.detail ?? '',
        /^2 of 3 dropped files would replace an existing object: docs\/a\.txt, docs\/b\.txt\./,
      );
      assert.deepEqual(h.fake.record.messages.find((m) => m.text === ask.text)?.items, ['Overwrite', 'Skip Existing']);
      assert.equal(store.objects.get('docs/a.txt')?.body.toString(), 'old a');
      assert.equal(store.objects.get('docs/c.txt')?.body.toString(), 'new c');
    });

    it('overwrites after Overwrite, and uploads nothing when the question is dismissed', async () => {
      store.objects.set('a.txt', { body: Buffer.from('old'), contentType: 'text/plain' });
      const a = file('a.txt', 'new');
      await handle(bucket(), dataTransfer(uriList(a)));
      assert.equal(store.objects.get('a.txt')?.body.toString(), 'old', 'uploaded without an answer');
      assert.ok(!store.requests.includes('PUT a.txt'));
      h.fake.answers.messages.push('Overwrite');
      await handle(bucket(), dataTransfer(uriList(a)));
      assert.equal(store.objects.get('a.txt')?.body.toString(), 'new');
      assert.equal(h.spy.messages.filter((m) => m.options?.modal).at(-1)?.text, 'Overwrite 1 object in alpha/?');
    });

    it('uploads, without asking, a file whose HEAD is refused (it cannot tell whether the object exists)', async () => {
      store.headForbidden.add('w.txt');
      await handle(bucket(), dataTransfer(uriList(file('w.txt', 'write only'))));
      assert.equal(store.objects.get('w.txt')?.body.toString(), 'write only');
      assert.deepEqual(
        h.spy.messages.filter((m) => m.options?.modal),
        [],
      );
    });

    it('says where to drop when the target is not a bucket, folder or object', async () => {
      const a = file('a.txt');
      await handle(nodes.profileNode('p'), dataTransfer(uriList(a)), null);
      await handle(undefined, dataTransfer(uriList(a)), null);
      assert.deepEqual(
        h.spy.messages.map((m) => m.text),
        Array(2).fill('To upload, drop files or folders onto a bucket or a folder of the Buckets view.'),
      );
      assert.deepEqual(store.requests, []);
    });

    it('says so when the drop holds nothing to upload: no URI list, only comments, or nothing on the local disk', async () => {
      await handle(bucket(), dataTransfer(undefined), null);
      await handle(bucket(), dataTransfer('# nothing\r\n'), null);
      await handle(bucket(), dataTransfer('https://example.com/a.png\r\nuntitled:Untitled-1\r\n'), null);
      assert.deepEqual(
        h.spy.messages.map((m) => `${m.level}: ${m.text}`),
        [
          'warning: Nothing to upload: the drop held no files or folders.',
          'warning: Nothing to upload: the drop held no files or folders.',
          'warning: Nothing to upload: https://example.com/a.png, untitled:Untitled-1 are not on the local disk. Drop files or folders from the Explorer or your file manager.',
        ],
      );
      assert.deepEqual(store.requests, []);
    });

    it('uploads an OS file that comes as a file item with its path and no URI list', async () => {
      const photo = file('photo.jpg', 'jpeg');
      const transfer = {
        get: () => undefined,
        [Symbol.iterator]: () =>
          new Map([
            ['image/jpeg', { asString: async () => '', asFile: () => ({ name: 'photo.jpg', uri: photo }) }],
          ]).entries(),
      } as unknown as vscode.DataTransfer;
      await handle(bucket(), transfer);
      assert.deepEqual(stored(), ['photo.jpg']);
      assert.equal(store.objects.get('photo.jpg')?.contentType, 'image/jpeg');
    });

    it('uploads the local files of a drop that also holds other URIs', async () => {
      file('k.txt');
      await handle(bucket(), dataTransfer(`https://example.com/x\r\n${h.file('k.txt').toString()}\r\n`));
      assert.deepEqual(stored(), ['k.txt']);
    });
  });
});
