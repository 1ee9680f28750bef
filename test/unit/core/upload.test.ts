// Pure parts of the upload engine: part planning, the retry policy, progress aggregation, and the kit script.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, ConfigError, NetworkError, ServiceError } from '../../../src/core/errors';
import { multipartKitManifest, multipartKitScript } from '../../../src/core/upload/kitScript';
import { MAX_PARTS, MIN_PART_SIZE, choosePartSize, planParts } from '../../../src/core/upload/partPlan';
import { ProgressTracker } from '../../../src/core/upload/progress';
import { backoffDelay, classifyFailure, withRetry } from '../../../src/core/upload/retry';

const MiB = 1024 * 1024;
const svc = (status: number, code: string) => new ServiceError({ status, code, message: code });

describe('part planning', () => {
  it('cuts a file into parts of the requested size, the last one short, end exclusive', () => {
    const plan = planParts('s3', 23 * MiB, 5 * MiB);
    assert.equal(plan.partSize, 5 * MiB);
    assert.deepEqual(
      plan.parts.map((p) => [p.partNumber, p.start, p.end]),
      [
        [1, 0, 5 * MiB],
        [2, 5 * MiB, 10 * MiB],
        [3, 10 * MiB, 15 * MiB],
        [4, 15 * MiB, 20 * MiB],
        [5, 20 * MiB, 23 * MiB],
      ],
    );
  });
  it('gives a file of exactly one part size one part, and a 0-byte file one empty part', () => {
    assert.deepEqual(planParts('s3', 5 * MiB, 5 * MiB).parts, [{ partNumber: 1, start: 0, end: 5 * MiB }]);
    assert.deepEqual(planParts('oss', 0).parts, [{ partNumber: 1, start: 0, end: 0 }]);
  });
  it('raises the part size to the provider minimum: 5 MiB on S3, 100 KiB on OSS', () => {
    assert.equal(choosePartSize('s3', 100 * MiB, 1024), MIN_PART_SIZE.s3);
    assert.equal(choosePartSize('oss', 100 * MiB, 1024), 100 * 1024);
    assert.equal(choosePartSize('oss', 100 * MiB, 200 * 1024), 200 * 1024);
  });
  it('raises the part size (to whole MiB) so that a huge file stays within 10,000 parts', () => {
    const size = 200 * 1024 * MiB; // 200 GiB
    const plan = planParts('s3', size);
    assert.ok(plan.parts.length <= MAX_PARTS, `${plan.parts.length} parts`);
    assert.equal(plan.partSize % MiB, 0);
    assert.equal(plan.parts[plan.parts.length - 1].end, size);
    assert.equal(choosePartSize('s3', 10_000 * 8 * MiB), 8 * MiB);
    assert.equal(choosePartSize('s3', 10_000 * 8 * MiB + 1), 9 * MiB);
  });
  it('rejects a bad part size and a file too large for 10,000 parts of 5 GiB', () => {
    assert.throws(() => planParts('s3', 10, 0), ConfigError);
    assert.throws(() => planParts('s3', 10, 1.5), ConfigError);
    assert.throws(() => planParts('s3', -1), ConfigError);
    assert.throws(() => planParts('s3', 10_000 * 5 * 1024 * MiB + 1), /split it into several objects/);
  });
});

