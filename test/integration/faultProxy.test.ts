// Proves each fault mode of the test fault proxy against a tiny local origin, so tests that rely on
// it (retries, error mapping, upload resume) can trust what it does. Needs no S3 server.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { startFaultProxy, type FaultProxy } from './helpers/faultProxy';
import { rawRequest } from './helpers/env';

/** Deterministic content for GET /blob?size=N, so truncation is visible byte for byte. */
const blob = (size: number): Buffer => Buffer.from(Array.from({ length: size }, (_, i) => i % 251));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

interface OriginSeen {
  method: string;
  url: string;
  host: string;
  bodyBytes: number;
}

/** GET that reports what actually arrived instead of rejecting: status, bytes, how it ended, timings. */
function partialGet(url: string): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
  error?: NodeJS.ErrnoException | undefined;
  complete: boolean;
  msToHeaders: number;
  msTotal: number;
}> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let error: NodeJS.ErrnoException | undefined;
    let gotResponse = false;
    const req = http.get(url, { agent: false }, (res) => {
      gotResponse = true;
      const msToHeaders = Date.now() - started;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => (error ??= e));
      // the socket error may be reported on the request after the response closes: look a tick later
      res.on('close', () =>
        setImmediate(() =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes: Buffer.concat(chunks),
            error,
            complete: res.complete,
            msToHeaders,
            msTotal: Date.now() - started,
          }),
        ),
      );
    });
    req.on('error', (e) => (gotResponse ? (error ??= e) : reject(e)));
  });
}

