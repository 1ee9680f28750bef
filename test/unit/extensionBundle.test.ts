// The shipped bundle, dist/extension.js, activated against a recording stand-in for `vscode` (test/unit/fakes).
// The other unit tests run tsc's output of src/, so they cannot see what the build changes in the bundle: it once
// made the upload progress call expiry's formatDuration ("2 s left") instead of the upload's m:ss one ("0:02 left").
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFakeVscode, fakeContext, loadWithFakeVscode, Uri } from './fakes/vscode';

// Compiled to out/test/unit/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../..');
const BUNDLE = join(ROOT, 'dist', 'extension.js');
const CORE = join(ROOT, 'dist', 'core.js');

interface Manifest {
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

type Api = Record<string, unknown>;
interface Extension {
  activate(context: unknown): Api;
  deactivate?(): void;
}

const PROFILE_ID = 'loopback';
const BUCKET = 'bucket';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
/** Big enough that the upload outlasts the kernel's socket buffers and runs ~2 s at THROTTLE_BYTES_PER_MS. */
const UPLOAD_BYTES = 16 * 1024 * 1024;
/** How fast the server reads a PUT body (about 8 MiB/s), so the progress notification is redrawn several times. */
const THROTTLE_BYTES_PER_MS = 8 * 1024;

/**
 * A loopback S3 stand-in: PUT stores the body's size and MD5 (read slowly; the SigV4 payload hash must match the
 * body, as S3 checks), answered with the MD5 as ETag; HEAD answers from what was stored. Keeps the signatures of
 * the requests, to look for them in the log.
 */
function s3Server() {
  const objects = new Map<string, { size: number; md5: string }>();
  const signatures: string[] = [];
  const put = (req: IncomingMessage, res: ServerResponse) => {
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      md5.update(chunk);
      sha256.update(chunk);
      size += chunk.length;
      req.pause();
      setTimeout(() => req.resume(), chunk.length / THROTTLE_BYTES_PER_MS);
    });
    req.on('end', () => {
      if (sha256.digest('hex') !== req.headers['x-amz-content-sha256'])
        return void res.writeHead(400).end('<Error><Code>XAmzContentSHA256Mismatch</Code></Error>');
      const object = { size, md5: md5.digest('hex') };
      objects.set(req.url!, object);
      res.writeHead(200, { ETag: `"${object.md5}"` }).end();
    });
  };
  const server = createServer((req, res) => {
    signatures.push(/Signature=(\w+)/.exec(req.headers.authorization ?? '')?.[1] ?? '(unsigned)');
    if (req.method === 'PUT') return put(req, res);
    const object = req.method === 'HEAD' ? objects.get(req.url!) : undefined;
    if (!object) return void res.writeHead(req.method === 'HEAD' ? 404 : 501).end();
    res
      .writeHead(200, {
        'Content-Length': object.size,
        ETag: `"${object.md5}"`,
        'Last-Modified': new Date().toUTCString(),
      })
      .end();
  });
  return { server, objects, signatures };
}

