/**
 * The bucket's CORS rules (GET/PUT/DELETE ?cors), which decide whether a browser may PUT to a presigned URL, and
 * the server's own answer to a browser's preflight (OPTIONS) under them.
 */
import { drain, readBody, sendSigned, type SendOptions } from '../http/client';
import { request } from '../http/transport';
import { ConfigError, ServiceError } from '../errors';
import { objectUrl, resolveEndpoint } from '../endpoint';
import { createMd5 } from '../signing/crypto';
import type { ConnectionOptions, EndpointOptions } from '../types';
import { validateBucket, validateKey } from '../validate';
import type { CorsRule } from '../cors';
import { buildCorsXml, parseCors } from '../xml';

export interface BucketOptions extends ConnectionOptions {
  bucket: string;
  signal?: AbortSignal | undefined;
}

/** The CORS rules of a bucket, or [] when it has none. Throws `ServiceError` (AccessDenied, NoSuchBucket, ...). */
export async function getBucketCors(options: BucketOptions, opts?: SendOptions): Promise<CorsRule[]> {
  const bucket = validateBucket(options.provider, options.bucket);
  try {
    const res = await sendSigned(
      options,
      { method: 'GET', bucket, query: [['cors', '']], signal: options.signal },
      opts,
    );
    return parseCors(await readBody(res, { signal: options.signal }));
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'NoSuchCORSConfiguration') return [];
    throw err;
  }
}

/** Replaces the bucket's CORS rules. Throws `ServiceError`. */
export async function putBucketCors(
  options: BucketOptions & { rules: readonly CorsRule[] },
  opts?: SendOptions,
): Promise<void> {
  const bucket = validateBucket(options.provider, options.bucket);
  const body = buildCorsXml(options.rules);
  // S3 requires Content-MD5 on PutBucketCors.
  const md5 = createMd5();
  md5.update(Buffer.from(body));
  const res = await sendSigned(
    options,
    {
      method: 'PUT',
      bucket,
      query: [['cors', '']],
      headers: { 'content-type': 'application/xml', 'content-md5': md5.digestBase64() },
      body,
      signal: options.signal,
    },
    opts,
  );
  await drain(res);
}

/** Removes every CORS rule of the bucket. Throws `ServiceError`. */
export async function deleteBucketCors(options: BucketOptions, opts?: SendOptions): Promise<void> {
  const bucket = validateBucket(options.provider, options.bucket);
  const res = await sendSigned(
    options,
    { method: 'DELETE', bucket, query: [['cors', '']], signal: options.signal },
    opts,
  );
  await drain(res);
}

/** What a browser sends in a CORS preflight for a request to one object. */
export interface PreflightOptions extends EndpointOptions {
  bucket: string;
  /** The object key the page will send to, raw (any key: the rules are the bucket's). */
  key: string;
  /** The page's origin, `scheme://host[:port]`. */
  origin: string;
  /** The method the page will use, e.g. `PUT` or `POST`. */
  method: string;
  /** The header names the browser lists in Access-Control-Request-Headers (`CorsVerdict.requestHeaders`). */
  headers?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
}

/** The server's answer to a preflight, and whether a browser would go on to send the request. */
export interface PreflightResult {
  allowed: boolean;
  status: number;
  /** Access-Control-Allow-Origin, when the server sent it. */
  allowOrigin?: string;
  /** Access-Control-Allow-Methods and -Headers as lists (empty when absent). */
  allowMethods: string[];
  allowHeaders: string[];
  /** Why a browser would refuse, one sentence; undefined when allowed. */
  reason?: string;
}

// Methods a browser sends without the server naming them (Fetch standard, "CORS-safelisted method").
const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * Sends the preflight a browser sends before a cross-origin request (OPTIONS with Origin and
 * Access-Control-Request-Method/-Headers, no credentials) and judges the answer as the browser does (Fetch standard,
 * "CORS-preflight fetch"): an ok status, the origin (or `*`) allowed, the method allowed unless safelisted, and every
 * requested header allowed (or `*`). A refusal is a result, not an error.
 * @throws ConfigError for a bad endpoint, bucket, key or origin; `NetworkError` / `CancelledError` from the transport.
 */
export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const ep = resolveEndpoint(options);
  const bucket = validateBucket(ep.provider, options.bucket);
  const key = validateKey(ep.provider, options.key);
  let origin: string;
  try {
    origin = new URL(options.origin).origin;
  } catch {
    origin = 'null';
  }
  if (origin === 'null' || origin !== options.origin.replace(/\/$/, ''))
    throw new ConfigError(
      'origin',
      'InvalidOrigin',
      `"${options.origin}" is not an origin: give scheme://host[:port] of the page, e.g. http://localhost:3000.`,
    );
  const method = options.method.toUpperCase();
  const requested = [...new Set((options.headers ?? []).map((h) => h.toLowerCase()))].sort();
  const target = objectUrl(ep, bucket, key);
  const res = await request({
    method: 'OPTIONS',
    url: target.origin + target.path,
    headers: {
      origin,
      'access-control-request-method': method,
      ...(requested.length ? { 'access-control-request-headers': requested.join(',') } : {}),
    },
    signal: options.signal,
  });
  await drain(res);
  const allowOrigin = res.headers['access-control-allow-origin'];
  const allowMethods = list(res.headers['access-control-allow-methods']);
  const allowHeaders = list(res.headers['access-control-allow-headers']);
  const allowedHeader = (h: string) => allowHeaders.some((a) => a === '*' || a.toLowerCase() === h);
  const missing = requested.filter((h) => !allowedHeader(h));
  const reason =
    res.status < 200 || res.status > 299
      ? `The server refused the preflight with status ${res.status}: no CORS rule allows ${method} from ${origin}${requested.length ? ` with ${requested.join(', ')}` : ''}.`
      : allowOrigin !== origin && allowOrigin !== '*'
        ? `The server's answer does not allow the origin ${origin} (Access-Control-Allow-Origin: ${allowOrigin ?? 'absent'}).`
        : !SAFELISTED_METHODS.has(method) && !allowMethods.some((m) => m === method || m === '*')
          ? `The server's answer does not allow ${method} (Access-Control-Allow-Methods: ${allowMethods.join(', ') || 'absent'}).`
          : missing.length
            ? `The server's answer does not allow the header${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (Access-Control-Allow-Headers: ${allowHeaders.join(', ') || 'absent'}).`
            : undefined;
  return {
    allowed: reason === undefined,
    status: res.status,
    ...(allowOrigin !== undefined ? { allowOrigin } : {}),
    allowMethods,
    allowHeaders,
    ...(reason !== undefined ? { reason } : {}),
  };
}
