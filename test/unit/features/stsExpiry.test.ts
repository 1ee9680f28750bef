// STS tokens expire: Set Secret stores the token's expiry in the profile (`tokenExpiresAt`), a URL presigned with
// the token is recorded as ending when the token does, with the reason in the Presigned URLs view, and a token of
// unknown expiry gets a warning that names the field and the command that set it.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../../src/app/ledger';
import type { Profile } from '../../../src/app/profiles';
import { createHarness, profile, type Harness } from '../fakes/services';

const MINUTE = 60_000;
const OPTIONS = {
  profileId: 'p',
  bucket: 'bkt',
  headerSet: 'Default (Content-Type only)',
  expirySeconds: 3600,
  key: 'k/one.txt',
  copyFormat: 'url',
};

describe('STS token expiry', () => {
  let h: Harness;
  const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
  const warnings = () => h.fake.record.messages.filter((m) => m.level === 'warning').map((m) => m.text);
  const saved = () => (h.fake.settings.get('ossPresign.profiles') as Profile[])[0];
  const withToken = async (extra: Partial<Profile>) => {
    await h.setProfiles([profile('p', { buckets: ['bkt'], ...extra })]);
    h.secrets.set('ossPresign.profile.p.token', 'sts-token');
  };
  const presign = async () => {
    writeFileSync(join(h.dir, 'one.txt'), 'one');
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut', h.file('one.txt'), OPTIONS);
    assert.deepEqual(h.log.at('error'), []);
    return entry;
  };
  /** The Presigned URLs view's row of an entry: its description and tooltip. */
  const ledgerRow = async (entry: LedgerEntry) => {
    const window = h.fake.vscode.window as unknown as typeof vscode.window;
    let tree: vscode.TreeDataProvider<LedgerEntry> | undefined;
    const createTreeView = window.createTreeView;
    window.createTreeView = (id, options) => {
      tree = (options as { treeDataProvider: vscode.TreeDataProvider<LedgerEntry> }).treeDataProvider;
      return createTreeView(id, options);
    };
    const { createLedgerView } = h.load<typeof import('../../../src/features/ledger/view')>('features/ledger/view.js');
    createLedgerView(h.services());
    const item = await tree!.getTreeItem(entry);
    return {
      label: String(item.label),
      description: String(item.description),
      tooltip: (item.tooltip as vscode.MarkdownString).value,
    };
  };

  beforeEach(() => {
    h = createHarness();
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../../src/features/presign/commands')>('features/presign/commands.js');
    const { profileCommands } = h.load<typeof import('../../../src/features/profiles/commands')>(
      'features/profiles/commands.js',
    );
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, [
      ...presignCommands(h.services()),
      ...profileCommands(h.services()),
    ]);
  });
  afterEach(() => h.dispose());

  it('records a URL signed with a token that expires first as ending with the token, and says why', async () => {
    const tokenExpiresAt = new Date(Date.now() + 20 * MINUTE).toISOString();
    await withToken({ tokenExpiresAt });
    const entry = await presign();
    assert.equal(entry.effectiveExpiresAt, tokenExpiresAt);
    assert.ok(Date.parse(entry.urlExpiresAt) > Date.parse(tokenExpiresAt));
    assert.equal(entry.tokenExpiryUnknown, undefined);
    const [warning] = warnings();
    assert.match(warning ?? '', /The STS token expires at .* \(the profile's tokenExpiresAt\), before the URL/);
    const row = await ledgerRow(entry);
    assert.match(row.label, /^20 min left · /);
    assert.match(row.description, /^bkt \(STS token\) · /);
    // Times as the ledger writes them: local YYYY-MM-DD HH:mm.
    const { formatLocalTime } = h.load<typeof import('../../../src/app/ledger')>('app/ledger.js');
    assert.ok(
      row.tooltip.includes(
        `Works until ${formatLocalTime(new Date(tokenExpiresAt))} (expires in 20 min): the STS token expires then (the profile's tokenExpiresAt), before the URL itself (the URL says ${formatLocalTime(new Date(entry.urlExpiresAt))})`,
      ),
      row.tooltip,
    );
  });

  it('keeps the URL expiry when the token outlives it', async () => {
    await withToken({ tokenExpiresAt: new Date(Date.now() + 300 * MINUTE).toISOString() });
    const entry = await presign();
    assert.equal(entry.effectiveExpiresAt, entry.urlExpiresAt);
    assert.deepEqual(warnings(), []);
    assert.match((await ledgerRow(entry)).tooltip, /Works until .*: the URL's own expiry\n/);
  });

  it('names the real field and the Set Secret step when the token expiry is unknown', async () => {
    await withToken({});
    const entry = await presign();
    assert.equal(entry.tokenExpiryUnknown, true);
    const [warning] = warnings();
    assert.match(warning ?? '', /STS token whose expiry is unknown/);
    assert.match(warning ?? '', /"OSS Presign: Set Secret"/);
    assert.match(warning ?? '', /"tokenExpiresAt" \(ISO 8601/);
    assert.match(warning ?? '', /"ossPresign\.profiles"/);
    assert.match((await ledgerRow(entry)).description, /\(or earlier: STS token\)/);
  });

  it('Set Secret asks when an entered token expires and stores it in the profile; a key without a token clears it', async () => {
    await h.setProfiles([profile('p')]);
    h.fake.answers.inputBoxes.push('new-secret', 'new-token', '2030-05-01T20:00:00+08:00');
    await execute('ossPresign.setSecret', { profileId: 'p' });
    assert.equal(h.spy.inputs[2]?.prompt, 'When does the token expire? (ISO 8601, optional)');
    assert.equal(saved().tokenExpiresAt, '2030-05-01T12:00:00.000Z');
    assert.equal(h.secrets.get('ossPresign.profile.p.token'), 'new-token');
    // The token must not end up in settings, only its expiry.
    assert.ok(!JSON.stringify([...h.fake.settings]).includes('new-token'));

    h.fake.answers.inputBoxes.push('permanent-secret', '');
    await execute('ossPresign.setSecret', { profileId: 'p' });
    assert.equal(h.spy.inputs.length, 5, 'no expiry question without a token');
    assert.equal('tokenExpiresAt' in saved(), false);
  });

  it('Set Secret rejects an expiry that is not ISO 8601 with a zone, or has passed', async () => {
    await h.setProfiles([profile('p')]);
    h.fake.answers.inputBoxes.push('s', 't', '');
    await execute('ossPresign.setSecret', { profileId: 'p' });
    const validate = h.spy.inputs[2]!.validateInput!;
    assert.equal(validate(''), undefined);
    assert.equal(validate('2030-05-01T12:00:00Z'), undefined);
    assert.match(String(validate('tomorrow')), /ISO 8601 with a zone, e\.g\. 2026-05-01T12:00:00Z/);
    assert.match(String(validate('2030-05-01T12:00:00')), /ISO 8601 with a zone/);
    assert.match(String(validate('2020-05-01T12:00:00Z')), /has passed/);
    assert.equal('tokenExpiresAt' in saved(), false);
  });
});
