// src/features/presign: "Presign PUT URL..." and its siblings, registered through the kit's guard, over the fake
// vscode and the real stores. Signing is local: no request leaves the process.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../../src/app/ledger';
import { createHarness, profile, type Harness } from '../fakes/services';

const SET = 'Default (Content-Type only)';
const OPTIONS = {
  profileId: 'p',
  bucket: 'bkt',
  headerSet: SET,
  expirySeconds: 600,
  key: 'k/one.txt',
  copyFormat: 'url',
};

describe('presign commands', () => {
  let h: Harness;
  const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
  const ledgerState = () => h.state.get('ossPresign.ledger') ?? '';
  const file = (name: string) => {
    writeFileSync(join(h.dir, name), name);
    return h.file(name);
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

  it('with an options object asks nothing, copies the URL and records an entry without query string in global state', async () => {
    const entries = await execute<LedgerEntry[]>('ossPresign.presignPut', file('one.txt'), OPTIONS);
    assert.deepEqual(h.fake.record.questions, []);
    assert.deepEqual(h.log.at('error'), []);
    const url = new URL(await h.fake.vscode.env.clipboard.readText());
    assert.equal(url.pathname, '/bkt/k/one.txt');
    assert.match(url.searchParams.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);

    assert.equal(entries.length, 1);
    assert.deepEqual([entries[0].key, entries[0].location], ['k/one.txt', `${url.origin}/bkt/k/one.txt`]);
    assert.deepEqual(
      (JSON.parse(ledgerState()) as LedgerEntry[]).map((e) => e.id),
      [entries[0].id],
    );
    assert.ok(
      !ledgerState().includes('?') && !ledgerState().includes(url.search.slice(1)),
      `a query string is in global state: ${ledgerState()}`,
    );
    assert.equal(h.secrets.get(`ossPresign.ledger.${entries[0].id}.url`), url.href);
    assert.deepEqual(JSON.parse(h.state.get('ossPresign.lastPresign')!), {
      profileId: 'p',
      bucket: 'bkt',
      headerSet: SET,
      expirySeconds: 600,
    });
  });

  it("asks the header set, the expiry and the key when run from the palette on the active editor's file", async () => {
    h.spy.setActiveEditor(file('two.txt'));
    h.fake.answers.quickPicks.push(SET, '1 hour');
    h.fake.answers.inputBoxes.push('edited/two.txt');
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut');
    // One profile with one bucket: neither is asked.
    assert.deepEqual(h.fake.record.questions, [
      'Presign PUT · Profile p · bkt: headers to sign',
      'Presign PUT · Profile p · bkt: valid for',
      'Presign PUT · Profile p · bkt: object key',
    ]);
    assert.deepEqual([entry.key, entry.expirySeconds, entry.headerSet], ['edited/two.txt', 3600, SET]);
  });

  it('on an OSS internal endpoint warns after signing that the URL works only inside Alibaba Cloud', async () => {
    await h.setProfiles([
      profile('p', {
        provider: 'oss',
        endpoint: 'https://oss-cn-hangzhou-internal.aliyuncs.com',
        region: 'cn-hangzhou',
        addressing: 'virtual',
        buckets: ['bkt'],
      }),
    ]);
    await execute('ossPresign.presignPut', file('one.txt'), OPTIONS);
    assert.match(
      await h.fake.vscode.env.clipboard.readText(),
      /^https:\/\/bkt\.oss-cn-hangzhou-internal\.aliyuncs\.com\//,
    );
    const warnings = h.fake.record.messages.filter((m) => m.level === 'warning').map((m) => m.text);
    assert.equal(warnings.length, 1, JSON.stringify(h.fake.record.messages));
    assert.match(
      warnings[0]!,
      /URLs on an internal endpoint work only from inside Alibaba Cloud \(ECS in cn-hangzhou\): use oss-cn-hangzhou\.aliyuncs\.com for people outside\./,
    );
  });

  it('with Last Settings repeats the last choices without asking, naming the key with the template', async () => {
    await execute('ossPresign.presignPut', file('one.txt'), OPTIONS);
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPutLast', file('two.txt'));
    assert.deepEqual(h.fake.record.questions, []);
    assert.deepEqual([entry.bucket, entry.headerSet, entry.expirySeconds, entry.key], ['bkt', SET, 600, 'two.txt']);
  });

  it('with Last Settings before any presign reports that there is nothing to reuse', async () => {
    assert.equal(await execute('ossPresign.presignPutLast', file('one.txt')), undefined);
    assert.equal(h.fake.record.messages.length, 1);
    assert.match(
      h.fake.record.messages[0].text,
      /^No profile to reuse yet: run "OSS Presign: Presign PUT URL\.\.\." once/,
    );
    assert.equal(h.state.get('ossPresign.ledger'), undefined);
  });

  it('Copy as curl on a ledger entry copies its stored URL as a curl command with the signed headers', async () => {
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut', file('one.txt'), OPTIONS);
    const url = h.secrets.get(`ossPresign.ledger.${entry.id}.url`)!;
    await execute('ossPresign.copyCurl', entry);
    const curl = await h.fake.vscode.env.clipboard.readText();
    assert.match(curl, /^curl /);
    assert.ok(curl.includes(url) && curl.includes('Content-Type: text/plain'), curl);
  });

  it('Copy URL on an entry whose URL is gone from secret storage says to re-issue it', async () => {
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut', file('one.txt'), OPTIONS);
    h.secrets.delete(`ossPresign.ledger.${entry.id}.url`);
    await h.fake.vscode.env.clipboard.writeText('before');
    await execute('ossPresign.copyUrl', entry);
    assert.equal(await h.fake.vscode.env.clipboard.readText(), 'before');
    assert.match(
      h.fake.record.messages
        .filter((m) => m.level === 'error')
        .map((m) => m.text)
        .join('\n'),
      /no longer in VS Code's secret storage.*re-issue it/,
    );
  });
});
