// Shared helpers for integration tests: the radosgw connection settings that `npm test` exports,
// unique object keys, and a raw HTTP client that sends a URL exactly as given.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { ConnectionOptions } from '../../../src/core/index';

export interface S3TestEnv {
  /** e.g. http://127.0.0.1:7480 (path-style; virtual-hosted style is <bucket>.localhost:PORT). */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  region: string;
  bucket: string;
}

/** The reason to give `t.skip()` when s3TestEnv() returns undefined. */
export const NO_S3_SKIP_REASON = 'radosgw not running: run npm test';

/** True under CI=true (or CI=1): a missing server must fail the tests, never skip them. */
export function isCI(): boolean {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * Connection settings of the S3 test server, from S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY,
 * S3_REGION (default us-east-1) and S3_BUCKET (default test-bucket), as scripts/test.mjs sets them.
 * Without them: under CI this throws (so the test fails); otherwise it returns undefined and the
 * test should `return t.skip(NO_S3_SKIP_REASON)`.
 */
export function s3TestEnv(): S3TestEnv | undefined {
  const { S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY } = process.env;
  if (!S3_ENDPOINT || !S3_ACCESS_KEY || !S3_SECRET_KEY) {
    if (isCI()) {
      throw new Error(
        'CI=true but S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY are not set: radosgw did not start. ' +
          'Run the tests with `npm test`, which starts it (see scripts/s3-server/start.sh).',
      );
    }
    return undefined;
  }
  return {
    endpoint: S3_ENDPOINT.replace(/\/+$/, ''),
    accessKeyId: S3_ACCESS_KEY,
    accessKeySecret: S3_SECRET_KEY,
    region: process.env.S3_REGION || 'us-east-1',
    bucket: process.env.S3_BUCKET || 'test-bucket',
  };
}

/** The core connection options of the S3 test server: path style (radosgw on an IP has no bucket host names). */
export function s3Connection(env: S3TestEnv): ConnectionOptions {
  return {
    provider: 's3',
    endpoint: env.endpoint,
    region: env.region,
    addressing: 'path',
    accessKeyId: env.accessKeyId,
    accessKeySecret: env.accessKeySecret,
  };
}

/** A key no other test run uses: `<prefix>-<time>-<random>` (no dash after a prefix ending in '/'). */
export function uniqueKey(prefix: string): string {
  const sep = prefix === '' || prefix.endsWith('/') ? '' : '-';
  return `${prefix}${sep}${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface RawRequest {
  method: string;
  /** http:// URL; its path and query go on the wire byte for byte (no re-encoding, no dot-segment removal). */
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Host header to send instead of the URL's authority, e.g. `test-bucket.localhost:7480`. */
  hostHeader?: string;
  /** Give up (reject) after this long. Default 30 s. */
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body decoded as UTF-8. */
  body: string;
  bytes: Buffer;
}

/**
 * Sends one HTTP/1.1 request over node:http without touching the URL, unlike fetch/undici, which
 * normalise paths (`%2F`, `//`, `/./`) and so cannot show what a presigned URL does on the wire.
 * A host of `localhost` or `*.localhost` is reached at 127.0.0.1 (the resolver does not know
 * `<bucket>.localhost`), with that name still sent in the Host header, as radosgw needs for
 * virtual-hosted style. Content-Length is set for a body unless the caller sets it or
 * Transfer-Encoding. Each request uses its own connection.
 */
export async function rawRequest(req: RawRequest): Promise<RawResponse> {
  const m = /^http:\/\/([^/?#]+)([^#]*)$/i.exec(req.url);
  if (!m) throw new Error(`rawRequest takes an http:// URL without a fragment, got ${req.url}`);
  const authority = m[1];
  const path = m[2] === '' ? '/' : m[2].startsWith('/') ? m[2] : `/${m[2]}`;
  const hm = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
  if (!hm) throw new Error(`rawRequest: cannot parse host in ${req.url}`);
  const hostname = hm[1].replace(/^\[|\]$/g, '');
  const connectHost = /(^|\.)localhost$/i.test(hostname) ? '127.0.0.1' : hostname;
  const port = hm[2] ? Number(hm[2]) : 80;

  const headers: Record<string, string> = { host: req.hostHeader ?? authority, ...req.headers };
  const body = req.body === undefined ? undefined : typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
  const named = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  if (!named.has('content-length') && !named.has('transfer-encoding') && (body || /^(PUT|POST)$/i.test(req.method))) {
    headers['content-length'] = String(body ? body.byteLength : 0);
  }

  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: connectHost, port, method: req.method, path, headers, setHost: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        // A connection closed before the whole body arrived must not look like a short, complete body.
        res.on('close', () => {
          if (!res.complete) reject(new Error(`rawRequest ${req.method} ${req.url}: connection closed mid-response`));
        });
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes });
        });
      },
    );
    r.setTimeout(req.timeoutMs ?? 30_000, () =>
      r.destroy(new Error(`rawRequest ${req.method} ${req.url}: no answer in time`)),
    );
    r.on('error', reject);
    r.end(body);
  });
}
