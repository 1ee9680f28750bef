// src/features/presign/postForm.ts: "Presign POST Form..." through the kit's guard, over the fake vscode and the real
// stores: what each format puts on the clipboard, what the ledger keeps where (the form's fields only in secret
// storage), the questions and their defaults, and Copy as ... on a POST entry. Signing is local: nothing is sent.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../../src/app/ledger';
import { createHarness, profile, type Harness } from '../fakes/services';

const MB = 1024 * 1024;
const OPTIONS = {
  profileId: 'p',
  bucket: 'bkt',
  keyPrefix: 'uploads/',
  maxBytes: 10 * MB,
  contentTypePrefix: 'image/',
  expirySeconds: 600,
};

describe('Presign POST Form', () => {
  let h: Harness;
  const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
  const clipboard = () => h.fake.vscode.env.clipboard.readText();
  const ledgerState = () => h.state.get('ossPresign.ledger') ?? '';
  const storedForm = (entry: LedgerEntry) =>
    JSON.parse(h.secrets.get(`ossPresign.ledger.${entry.id}.url`) ?? 'null') as {
      url: string;
      fields: Record<string, string>;
    };

  beforeEach(async () => {
    h = createHarness();
    await h.setProfiles([profile('p', { buckets: ['bkt'] })]);
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../../src/features/presign/commands')>('features/presign/commands.js');
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, presignCommands(h.services()));
  });
  afterEach(() => h.dispose());

  for (const [format, looksLike] of [
    ['form', /^<!-- Presigned POST upload[^]*<form action="http:\/\/127\.0\.0\.1:9\/bkt\/" method="post"/],
    // The policy leaves the exact type to the uploader: the command sets one of the family, with a comment.
    ['curl', /^# Set Content-Type[^\n]*\ncurl --fail-with-body \\\n {2}--form-string 'key=uploads\/\$\{filename\}'/],
    [
      'fetch',
      /^\/\/ Presigned POST[^]*const form = new FormData\(\);\n {2}form\.append\("key", "uploads\/\$\{filename\}"\);/,
    ],
  ] as const) {
    it(`with an options object asks nothing and copies the form as ${format}, its fields only in secret storage`, async () => {
      const entry = await execute<LedgerEntry>('ossPresign.presignPost', undefined, { ...OPTIONS, format });
      assert.deepEqual(h.log.at('error'), []);
      assert.deepEqual(h.fake.record.questions, []);
      const copied = await clipboard();
      assert.match(copied, looksLike);

      // The ledger entry: metadata in global state, the form (URL and every field) in secret storage.
      const form = storedForm(entry);
      assert.equal(form.url, 'http://127.0.0.1:9/bkt/');
      assert.match(form.fields['X-Amz-Signature'], /^[0-9a-f]{64}$/);
      for (const value of [form.fields.key, form.fields['X-Amz-Credential'], form.fields['X-Amz-Date']])
        assert.ok(copied.includes(value), `${value} is not in the copied ${format}`);
      if (format !== 'fetch') assert.ok(copied.includes(form.fields.Policy), `the policy is not in the ${format}`);
      assert.deepEqual(
        [entry.method, entry.bucket, entry.key, entry.location, entry.headers],
        ['POST', 'bkt', 'uploads/${filename}', 'http://127.0.0.1:9/bkt/', {}],
      );
      assert.deepEqual(entry.post, { maxBytes: 10 * MB, keyPrefix: 'uploads/', contentTypePrefix: 'image/' });
      assert.deepEqual(
        (JSON.parse(ledgerState()) as LedgerEntry[]).map((e) => e.id),
        [entry.id],
      );
      for (const secret of [form.fields['X-Amz-Signature'], form.fields.Policy, 'Signature', 'Policy'])
        assert.ok(!ledgerState().includes(secret), `global state holds ${secret.slice(0, 20)}: ${ledgerState()}`);
      // Nor does the log.
      for (const line of h.log.lines) assert.ok(!line.text.includes(form.fields['X-Amz-Signature']), line.text);

      const [message] = h.fake.record.messages;
      assert.match(
        message.text,
        /^Presigned POST form for "bkt\/uploads\/\$\{filename\}" copied as .* \(expires in 10 min\): any key under uploads\/, files up to 10 MB, Content-Type image\/\*\.$/,
      );
      assert.equal(message.items.length, 3);
      assert.equal(message.items[2], 'Open Ledger');
      assert.ok(!message.items.some((i) => i.includes(format === 'form' ? 'HTML' : format)), message.items.join());
    });
  }

  it('signs the size range, the key prefix and the Content-Type prefix into the policy', async () => {
    const entry = await execute<LedgerEntry>('ossPresign.presignPost', undefined, { ...OPTIONS, format: 'form' });
    const policy = JSON.parse(Buffer.from(storedForm(entry).fields.Policy, 'base64').toString('utf8')) as {
      conditions: unknown[];
    };
    assert.deepEqual(policy.conditions.slice(0, 2), [
      ['content-length-range', 0, 10 * MB],
      ['starts-with', '$Content-Type', 'image/'],
    ]);
    assert.deepEqual(policy.conditions.at(-1), ['starts-with', '$key', 'uploads/']);
  });

  it("from a folder node asks key (the folder's prefix first), size, Content-Type, expiry and format", async () => {
    const node = { kind: 'prefix', id: 'x', profileId: 'p', bucket: 'bkt', prefix: 'photos/2026/' };
    h.fake.answers.inputBoxes.push('photos/2026/', '');
    h.fake.answers.quickPicks.push('100 MB', '1 hour', 'curl -F');
    // The input boxes in order: key, Content-Type prefix (empty: any type).
    const entry = await execute<LedgerEntry>('ossPresign.presignPost', node);
    assert.deepEqual(h.fake.record.questions, [
      'Presign POST Form: key',
      'Presign POST Form: largest file',
      'Presign POST Form: Content-Type',
      'Presign POST Form: valid for',
      'Presign POST Form: copy as',
    ]);
    assert.equal(h.spy.inputs[0].value, 'photos/2026/');
    assert.deepEqual(
      [entry.key, entry.expirySeconds, entry.post],
      ['photos/2026/${filename}', 3600, { maxBytes: 100 * MB, keyPrefix: 'photos/2026/' }],
    );
    assert.match(await clipboard(), /^curl /);
  });

  it('takes a key without a trailing "/" as one exact key, and offers a custom size', async () => {
    h.fake.answers.inputBoxes.push('reports/q1.pdf', '750 KB', 'application/pdf');
    h.fake.answers.quickPicks.push('$(edit) Custom...', '15 minutes', 'HTML form');
    const entry = await execute<LedgerEntry>('ossPresign.presignPost', {
      kind: 'bucket',
      id: 'b',
      profileId: 'p',
      bucket: 'bkt',
      prefix: '',
    });
    assert.deepEqual(h.log.at('error'), []);
    assert.equal(h.spy.inputs[0].value, 'uploads/');
    assert.deepEqual(
      [entry.key, entry.post],
      ['reports/q1.pdf', { maxBytes: 750 * 1024, contentTypePrefix: 'application/pdf' }],
    );
    assert.match(await clipboard(), /<input type="hidden" name="key" value="reports\/q1\.pdf">/);
  });

  it("from an Explorer file offers the key template's folder and puts the file into the curl command", async () => {
    mkdirSync(join(h.dir, 'docs'));
    writeFileSync(join(h.dir, 'docs', 'a.txt'), 'a');
    const file = h.file('docs/a.txt');
    h.fake.answers.inputBoxes.push('docs/', '');
    h.fake.answers.quickPicks.push('10 MB', '15 minutes', 'curl -F');
    await execute('ossPresign.presignPost', file, [file]);
    assert.deepEqual(h.log.at('error'), []);
    assert.equal(h.spy.inputs[0].value, 'docs/');
    assert.match(await clipboard(), new RegExp(`-F 'file=@${join(h.dir, 'docs', 'a.txt')}'`));
  });

  it('checks the key as it is typed: an empty prefix would allow any key in the bucket', async () => {
    h.fake.answers.inputBoxes.push(undefined);
    assert.equal(await execute('ossPresign.presignPost', undefined, { profileId: 'p', bucket: 'bkt' }), undefined);
    assert.equal(h.state.get('ossPresign.ledger'), undefined);
    const validate = h.spy.inputs[0].validateInput!;
    assert.match(String(validate('')), /^Give a prefix ending with "\/"/);
    assert.match(String(validate('a/${filename}/')), /leave out \$\{filename\}/);
    assert.equal(validate('uploads/'), undefined);
    assert.equal(validate('uploads/${filename}'), undefined);
  });

  it('Copy as curl / fetch on a POST entry copies its form again; Copy URL asks which of the three', async () => {
    const entry = await execute<LedgerEntry>('ossPresign.presignPost', undefined, { ...OPTIONS, format: 'form' });
    const form = storedForm(entry);
    await execute('ossPresign.copyCurl', entry);
    assert.match(await clipboard(), /\ncurl --fail-with-body/);
    assert.ok((await clipboard()).includes(form.fields['X-Amz-Signature']));
    await execute('ossPresign.copyFetch', entry);
    assert.match(await clipboard(), /new FormData\(\)/);
    h.fake.answers.quickPicks.push('HTML form');
    await execute('ossPresign.copyUrl', entry);
    assert.deepEqual(h.fake.record.questions, ['Presign POST Form: copy as']);
    assert.match(await clipboard(), /^<!-- Presigned POST upload/);
    assert.deepEqual(h.log.at('error'), []);
  });

  it('Copy as ... on a POST entry whose form is gone from secret storage says to presign it again', async () => {
    const entry = await execute<LedgerEntry>('ossPresign.presignPost', undefined, { ...OPTIONS, format: 'form' });
    h.secrets.delete(`ossPresign.ledger.${entry.id}.url`);
    await h.fake.vscode.env.clipboard.writeText('before');
    await execute('ossPresign.copyCurl', entry);
    assert.equal(await clipboard(), 'before');
    assert.match(
      h.fake.record.messages
        .filter((m) => m.level === 'error')
        .map((m) => m.text)
        .join('\n'),
      /no longer in VS Code's secret storage.*Presign POST Form/,
    );
  });
});
