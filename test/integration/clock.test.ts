// The endpoint's clock for presigned URLs: a loopback server whose Date header is 10 minutes ahead teaches it with
// one cheap request (measureClock), after which presigned URLs (S3 and OSS) and a multipart kit on a virtual-hosted
// endpoint are dated at the server's time. The virtual-hosted endpoint is reached through a loopback CONNECT proxy
// that sends every host to the server, so `bkt.s3.skew.test` needs no DNS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  clockFor,
  configureTransport,
  measureClock,
  NetworkError,
  presignMultipart,
  presignPut,
  type ConnectionOptions,
} from '../../src/core/index';
import { s3TestEnv, NO_S3_SKIP_REASON, s3Connection } from './helpers/env';

const TEN_MINUTES = 10 * 60_000;
/** How far a signed time may be from the server's: the Date header has 1 s resolution, plus the test's own time. */
const TOLERANCE_MS = 5_000;

interface Seen {
  method: string;
  host: string;
  url: string;
}

/** Answers HEAD with 200 (or `headStatus`) and an InitiateMultipartUpload with an upload id; Date is off by `offsetMs`. */
async function startSkewedServer(offsetMs: number, opts: { headStatus?: number; dateHeader?: boolean } = {}) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    seen.push({ method: req.method ?? '', host: req.headers.host ?? '', url: req.url ?? '' });
    if (opts.dateHeader === false) res.sendDate = false;
    else res.setHeader('date', new Date(Date.now() + offsetMs).toUTCString());
    if (req.method === 'POST' && /[?&]uploads(=|&|$)/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>big.bin</Key>' +
          '<UploadId>upload-1</UploadId></InitiateMultipartUploadResult>',
      );
      return;
    }
    res.writeHead(req.method === 'HEAD' ? (opts.headStatus ?? 200) : 405);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A CONNECT proxy that tunnels every target host to 127.0.0.1:`port`. */
async function startProxyTo(port: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => client.destroy());
    client.once('data', (head: Buffer) => {
      const end = head.indexOf('\r\n\r\n');
      if (!/^CONNECT /.test(head.toString('latin1')) || end < 0) return void client.destroy();
      const upstream = net.connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > end + 4) upstream.write(head.subarray(end + 4));
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const KEYS = { accessKeyId: 'AKIDEXAMPLE', accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** Milliseconds between a signed date (`20260101T120000Z`) and `expected`. */
function msOff(signed: string | null, expected: number): number {
  assert.ok(signed, 'the URL has no signed date');
  const iso = signed.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z');
  return Math.abs(Date.parse(iso) - expected);
}

describe('measuring the clock of an endpoint 10 minutes ahead', () => {
  for (const [dialect, provider, param] of [
    ['S3', 's3', 'X-Amz-Date'],
    ['OSS V4', 'oss', 'x-oss-date'],
  ] as const) {
    it(`dates a ${dialect} URL presigned after measuring at the server's time (${param})`, async (t) => {
      const server = await startSkewedServer(TEN_MINUTES);
      t.after(() => server.close());
      const conn: ConnectionOptions = { provider, endpoint: server.endpoint, region: 'cn-hangzhou', ...KEYS };
      const offset = await measureClock({ ...conn, bucket: 'bkt' });
      assert.deepEqual(
        server.seen.map((s) => `${s.method} ${s.url}`),
        ['HEAD /bkt/'],
      );
      assert.ok(offset !== undefined && Math.abs(offset - TEN_MINUTES) < TOLERANCE_MS, `offset ${offset}`);
      const { url } = presignPut({
        ...conn,
        bucket: 'bkt',
        key: 'a.txt',
        expiresSeconds: 600,
        date: clockFor(conn).now(),
      });
      const signed = new URL(url).searchParams.get(param);
      const off = msOff(signed, Date.now() + TEN_MINUTES);
      assert.ok(off < TOLERANCE_MS, `${param}=${signed} is ${off} ms from the server's time`);
    });
  }

  it("learns from an error answer too (a 403 carries the server's time)", async (t) => {
    const server = await startSkewedServer(-TEN_MINUTES, { headStatus: 403 });
    t.after(() => server.close());
    const conn: ConnectionOptions = { provider: 's3', endpoint: server.endpoint, ...KEYS };
    const offset = await measureClock({ ...conn, bucket: 'bkt' });
    assert.ok(offset !== undefined && Math.abs(offset + TEN_MINUTES) < TOLERANCE_MS, `offset ${offset}`);
    assert.equal(clockFor(conn).hasServerTime, true);
  });

  it('says it learnt nothing when the answer has no Date header', async (t) => {
    const server = await startSkewedServer(TEN_MINUTES, { dateHeader: false });
    t.after(() => server.close());
    const conn: ConnectionOptions = { provider: 's3', endpoint: server.endpoint, ...KEYS };
    assert.equal(await measureClock({ ...conn, bucket: 'bkt' }), undefined);
    assert.equal(clockFor(conn).hasServerTime, false);
  });

  it('throws NetworkError when nothing answers', async () => {
    const closed = await startSkewedServer(0);
    await closed.close();
    await assert.rejects(
      measureClock({ provider: 's3', endpoint: closed.endpoint, ...KEYS, bucket: 'bkt', timeoutMs: 2_000 }),
      NetworkError,
    );
  });
});

describe('a multipart kit on a virtual-hosted endpoint', () => {
  let server: Awaited<ReturnType<typeof startSkewedServer>>;
  let proxy: Awaited<ReturnType<typeof startProxyTo>>;
  before(async () => {
    server = await startSkewedServer(TEN_MINUTES);
    proxy = await startProxyTo(server.port);
    configureTransport({ proxy: proxy.url, noProxy: '' });
  });
  after(async () => {
    configureTransport({});
    await proxy.close();
    await server.close();
  });

  it("presigns its parts at the time the Initiate answer taught (the bucket's host shares the endpoint's clock)", async () => {
    const conn: ConnectionOptions = { provider: 's3', endpoint: 'http://s3.skew.test', addressing: 'virtual', ...KEYS };
    const kit = await presignMultipart({ ...conn, bucket: 'bkt', key: 'big.bin', fileSize: 1024, expiresSeconds: 600 });
    assert.deepEqual(
      server.seen.map((s) => `${s.method} ${s.host}`),
      ['POST bkt.s3.skew.test'],
    );
    const now = Date.now();
    for (const url of [kit.parts[0].url, kit.complete.url, kit.abort.url]) {
      assert.equal(new URL(url).host, 'bkt.s3.skew.test');
      const signed = new URL(url).searchParams.get('X-Amz-Date');
      assert.ok(msOff(signed, now + TEN_MINUTES) < TOLERANCE_MS, `X-Amz-Date=${signed}: not the server's time`);
    }
  });
});

describe('measuring the clock of radosgw', () => {
  it('learns its time (no skew) from a HEAD of the test bucket', async (t) => {
    const env = s3TestEnv();
    if (!env) return t.skip(NO_S3_SKIP_REASON);
    const conn: ConnectionOptions = s3Connection(env);
    assert.equal(await measureClock({ ...conn, bucket: env.bucket }), 0);
    assert.equal(clockFor(conn).hasServerTime, true);
  });
});
