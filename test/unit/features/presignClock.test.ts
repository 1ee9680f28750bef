// src/features/presign: "Presign PUT URL..." and "Presign POST Form..." sign with the endpoint's skew-corrected time.
// When no request has taught the endpoint's clock yet, they ask once (a loopback server whose clock is 10 minutes
// ahead); when that fails PUT signs with the local clock and logs why. (A policy or URL signed by a clock more than
// 15 minutes off is refused by the store.)
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../../src/app/ledger';
import type { Profile } from '../../../src/app/profiles';
import { createHarness, profile, type Harness } from '../fakes/services';

type Core = typeof import('../../../src/core/index');

const TEN_MINUTES = 600_000;
const TOLERANCE_MS = 5_000;
const PUT_OPTIONS = {
  profileId: 'p',
  bucket: 'bkt',
  headerSet: 'Default (Content-Type only)',
  expirySeconds: 600,
  key: 'k/one.txt',
  copyFormat: 'url',
};
const POST_OPTIONS = {
  profileId: 'p',
  bucket: 'bkt',
  keyPrefix: 'up/',
  maxBytes: 1024,
  contentTypePrefix: '',
  expirySeconds: 600,
  format: 'curl',
};

/** Milliseconds between a signed date (`20260101T120000Z`) and `expected`. */
function msOff(signed: string | null | undefined, expected: number): number {
  assert.ok(signed, 'no signed date');
  const iso = signed.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z');
  return Math.abs(Date.parse(iso) - expected);
}

/** A server whose Date is `offsetMs` off; `hang` leaves requests unanswered (and calls `onRequest`). */
async function startServer(offsetMs: number, opts: { hang?: boolean; onRequest?: () => void } = {}) {
  const seen: string[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    req.resume();
    seen.push(`${req.method} ${req.url}`);
    opts.onRequest?.();
    if (opts.hang) return void open.add(res);
    res.writeHead(200, { date: new Date(Date.now() + offsetMs).toUTCString() });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('presign signing time', () => {
  let h: Harness;
  const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
  const file = (name: string) => {
    writeFileSync(join(h.dir, name), name);
    return h.file(name);
  };
  const presign = async (param = 'X-Amz-Date') => {
    await execute('ossPresign.presignPut', file('one.txt'), PUT_OPTIONS);
    assert.deepEqual(h.log.at('error'), []);
    return new URL(await h.fake.vscode.env.clipboard.readText()).searchParams.get(param);
  };
  const clockWarnings = () => h.log.at('warn').filter((l) => l.includes("Could not check this computer's clock"));
  const useProfile = async (extra: Partial<Profile>) => {
    await h.setProfiles([profile('p', { buckets: ['bkt'], ...extra })]);
  };

  beforeEach(() => {
    h = createHarness();
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../../src/features/presign/commands')>('features/presign/commands.js');
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, presignCommands(h.services()));
  });
  afterEach(() => h.dispose());

  for (const [dialect, extra, param] of [
    ['S3', {}, 'X-Amz-Date'],
    ['OSS V4', { provider: 'oss', region: 'cn-hangzhou', addressing: 'virtual' }, 'x-oss-date'],
  ] as const) {
    it(`signs ${dialect} at the corrected time when the endpoint's offset is known (${param})`, async () => {
      // Nothing listens on port 9: a request would fail, so the time can only come from the learnt offset.
      await useProfile(extra);
      const core = h.load<Core>('core/index.js');
      const conn = await h.services().profiles.connection('p');
      core
        .clockFor({ ...conn, addressing: 'path' })
        .observe(new Date(Date.now() + TEN_MINUTES).toUTCString(), new Date());
      const signed = await presign(param);
      const off = msOff(signed, Date.now() + TEN_MINUTES);
      assert.ok(off < TOLERANCE_MS, `${param}=${signed} is ${off} ms from the server's time`);
      assert.deepEqual(h.fake.record.progress, []);
      assert.deepEqual(clockWarnings(), []);
    });
  }

  it("measures an endpoint's clock once, with a HEAD of the bucket, before its first URL", async (t) => {
    const server = await startServer(TEN_MINUTES);
    t.after(() => server.close());
    await useProfile({ endpoint: server.endpoint });
    const first = await presign();
    assert.ok(msOff(first, Date.now() + TEN_MINUTES) < TOLERANCE_MS, `X-Amz-Date=${first}`);
    assert.deepEqual(
      h.fake.record.progress.map((p) => p.title),
      [`Checking the clock of ${new URL(server.endpoint).host}`],
    );
    const second = await presign();
    assert.ok(msOff(second, Date.now() + TEN_MINUTES) < TOLERANCE_MS, `X-Amz-Date=${second}`);
    assert.deepEqual(server.seen, ['HEAD /bkt/']);
    assert.deepEqual(clockWarnings(), []);
  });

  it('signs with the local clock when the endpoint does not answer, says why in the log once, and asks no more', async () => {
    await useProfile({});
    const first = await presign();
    assert.ok(msOff(first, Date.now()) < TOLERANCE_MS, `X-Amz-Date=${first}`);
    const [warning, ...more] = clockWarnings();
    assert.match(warning ?? '', /against 127\.0\.0\.1:9 \(.+\): signing with the local clock\./);
    assert.deepEqual(more, []);
    await presign();
    assert.equal(clockWarnings().length, 1);
    assert.equal(h.fake.record.progress.length, 1);
  });
});

describe('Presign POST Form: signing time', () => {
  let h: Harness;
  const presignPost = async () => {
    const entry = await h.fake.vscode.commands.executeCommand<LedgerEntry>(
      'ossPresign.presignPost',
      undefined,
      POST_OPTIONS,
    );
    assert.deepEqual(h.fake.record.questions, []);
    assert.deepEqual(h.log.at('error'), []);
    const form = JSON.parse(h.secrets.get(`ossPresign.ledger.${entry.id}.url`) ?? '{}') as {
      fields: Record<string, string>;
    };
    return form.fields['X-Amz-Date'];
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
    const signedAt = await presignPost();
    const off = msOff(signedAt, Date.now() + TEN_MINUTES);
    assert.ok(off < TOLERANCE_MS, `X-Amz-Date=${signedAt} is ${off} ms from the server's time`);
  });

  it("asks an endpoint whose clock it does not know yet, once, and signs at the server's time", async (t) => {
    const server = await startServer(TEN_MINUTES);
    t.after(server.close);
    await h.setProfiles([profile('p', { buckets: ['bkt'], endpoint: server.endpoint })]);
    const signedAt = await presignPost();
    const off = msOff(signedAt, Date.now() + TEN_MINUTES);
    assert.ok(off < TOLERANCE_MS, `X-Amz-Date=${signedAt} is ${off} ms from the server's time`);
    assert.equal(server.seen.length, 1, `requests: ${server.seen.join(', ')}`);
  });
});
