// src/features/profiles: Remove Profile and Set Secret over the real ProfileStore (fake settings and secrets).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, profile, type Harness } from '../fakes/services';

type ProfileCommands = typeof import('../../../src/features/profiles/commands');

describe('profile commands', () => {
  let h: Harness;
  const run = (id: string, ...args: unknown[]) => {
    const { profileCommands } = h.load<ProfileCommands>('features/profiles/commands.js');
    return profileCommands(h.services())
      .find((c) => c.id === id)!
      .run(...args);
  };
  const savedIds = () => (h.fake.settings.get('ossPresign.profiles') as { id: string }[]).map((p) => p.id);

  beforeEach(async () => {
    h = createHarness();
    await h.setProfiles([profile('keep'), profile('gone')]);
    h.secrets.set('ossPresign.profile.gone.token', 'sts-token');
  });
  afterEach(() => h.dispose());

  it('Remove asks in a modal naming the profile, then removes it from settings and deletes its secret and token', async () => {
    h.fake.answers.messages.push('Remove');
    await run('ossPresign.removeProfile', { profileId: 'gone' });
    assert.deepEqual(
      h.spy.messages.map((m) => [m.level, m.text, m.options?.modal]),
      [['warning', 'Remove profile "Profile gone"?', true]],
    );
    assert.deepEqual(savedIds(), ['keep']);
    assert.deepEqual([...h.secrets.keys()], ['ossPresign.profile.keep.secret']);
    assert.deepEqual(
      h
        .services()
        .profiles.list()
        .map((p) => p.id),
      ['keep'],
    );
  });

  it('Remove keeps the profile and its secrets when the modal is dismissed', async () => {
    h.fake.answers.messages.push(undefined);
    await run('ossPresign.removeProfile', { profileId: 'gone' });
    assert.deepEqual(savedIds(), ['keep', 'gone']);
    assert.equal(h.secrets.get('ossPresign.profile.gone.secret'), 'test-secret');
    assert.equal(h.secrets.get('ossPresign.profile.gone.token'), 'sts-token');
  });

  it('Remove from the palette asks which profile first', async () => {
    h.fake.answers.quickPicks.push('Profile keep');
    h.fake.answers.messages.push('Remove');
    await run('ossPresign.removeProfile');
    assert.deepEqual(h.fake.record.questions, ['Remove Profile: profile']);
    assert.deepEqual(savedIds(), ['gone']);
  });

  it('Set Secret stores the secret (password input) and replaces the old token, keeping both out of settings', async () => {
    h.fake.answers.inputBoxes.push('new-secret', '');
    await run('ossPresign.setSecret', { profileId: 'gone' });
    assert.equal(h.secrets.get('ossPresign.profile.gone.secret'), 'new-secret');
    assert.equal(h.secrets.has('ossPresign.profile.gone.token'), false);
    assert.deepEqual(
      h.spy.inputs.map((i) => i.password),
      [true, true],
    );
    assert.ok(!JSON.stringify([...h.fake.settings]).includes('new-secret'));
    assert.equal((await h.services().profiles.connection('gone')).accessKeySecret, 'new-secret');
  });
});
