// The "Get Started with OSS Presign" walkthrough (package.json contributes.walkthroughs): a step for the Presigned
// URLs view and one for the doctor, each page on disk, and steps that tick when their work is already done, through
// context keys the extension really sets (the ledger view sets them at activation and on every change).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerEntry } from '../../../src/app/ledger';
import { Contexts } from '../../../src/vscode/ids';
import { createHarness, profile, ROOT, type Harness } from '../fakes/services';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { walkthroughs: { id: string; steps: Step[] }[]; commands: { command: string }[] };
};
const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const steps = pkg.contributes.walkthroughs.find((w) => w.id === 'ossPresign.gettingStarted')!.steps;
const step = (name: string) => steps.find((s) => s.id === `ossPresign.gettingStarted.${name}`);
const text = (value: string) => nls[value.replace(/^%|%$/g, '')] ?? value;

describe('walkthrough', () => {
  it('has steps, in this order, for a profile, a presigned URL, the Presigned URLs view, an upload and the doctor', () => {
    assert.deepEqual(
      steps.map((s) => s.id.replace('ossPresign.gettingStarted.', '')),
      ['addProfile', 'presignPut', 'ledger', 'uploadFile', 'diagnose'],
    );
  });

  it('the ledger step shows the view and ticks when it is opened', () => {
    const ledger = step('ledger')!;
    assert.match(text(ledger.description), /\(command:ossPresign\.ledger\.focus\)/);
    assert.ok(ledger.completionEvents?.includes('onView:ossPresign.ledger'));
    const page = readFileSync(join(ROOT, ledger.media.markdown!), 'utf8');
    assert.match(page, /countdown/);
    assert.match(page, /Re-issue/);
  });

  it("the doctor step points at the sandbox's broken example", () => {
    const diagnose = step('diagnose')!;
    assert.match(text(diagnose.description), /try-the-doctor\.md/);
    assert.match(readFileSync(join(ROOT, diagnose.media.markdown!), 'utf8'), /try-the-doctor\.md/);
  });

  it('every step has its page, and completes on commands that exist and contexts the extension sets', () => {
    const commands = new Set(pkg.contributes.commands.map((c) => c.command));
    const contexts = new Set<string>(Object.values(Contexts));
    for (const s of steps) {
      assert.ok(s.media.markdown && existsSync(join(ROOT, s.media.markdown)), `${s.id}: no page`);
      assert.ok(s.completionEvents?.length, `${s.id}: never completes`);
      for (const event of s.completionEvents ?? []) {
        const [kind, what] = event.split(/:(.*)/s);
        if (kind === 'onCommand') assert.ok(commands.has(what), `${s.id}: no command ${what}`);
        else if (kind === 'onContext') assert.ok(contexts.has(what), `${s.id}: the extension never sets ${what}`);
        else assert.equal(kind, 'onView', `${s.id}: ${event}`);
      }
    }
    // Done before: a profile exists, a URL was presigned.
    assert.ok(step('addProfile')!.completionEvents!.includes(`onContext:${Contexts.hasProfiles}`));
    assert.ok(step('presignPut')!.completionEvents!.includes(`onContext:${Contexts.hasPresignedUrls}`));
    // Every command that presigns a PUT ticks it (the keybinding runs Copy Presigned URL).
    for (const command of ['presignPut', 'presignPutLast', 'copyUrl', 'copyCurl', 'copyFetch'])
      assert.ok(step('presignPut')!.completionEvents!.includes(`onCommand:ossPresign.${command}`), command);
  });
});

describe('walkthrough context keys', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.dispose());

  it('are set at activation from what exists, and follow profiles and the ledger', async () => {
    await h.setProfiles([profile('p')]);
    const { createLedgerView } = h.load<typeof import('../../../src/features/ledger/view')>('features/ledger/view.js');
    createLedgerView(h.services());
    const contexts = h.fake.record.contexts;
    assert.equal(contexts[Contexts.hasProfiles], true);
    assert.equal(contexts[Contexts.hasPresignedUrls], false);
    const entry: LedgerEntry = {
      id: 'e',
      profileId: 'p',
      provider: 's3',
      bucket: 'b',
      key: 'k',
      method: 'PUT',
      headerSet: 'Default',
      headers: {},
      expirySeconds: 60,
      createdAt: new Date().toISOString(),
      urlExpiresAt: new Date(Date.now() + 60_000).toISOString(),
      effectiveExpiresAt: new Date(Date.now() + 60_000).toISOString(),
      location: 'http://127.0.0.1:9/b/k',
    };
    await h.services().ledger.add(entry, 'http://127.0.0.1:9/b/k?X-Amz-Signature=x');
    assert.equal(contexts[Contexts.hasPresignedUrls], true);
    await h.setProfiles([]);
    assert.equal(contexts[Contexts.hasProfiles], false);
  });
});
