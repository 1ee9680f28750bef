// The command tables of src/features/*/commands.ts, built from the Services that activate() builds (over the
// fake vscode): together they are exactly the commands package.json contributes.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExtensionMode } from '../fakes/vscode';
import { createHarness, manifest, type Harness } from '../fakes/services';

type Command = import('../../../src/vscode/commands').Command;

/** Every feature's table, as activate() builds them. */
function allTables(h: Harness): Record<string, Command[]> {
  const services = h.services();
  const { createBucketsView } = h.load<typeof import('../../../src/features/buckets/view')>('features/buckets/view.js');
  const { createLedgerView } = h.load<typeof import('../../../src/features/ledger/view')>('features/ledger/view.js');
  const { UploadStatusBar } =
    h.load<typeof import('../../../src/features/upload/statusBar')>('features/upload/statusBar.js');
  const uploads = new UploadStatusBar();
  h.context.subscriptions.push(uploads);
  const buckets = createBucketsView(services, uploads);
  return {
    profiles: h
      .load<typeof import('../../../src/features/profiles/commands')>('features/profiles/commands.js')
      .profileCommands(services),
    buckets: h
      .load<typeof import('../../../src/features/buckets/commands')>('features/buckets/commands.js')
      .bucketCommands(services, buckets.tree, buckets.dropController),
    presign: h
      .load<typeof import('../../../src/features/presign/commands')>('features/presign/commands.js')
      .presignCommands(services),
    upload: h
      .load<typeof import('../../../src/features/upload/commands')>('features/upload/commands.js')
      .uploadCommands(services, uploads),
    ledger: h
      .load<typeof import('../../../src/features/ledger/commands')>('features/ledger/commands.js')
      .ledgerCommands(services, createLedgerView(services)),
    doctor: h
      .load<typeof import('../../../src/features/doctor/commands')>('features/doctor/commands.js')
      .doctorCommands(services),
  };
}

describe('feature command tables', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  it('use every command id once across all tables', () => {
    h = createHarness();
    const byId = new Map<string, string[]>();
    for (const [feature, table] of Object.entries(allTables(h)))
      for (const { id } of table) byId.set(id, [...(byId.get(id) ?? []), feature]);
    assert.deepEqual(
      [...byId].filter(([, features]) => features.length > 1),
      [],
      'ids in more than one entry',
    );
  });

  it('are exactly the commands package.json contributes (in Production mode)', () => {
    h = createHarness();
    const registered = Object.values(allTables(h))
      .flat()
      .map((c) => c.id)
      .sort();
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(
      registered.filter((id) => !contributed.includes(id)),
      [],
      'in a table but not contributed',
    );
    assert.deepEqual(
      contributed.filter((id) => !registered.includes(id)),
      [],
      'contributed but in no table',
    );
  });

  it('add the internal test hooks command ("_" prefix, not contributed) only when VS Code runs the extension\'s tests', () => {
    h = createHarness({ extensionMode: ExtensionMode.Test });
    const extra = Object.values(allTables(h))
      .flat()
      .map((c) => c.id)
      .filter((id) => !manifest.contributes.commands.some((c) => c.command === id));
    assert.deepEqual(extra, ['_ossPresign.testHooks']);
  });
});
