// src/vscode/prompts.ts: the questions every feature asks (profile, bucket, expiry, object keys), against the fake
// vscode; ListBuckets goes to a loopback server.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { asUri, createHarness, profile, type Harness } from '../fakes/services';

type Prompts = typeof import('../../../src/vscode/prompts');
type Core = typeof import('../../../src/core/index');

/** A loopback S3 endpoint whose answer to every request the test sets. */
function s3Endpoint() {
  let answer = { status: 200, body: '' };
  const server: Server = createServer(
    (_req, res) => void res.writeHead(answer.status, { 'Content-Type': 'application/xml' }).end(answer.body),
  );
  return {
    answer: (status: number, body: string) => void (answer = { status, body }),
    start: async () => {
      server.listen(0, '127.0.0.1');
      await new Promise((done) => server.once('listening', done));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

const ACCESS_DENIED =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r1</RequestId></Error>';
const ONE_BUCKET =
  '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets><Bucket><Name>only-bucket</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>';

describe('prompts', () => {
  const server = s3Endpoint();
  let endpoint = '';
  let h: Harness;
  let prompts: Prompts;
  let core: Core;
  const cancelled = (err: unknown) => core.isCancelled(err);

  before(async () => {
    endpoint = await server.start();
  });
  after(() => server.stop());
  beforeEach(() => {
    h = createHarness();
    prompts = h.load<Prompts>('vscode/prompts.js');
    core = h.load<Core>('core/index.js');
  });
  afterEach(() => h.dispose());

  describe('pickProfile', () => {
    it('with no profile offers Add Profile in an error message and cancels', async () => {
      let addProfile: () => void = () => undefined;
      const added = new Promise<void>((done) => (addProfile = done));
      h.fake.vscode.commands.registerCommand('ossPresign.addProfile', () => addProfile());
      h.fake.answers.messages.push('Add Profile');
      await assert.rejects(prompts.pickProfile(h.services().profiles, { title: 'T' }), cancelled);
      assert.deepEqual(
        h.fake.record.messages.map((m) => [m.level, m.items]),
        [['error', ['Add Profile']]],
      );
      await added;
      assert.deepEqual(
        h.fake.record.executed.map((e) => e.id),
        ['ossPresign.addProfile'],
      );
    });

    it('takes the only profile without asking', async () => {
      await h.setProfiles([profile('solo')]);
      const picked = await prompts.pickProfile(h.services().profiles, { title: 'T' });
      assert.equal(picked.id, 'solo');
      assert.deepEqual(h.fake.record.questions, []);
    });

    it('offers several profiles with the preferred one first, returns the one picked and cancels on Escape', async () => {
      await h.setProfiles([profile('a'), profile('b'), profile('c')]);
      h.fake.answers.quickPicks.push('Profile c', undefined);
      const picked = await prompts.pickProfile(h.services().profiles, { title: 'T', preferred: 'b' });
      assert.equal(picked.id, 'c');
      assert.deepEqual(
        h.spy.picks.map((p) => [p.title, p.labels]),
        [['T: profile', ['Profile b', 'Profile a', 'Profile c']]],
      );
      await assert.rejects(prompts.pickProfile(h.services().profiles, { title: 'T' }), cancelled);
    });
  });

  describe('pickBucket', () => {
    it("takes the only bucket of the profile's fixed list without asking or listing", async () => {
      const p = profile('fixed', { buckets: ['only'], endpoint: 'http://127.0.0.1:9' });
      await h.setProfiles([p]);
      assert.equal(await prompts.pickBucket(h.services().profiles, p, { title: 'T', log: h.log }), 'only');
      assert.deepEqual(h.fake.record.questions, []);
    });

    it('offers the fixed list with the preferred bucket first, then typing a name', async () => {
      const p = profile('fixed', { buckets: ['one', 'two', 'three'], endpoint: 'http://127.0.0.1:9' });
      await h.setProfiles([p]);
      h.fake.answers.quickPicks.push('one');
      assert.equal(
        await prompts.pickBucket(h.services().profiles, p, { title: 'T', preferred: 'three', log: h.log }),
        'one',
      );
      assert.deepEqual(h.spy.picks[0].labels, ['three', 'one', 'two', '$(edit) Enter a bucket name...']);
    });

    it('takes the only bucket ListBuckets returns', async () => {
      const p = profile('lister', { endpoint });
      await h.setProfiles([p]);
      server.answer(200, ONE_BUCKET);
      assert.equal(await prompts.pickBucket(h.services().profiles, p, { title: 'T', log: h.log }), 'only-bucket');
      assert.deepEqual(h.fake.record.questions, []);
    });

    it('asks for a name when ListBuckets is denied, with a prompt that says why, and logs a warning', async () => {
      const p = profile('denied', { endpoint });
      await h.setProfiles([p]);
      server.answer(403, ACCESS_DENIED);
      h.fake.answers.inputBoxes.push(' my-bucket ');
      assert.equal(await prompts.pickBucket(h.services().profiles, p, { title: 'T', log: h.log }), 'my-bucket');
      assert.equal(h.spy.inputs.length, 1);
      assert.match(
        h.spy.inputs[0].prompt ?? '',
        /^Bucket of Profile denied \(the buckets could not be listed: .*ListBuckets/,
      );
      assert.equal(h.log.at('warn').length, 1);
    });

    it('validates the typed bucket name', async () => {
      const p = profile('denied', { endpoint });
      await h.setProfiles([p]);
      server.answer(403, ACCESS_DENIED);
      h.fake.answers.inputBoxes.push('good-bucket');
      await prompts.pickBucket(h.services().profiles, p, { title: 'T', log: h.log });
      const validate = h.spy.inputs[0].validateInput!;
      assert.equal(validate('   '), 'Enter the bucket name.');
      assert.match(String(validate('Bad_Bucket!')), /bucket/i);
      assert.equal(validate('good-bucket'), undefined);
    });
  });

  describe('pickExpiry', () => {
    it('offers the presets with the last used one first and returns the seconds of the one picked', async () => {
      h.fake.answers.quickPicks.push('1 day');
      assert.equal(await prompts.pickExpiry({ title: 'T', preferred: 3600 }), 86400);
      const [pick] = h.spy.picks;
      assert.deepEqual(pick.labels, ['1 hour', '15 minutes', '12 hours', '1 day', '7 days', '$(edit) Custom...']);
      assert.equal(pick.descriptions[0], 'last used');
      assert.deepEqual(h.spy.inputs, []);
    });

    it('parses a custom "90m" as 5400 seconds and rejects more than 7 days while typing', async () => {
      h.fake.answers.quickPicks.push('$(edit) Custom...');
      h.fake.answers.inputBoxes.push('90m');
      assert.equal(await prompts.pickExpiry({ title: 'T' }), 5400);
      const validate = h.spy.inputs[0].validateInput!;
      assert.match(String(validate('8d')), /longer than 7 days/);
      assert.equal(validate('90m'), undefined);
    });

    it('cancels when the custom expiry is escaped', async () => {
      h.fake.answers.quickPicks.push('$(edit) Custom...');
      h.fake.answers.inputBoxes.push(undefined);
      await assert.rejects(prompts.pickExpiry({ title: 'T' }), cancelled);
    });
  });

  describe('objectKeys', () => {
    const files = () => {
      mkdirSync(join(h.dir, 'docs'), { recursive: true });
      writeFileSync(join(h.dir, 'docs', 'a.txt'), 'a');
      writeFileSync(join(h.dir, 'b.png'), 'b');
      const now = new Date('2024-05-06T07:08:09Z');
      return [h.file('docs/a.txt'), h.file('b.png')].map((uri) => ({
        vars: prompts.templateVariablesFor(asUri(uri), now),
      }));
    };

    it('returns a fixed key for one file without asking', () => {
      assert.deepEqual(prompts.objectKeys('s3', files().slice(0, 1), { fixedKey: 'fixed/key.txt' }), ['fixed/key.txt']);
      assert.deepEqual(h.fake.record.questions, []);
    });

    it('refuses one fixed key for several files', () => {
      assert.throws(
        () => prompts.objectKeys('s3', files(), { fixedKey: 'k' }),
        (err: Error & { code?: string }) => err.code === 'OneKeyManyFiles',
      );
    });

    it('names the files with the key template below the prefix (paths relative to the workspace folder)', () => {
      assert.deepEqual(prompts.objectKeys('s3', files(), { prefix: 'up/' }), ['up/docs/a.txt', 'up/b.png']);
    });

    it('says which template setting is invalid', () => {
      h.fake.settings.set('ossPresign.keyTemplate', 'x/${nope}');
      assert.throws(
        () => prompts.objectKeys('s3', files(), {}),
        (err: Error) =>
          err.name === 'ConfigError' &&
          err.message.includes('${nope}') &&
          err.message.endsWith('(from the key template "x/${nope}" in ossPresign.keyTemplate)'),
      );
    });

    it('keyTemplateFor says what is wrong with a template: an unknown variable, or a key it makes', () => {
      const template = prompts.keyTemplateFor('s3', files(), 'up/');
      assert.deepEqual(template.expand('x/${fileName}'), ['up/x/a.txt', 'up/x/b.png']);
      assert.match(String(template.problem('${nope}')), /Unknown variable/);
      assert.equal(template.problem('${relativePath}'), undefined);
      assert.equal(typeof template.check('a'.repeat(1100)), 'string');
    });
  });
});
