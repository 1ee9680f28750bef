// src/features/ledger: the Presigned URLs view's commands over a real LedgerStore (fake global state and secrets).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../../src/app/ledger';
import { createHarness, profile, type Harness } from '../fakes/services';

type LedgerCommands = typeof import('../../../src/features/ledger/commands');

const HOUR = 3600_000;
const URL_KEY = (id: string) => `ossPresign.ledger.${id}.url`;

function entry(id: string, expiresAt: Date, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id,
    profileId: 'p',
    provider: 's3',
    bucket: 'bkt',
    key: `${id}.txt`,
    method: 'PUT',
    headerSet: 'Default (Content-Type only)',
    headers: { 'Content-Type': 'text/plain' },
    expirySeconds: 3600,
    createdAt: new Date(expiresAt.getTime() - HOUR).toISOString(),
    urlExpiresAt: expiresAt.toISOString(),
    effectiveExpiresAt: expiresAt.toISOString(),
    location: `http://127.0.0.1:9/bkt/${id}.txt`,
    ...extra,
  };
}

describe('ledger commands', () => {
  let h: Harness;
  const selection: LedgerEntry[] = [];
  /** Runs a command of the ledger table (the view is a stand-in whose selection the test sets). */
  const run = (id: string, ...args: unknown[]) => {
    const { ledgerCommands } = h.load<LedgerCommands>('features/ledger/commands.js');
    const table = ledgerCommands(h.services(), { selection } as unknown as vscode.TreeView<LedgerEntry>);
    return table.find((c) => c.id === id)!.run(...args);
  };
  const storedIds = () =>
    h.state.has('ossPresign.ledger')
      ? (JSON.parse(h.state.get('ossPresign.ledger')!) as LedgerEntry[]).map((e) => e.id)
      : [];
  const seed = async (...entries: LedgerEntry[]) => {
    await h.services().ledger.addMany(entries.map((e) => ({ entry: e, url: `${e.location}?X-Amz-Signature=${e.id}` })));
  };

  beforeEach(() => {
    h = createHarness();
    selection.length = 0;
  });
  afterEach(() => h.dispose());

  it('Remove acts on the whole multi-selection: the entries leave global state and their URLs secret storage', async () => {
    const later = new Date(Date.now() + HOUR);
    const [a, b, c] = [entry('a', later), entry('b', later), entry('c', later)];
    await seed(a, b, c);
    await run('ossPresign.removeLedgerEntry', a, [a, c]);
    assert.deepEqual(storedIds(), ['b']);
    assert.deepEqual([...h.secrets.keys()].sort(), [URL_KEY('b')]);
    assert.deepEqual(h.log.at('info'), ['[ledger] removed 2 URL(s)']);
  });

  it("Remove from the palette (no arguments) acts on the view's selection", async () => {
    const later = new Date(Date.now() + HOUR);
    const [a, b] = [entry('a', later), entry('b', later)];
    await seed(a, b);
    selection.push(b);
    await run('ossPresign.removeLedgerEntry');
    assert.deepEqual(storedIds(), ['a']);
  });

  it('Clear Expired removes only the expired entries (and their URLs) and returns how many', async () => {
    const now = Date.now();
    await seed(
      entry('old', new Date(now - HOUR)),
      entry('fresh', new Date(now + HOUR)),
      entry('older', new Date(now - 2 * HOUR)),
    );
    assert.equal(await run('ossPresign.clearExpired'), 2);
    assert.deepEqual(storedIds(), ['fresh']);
    assert.deepEqual([...h.secrets.keys()], [URL_KEY('fresh')]);
  });

  it("Re-issue signs a fresh URL for the entry's file, key and choices without asking, and records it", async () => {
    const filePath = join(h.dir, 'report.txt');
    writeFileSync(filePath, 'report');
    await h.setProfiles([profile('p')]);
    const old = entry('old', new Date(Date.now() - HOUR), { key: 'reports/r.txt', filePath, expirySeconds: 600 });
    await seed(old);
    const [issued] = (await run('ossPresign.reissue', old)) as LedgerEntry[];
    assert.deepEqual(h.fake.record.questions, []);
    assert.deepEqual(
      [issued.key, issued.bucket, issued.headerSet, issued.expirySeconds, issued.filePath],
      ['reports/r.txt', 'bkt', old.headerSet, 600, filePath],
    );
    assert.notEqual(issued.id, old.id);
    assert.deepEqual(storedIds(), [issued.id, 'old']);
    const url = new URL(h.secrets.get(URL_KEY(issued.id)) ?? '');
    assert.equal(url.pathname, '/bkt/reports/r.txt');
    assert.equal(url.searchParams.get('X-Amz-Expires'), '600');
  });

  it('Re-issue refuses an entry that names no local file', async () => {
    await assert.rejects(
      Promise.resolve(run('ossPresign.reissue', entry('x', new Date()))),
      (err: Error & { code?: string }) => err.code === 'NoFile',
    );
  });
});