describe('retry policy', () => {
  it('retries resets, timeouts and 5xx; never 4xx; skew is its own case', () => {
    assert.equal(classifyFailure(new NetworkError('ConnectionReset', 'r')), 'retry');
    assert.equal(classifyFailure(new NetworkError('Timeout', 't')), 'retry');
    assert.equal(classifyFailure(new NetworkError('DnsError', 'd')), 'fail');
    assert.equal(classifyFailure(svc(503, 'SlowDown')), 'retry');
    assert.equal(classifyFailure(svc(500, 'InternalError')), 'retry');
    assert.equal(classifyFailure(svc(403, 'AccessDenied')), 'fail');
    assert.equal(classifyFailure(svc(404, 'NoSuchUpload')), 'fail');
    assert.equal(classifyFailure(svc(400, 'InvalidDigest')), 'fail');
    assert.equal(classifyFailure(svc(403, 'RequestTimeTooSkewed')), 'skew');
    assert.equal(classifyFailure(new CancelledError()), 'fail');
    assert.equal(classifyFailure(new Error('boom')), 'fail');
  });
  it('backs off exponentially with full jitter, capped', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 20].map((r) => backoffDelay(r, policy, () => 0.999999)),
      [99, 199, 399, 799, 999, 999],
    );
    assert.equal(
      backoffDelay(3, policy, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(1, policy, () => 0.5),
      100,
    );
  });
  it('withRetry repeats until success and reports each retry', async () => {
    const seen: number[] = [];
    const result = await withRetry(
      async (n) => {
        if (n < 3) throw new NetworkError('ConnectionReset', 'reset');
        return 'ok';
      },
      { policy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 }, onRetry: (_e, n) => seen.push(n) },
    );
    assert.equal(result, 'ok');
    assert.deepEqual(seen, [1, 2]);
  });
  it('withRetry gives up after maxAttempts and throws the last error; a 4xx fails at the first attempt', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw svc(503, 'SlowDown');
        },
        { policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
      ),
      /SlowDown/,
    );
    assert.equal(calls, 3);
    calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw svc(403, 'AccessDenied');
        },
        { policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
      ),
      /AccessDenied/,
    );
    assert.equal(calls, 1);
  });
  it('withRetry repeats a clock-skew failure once after onSkew, then fails', async () => {
    let calls = 0;
    let skews = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw svc(403, 'RequestTimeTooSkewed');
        },
        { onSkew: () => skews++ },
      ),
      /RequestTimeTooSkewed/,
    );
    assert.equal(calls, 2);
    assert.equal(skews, 1);
  });
  it('withRetry stops waiting and throws CancelledError when the signal aborts during a backoff', async () => {
    const ac = new AbortController();
    const p = withRetry(
      async () => {
        throw new NetworkError('Timeout', 't');
      },
      {
        signal: ac.signal,
        policy: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
        random: () => 0.9,
        onRetry: () => ac.abort(),
      },
    );
    await assert.rejects(p, CancelledError);
  });
});

describe('progress', () => {
  it('sums parallel parts and never goes back when a part is re-sent', () => {
    const events: number[] = [];
    const t = new ProgressTracker(30, (s, total) => {
      assert.equal(total, 30);
      events.push(s);
    });
    t.report();
    t.update(1, 5);
    t.update(2, 4);
    t.update(2, 10); // part 2 done
    t.update(1, 3); // part 1 retried: restarts on the wire
    t.update(1, 8);
    t.update(1, 10);
    t.update(3, 10);
    assert.deepEqual(events, [0, 5, 9, 15, 18, 20, 30]);
  });
});

describe('multipart kit script', () => {
  const kit = {
    uploadId: "2~it's-an id",
    parts: [
      { partNumber: 1, url: 'https://b.example.com/k?partNumber=1&uploadId=x&X-Amz-Signature=aa', start: 0, end: 5 },
      { partNumber: 2, url: 'https://b.example.com/k?partNumber=2&uploadId=x&X-Amz-Signature=bb', start: 5, end: 7 },
    ],
    complete: {
      url: 'https://b.example.com/k?uploadId=x&X-Amz-Signature=cc',
      method: 'POST' as const,
      headers: { 'Content-Type': 'application/xml' },
    },
    abort: { url: 'https://b.example.com/k?uploadId=x&X-Amz-Signature=dd', method: 'DELETE' as const },
    expiresAt: new Date('2026-01-01T00:00:00Z'),
  };
  const manifest = multipartKitManifest(kit, {
    provider: 's3',
    bucket: 'b',
    key: 'dir/k\nrm -rf ~',
    fileName: "it's a file.bin",
    fileSize: 7,
    partSize: 5,
  });

  it('writes a manifest with every presigned request and the file layout', () => {
    const json = JSON.parse(JSON.stringify(manifest));
    assert.equal(json.version, 1);
    assert.equal(json.expiresAt, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(
      json.parts.map((p: { start: number; end: number }) => [p.start, p.end]),
      [
        [0, 5],
        [5, 7],
      ],
    );
    assert.equal(json.complete.headers['Content-Type'], 'application/xml');
  });
  it('is valid bash that quotes every value and keeps a newline in the key out of the code', () => {
    const script = multipartKitScript(manifest);
    assert.ok(script.startsWith('#!/usr/bin/env bash\n'));
    assert.ok(!/^rm -rf/m.test(script), 'a newline in the key escaped the comment');
    assert.ok(script.includes(`FILE=\${1:-'it'\\''s a file.bin'}`));
    assert.ok(script.includes(`UPLOAD_ID='2~it'\\''s-an id'`));
    assert.ok(script.includes("-H 'Content-Type: application/xml'"));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-unit-'));
    try {
      const file = path.join(dir, 'kit.sh');
      fs.writeFileSync(file, script);
      execFileSync('bash', ['-n', file]);
      // Run the parts that need no network: a missing file is refused before anything is sent.
      assert.throws(
        () => execFileSync('bash', [file, path.join(dir, 'missing')], { stdio: 'pipe' }),
        (e: { stderr: Buffer }) => /is not a file/.test(e.stderr.toString()),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
