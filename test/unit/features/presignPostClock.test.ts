// src/features/presign/postForm.ts: "Presign POST Form..." signs its policy with the endpoint's time, as PUT presign
// does: with a learnt offset it needs no request; otherwise it asks the endpoint once (a loopback server whose clock
// is 10 minutes ahead). A policy signed by a clock more than 15 minutes off is refused by the store.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../../src/app/ledger';
import { createHarness, profile, type Harness } from '../fakes/services';

type Core = typeof import('../../../src/core/index');

const TEN_MINUTES = 600_000;
const TOLERANCE_MS = 5_000;
const OPTIONS = {
  profileId: 'p',
  bucket: 'bkt',
  keyPrefix: 'up/',
  maxBytes: 1024,
  contentTypePrefix: '',
  expirySeconds: 600,
  format: 'curl',
};

/** Milliseconds between a signed date (`20260101T120000Z`) and `expected`. */
function msOff(signed: string | undefined, expected: number): number {
  assert.ok(signed, 'the form has no signed date');
  const iso = signed.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z');
  return Math.abs(Date.parse(iso) - expected);
}

describe('Presign POST Form: signing time', () => {
  let h: Harness;
  const presignPost = async () => {
    const entry = await h.fake.vscode.commands.executeCommand<LedgerEntry>(
      'ossPresign.presignPost',
      undefined,
      OPTIONS,
    );
    assert.deepEqual(h.fake.record.questions, []);
    assert.deepEqual(h.log.at('error'), []);
    const form = JSON.parse(h.secrets.get(`ossPresign.ledger.${entry.id}.url`) ?? '{}') as {
      fields: Record<string, string>;
    };
    return { entry, signedAt: form.fields['X-Amz-Date'] };
  };

  beforeEach(() => {
    h = createHarness();
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../../src/features/presign/commands')>('features/presign/commands.js');
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, presignCommands(h.services()));
  });
  afterEach(() => h.dispose());

  it("signs at the endpoint's corrected time when its offset is known", async () => {
    // Nothing listens on port 9: the time can only come from the learnt offset.
    await h.setProfiles([profile('p', { buckets: ['bkt'] })]);
    const core = h.load<Core>('core/index.js');
    const conn = await h.services().profiles.connection('p');
    core
      .clockFor({ ...conn, addressing: 'path' })
      .observe(new Date(Date.now() + TEN_MINUTES).toUTCString(), new Date());
    const { signedAt } = await presignPost();
    const off = msOff(signedAt, Date.now() + TEN_MINUTES);
    assert.ok(off < TOLERANCE_MS, `X-Amz-Date=${signedAt} is ${off} ms from the server's time`);
  });

  it("asks an endpoint whose clock it does not know yet, once, and signs at the server's time", async (t) => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { date: new Date(Date.now() + TEN_MINUTES).toUTCString() });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await h.setProfiles([profile('p', { buckets: ['bkt'], endpoint })]);
    const { signedAt } = await presignPost();
    const off = msOff(signedAt, Date.now() + TEN_MINUTES);
    assert.ok(off < TOLERANCE_MS, `X-Amz-Date=${signedAt} is ${off} ms from the server's time`);
    assert.equal(seen.length, 1, `requests: ${seen.join(', ')}`);
  });
});
