// The browser preflight check against radosgw's own CORS evaluation: for each case the bucket gets real CORS
// rules (PutBucketCors), checkBrowserPut judges them as read back by GetBucketCors, and a real preflight
// (OPTIONS with Origin and Access-Control-Request-*) must agree. A refused case then gets the suggested rule
// and passes both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { getBucketCors, putBucketCors } from '../../src/core/api/bucketCors';
import { checkBrowserPut, type CorsRule } from '../../src/core/cors';
import type { ConnectionOptions } from '../../src/core/types';
import { NO_S3_SKIP_REASON, s3TestEnv, type S3TestEnv } from './helpers/env';

const env = s3TestEnv();

interface Case {
  name: string;
  rules: CorsRule[];
  origin: string;
  headers: Record<string, string>;
  allowed: boolean;
}

const SIGNED = { 'Content-Type': 'image/png', 'x-amz-meta-owner': 'ana' };
const CASES: Case[] = [
  {
    name: 'exact headers, port wildcard origin',
    rules: [
      {
        allowedOrigins: ['http://localhost:*'],
        allowedMethods: ['PUT'],
        allowedHeaders: ['content-type', 'x-amz-meta-owner'],
      },
    ],
    origin: 'http://localhost:3000',
    headers: SIGNED,
    allowed: true,
  },
  {
    name: 'metadata by wildcard, header names in another case',
    rules: [
      {
        allowedOrigins: ['http://localhost:3000'],
        allowedMethods: ['GET', 'PUT'],
        allowedHeaders: ['Content-Type', 'X-Amz-Meta-*'],
      },
    ],
    origin: 'http://localhost:3000',
    headers: SIGNED,
    allowed: true,
  },
  {
    name: 'metadata header not allowed',
    rules: [{ allowedOrigins: ['*'], allowedMethods: ['PUT'], allowedHeaders: ['content-type'] }],
    origin: 'http://localhost:3000',
    headers: SIGNED,
    allowed: false,
  },
  {
    name: 'other origin',
    rules: [{ allowedOrigins: ['https://app.example.com'], allowedMethods: ['PUT'], allowedHeaders: ['*'] }],
    origin: 'http://localhost:3000',
    headers: SIGNED,
    allowed: false,
  },
  {
    name: 'PUT not allowed',
    rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET', 'HEAD'], allowedHeaders: ['*'] }],
    origin: 'http://localhost:3000',
    headers: SIGNED,
    allowed: false,
  },
  {
    name: 'second rule matches',
    rules: [
      { allowedOrigins: ['https://a.example'], allowedMethods: ['PUT'], allowedHeaders: ['*'] },
      { allowedOrigins: ['http://localhost:3000'], allowedMethods: ['PUT'], allowedHeaders: ['*'] },
    ],
    origin: 'http://localhost:3000',
    headers: { ...SIGNED, 'Cache-Control': 'no-cache' },
    allowed: true,
  },
];

describe('browser CORS check agrees with radosgw', { skip: env ? false : NO_S3_SKIP_REASON }, () => {
  const s3 = env as S3TestEnv;
  const bucket = `cors-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const conn: ConnectionOptions = {
    provider: 's3',
    endpoint: s3?.endpoint ?? '',
    region: s3?.region ?? '',
    addressing: 'path',
    accessKeyId: s3?.accessKeyId ?? '',
    accessKeySecret: s3?.accessKeySecret ?? '',
  };
  let client: S3Client;

  /** What the server says to the preflight a browser would send for this PUT. */
  async function serverAllows(origin: string, requestHeaders: string[]): Promise<boolean> {
    const res = await fetch(`${s3.endpoint}/${bucket}/upload.png`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'PUT',
        ...(requestHeaders.length ? { 'Access-Control-Request-Headers': requestHeaders.join(',') } : {}),
      },
    });
    await res.arrayBuffer();
    return res.status === 200 && res.headers.get('access-control-allow-origin') !== null;
  }

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

  for (const c of CASES) {
    it(`${c.name}: ${c.allowed ? 'allowed' : 'refused, then allowed with the suggested rule'}`, async () => {
      await putBucketCors({ ...conn, bucket, rules: c.rules });
      const rules = await getBucketCors({ ...conn, bucket });
      const verdict = checkBrowserPut(rules, { origin: c.origin, headers: c.headers });
      assert.equal(verdict.allowed, c.allowed, verdict.reasons.join(' '));
      assert.equal(
        await serverAllows(c.origin, verdict.requestHeaders),
        c.allowed,
        'radosgw disagrees with checkBrowserPut',
      );
      if (c.allowed) return;
      assert.ok(verdict.suggestedRule);
      // First: radosgw checks only the first rule whose origin matches.
      await putBucketCors({ ...conn, bucket, rules: [verdict.suggestedRule, ...rules] });
      assert.equal(
        checkBrowserPut(await getBucketCors({ ...conn, bucket }), { origin: c.origin, headers: c.headers }).allowed,
        true,
      );
      assert.equal(
        await serverAllows(c.origin, verdict.requestHeaders),
        true,
        'radosgw refuses the preflight with the suggested rule added',
      );
    });
  }

  it('notes when an earlier rule for the same origin shadows the passing one (radosgw refuses)', async () => {
    const rules: CorsRule[] = [
      { allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: ['*'] },
      { allowedOrigins: ['http://localhost:3000'], allowedMethods: ['PUT'], allowedHeaders: ['*'] },
    ];
    await putBucketCors({ ...conn, bucket, rules });
    const verdict = checkBrowserPut(await getBucketCors({ ...conn, bucket }), {
      origin: 'http://localhost:3000',
      headers: SIGNED,
    });
    // AWS and OSS use the first rule that matches origin, method and headers: rule 2.
    assert.equal(verdict.ruleIndex, 1);
    assert.match(verdict.notes.join(' '), /Rule 1 also matches this origin.*Move rule 2 before it/);
    assert.equal(await serverAllows('http://localhost:3000', verdict.requestHeaders), false);
  });

  it('reads "no rules" as refused, like the server', async () => {
    const empty = `${bucket}-none`;
    await client.send(new CreateBucketCommand({ Bucket: empty }));
    try {
      const rules = await getBucketCors({ ...conn, bucket: empty });
      assert.deepEqual(rules, []);
      assert.equal(checkBrowserPut(rules, { origin: 'http://localhost:3000', headers: SIGNED }).allowed, false);
    } finally {
      await client.send(new DeleteBucketCommand({ Bucket: empty }));
    }
  });
});
