// "Apply Suggested CORS Rule..." and "Presign POST Form..." run as commands (the fake vscode of the unit tests, the
// real stores) against Ceph radosgw: the bucket's real rules are merged and written only after confirmation, and the
// server's own preflight then lets the browser through; a form copied by the command uploads for real.
import { after, before, beforeEach, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type * as vscode from 'vscode';
import type { LedgerEntry } from '../../src/app/ledger';
import { deleteObject, getBucketCors, preflight, putBucketCors, type CorsRule } from '../../src/core/index';
import type { CorsApplyResult } from '../../src/features/presign/checkCors';
import { createHarness, profile, type Harness } from '../unit/fakes/services';
import { NO_S3_SKIP_REASON, s3TestEnv, type S3TestEnv } from './helpers/env';

const env = s3TestEnv();
const ORIGIN = 'http://localhost:3000';
const BROWSER_SET = 'Browser upload (Content-Type + Cache-Control: no-cache)';
const EXISTING: CorsRule[] = [
  { id: 'site', allowedOrigins: ['https://site.example'], allowedMethods: ['GET'], allowedHeaders: ['*'] },
];

describe('CORS apply and POST forms against radosgw', { skip: env ? false : NO_S3_SKIP_REASON }, () => {
  const s3 = env as S3TestEnv;
  const bucket = `corsapply-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const conn = {
    provider: 's3' as const,
    endpoint: s3?.endpoint ?? '',
    region: s3?.region ?? '',
    addressing: 'path' as const,
    accessKeyId: s3?.accessKeyId ?? '',
    accessKeySecret: s3?.accessKeySecret ?? '',
  };
  const node = { kind: 'bucket', id: 'b', profileId: 'rgw', bucket, prefix: '' };
  let client: S3Client;
  let h: Harness;
  const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
  /** The preflight of a browser PUT with the browser header set's headers. */
  const browserPut = () =>
    preflight({
      ...conn,
      bucket,
      key: 'site/a.bin',
      origin: ORIGIN,
      method: 'PUT',
      headers: ['cache-control', 'content-type'],
    });

  before(async () => {
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.accessKeySecret },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => {
    await client?.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    client?.destroy();
  });

  beforeEach(async () => {
    await putBucketCors({ ...conn, bucket, rules: EXISTING });
    h = createHarness();
    await h.setProfiles(
      [profile('rgw', { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, buckets: [bucket] })],
      s3.accessKeySecret,
    );
    const { registerCommands } = h.load<typeof import('../../src/vscode/commands')>('vscode/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../src/features/presign/commands')>('features/presign/commands.js');
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, presignCommands(h.services()));
    h.context.subscriptions.push(h.fake.vscode.commands.registerCommand('vscode.diff', () => undefined));
  });
  afterEach(() => h.dispose());

  it('without confirmation leaves the rules as they were, and the preflight refused', async () => {
    h.fake.answers.messages.push(undefined);
    const result = await execute<CorsApplyResult>('ossPresign.applyCorsRule', node, {
      origin: ORIGIN,
      headerSet: BROWSER_SET,
    });
    assert.deepEqual(h.log.at('error'), []);
    assert.equal(result.applied, false);
    assert.deepEqual(await getBucketCors({ ...conn, bucket }), [{ ...EXISTING[0], exposeHeaders: [] }]);
    assert.equal((await browserPut()).allowed, false);
  });

  it('applies the suggested rule before the existing one, and radosgw then passes the preflight', async () => {
    assert.equal((await browserPut()).allowed, false, 'the preflight passes before the rule is applied');
    h.fake.answers.messages.push('Apply');
    const result = await execute<CorsApplyResult>('ossPresign.applyCorsRule', node, {
      origin: ORIGIN,
      headerSet: BROWSER_SET,
    });
    assert.deepEqual(h.log.at('error'), []);
    assert.equal(result.applied, true);
    assert.equal(result.preflight?.allowed, true, result.preflight?.reason);
    assert.match(
      h.fake.record.messages.at(-1)?.text ?? '',
      /^Applied: .* has 2 CORS rules, and its own preflight now lets a browser PUT/,
    );

    const rules = await getBucketCors({ ...conn, bucket });
    assert.deepEqual(
      rules.map((r) => [r.id, r.allowedOrigins, r.allowedMethods, r.allowedHeaders]),
      [
        [undefined, [ORIGIN], ['PUT'], ['cache-control', 'content-type']],
        ['site', ['https://site.example'], ['GET'], ['*']],
      ],
    );
    const answer = await browserPut();
    assert.equal(answer.allowed, true, answer.reason);
    assert.equal(answer.allowOrigin, ORIGIN);
  });

  it('copies a POST form that radosgw accepts, and refuses a file over its size', async () => {
    const entry = await execute<LedgerEntry>('ossPresign.presignPost', node, {
      keyPrefix: 'forms/',
      maxBytes: 16,
      contentTypePrefix: '',
      expirySeconds: 300,
      format: 'fetch',
    });
    assert.deepEqual(h.log.at('error'), []);
    const { url, fields } = JSON.parse(h.secrets.get(`ossPresign.ledger.${entry.id}.url`)!) as {
      url: string;
      fields: Record<string, string>;
    };
    const send = async (bytes: number) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append('file', new Blob([new Uint8Array(bytes).fill(97)]), 'note.txt');
      const res = await fetch(url, { method: 'POST', body: form });
      return { status: res.status, body: await res.text() };
    };
    try {
      const accepted = await send(16);
      assert.equal(accepted.status, 204, accepted.body);
      const refused = await send(17);
      assert.equal(refused.status, 400, refused.body);
      assert.match(refused.body, /EntityTooLarge/);
    } finally {
      await deleteObject({ ...conn, bucket, key: 'forms/note.txt' }).catch(() => undefined);
    }
  });
});
