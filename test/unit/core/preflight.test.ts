// core `preflight`: the OPTIONS request a browser sends before a cross-origin upload, to a loopback server whose answer
// each case sets, and the browser's judgement of that answer (Fetch standard, CORS-preflight fetch). radosgw's own
// answers are checked in test/integration/corsApply.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, preflight } from '../../../src/core/index';

describe('preflight', () => {
  let answer: { status: number; headers: Record<string, string> } = { status: 200, headers: {} };
  const received: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res
      .writeHead(answer.status, answer.headers)
      .end(answer.status === 200 ? '' : '<Error><Code>AccessDenied</Code></Error>');
  });
  let endpoint = '';
  const ask = (method: string, headers: string[]) =>
    preflight({
      provider: 's3',
      endpoint,
      region: 'us-east-1',
      addressing: 'path',
      bucket: 'bkt',
      key: 'in/a b.png',
      origin: 'http://localhost:3000',
      method,
      headers,
    });

  before(async () => {
    server.listen(0, '127.0.0.1');
    await new Promise((done) => server.once('listening', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('sends OPTIONS to the object with Origin and the requested method and headers, and no credentials', async () => {
    answer = { status: 403, headers: {} };
    received.length = 0;
    await ask('put', ['X-Amz-Meta-Owner', 'content-type']);
    assert.equal(received.length, 1);
    const [req] = received;
    assert.deepEqual([req.method, req.url], ['OPTIONS', '/bkt/in/a%20b.png']);
    assert.deepEqual(
      [req.headers.origin, req.headers['access-control-request-method'], req.headers['access-control-request-headers']],
      ['http://localhost:3000', 'PUT', 'content-type,x-amz-meta-owner'],
    );
    assert.equal(req.headers.authorization, undefined);
  });

  const ALLOW = {
    'Access-Control-Allow-Origin': 'http://localhost:3000',
    'Access-Control-Allow-Methods': 'PUT',
    'Access-Control-Allow-Headers': 'Content-Type, x-amz-meta-owner',
  };
  const CASES: {
    name: string;
    status?: number;
    headers: Record<string, string>;
    method?: string;
    allowed: RegExp | true;
  }[] = [
    { name: 'the origin, method and every header allowed', headers: ALLOW, allowed: true },
    {
      name: 'a refusing status',
      status: 403,
      headers: {},
      allowed: /^The server refused the preflight with status 403/,
    },
    {
      name: 'another origin',
      headers: { ...ALLOW, 'Access-Control-Allow-Origin': 'https://other.example' },
      allowed:
        /does not allow the origin http:\/\/localhost:3000 \(Access-Control-Allow-Origin: https:\/\/other\.example\)/,
    },
    { name: 'any origin', headers: { ...ALLOW, 'Access-Control-Allow-Origin': '*' }, allowed: true },
    {
      name: 'the method not listed',
      headers: { ...ALLOW, 'Access-Control-Allow-Methods': 'GET, HEAD' },
      allowed: /does not allow PUT \(Access-Control-Allow-Methods: GET, HEAD\)/,
    },
    {
      name: 'a safelisted method need not be listed',
      method: 'POST',
      headers: { ...ALLOW, 'Access-Control-Allow-Methods': 'GET' },
      allowed: true,
    },
    {
      name: 'a requested header not listed',
      headers: { ...ALLOW, 'Access-Control-Allow-Headers': 'content-type' },
      allowed: /does not allow the header x-amz-meta-owner/,
    },
    { name: 'headers by wildcard', headers: { ...ALLOW, 'Access-Control-Allow-Headers': '*' }, allowed: true },
  ];
  for (const c of CASES) {
    it(`judges ${c.name} as a browser does`, async () => {
      answer = { status: c.status ?? 200, headers: c.headers };
      const result = await ask(c.method ?? 'PUT', ['content-type', 'x-amz-meta-owner']);
      assert.equal(result.status, c.status ?? 200);
      if (c.allowed === true) {
        assert.equal(result.allowed, true, result.reason);
        assert.equal(result.reason, undefined);
      } else {
        assert.equal(result.allowed, false);
        assert.match(result.reason ?? '', c.allowed);
      }
    });
  }

  it('refuses an origin that is not scheme://host[:port]', async () => {
    await assert.rejects(
      preflight({ provider: 's3', endpoint, bucket: 'bkt', key: 'k', origin: 'localhost:3000/app', method: 'PUT' }),
      (err: unknown) => err instanceof ConfigError && /is not an origin/.test(err.message),
    );
  });
});
