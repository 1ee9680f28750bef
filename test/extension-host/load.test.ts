// Load: presign 10,000 URLs for a folder and page a 50,000-object bucket through the Buckets view, inside the
// real extension host. Correctness is asserted; event-loop stalls, duration and peak memory are measured and
// printed (timings are reported, never asserted).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { LedgerEntry } from '../../src/app/ledger';
import {
  type S3Env,
  type S3Suite,
  s3Profile,
  type TestHooks,
  s3Connection,
  setUpS3Suite,
  tearDownS3Suite,
} from './helpers';

const PROFILE_ID = `load-${randomBytes(3).toString('hex')}`;
const FILES = 10_000;
const OBJECTS = 50_000;
const BIG_BUCKET = 'oss-presign-load-50k';
const MiB = 1024 * 1024;

/** Samples the event loop (longest gap between 20 ms ticks) and the process's resident memory while `run` runs. */
async function measured<T>(
  run: () => Thenable<T> | Promise<T>,
): Promise<{ result: T; ms: number; maxStallMs: number; peakRssMiB: number; startRssMiB: number }> {
  const start = Date.now();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  let last = start;
  let maxStall = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    maxStall = Math.max(maxStall, now - last);
    last = now;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await run();
    return {
      result,
      ms: Date.now() - start,
      maxStallMs: Math.max(maxStall, Date.now() - last),
      peakRssMiB: Math.round(peak / MiB),
      startRssMiB: Math.round(startRss / MiB),
    };
  } finally {
    clearInterval(timer);
  }
}

suite('load', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  let api: S3Suite['api'];
  let folder: string | undefined;
  const conn = () => s3Connection(env!);

  suiteSetup(async function () {
    ({ env, api, hooks } = await setUpS3Suite(this, (e) =>
      s3Profile(e, PROFILE_ID, `Load ${PROFILE_ID}`, { buckets: [e.bucket, BIG_BUCKET] }),
    ));
  });

  suiteTeardown(async () => {
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
    if (!env) return;
    await vscode.workspace
      .getConfiguration('ossPresign')
      .update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('ossPresign.clearExpired');
    await tearDownS3Suite({ env, api, hooks }, [], PROFILE_ID);
  });

  test(`presigning a folder of ${FILES} files gives ${FILES} URLs and keeps the ledger bounded`, async function () {
    this.timeout(600_000);
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    folder = path.join(root, `load-${PROFILE_ID}`);
    for (let d = 0; d < FILES / 100; d++) {
      const dir = path.join(folder, `d${String(d).padStart(3, '0')}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(dir, `f${String(i).padStart(3, '0')}.txt`), 'x');
    }
    const m = await measured(() =>
      vscode.commands.executeCommand<LedgerEntry[]>('ossPresign.presignPut', vscode.Uri.file(folder!), {
        profileId: PROFILE_ID,
        bucket: env!.bucket,
        headerSet: 'Default (Content-Type only)',
        expirySeconds: 900,
        copyFormat: 'url',
      }),
    );
    // A folder's clipboard pairs each URL with the headers its uploader must send: "# key", the URL, one header a line.
    const blocks = (await vscode.env.clipboard.readText()).split('\n\n').filter(Boolean);
    const urls = blocks.map((block) => block.split('\n')[1] ?? '');
    assert.ok(
      blocks.every((block) => /^# .+\n\S+\nContent-Type: text\/plain(\n|$)/.test(block)),
      'each block names its key, its URL and the Content-Type to send',
    );
    console.log(
      `load: presigned ${urls.length} URLs for a folder in ${m.ms} ms; longest event-loop stall ${m.maxStallMs} ms; RSS ${m.startRssMiB} -> peak ${m.peakRssMiB} MiB`,
    );
    assert.equal(urls.length, FILES, 'one URL per file on the clipboard');
    assert.equal(new Set(urls.map((u) => u.split('?')[0])).size, FILES, 'every file got its own object URL');
    assert.ok(urls.every((u) => u.includes('X-Amz-Signature=')));
    const ledger = hooks.context.globalState.get<unknown[]>('ossPresign.ledger') ?? [];
    assert.ok(ledger.length <= 200, `the ledger keeps at most 200 entries, not ${ledger.length}`);
    assert.ok(m.result && m.result.length > 0, 'the command returned the ledger entries it kept');
  });

  test(`the Buckets view pages through a ${OBJECTS}-object bucket with Load More`, async function () {
    this.timeout(900_000);
    const existing = await api.listObjects({ ...conn(), bucket: BIG_BUCKET, maxKeys: 1 }).catch(() => undefined);
    const countAll = async () => {
      let n = 0;
      let token: string | undefined;
      do {
        const page = await api.listObjects({ ...conn(), bucket: BIG_BUCKET, maxKeys: 1000, continuationToken: token });
        n += page.objects.length;
        token = page.nextToken;
      } while (token);
      return n;
    };
    if (!existing || (await countAll()) !== OBJECTS) {
      if (!existing) await api.drain(await api.sendSigned(conn(), { method: 'PUT', bucket: BIG_BUCKET }));
      const started = Date.now();
      let next = 0;
      const worker = async () => {
        while (next < OBJECTS) {
          const key = `k${String(next++).padStart(6, '0')}`;
          await api.drain(
            await api.sendSigned(conn(), { method: 'PUT', bucket: BIG_BUCKET, key, body: 'x', contentLength: 1 }),
          );
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      console.log(`load: created ${OBJECTS} objects in ${Date.now() - started} ms`);
    }
    await vscode.workspace.getConfiguration('ossPresign').update('pageSize', 1000, vscode.ConfigurationTarget.Global);
    const profile = (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === PROFILE_ID)!;
    const bucket = (await hooks.tree.getChildren(profile)).find((n) => n.kind === 'bucket' && n.bucket === BIG_BUCKET)!;
    assert.ok(bucket, `${BIG_BUCKET} is not under the profile`);
    const m = await measured(async () => {
      let children = await hooks.tree.getChildren(bucket);
      let pages = 1;
      while (children.at(-1)?.kind === 'loadMore') {
        await vscode.commands.executeCommand('ossPresign.loadMore', children.at(-1));
        children = await hooks.tree.getChildren(bucket);
        pages++;
      }
      return { children, pages };
    });
    const keys = m.result.children.filter((n) => n.kind === 'object').map((n) => n.key);
    console.log(
      `load: listed ${keys.length} objects in ${m.result.pages} pages in ${m.ms} ms; longest event-loop stall ${m.maxStallMs} ms; RSS ${m.startRssMiB} -> peak ${m.peakRssMiB} MiB`,
    );
    assert.equal(keys.length, OBJECTS);
    assert.equal(new Set(keys).size, OBJECTS, 'each object listed exactly once');
    assert.ok(m.result.pages >= OBJECTS / 1000, `${m.result.pages} pages of at most 1000`);
  });
});
