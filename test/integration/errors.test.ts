// Typed errors from real failures: radosgw rejecting credentials and buckets, a closed port, and network
// faults (slow headers, resets, 503) injected by the loopback fault proxy. Also the CORS calls and a
// check that no secret or signature reaches the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_S3_SKIP_REASON, s3TestEnv, uniqueKey, type S3TestEnv } from './helpers/env';
import { startFaultProxy } from './helpers/faultProxy';
import { readBody, sendSigned } from '../../src/core/http/client';
import { listBuckets } from '../../src/core/api/listBuckets';
import { listObjects } from '../../src/core/api/listObjects';
import { deleteBucketCors, getBucketCors, putBucketCors } from '../../src/core/api/bucketCors';
import { CancelledError, NetworkError, ServiceError } from '../../src/core/errors';
import type { Logger } from '../../src/core/log';
import type { ConnectionOptions } from '../../src/core/types';

function connOf(s3: S3TestEnv, over: Partial<ConnectionOptions> = {}): ConnectionOptions {
  return {
    provider: 's3',
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    accessKeySecret: s3.accessKeySecret,
    ...over,
  };
}

function isServiceError(code: string, status: number) {
  return (e: unknown) => {
    assert.ok(e instanceof ServiceError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    return true;
  };
}

/** A port nothing listens on: bind an ephemeral one, then close it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a wrong secret gives SignatureDoesNotMatch naming the cause, with request id and no secret', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const wrong = 'WrongSecretKey/ThatIsNotRight+0123456789';
  await assert.rejects(listBuckets(connOf(s3, { accessKeySecret: wrong })), (e: unknown) => {
    isServiceError('SignatureDoesNotMatch', 403)(e);
    const err = e as ServiceError;
    assert.match(err.message, /secret does not match the access key id/);
    assert.match(err.message, /Set Secret/);
    assert.ok(err.requestId, 'request id');
    assert.ok(!err.message.includes(wrong) && !JSON.stringify(err.details).includes(wrong));
    return true;
  });
});

test('an unknown access key id gives InvalidAccessKeyId', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  await assert.rejects(listBuckets(connOf(s3, { accessKeyId: 'AKIANOSUCHKEY0000001' })), (e: unknown) => {
    isServiceError('InvalidAccessKeyId', 403)(e);
    assert.match((e as Error).message, /does not know the access key id "AKIANOSUCHKEY0000001"/);
    return true;
  });
});

test('a missing bucket gives NoSuchBucket', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const bucket = `no-such-${Date.now().toString(36)}`;
  await assert.rejects(listObjects({ ...connOf(s3), bucket }), (e: unknown) => {
    isServiceError('NoSuchBucket', 404)(e);
    assert.match((e as Error).message, new RegExp(`Bucket "${bucket}" does not exist`));
    return true;
  });
});

test('a closed port gives NetworkError ConnectionRefused naming the host', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const port = await closedPort();
  await assert.rejects(listBuckets(connOf(s3, { endpoint: `http://127.0.0.1:${port}` })), (e: unknown) => {
    assert.ok(e instanceof NetworkError, String(e));
    assert.equal(e.code, 'ConnectionRefused');
    assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port} refused the connection`));
    return true;
  });
});

test('an unknown host gives NetworkError DnsError telling to check the host name', async () => {
  // .invalid never resolves (RFC 2606).
  await assert.rejects(
    sendSigned(
      {
        provider: 's3',
        endpoint: 'http://no-such-host.invalid',
        accessKeyId: 'AKIDEXAMPLE',
        accessKeySecret: 'secret-not-used',
      },
      { method: 'GET' },
    ),
    (e: unknown) => {
      assert.ok(e instanceof NetworkError, String(e));
      assert.equal(e.code, 'DnsError');
      assert.match(e.message, /no-such-host\.invalid.*check the endpoint host name/);
      return true;
    },
  );
});

test('a self-signed TLS endpoint gives NetworkError TlsError with what to do', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oss-presign-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const server = https.createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (_req, res) => res.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as net.AddressInfo;
  await assert.rejects(
    sendSigned(
      {
        provider: 's3',
        endpoint: `https://127.0.0.1:${port}`,
        accessKeyId: 'AKIDEXAMPLE',
        accessKeySecret: 'secret-not-used',
      },
      { method: 'GET' },
    ),
    (e: unknown) => {
      assert.ok(e instanceof NetworkError, String(e));
      assert.equal(e.code, 'TlsError');
      assert.match(e.message, /self-signed endpoint/);
      return true;
    },
  );
});

test('slow headers time out as Timeout (headers); an abort while waiting is CancelledError', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const proxy = await startFaultProxy(s3.endpoint);
  t.after(() => proxy.close());
  proxy.inject(() => true, { kind: 'slow-headers', delayMs: 5_000 });
  const conn = connOf(s3, { endpoint: proxy.url });
  await assert.rejects(sendSigned(conn, { method: 'GET', timeouts: { headersMs: 300 } }), (e: unknown) => {
    assert.ok(e instanceof NetworkError, String(e));
    assert.equal(e.code, 'Timeout');
    assert.equal(e.details?.timeout, 'headers');
    assert.match(e.message, /did not answer in time/);
    return true;
  });
  const ac = new AbortController();
  const pending = sendSigned(conn, { method: 'GET', signal: ac.signal });
  setImmediate(() => ac.abort());
  await assert.rejects(pending, (e: unknown) => e instanceof CancelledError);
});

test('a reset mid-body is ConnectionReset; a 503 is a ServiceError that says to retry later', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const proxy = await startFaultProxy(s3.endpoint);
  t.after(() => proxy.close());
  const conn = connOf(s3, { endpoint: proxy.url });
  proxy.inject(() => true, { kind: 'reset-response', afterBytes: 10 }, { times: 1 });
  await assert.rejects(listBuckets(conn), (e: unknown) => {
    assert.ok(e instanceof NetworkError, String(e));
    assert.equal(e.code, 'ConnectionReset');
    return true;
  });
  proxy.inject(() => true, { kind: 'unavailable', code: 'SlowDown' }, { times: 1 });
  await assert.rejects(listBuckets(conn), (e: unknown) => {
    isServiceError('SlowDown', 503)(e);
    assert.match((e as Error).message, /retry/);
    return true;
  });
  proxy.inject(() => true, { kind: 'unavailable' }, { times: 1 });
  await assert.rejects(listBuckets(conn), (e: unknown) => {
    isServiceError('ServiceUnavailable', 503)(e);
    assert.match((e as Error).message, /retry later/);
    return true;
  });
  assert.ok((await listBuckets(conn)).buckets.length > 0, 'works again after the faults');
});

test('bucket CORS: none is [], then put, get and delete round-trip', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const conn = connOf(s3);
  const bucket = uniqueKey('cors').toLowerCase().slice(0, 40);
  const res = await sendSigned(conn, { method: 'PUT', bucket });
  await readBody(res);
  t.after(async () => {
    await readBody(await sendSigned(conn, { method: 'DELETE', bucket }));
  });
  assert.deepEqual(await getBucketCors({ ...conn, bucket }), []);
  const rules = [
    {
      id: 'upload',
      allowedOrigins: ['https://app.example.com'],
      allowedMethods: ['GET', 'PUT'],
      allowedHeaders: ['content-type', 'x-amz-meta-*'],
      exposeHeaders: ['ETag'],
      maxAgeSeconds: 600,
    },
  ];
  await putBucketCors({ ...conn, bucket, rules });
  assert.deepEqual(await getBucketCors({ ...conn, bucket }), rules);
  await deleteBucketCors({ ...conn, bucket });
  assert.deepEqual(await getBucketCors({ ...conn, bucket }), []);
});

test('the debug log names method, host, path, status and request id, never the secret or signature', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const lines: string[] = [];
  const rec =
    (level: string) =>
    (m: unknown, ...args: unknown[]) =>
      void lines.push(`${level} ${String(m)} ${args.map(String).join(' ')}`);
  const log: Logger = {
    trace: rec('trace'),
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
  };
  await listObjects({ ...connOf(s3), bucket: s3.bucket, maxKeys: 1 }, { log });
  await listBuckets(connOf(s3, { accessKeySecret: 'AnotherWrongSecret0000' }), { log }).catch(() => undefined);
  assert.ok(
    lines.some((l) => /^debug \[http\] GET 127\.0\.0\.1:\d+\/\S+ -> 200 \(request id tx/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => / -> 403 /.test(l)),
    lines.join('\n'),
  );
  for (const l of lines) {
    assert.ok(!l.includes(s3.accessKeySecret) && !l.includes('AnotherWrongSecret0000'), l);
    assert.ok(!/Signature=|authorization/i.test(l), l);
  }
});