describe('fault proxy', () => {
  let origin: http.Server;
  let originUrl: string;
  const originSeen: OriginSeen[] = [];
  let proxy: FaultProxy;

  before(async () => {
    origin = http.createServer((req, res) => {
      let bodyBytes = 0;
      req.on('data', (c: Buffer) => (bodyBytes += c.length));
      req.on('end', () => {
        originSeen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', bodyBytes });
        const size = /^\/blob\?size=(\d+)$/.exec(req.url ?? '');
        if (req.method === 'GET' && size) {
          const body = blob(Number(size[1]));
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
          res.end(body);
        } else {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`received ${bodyBytes}`);
        }
      });
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    originUrl = `http://127.0.0.1:${(origin.address() as { port: number }).port}`;
    proxy = await startFaultProxy(originUrl);
  });

  after(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => origin.close(() => resolve()));
  });

  beforeEach(() => {
    proxy.clearFaults();
    originSeen.length = 0;
    proxy.requests.length = 0;
  });

  it('forwards requests unchanged, Host header and raw path included, and records them', async () => {
    const path = '/a%2Fb//c/./d?x=%20&y';
    const res = await rawRequest({
      method: 'PUT',
      url: proxy.url + path,
      hostHeader: 'test-bucket.localhost:7480',
      body: 'hello',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body, 'received 5');
    assert.deepEqual(originSeen, [{ method: 'PUT', url: path, host: 'test-bucket.localhost:7480', bodyBytes: 5 }]);
    assert.equal(proxy.requests.length, 1);
    assert.equal(proxy.requests[0].method, 'PUT');
    assert.equal(proxy.requests[0].url, path);
    assert.equal(proxy.requests[0].headers.host, 'test-bucket.localhost:7480');
    assert.equal(proxy.requests[0].fault, undefined);

    const big = await rawRequest({ method: 'GET', url: `${proxy.url}/blob?size=300000` });
    assert.equal(sha256(big.bytes), sha256(blob(300000)));
  });

  it('reset-request: resets the connection mid-body and never reaches the origin', async () => {
    proxy.inject((r) => r.method === 'PUT', { kind: 'reset-request', afterBytes: 64 * 1024 });
    await assert.rejects(
      rawRequest({ method: 'PUT', url: `${proxy.url}/upload`, body: Buffer.alloc(4 * 1024 * 1024, 1) }),
      (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || e.code === 'EPIPE',
    );
    assert.equal(originSeen.length, 0);
    assert.equal(proxy.requests[0].fault, 'reset-request');
  });

  it('reset-response: sends the headers and part of the body, then a TCP reset', async () => {
    proxy.inject((r) => r.path === '/blob', { kind: 'reset-response', afterBytes: 1000 });
    const res = await partialGet(`${proxy.url}/blob?size=1000000`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], '1000000');
    assert.equal(res.complete, false);
    assert.ok(res.bytes.length <= 1000, `got ${res.bytes.length} bytes`);
    assert.equal(res.error?.code, 'ECONNRESET');
    assert.equal(originSeen.length, 1, 'the origin answered the request');
  });

  it('close-response: ends the connection cleanly after part of the body', async () => {
    proxy.inject((r) => r.path === '/blob', { kind: 'close-response', afterBytes: 1000 });
    const res = await partialGet(`${proxy.url}/blob?size=1000000`);
    assert.equal(res.status, 200);
    assert.equal(res.complete, false);
    assert.deepEqual(res.bytes, blob(1000));
    await assert.rejects(
      rawRequest({ method: 'GET', url: `${proxy.url}/blob?size=1000000` }),
      /connection closed mid-response|aborted/,
    );
  });

  it('unavailable: answers 503 with an S3 XML error without contacting the origin', async () => {
    proxy.inject(() => true, { kind: 'unavailable' }, { times: 1 });
    proxy.inject(() => true, { kind: 'unavailable', code: 'SlowDown' }, { times: 1 });
    const first = await rawRequest({ method: 'PUT', url: `${proxy.url}/k`, body: Buffer.alloc(100_000) });
    assert.equal(first.status, 503);
    assert.equal(first.headers['content-type'], 'application/xml');
    assert.match(
      first.body,
      /<Error><Code>ServiceUnavailable<\/Code><Message>[^<]+<\/Message><RequestId>fault-proxy-\d+<\/RequestId><\/Error>/,
    );
    const second = await rawRequest({ method: 'GET', url: `${proxy.url}/k` });
    assert.equal(second.status, 503);
    assert.match(second.body, /<Code>SlowDown<\/Code>/);
    assert.equal(originSeen.length, 0);
    assert.deepEqual(
      proxy.requests.map((r) => r.fault),
      ['unavailable', 'unavailable'],
    );
  });

  it('respond: answers the given status and XML body', async () => {
    const xml = '<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>';
    proxy.inject((r) => r.method === 'PUT', {
      kind: 'respond',
      status: 403,
      body: xml,
      headers: { 'x-amz-id-2': 'abc' },
    });
    const res = await rawRequest({ method: 'PUT', url: `${proxy.url}/k`, body: 'x' });
    assert.equal(res.status, 403);
    assert.equal(res.body, xml);
    assert.equal(res.headers['x-amz-id-2'], 'abc');
    assert.equal(res.headers['content-type'], 'application/xml');
    assert.equal(originSeen.length, 0);
  });

  it('slow-headers: holds the response headers back for the delay', async () => {
    proxy.inject(() => true, { kind: 'slow-headers', delayMs: 400 });
    const res = await partialGet(`${proxy.url}/blob?size=5000`);
    assert.ok(res.msToHeaders >= 390, `headers after ${res.msToHeaders} ms`);
    assert.equal(res.complete, true);
    assert.deepEqual(res.bytes, blob(5000));
  });

  it('slow-body: sends headers at once and trickles the body', async () => {
    proxy.inject(() => true, { kind: 'slow-body', chunkBytes: 1000, intervalMs: 150 });
    const res = await partialGet(`${proxy.url}/blob?size=4000`);
    // chunks go out with the headers and 150, 300 and 450 ms later (the last completes the Content-Length):
    // timers never fire early, so 450 ms is a hard lower bound; the gap after the headers gets slack for a
    // busy event loop
    assert.ok(res.msTotal >= 440, `body complete after ${res.msTotal} ms`);
    assert.ok(res.msTotal - res.msToHeaders >= 300, `headers after ${res.msToHeaders} ms of ${res.msTotal} ms`);
    assert.equal(res.complete, true);
    assert.deepEqual(res.bytes, blob(4000));
  });

  it('applies a fault only to matching requests, and only `times` times', async () => {
    proxy.inject((r) => r.method === 'PUT' && r.query.get('partNumber') === '2', { kind: 'unavailable' }, { times: 1 });
    const statuses: number[] = [];
    for (const part of ['1', '2', '2']) {
      statuses.push(
        (await rawRequest({ method: 'PUT', url: `${proxy.url}/obj?partNumber=${part}&uploadId=u`, body: 'p' })).status,
      );
    }
    assert.deepEqual(statuses, [200, 503, 200]);
    assert.deepEqual(
      originSeen.map((s) => s.url),
      ['/obj?partNumber=1&uploadId=u', '/obj?partNumber=2&uploadId=u'],
    );
  });

  it('close() returns promptly while a faulted request is still pending', async () => {
    const p2 = await startFaultProxy(originUrl);
    p2.inject(() => true, { kind: 'slow-headers', delayMs: 60_000 });
    const pending = rawRequest({ method: 'GET', url: `${p2.url}/blob?size=10` });
    // wait until the proxy has the request, then close underneath it
    for (let i = 0; i < 100 && p2.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await p2.close();
    assert.ok(Date.now() - t0 < 1000);
    await assert.rejects(pending);
  });

  it('refuses a target that is not on loopback', async () => {
    await assert.rejects(startFaultProxy('http://example.com:80'), /loopback/);
  });
});
