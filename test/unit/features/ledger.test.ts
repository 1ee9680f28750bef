// src/features/ledger: the Presigned URLs view's commands over a real LedgerStore (fake global state and secrets).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../../src/app/ledger';
import { createHarness, manifest, profile, type Harness } from '../fakes/services';

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
    // The new row replaces the old one, URL included: one row per upload, not two with the same name.
    assert.deepEqual(storedIds(), [issued.id]);
    assert.equal(h.secrets.has(URL_KEY('old')), false);
    const url = new URL(h.secrets.get(URL_KEY(issued.id)) ?? '');
    assert.equal(url.pathname, '/bkt/reports/r.txt');
    assert.equal(url.searchParams.get('X-Amz-Expires'), '600');
  });

  it('Re-issue refuses a PUT entry that names no local file', async () => {
    await h.setProfiles([profile('p')]);
    await assert.rejects(
      Promise.resolve(run('ossPresign.reissue', entry('x', new Date()))),
      (err: Error & { code?: string }) => err.code === 'NoFile',
    );
  });

  it('Re-issue of an entry whose profile was removed asks which profile signs, by name, and signs with it', async () => {
    const filePath = join(h.dir, 'a.txt');
    writeFileSync(filePath, 'a');
    await h.setProfiles([profile('one'), profile('two')]);
    const old = entry('old', new Date(Date.now() - HOUR), { profileId: 'removed-long-ago', filePath });
    await seed(old);
    h.fake.answers.quickPicks.push('Profile two');
    const [issued] = (await run('ossPresign.reissue', old)) as LedgerEntry[];
    const [pick] = h.spy.picks;
    assert.deepEqual(pick?.labels, ['Profile one', 'Profile two']);
    assert.match(pick?.placeHolder ?? '', /was removed: which profile signs/);
    assert.doesNotMatch(JSON.stringify(pick), /removed-long-ago/);
    assert.equal(issued.profileId, 'two');
    assert.deepEqual(storedIds(), [issued.id]);
  });

  it('Re-issue of a POST form signs a new form with the same key prefix, limits and expiry, and replaces the row', async () => {
    await h.setProfiles([profile('p', { buckets: ['bkt'] })]);
    const old = entry('form', new Date(Date.now() - HOUR), {
      method: 'POST',
      key: 'drop/${filename}',
      headerSet: 'POST form',
      headers: {},
      expirySeconds: 1800,
      post: { maxBytes: 10 * 1024 * 1024, keyPrefix: 'drop/', contentTypePrefix: 'image/' },
    });
    await seed(old);
    const [issued] = (await run('ossPresign.reissue', old)) as LedgerEntry[];
    assert.deepEqual(h.fake.record.questions, []);
    assert.deepEqual(
      [issued.method, issued.key, issued.bucket, issued.expirySeconds, issued.post],
      ['POST', 'drop/${filename}', 'bkt', 1800, old.post],
    );
    assert.deepEqual(storedIds(), [issued.id]);
    const form = JSON.parse(h.secrets.get(URL_KEY(issued.id)) ?? '{}') as { fields?: Record<string, string> };
    assert.equal(form.fields?.key, 'drop/${filename}');
    const policy = JSON.parse(Buffer.from(form.fields?.Policy ?? '', 'base64').toString()) as {
      conditions: unknown[];
    };
    assert.deepEqual(
      policy.conditions.filter(
        (c) => Array.isArray(c) && (c[0] === 'content-length-range' || c[1] === '$Content-Type'),
      ),
      [
        ['content-length-range', 0, 10 * 1024 * 1024],
        ['starts-with', '$Content-Type', 'image/'],
      ],
    );
  });

  it('a row shows the countdown before the key, and its tooltip the profile by name and times in one format', async () => {
    await h.setProfiles([profile('p')]);
    let tree: vscode.TreeDataProvider<LedgerEntry> | undefined;
    const window = h.fake.vscode.window as unknown as typeof vscode.window;
    const createTreeView = window.createTreeView;
    window.createTreeView = (id, options) => {
      tree = (options as { treeDataProvider: vscode.TreeDataProvider<LedgerEntry> }).treeDataProvider;
      return createTreeView(id, options);
    };
    const { createLedgerView } = h.load<typeof import('../../../src/features/ledger/view')>('features/ledger/view.js');
    createLedgerView(h.services());
    const long = entry('long', new Date(Date.now() + 2 * HOUR - 1000), {
      key: 'uploads/2026/a rather long folder name/and an even longer file name.txt',
    });
    const item = await tree!.getTreeItem(long);
    assert.match(String(item.label), /^2 h left · uploads\/2026\//);
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /Profile: Profile p · header set: Default \(Content-Type only\)/);
    assert.doesNotMatch(tooltip, /\d{4}-\d\d-\d\dT\d\d:/, 'an ISO timestamp in the tooltip');
    assert.match(tooltip, /Works until \d{4}-\d\d-\d\d \d\d:\d\d \(expires in 2 h\)/);
  });

  it('an expired row offers Re-issue first: its only inline action and the top of its context menu', () => {
    const menu = (
      manifest.contributes as unknown as { menus: Record<string, { command: string; when?: string; group?: string }[]> }
    ).menus['view/item/context'];
    /** The `when` clauses of this menu for a ledger row with `viewItem` (the forms package.json uses). */
    const shows = (when: string | undefined, viewItem: string) =>
      (when ?? '').split('&&').every((clause) => {
        const c = clause.trim();
        if (c === 'view == ossPresign.ledger') return true;
        const eq = /^viewItem == (\S+)$/.exec(c);
        if (eq) return eq[1] === viewItem;
        const re = /^viewItem =~ \/(.+)\/$/.exec(c);
        return re ? new RegExp(re[1]).test(viewItem) : false;
      }) && (when ?? '').includes('view == ossPresign.ledger');
    /** Commands in the order VS Code shows them: by group, then by the number after `@`. */
    const ordered = (viewItem: string, inline: boolean) =>
      menu
        .filter((m) => shows(m.when, viewItem) && (m.group ?? '').startsWith('inline') === inline)
        .map((m) => {
          const [group, order] = (m.group ?? '').split('@');
          return { command: m.command, group, order: Number(order ?? 0) };
        })
        .sort((a, b) => a.group.localeCompare(b.group) || a.order - b.order)
        .map((m) => m.command);
    assert.deepEqual(ordered('ledgerExpired', true), ['ossPresign.reissue']);
    assert.equal(ordered('ledgerExpired', false)[0], 'ossPresign.reissue');
    // A live row still copies first.
    assert.equal(ordered('ledgerEntry', true)[0], 'ossPresign.copyUrl');
    assert.equal(ordered('ledgerEntry', false)[0], 'ossPresign.copyUrl');
  });
});