describe('dist/extension.js activated with a fake vscode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oss-presign-bundle-'));
  const { server, objects, signatures } = s3Server();
  const fake = createFakeVscode({
    defaults: Object.fromEntries(
      Object.entries(manifest.contributes.configuration.properties).map(([key, p]) => [key, p.default]),
    ),
    workspaceFolders: [dir],
  });
  const { context, state, secrets } = fakeContext({
    extensionPath: ROOT,
    globalStoragePath: join(dir, 'globalStorage'),
  });
  let extension: Extension;
  let api: Api;

  // Errors since the current test started: error messages shown, error lines logged, errors the fake caught.
  let seen = { messages: 0, log: 0, errors: 0 };
  beforeEach(() => {
    seen = { messages: fake.record.messages.length, log: fake.record.log.length, errors: fake.record.errors.length };
  });
  const newErrors = () => [
    ...fake.record.messages
      .slice(seen.messages)
      .filter((m) => m.level === 'error')
      .map((m) => `shown: ${m.text}`),
    ...fake.record.log
      .slice(seen.log)
      .filter((l) => l.level === 'error')
      .map((l) => `logged: ${l.text}`),
    ...fake.record.errors.slice(seen.errors).map((e) => `fake: ${String(e)}`),
  ];

  before(async () => {
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build first`);
    server.listen(0, '127.0.0.1');
    await new Promise((done) => server.once('listening', done));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake.settings.set('ossPresign.profiles', [
      {
        id: PROFILE_ID,
        name: 'Loopback S3',
        provider: 's3',
        endpoint,
        region: 'us-east-1',
        accessKeyId: 'AKIDEXAMPLE',
        addressing: 'path',
      },
    ]);
    secrets.set(`ossPresign.profile.${PROFILE_ID}.secret`, SECRET);
    extension = loadWithFakeVscode<Extension>(BUNDLE, fake.vscode);
    api = extension.activate(context);
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers every command package.json contributes, and logs no error', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = fake.commandIds();
    assert.deepEqual(
      contributed.filter((id) => !registered.includes(id)),
      [],
      'contributed but not registered',
    );
    // Commands left out of package.json must be internal ones, which by VS Code's convention start with "_".
    assert.deepEqual(
      registered.filter((id) => !contributed.includes(id) && !id.startsWith('_')),
      [],
      'registered but not contributed',
    );
    assert.deepEqual(newErrors(), []);
  });

  it("returns core's API: the same export names, and the functions behave the same", () => {
    const core = createRequire(__filename)(CORE) as Api;
    assert.deepEqual(Object.keys(api).sort(), Object.keys(core).sort());
    for (const name of Object.keys(core)) {
      assert.equal(typeof api[name], typeof core[name], name);
      if (typeof core[name] !== 'function') assert.deepEqual(api[name], core[name], name);
    }
    const presignPut = (from: Api, options: object) => (from.presignPut as (o: object) => unknown)(options);
    const options = {
      provider: 's3',
      endpoint: 'https://s3.amazonaws.com',
      bucket: 'examplebucket',
      key: 'test.txt',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      accessKeySecret: SECRET,
      expiresSeconds: 86400,
      date: '2013-05-24T00:00:00Z',
      headers: { 'Content-Type': 'text/plain' },
    };
    assert.deepEqual(presignPut(api, options), presignPut(core, options));
    // Errors thrown through the API are core's classes.
    assert.throws(
      () => presignPut(api, { ...options, expiresSeconds: 0 }),
      (err) => err instanceof (core.ConfigError as typeof Error) && err instanceof (api.ConfigError as typeof Error),
    );
  });

  it('presigns a PUT: URL to the clipboard, ledger entry without the signature in global state, URL only in secrets', async () => {
    const file = join(dir, 'hello.txt');
    writeFileSync(file, 'hello\n');
    const headerSet = (
      manifest.contributes.configuration.properties['ossPresign.headerSets'].default as { name: string }[]
    )[0].name;
    const entries = await fake.vscode.commands.executeCommand<
      { id: string; bucket: string; key: string; location: string }[]
    >('ossPresign.presignPut', Uri.file(file), {
      profileId: PROFILE_ID,
      bucket: BUCKET,
      headerSet,
      expirySeconds: 600,
      key: 'k.txt',
      copyFormat: 'url',
    });
    assert.deepEqual(newErrors(), []);

    const url = new URL(await fake.vscode.env.clipboard.readText());
    assert.equal(url.pathname, `/${BUCKET}/k.txt`);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '600');
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    assert.match(signature, /^[0-9a-f]{64}$/);

    assert.equal(entries.length, 1);
    const [entry] = entries;
    assert.deepEqual(
      { bucket: entry.bucket, key: entry.key, location: entry.location },
      { bucket: BUCKET, key: 'k.txt', location: `${url.origin}/${BUCKET}/k.txt` },
    );
    assert.deepEqual(
      (context.globalState.get('ossPresign.ledger') as { id: string }[]).map((e) => e.id),
      [entry.id],
    );
    assert.equal(secrets.get(`ossPresign.ledger.${entry.id}.url`), url.href);

    const stored = JSON.stringify([...state, ...fake.settings]);
    const logged = fake.record.log.map((l) => l.text).join('\n');
    for (const [name, secret] of [
      ['secret key', SECRET],
      ['signature', signature],
      ['URL', url.href],
      ['query string', url.search],
    ]) {
      assert.ok(!stored.includes(secret), `the ${name} is in global state or settings`);
      assert.ok(!logged.includes(secret), `the ${name} is in the log`);
    }
  });

  it('uploads a file with progress messages whose time left reads m:ss', async () => {
    const file = join(dir, 'big.bin');
    const bytes = randomBytes(UPLOAD_BYTES);
    writeFileSync(file, bytes);
    // One PUT (the server has no multipart API).
    fake.settings.set('ossPresign.multipartThreshold', 2 * UPLOAD_BYTES);
    const done = await fake.vscode.commands.executeCommand('ossPresign.uploadFile', Uri.file(file), {
      profileId: PROFILE_ID,
      bucket: BUCKET,
      key: 'big.bin',
    });
    assert.deepEqual(newErrors(), []);
    const md5 = createHash('md5').update(bytes).digest('hex');
    assert.deepEqual(done, [{ key: 'big.bin', bytes: UPLOAD_BYTES, etag: md5 }]);
    assert.deepEqual(objects.get(`/${BUCKET}/big.bin`), { size: UPLOAD_BYTES, md5 });

    const messages = fake.record.progress
      .filter((p) => p.title?.startsWith('Uploading big.bin'))
      .flatMap((p) => p.reports.map((r) => r.message ?? ''));
    const withTimeLeft = messages.filter((m) => / left\b/.test(m));
    assert.ok(
      withTimeLeft.length >= 2,
      `expected several progress messages with the time left, got:\n${messages.join('\n')}`,
    );
    for (const m of withTimeLeft)
      assert.match(
        m,
        /\b\d+:\d{2} left$/,
        `the time left must read m:ss (as "1:35 left"), not "1 min 35 s left": ${m}`,
      );
    const logged = fake.record.log.map((l) => l.text).join('\n');
    assert.ok(!logged.includes(SECRET), 'the secret key is in the log');
    assert.ok(
      signatures.length >= 2 && signatures.every((s) => /^[0-9a-f]{64}$/.test(s) && !logged.includes(s)),
      `a request signature is in the log (or a request was unsigned): ${signatures.join(', ')}`,
    );
  });

  it('disposes everything it registered when its subscriptions are disposed', () => {
    assert.doesNotThrow(() => {
      for (const d of context.subscriptions) d.dispose();
      extension.deactivate?.();
    });
    assert.deepEqual(fake.undisposed(), []);
    assert.deepEqual(newErrors(), []);
  });
});
