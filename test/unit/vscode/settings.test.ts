// src/vscode/settings.ts: the extension's settings, typed, with package.json's defaults and bounds.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, manifestDefaults, type Harness } from '../fakes/services';

type Settings = typeof import('../../../src/vscode/settings');

describe('settings', () => {
  let h: Harness;
  let settings: Settings['settings'];

  beforeEach(() => {
    h = createHarness();
    ({ settings } = h.load<Settings>('vscode/settings.js'));
  });
  afterEach(() => h.dispose());

  it("reads package.json's defaults when nothing is set", () => {
    const d = manifestDefaults();
    assert.equal(settings.pageSize(), d['ossPresign.pageSize']);
    assert.equal(settings.keyTemplate(), d['ossPresign.keyTemplate']);
    assert.deepEqual(settings.headerSets(), d['ossPresign.headerSets']);
    assert.equal(settings.copyFormat(), d['ossPresign.copyFormat']);
    assert.equal(settings.multipartThreshold(), d['ossPresign.multipartThreshold']);
    assert.equal(settings.uploadConcurrency(), d['ossPresign.uploadConcurrency']);
    assert.deepEqual(settings.timeouts(), {
      connectMs: Number(d['ossPresign.timeouts.connectSeconds']) * 1000,
      headersMs: Number(d['ossPresign.timeouts.responseSeconds']) * 1000,
      idleBodyMs: Number(d['ossPresign.timeouts.idleSeconds']) * 1000,
    });
    assert.deepEqual(settings.profileEntries(), []);
  });

  it('keeps pageSize a whole number within 1..1000, else the default 200', () => {
    const cases: [unknown, number][] = [
      [1, 1],
      [350, 350],
      [1000, 1000],
      [5000, 1000],
      [0, 200],
      [-3, 200],
      [2.5, 200],
      ['50', 200],
      [null, 200],
    ];
    const got = cases.map(([value]) => {
      h.fake.settings.set('ossPresign.pageSize', value);
      return settings.pageSize();
    });
    assert.deepEqual(
      got,
      cases.map(([, expected]) => expected),
    );
  });

  it('falls back to the default key template when the setting is empty', () => {
    h.fake.settings.set('ossPresign.keyTemplate', '');
    assert.equal(settings.keyTemplate(), '${relativePath}');
    h.fake.settings.set('ossPresign.keyTemplate', 'up/${fileName}');
    assert.equal(settings.keyTemplate(), 'up/${fileName}');
  });

  it('throws a ConfigError naming the setting for malformed header sets', () => {
    h.fake.settings.set('ossPresign.headerSets', [{ name: 'A' }, { name: 'A' }]);
    assert.throws(
      () => settings.headerSets(),
      (err: Error) =>
        err.name === 'ConfigError' && /Two header sets are named "A".*ossPresign\.headerSets/.test(err.message),
    );
  });

  it('takes a timeout below 1 second as the default', () => {
    h.fake.settings.set('ossPresign.timeouts.connectSeconds', 0);
    assert.equal(settings.timeouts().connectMs, 10_000);
  });

  it('falls back to the defaults for timeouts and upload settings that are not whole numbers, and caps them', () => {
    h.fake.settings.set('ossPresign.timeouts.connectSeconds', 'abc');
    h.fake.settings.set('ossPresign.timeouts.idleSeconds', 10_000);
    h.fake.settings.set('ossPresign.uploadConcurrency', 0);
    h.fake.settings.set('ossPresign.multipartThreshold', 1.5);
    assert.deepEqual([settings.timeouts().connectMs, settings.timeouts().idleBodyMs], [10_000, 3_600_000]);
    assert.equal(settings.uploadConcurrency(), 4);
    assert.equal(settings.multipartThreshold(), 64 * 1024 * 1024);
  });

  it('writes profile entries to the user settings, and recognises a change to them', async () => {
    const changes: boolean[] = [];
    h.fake.vscode.workspace.onDidChangeConfiguration((e) => changes.push(settings.affects(e as never, 'profiles')));
    await settings.writeProfileEntries([{ id: 'x' }]);
    assert.deepEqual(h.fake.settings.get('ossPresign.profiles'), [{ id: 'x' }]);
    assert.deepEqual(settings.profileEntries(), [{ id: 'x' }]);
    assert.deepEqual(changes, [true]);
    h.fake.settings.set('ossPresign.profiles', 'not a list');
    assert.deepEqual(settings.profileEntries(), []);
  });
});
