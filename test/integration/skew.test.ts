// Clock skew: a loopback server whose clock is 10 minutes ahead answers an S3-shaped RequestTimeTooSkewed;
// the client retries once, signed at the server's time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendSigned, readBody } from '../../src/core/http/client';
import { SkewClock } from '../../src/core/clock';
import { ServiceError } from '../../src/core/errors';
import { toAmzDate } from '../../src/core/signing/encoding';
import type { ConnectionOptions } from '../../src/core/types';

const TEN_MINUTES = 10 * 60_000;

interface Seen {
  amzDate: string;
  receivedAt: number;
}

/** Answers `skewedAnswers` requests with RequestTimeTooSkewed, then ListBuckets; `Date` is off by `offsetMs`. */
async function startSkewedServer(offsetMs: number, skewedAnswers: number, opts: { dateHeader?: boolean } = {}) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    const serverNow = new Date(Date.now() + offsetMs);
    seen.push({ amzDate: String(req.headers['x-amz-date']), receivedAt: Date.now() });
    const headers: Record<string, string> = {
      'content-type': 'application/xml',
      'x-amz-request-id': `req-${seen.length}`,
    };
    if (opts.dateHeader !== false) headers.date = serverNow.toUTCString();
    else res.sendDate = false;
    if (seen.length <= skewedAnswers) {
      res.writeHead(403, headers);
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>RequestTimeTooSkewed</Code>' +
          '<Message>The difference between the request time and the current time is too large.</Message>' +
          `<RequestTime>${seen[seen.length - 1].amzDate}</RequestTime><ServerTime>${serverNow.toISOString()}</ServerTime>` +
          `<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds><RequestId>req-${seen.length}</RequestId></Error>`,
      );
      return;
    }
    res.writeHead(200, headers);
    res.end('<ListAllMyBucketsResult><Buckets><Bucket><Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function conn(endpoint: string): ConnectionOptions {
  return {
    provider: 's3',
    endpoint,
    accessKeyId: 'AKIDEXAMPLE',
    accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
}

/** Seconds between an x-amz-date and an epoch time. */
function secondsOff(amzDate: string, epochMs: number): number {
  const iso = `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`;
  return Math.abs(Date.parse(iso) - epochMs) / 1000;
}

test('RequestTimeTooSkewed is retried once, signed at the server time learnt from the response', async (t) => {
  const server = await startSkewedServer(TEN_MINUTES, 1);
  t.after(() => server.close());
  const warnings: number[] = [];
  const clock = new SkewClock({ onSkew: (ms) => warnings.push(ms) });
  const res = await sendSigned(conn(server.endpoint), { method: 'GET' }, { clock });
  assert.equal(res.status, 200);
  await readBody(res);
  assert.equal(server.seen.length, 2);
  const [first, second] = server.seen;
  assert.ok(secondsOff(first.amzDate, first.receivedAt) <= 2, `first request signed at local time: ${first.amzDate}`);
  assert.ok(
    secondsOff(second.amzDate, second.receivedAt + TEN_MINUTES) <= 2,
    `retry signed at server time: ${second.amzDate}`,
  );
  assert.equal(warnings.length, 1);
  assert.ok(Math.abs(warnings[0] - TEN_MINUTES) < 2_000);
  // Later requests keep the correction without another round trip.
  await readBody(await sendSigned(conn(server.endpoint), { method: 'GET' }, { clock }));
  assert.equal(server.seen.length, 3);
  assert.ok(secondsOff(server.seen[2].amzDate, server.seen[2].receivedAt + TEN_MINUTES) <= 2);
});

test('without a Date header the correction comes from the error body ServerTime', async (t) => {
  const server = await startSkewedServer(-TEN_MINUTES, 1, { dateHeader: false });
  t.after(() => server.close());
  const res = await sendSigned(conn(server.endpoint), { method: 'GET' }, { clock: new SkewClock() });
  await readBody(res);
  assert.equal(server.seen.length, 2);
  assert.ok(secondsOff(server.seen[1].amzDate, server.seen[1].receivedAt - TEN_MINUTES) <= 2, server.seen[1].amzDate);
});

test('the default per-origin clock corrects too, and a second RequestTimeTooSkewed is not retried again', async (t) => {
  const server = await startSkewedServer(TEN_MINUTES, 5);
  t.after(() => server.close());
  await assert.rejects(sendSigned(conn(server.endpoint), { method: 'GET' }), (e: unknown) => {
    assert.ok(e instanceof ServiceError);
    assert.equal(e.code, 'RequestTimeTooSkewed');
    assert.match(e.message, /set this computer's clock/);
    return true;
  });
  assert.equal(server.seen.length, 2);
  assert.notEqual(server.seen[1].amzDate, toAmzDate(new Date(server.seen[1].receivedAt)));
});
