// The presign wizard (src/vscode/uploadWizard.ts) as "Presign PUT URL...", "Copy as curl" and "Upload to Bucket..."
// ask it, over the fake vscode: titles with profile · bucket, the step counter and Back, the last-used marks, the
// key checks (an existing object, a leading "/"), the browser origin as a step, the same questions for a folder
// presign and a folder upload, reusing a live ledger URL, presigning an object's key without a local file, and the
// bucket text box that says why it is not a list. HEAD, ListBuckets and GetBucketCors go to a loopback server.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../../src/app/ledger';
import { createHarness, profile, type Harness } from '../fakes/services';
import { BACK } from '../fakes/vscode';

const SET = 'Default (Content-Type only)';
const BROWSER = 'Browser upload (Content-Type + Cache-Control: no-cache)';

/**
 * A loopback S3 server that stores what is PUT (size and headers) and answers HEAD for it; `handle` may answer a
 * request first (return undefined to let the store answer). The requests are kept.
 */
function s3Server() {
  const requests: string[] = [];
  const stored = new Map<string, { size: number; headers: IncomingMessage['headers'] }>();
  type Answer = { status: number; body?: string; headers?: Record<string, string> } | undefined;
  let handle = (_req: IncomingMessage): Answer => undefined;
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      const path = decodeURIComponent(req.url ?? '');
      const object = stored.get(path);
      const a: NonNullable<Answer> =
        handle(req) ??
        (req.method === 'PUT'
          ? (stored.set(path, { size, headers: req.headers }), { status: 200, headers: { ETag: '"stored"' } })
          : req.method === 'HEAD' && object
            ? { status: 200, headers: { 'Content-Length': String(object.size), ETag: '"stored"' } }
            : { status: 404 });
      res.writeHead(a.status, { 'Content-Type': 'application/xml', ...a.headers }).end(a.body ?? '');
    });
  });
  return {
    requests,
    stored,
    answer: (h: typeof handle) => void (handle = h),
    reset() {
      requests.length = 0;
      stored.clear();
      handle = () => undefined;
    },
    start: async () => {
      server.listen(0, '127.0.0.1');
      await new Promise((done) => server.once('listening', done));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

interface Shown {
  kind: 'QuickPick' | 'InputBox';
  title: string | undefined;
  step: number | undefined;
  totalSteps: number | undefined;
  back: boolean;
  items: { label: string; description?: string | undefined }[];
  value: string;
  prompt: string | undefined;
  /** The validation message when it closed (a warning stays on an accepted value). */
  closedWith: unknown;
}

/** Records every createQuickPick / createInputBox as shown (title, step counter, Back, items, first validation). */
function recordSteps(h: Harness): Shown[] {
  const shown: Shown[] = [];
  const window = h.fake.vscode.window as unknown as Record<string, () => Record<string, unknown>>;
  for (const kind of ['QuickPick', 'InputBox'] as const) {
    const create = window[`create${kind}`];
    window[`create${kind}`] = () => {
      const input = create();
      const show = input.show as () => void;
      const dispose = input.dispose as () => void;
      let entry: Shown | undefined;
      input.show = () => {
        entry = {
          kind,
          title: input.title as string | undefined,
          step: input.step as number | undefined,
          totalSteps: input.totalSteps as number | undefined,
          back: (input.buttons as unknown[]).length > 0,
          items: ((input.items as Shown['items']) ?? []).map((i) => ({ label: i.label, description: i.description })),
          value: input.value as string,
          prompt: input.prompt as string | undefined,
          closedWith: undefined,
        };
        shown.push(entry);
        show();
      };
      input.dispose = () => {
        if (entry) entry.closedWith = input.validationMessage;
        dispose();
      };
      return input;
    };
  }
  return shown;
}

describe('presign wizard', () => {
  const server = s3Server();
  let endpoint = '';
  let h: Harness;
  let steps: Shown[];
  const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
  const file = (name: string) => {
    mkdirSync(join(h.dir, name, '..'), { recursive: true });
    writeFileSync(join(h.dir, name), name);
    return h.file(name);
  };
  const messages = (level: string) => h.fake.record.messages.filter((m) => m.level === level).map((m) => m.text);

  before(async () => {
    endpoint = await server.start();
  });
  after(() => server.stop());
  beforeEach(async () => {
    server.reset();
    h = createHarness();
    steps = recordSteps(h);
    await h.setProfiles([
      profile('p', { buckets: ['bkt', 'other'], endpoint }),
      profile('q', { buckets: ['q-bkt'], endpoint }),
    ]);
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../../src/features/presign/commands')>('features/presign/commands.js');
    const { uploadCommands } =
      h.load<typeof import('../../../src/features/upload/commands')>('features/upload/commands.js');
    const { UploadStatusBar } =
      h.load<typeof import('../../../src/features/upload/statusBar')>('features/upload/statusBar.js');
    const statusBar = new UploadStatusBar();
    h.context.subscriptions.push(statusBar);
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, [
      ...presignCommands(h.services()),
      ...uploadCommands(h.services(), statusBar),
      { id: 'ossPresign.refresh', run: () => undefined },
    ]);
  });
  afterEach(() => h.dispose());

  it('titles name the profile and bucket, count the steps, and Back goes to the step before', async () => {
    h.spy.setActiveEditor(file('one.txt'));
    h.fake.answers.quickPicks.push('Profile p', 'other', SET, BACK, SET, '15 minutes');
    h.fake.answers.inputBoxes.push('k/one.txt');
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut');
    assert.deepEqual(
      steps.map((s) => [s.title, `${s.step}/${s.totalSteps}`, s.back]),
      [
        ['Presign PUT: profile', '1/5', false],
        ['Presign PUT · Profile p: bucket', '2/5', true],
        ['Presign PUT · Profile p · other: headers to sign', '3/5', true],
        ['Presign PUT · Profile p · other: valid for', '4/5', true],
        ['Presign PUT · Profile p · other: headers to sign', '3/5', true],
        ['Presign PUT · Profile p · other: valid for', '4/5', true],
        ['Presign PUT · Profile p · other: object key', '5/5', true],
      ],
    );
    assert.deepEqual([entry.profileId, entry.bucket, entry.key, entry.expirySeconds], ['p', 'other', 'k/one.txt', 900]);
  });

  it('marks the last-used profile, bucket, header set and expiry and offers them first', async () => {
    h.spy.setActiveEditor(file('one.txt'));
    h.fake.answers.quickPicks.push('Profile p', 'other', BROWSER, 'http://localhost:3000', '12 hours');
    h.fake.answers.inputBoxes.push('one.txt');
    await execute('ossPresign.presignPut');
    steps.length = 0;
    h.fake.answers.quickPicks.push('Profile p', 'other', BROWSER, 'http://localhost:3000', '12 hours');
    h.fake.answers.inputBoxes.push('one.txt');
    await execute('ossPresign.presignPut');
    const first = (title: string) => steps.find((s) => s.title?.endsWith(title))!.items[0];
    assert.match(first('profile').description ?? '', /last used$/);
    assert.deepEqual(first('bucket'), { label: 'other', description: 'last used' });
    assert.deepEqual(first('headers to sign'), { label: BROWSER, description: 'last used' });
    assert.deepEqual(first('valid for'), { label: '12 hours', description: 'last used' });
  });

  it('warns that the key exists (HEAD) and asks before overwriting; "Choose Another Key" asks the key again', async () => {
    server.answer((req) =>
      req.method === 'HEAD' && req.url === '/bkt/taken.txt'
        ? { status: 200, headers: { 'Content-Length': '2048', 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT' } }
        : undefined,
    );
    h.spy.setActiveEditor(file('one.txt'));
    h.fake.answers.quickPicks.push('Profile p', 'bkt', SET, '1 hour', 'Choose Another Key...');
    h.fake.answers.inputBoxes.push('taken.txt', 'free.txt');
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut');
    assert.equal(entry.key, 'free.txt');
    const overwrite = steps.find((s) => s.title?.endsWith('taken.txt exists'))!;
    assert.deepEqual(
      overwrite.items.map((i) => i.label),
      ['Overwrite taken.txt', 'Choose Another Key...'],
    );
    assert.equal(`${overwrite.step}/${overwrite.totalSteps}`, '6/6');
    assert.deepEqual(
      server.requests.filter((r) => r.startsWith('HEAD')),
      ['HEAD /bkt/taken.txt', 'HEAD /bkt/free.txt'],
    );
  });

  it('warns about a key that starts with "/" without refusing it', async () => {
    h.spy.setActiveEditor(file('one.txt'));
    h.fake.answers.quickPicks.push('Profile p', 'bkt', SET, '1 hour');
    h.fake.answers.inputBoxes.push('/lead.txt');
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut');
    assert.equal(entry.key, '/lead.txt');
    const keyStep = steps.find((s) => s.title?.endsWith('object key'))!;
    assert.deepEqual(keyStep.closedWith, {
      message: 'The key starts with "/": the object lands under an empty folder name ("/lead.txt"), not at "lead.txt".',
      severity: 2,
    });
  });

  it('asks the page origin as a step of a browser header set (the default marked assumed) and checks CORS for it', async () => {
    server.answer((req) =>
      req.url?.includes('?cors')
        ? {
            status: 404,
            body: '<Error><Code>NoSuchCORSConfiguration</Code><Message>none</Message><RequestId>r</RequestId></Error>',
          }
        : undefined,
    );
    h.spy.setActiveEditor(file('page.txt'));
    h.fake.answers.quickPicks.push('Profile p', 'bkt', BROWSER, 'http://localhost:3000', '1 hour');
    h.fake.answers.inputBoxes.push('page.txt');
    await execute('ossPresign.presignPut');
    const origin = steps.find((s) => s.title?.endsWith('origin of the web page'))!;
    assert.equal(`${origin.step}/${origin.totalSteps}`, '4/6');
    assert.deepEqual(origin.items[0], {
      label: 'http://localhost:3000',
      description: "assumed: a local dev server (type your page's origin instead)",
    });
    // Asked before signing: every question comes before the copy.
    assert.deepEqual(h.spy.inputs, []);
    await waitFor(() => messages('warning').length > 0);
    assert.match(messages('warning')[0], /^A browser PUT from http:\/\/localhost:3000 to bkt would be blocked by CORS/);
    assert.equal(h.state.get('ossPresign.cors.origin'), JSON.stringify('http://localhost:3000'));
  });

  it('Last Settings with a browser header set and no origin ever given checks nothing and warns about no origin', async () => {
    h.state.set(
      'ossPresign.lastPresign',
      JSON.stringify({ profileId: 'p', bucket: 'bkt', headerSet: BROWSER, expirySeconds: 600 }),
    );
    await execute('ossPresign.presignPutLast', file('one.txt'));
    assert.deepEqual(h.fake.record.questions, []);
    // The check is skipped before handOver returns: nothing is left running that could warn later.
    assert.ok(
      h.log
        .at('info')
        .some((l) => l.startsWith('[presign] no page origin given yet: the CORS check of bkt is skipped')),
    );
    assert.deepEqual(
      server.requests.filter((r) => r.includes('cors')),
      [],
    );
    assert.deepEqual(messages('warning'), []);
    assert.deepEqual(messages('error'), []);
    assert.ok(!h.fake.record.messages.some((m) => m.text.includes('localhost:3000')));
  });

  it('a folder presign and a folder upload ask the same questions (presign adds the expiry)', async () => {
    file('dir/a.txt');
    file('dir/b.txt');
    const folder = h.file('dir');
    h.fake.answers.quickPicks.push('Profile p', 'bkt', SET, '1 hour');
    h.fake.answers.inputBoxes.push('up/${relativePath}');
    await execute('ossPresign.presignPut', folder, [folder]);
    const presign = steps.map((s) => s.title!.replace(/^Presign PUT/, ''));
    steps.length = 0;
    h.fake.answers.quickPicks.push('Profile p', 'bkt', SET);
    h.fake.answers.inputBoxes.push('up/${relativePath}');
    await execute('ossPresign.uploadFile', folder, [folder]);
    const upload = steps.map((s) => s.title!.replace(/^Upload to Bucket/, ''));
    assert.deepEqual(
      presign.filter((t) => !t.endsWith('valid for')),
      upload,
    );
    assert.deepEqual(upload, [
      ': profile',
      ' · Profile p: bucket',
      ' · Profile p · bkt: headers to sign',
      ' · Profile p · bkt: key template',
    ]);
  });

  it('a folder gets the key template with sample keys, validated as typed, and the edited one names the files', async () => {
    file('dir/a.txt');
    file('dir/b.png');
    const folder = h.file('dir');
    h.fake.answers.quickPicks.push('Profile p', 'bkt', SET, '1 hour');
    h.fake.answers.inputBoxes.push('x/${fileName}');
    const entries = await execute<LedgerEntry[]>('ossPresign.presignPut', folder, [folder]);
    assert.deepEqual(entries.map((e) => e.key).sort(), ['x/a.txt', 'x/b.png']);
    const template = steps.find((s) => s.title?.endsWith('key template'))!;
    assert.equal(template.value, '${relativePath}');
    assert.match(template.prompt ?? '', /^Keys for 2 files, e\.g\. dir\/a\.txt, dir\/b\.png\./);
  });

  it('with an invalid key template setting the key step still opens, says what is wrong and starts from the default', async () => {
    h.fake.settings.set('ossPresign.keyTemplate', 'x/${nope}');
    h.spy.setActiveEditor(file('docs/one.txt'));
    h.fake.answers.quickPicks.push('Profile p', 'bkt', SET, '1 hour');
    h.fake.answers.inputBoxes.push('kept.txt');
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut');
    assert.equal(entry.key, 'kept.txt');
    const keyStep = steps.find((s) => s.title?.endsWith('object key'))!;
    assert.equal(keyStep.value, 'docs/one.txt');
    assert.match(
      keyStep.prompt ?? '',
      /^The key template "x\/\$\{nope\}" in ossPresign\.keyTemplate is invalid \(Unknown variable/,
    );
  });

  it('Copy as curl on a file with a live URL in the ledger copies that one, says so and offers a fresh one', async () => {
    const one = file('one.txt');
    const options = {
      profileId: 'p',
      bucket: 'bkt',
      headerSet: SET,
      expirySeconds: 3600,
      key: 'k/one.txt',
      copyFormat: 'url',
    };
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut', one, options);
    const url = await h.fake.vscode.env.clipboard.readText();
    const reused = await execute<LedgerEntry>('ossPresign.copyCurl', one);
    assert.equal(reused.id, entry.id);
    assert.deepEqual(steps, []);
    const copied = await h.fake.vscode.env.clipboard.readText();
    assert.match(copied, /^curl /);
    assert.ok(copied.includes(url), copied);
    const text = messages('info').at(-1)!;
    assert.match(
      text,
      /^Copied the live URL for bkt\/k\/one\.txt from Presigned URLs \(issued .*, expires in 1 h\) as curl\. Send exactly: Content-Type: text\/plain$/,
    );
    assert.deepEqual(h.fake.record.messages.at(-1)!.items, ['Presign a Fresh URL...']);
    // Again, taking the offer: the wizard issues a fresh URL.
    h.fake.answers.messages.push('Presign a Fresh URL...');
    h.fake.answers.quickPicks.push('Profile p', 'bkt', SET, '1 hour');
    h.fake.answers.inputBoxes.push('k/fresh.txt');
    await execute('ossPresign.copyCurl', one);
    await waitFor(() => h.services().ledger.list().length === 2);
    assert.deepEqual(
      h
        .services()
        .ledger.list()
        .map((e) => e.key)
        .sort(),
      ['k/fresh.txt', 'k/one.txt'],
    );
  });

  it('Copy as curl on a bucket object presigns its key without a local file, Content-Type from the key', async () => {
    const place = { kind: 'object', profileId: 'p', bucket: 'bkt', key: 'docs/annual report 2026.pdf' };
    h.fake.answers.quickPicks.push('Presign the Key (No Local File)', SET, '1 hour');
    const [entry] = await execute<LedgerEntry[]>('ossPresign.copyCurl', place);
    assert.deepEqual(h.spy.dialogs, []);
    assert.deepEqual(h.fake.record.questions, [
      'Presign PUT for bkt/docs/annual report 2026.pdf',
      'Presign PUT · Profile p · bkt: headers to sign',
      'Presign PUT · Profile p · bkt: valid for',
    ]);
    assert.deepEqual(
      [entry.key, entry.headers, entry.filePath],
      ['docs/annual report 2026.pdf', { 'Content-Type': 'application/pdf' }, undefined],
    );
    const curl = await h.fake.vscode.env.clipboard.readText();
    assert.match(curl, /^curl /);
    assert.ok(curl.includes('Content-Type: application/pdf') && curl.includes('annual report 2026.pdf'), curl);
  });

  it('a bucket list that failed becomes a text box whose title and prompt say why', async () => {
    await h.setProfiles([profile('lister', { endpoint })]);
    server.answer(() => ({
      status: 403,
      body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r1</RequestId></Error>',
    }));
    h.spy.setActiveEditor(file('one.txt'));
    h.fake.answers.inputBoxes.push('typed-bucket', 'one.txt');
    h.fake.answers.quickPicks.push(SET, '1 hour');
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut');
    assert.equal(entry.bucket, 'typed-bucket');
    const [box] = steps;
    assert.equal(box.title, 'Presign PUT · Profile lister: bucket name (no bucket list to pick from)');
    assert.match(
      box.prompt ?? '',
      /^Type the bucket name: the buckets of Profile lister could not be listed: Access denied .*lacks permission for s3:ListBuckets.*\(request id r1\)\.$/,
    );
  });

  it('a bucket list that came back empty says so in the text box', async () => {
    await h.setProfiles([profile('lister', { endpoint })]);
    server.answer(() => ({
      status: 200,
      body: '<ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>',
    }));
    h.spy.setActiveEditor(file('one.txt'));
    h.fake.answers.inputBoxes.push('typed-bucket', 'one.txt');
    h.fake.answers.quickPicks.push(SET, '1 hour');
    await execute('ossPresign.presignPut');
    assert.match(steps[0].prompt ?? '', /could not be listed: ListBuckets returned none/);
  });

  it('"Upload to Bucket..." sends the picked header set\'s headers and metadata with the object', async () => {
    await h.fake.vscode.workspace
      .getConfiguration('ossPresign')
      .update('headerSets', [SET_WITH_METADATA, { name: SET, contentType: 'auto' }], 1);
    h.fake.answers.quickPicks.push('Profile p', 'bkt', SET_WITH_METADATA.name);
    h.fake.answers.inputBoxes.push('notes/one.txt');
    await execute('ossPresign.uploadFile', file('one.txt'));
    const put = server.stored.get('/bkt/notes/one.txt')!;
    assert.deepEqual(
      [
        put.headers['content-type'],
        put.headers['cache-control'],
        put.headers['x-amz-meta-owner'],
        put.headers['x-amz-meta-file'],
      ],
      ['text/x-notes', 'no-cache', 'ana', 'one.txt'],
    );
  });
});

const SET_WITH_METADATA = {
  name: 'Notes with owner',
  contentType: 'text/x-notes',
  cacheControl: 'no-cache',
  metadata: { owner: 'ana', file: '${fileName}' },
};

/** Resolves once `done()` holds (what a notification's answer does runs after the command returned). */
async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), 'timed out waiting');
}
