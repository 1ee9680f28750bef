import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { lookup } from 'mime-types';

// Compiled to out/test/integration/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../..');
// 190 KB before presigned POST forms, CORS apply, the doctor report and resume (210 KB after): room to grow, not to bloat.
const MAX_VSIX_BYTES = 240 * 1024;
/** Libraries core loads on first use, shipped as separate bundles (scripts/build.mjs). */
const VENDOR = ['undici', 'mime-types', 'fast-xml-parser'];

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** Reads a zip's central directory (no zip64: a VSIX this size never needs it). */
function zipEntries(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'not a zip file: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'corrupt central directory');
    const nameLength = zip.readUInt16LE(at + 28);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      localHeaderOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

function zipRead(zip: Buffer, entry: ZipEntry | undefined): string {
  assert.ok(entry, 'entry missing from the VSIX');
  const at = entry.localHeaderOffset;
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  return (entry.method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => posix.join(dir, f.split('\\').join('/')))
    .filter((f) => statSync(join(ROOT, f)).isFile());
}

describe('npm run package', () => {
  let dir: string;
  let vsix: string;
  let output: string;
  let zip: Buffer;
  let entries: ZipEntry[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'oss-presign-vsix-'));
    vsix = join(dir, 'oss-presign.vsix');
    // Package a copy of the checkout: `npm run package` rewrites dist/, which another build (npm test, a
    // developer's npm run build) may be writing at the same moment; the copy shares only node_modules.
    const copy = join(dir, 'repo');
    const skip = new Set(['.git', 'node_modules', 'out', 'dist', '.sandbox', '.vscode-host', 'test-artifacts']);
    cpSync(ROOT, copy, { recursive: true, filter: (src) => src === ROOT || !skip.has(relative(ROOT, src)) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const run = spawnSync('npm', ['run', 'package', '--', '-o', vsix], { cwd: copy, encoding: 'utf8' });
    output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 0, output);
    zip = readFileSync(vsix);
    entries = zipEntries(zip);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes the VSIX's dist/ (core and its vendor bundles) to disk and returns the path of core.js. */
  function shippedCore(): string {
    const out = join(dir, 'shipped');
    for (const e of entries.filter((x) => x.name.startsWith('extension/dist/'))) {
      const file = join(out, ...e.name.slice('extension/'.length).split('/'));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, zipRead(zip, e));
    }
    return join(out, 'dist', 'core.js');
  }

  it('packages without vsce warnings', () => {
    assert.doesNotMatch(output, /WARNING/);
  });

  it('holds only the bundles, media and the manifest files', () => {
    const expected = [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/package.nls.json',
      'extension/readme.md',
      'extension/changelog.md',
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      'extension/dist/core.js',
      ...VENDOR.map((name) => `extension/dist/vendor/${name}.js`),
      ...filesUnder('media').map((f) => `extension/${f}`),
    ];
    assert.deepEqual(entries.map((e) => e.name).sort(), expected.sort());
  });

  it(`stays within ${MAX_VSIX_BYTES / 1024} KB`, (t) => {
    const size = statSync(vsix).size;
    t.diagnostic(`VSIX: ${size} bytes (${(size / 1024).toFixed(1)} KB)`);
    assert.ok(size <= MAX_VSIX_BYTES, `VSIX is ${(size / 1024).toFixed(1)} KB`);
  });

  it('ships minified bundles without sourcemaps, with core bundled once', () => {
    for (const name of [
      'extension/dist/extension.js',
      'extension/dist/core.js',
      ...VENDOR.map((v) => `extension/dist/vendor/${v}.js`),
    ]) {
      const js = zipRead(
        zip,
        entries.find((e) => e.name === name),
      );
      // assert.ok with a message: the matchers would print the whole bundle on failure.
      assert.ok(!js.includes('sourceMappingURL'), `${name} references a sourcemap`);
      // Minified code is a few very long lines; what is left on short lines is template text (the kit's bash script).
      const onLongLines = js
        .split('\n')
        .filter((l) => l.length > 1000)
        .reduce((n, l) => n + l.length, 0);
      assert.ok(
        onLongLines > js.length * 0.9,
        `${name} is not minified: ${js.length - onLongLines} of ${js.length} bytes are on lines of at most 1000 characters`,
      );
    }
    const extension = zipRead(
      zip,
      entries.find((e) => e.name === 'extension/dist/extension.js'),
    );
    assert.ok(extension.includes('require("./core.js")'), 'dist/extension.js does not load dist/core.js');
    const core = zipRead(
      zip,
      entries.find((e) => e.name === 'extension/dist/core.js'),
    );
    for (const name of VENDOR)
      assert.ok(
        core.includes(`require("./vendor/${name}.js")`),
        `dist/core.js does not load dist/vendor/${name}.js on demand`,
      );
  });

  // The build keeps only the mime-db entries mime-types can answer with (scripts/build.mjs): the shipped core must
  // still name the type of every extension mime-db knows exactly as the full table does.
  it('ships a dist/core.js that detects every content type mime-types knows', () => {
    const core = createRequire(__filename)(shippedCore()) as typeof import('../../src/core/index');
    const db = createRequire(__filename)('mime-db') as Record<string, { extensions?: string[] }>;
    const extensions = [...new Set(Object.values(db).flatMap((e) => e.extensions ?? []))];
    assert.ok(extensions.length > 1000);
    const differ = extensions.filter(
      (ext) => core.detectContentType(`f.${ext}`) !== (lookup(`f.${ext}`) || 'application/octet-stream'),
    );
    assert.deepEqual(differ, []);
  });

  // The build swaps undici's index for the few parts core uses and drops code core never runs (scripts/build.mjs);
  // the other tests run tsc output against the full undici, so only this one proves the shipped bundle talks HTTP.
  it('ships a dist/core.js that lists and uploads over real HTTP', async () => {
    const core = createRequire(__filename)(shippedCore()) as typeof import('../../src/core/index');
    const seen: {
      method?: string | undefined;
      url?: string | undefined;
      authorization?: string | undefined;
      body: string;
    }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          authorization: req.headers.authorization,
          body: Buffer.concat(chunks).toString(),
        });
        if (req.method === 'PUT') return res.end();
        res.setHeader('content-type', 'application/xml');
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>demo-bucket</Name><KeyCount>1</KeyCount>' +
            '<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>a%20b.txt</Key><Size>3</Size></Contents></ListBucketResult>',
        );
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const conn = {
        provider: 's3',
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        addressing: 'path',
        accessKeyId: 'AKIDEXAMPLE',
        accessKeySecret: 'secret',
      } as const;
      const listed = await core.listObjects({ ...conn, bucket: 'demo-bucket' });
      assert.deepEqual(
        listed.objects.map((o) => o.key),
        ['a b.txt'],
      );
      const put = await core.sendSigned(conn, { method: 'PUT', bucket: 'demo-bucket', key: 'a b.txt', body: 'abc' });
      await core.drain(put);
      assert.equal(put.status, 200);
      assert.deepEqual(
        seen.map((r) => `${r.method} ${r.url?.split('?')[0]} ${r.body}`),
        ['GET /demo-bucket/ ', 'PUT /demo-bucket/a%20b.txt abc'],
      );
      for (const r of seen) assert.match(String(r.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});
