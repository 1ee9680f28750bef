// Requests go through the configured HTTP proxy: a tiny loopback proxy (CONNECT tunnels and absolute-URI
// forwarding) records what passes, in front of radosgw.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { NO_S3_SKIP_REASON, s3TestEnv } from './helpers/env';
import { configureTransport, transportProxy } from '../../src/core/http/transport';
import { listBuckets } from '../../src/core/api/listBuckets';
import { listObjects } from '../../src/core/api/listObjects';
import { ConfigError, NetworkError } from '../../src/core/errors';
import type { ConnectionOptions } from '../../src/core/types';

interface TinyProxy {
  url: string;
  /** `CONNECT host:port` or `GET http://...` lines, in order. */
  seen: string[];
  close(): Promise<void>;
}

async function startTinyProxy(): Promise<TinyProxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    // Plain forward proxying: the request line carries an absolute URI.
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: target.pathname + target.search,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The test server's connection and a running proxy, put back to direct connections after the test. */
async function proxied(t: TestContext) {
  const s3 = s3TestEnv();
  if (!s3) return undefined;
  const conn: ConnectionOptions = {
    provider: 's3',
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    accessKeySecret: s3.accessKeySecret,
  };
  const proxy = await startTinyProxy();
  t.after(async () => {
    configureTransport({ noProxy: '' });
    await proxy.close();
  });
  return { s3, conn, proxy };
}

test('with a proxy configured, API requests go through it; removing it goes direct again', async (t) => {
  const setup = await proxied(t);
  if (!setup) return t.skip(NO_S3_SKIP_REASON);
  const { s3, conn, proxy } = setup;
  // An empty NO_PROXY: loopback targets are proxied too (the default NO_PROXY of many machines lists them).
  configureTransport({ proxy: proxy.url, noProxy: '' });
  assert.equal(transportProxy(), proxy.url);
  const { buckets } = await listBuckets(conn);
  assert.ok(buckets.some((b) => b.name === s3.bucket));
  await listObjects({ ...conn, bucket: s3.bucket, maxKeys: 1 });
  const host = new URL(s3.endpoint).host;
  assert.ok(proxy.seen.length >= 1, 'nothing went through the proxy');
  assert.ok(
    proxy.seen.every((l) => l === `CONNECT ${host}` || l.startsWith(`GET ${s3.endpoint}/`)),
    proxy.seen.join('\n'),
  );

  configureTransport({ noProxy: '' });
  const before = proxy.seen.length;
  await listBuckets(conn);
  assert.equal(proxy.seen.length, before, 'went through the proxy after it was removed');
});

test('NO_PROXY hosts bypass the proxy', async (t) => {
  const setup = await proxied(t);
  if (!setup) return t.skip(NO_S3_SKIP_REASON);
  const { conn, proxy } = setup;
  configureTransport({ proxy: proxy.url, noProxy: '127.0.0.1' });
  await listBuckets(conn);
  assert.deepEqual(proxy.seen, []);
});

test('a proxy that is down gives ConnectionRefused naming the proxy; a malformed proxy setting is a ConfigError', async (t) => {
  const s3 = s3TestEnv();
  if (!s3) return t.skip(NO_S3_SKIP_REASON);
  const conn: ConnectionOptions = {
    provider: 's3',
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    accessKeySecret: s3.accessKeySecret,
  };
  const dead = await startTinyProxy();
  await dead.close();
  t.after(() => configureTransport({ noProxy: '' }));
  configureTransport({ proxy: dead.url, noProxy: '' });
  await assert.rejects(listBuckets(conn), (e: unknown) => {
    assert.ok(e instanceof NetworkError, String(e));
    assert.equal(e.code, 'ConnectionRefused');
    assert.match(e.message, new RegExp(`through the proxy ${dead.url.replace(/\./g, '\\.')}`));
    return true;
  });
  assert.throws(
    () => configureTransport({ proxy: 'proxy.corp:8080' }),
    (e: unknown) => e instanceof ConfigError && e.field === 'proxy' && /http:\/\/host:port/.test(e.message),
  );
});
