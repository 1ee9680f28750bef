/**
 * Signed API requests: resolve the endpoint, sign with the profile's dialect (SigV4, OSS V4, OSS V1) at the
 * skew-corrected time, send, and turn error statuses into `ServiceError`s that say what to do.
 */
import { clockFor, type Clock } from '../clock';
import { CancelledError, NetworkError, ServiceError } from '../errors';
import { objectUrl, resolveEndpoint, type ResolvedEndpoint } from '../endpoint';
import { nullLogger, type Logger } from '../log';
import { authorizeRequest } from '../signing/authorize';
import { sha256Hex } from '../signing/crypto';
import { uriEncode } from '../signing/encoding';
import type { ConnectionOptions } from '../types';
import { validateCredentials, validateSignatureVersion } from '../validate';
import { parseError, type ParsedError } from '../xml';
import {
  mapNetworkError,
  request,
  type RequestBody,
  type TransportResponse,
  type TransportTimeouts,
} from './transport';
import { serviceErrorMessage, type ErrorMessageContext } from './serviceErrorMessage';

/** SHA-256 of the empty string: the payload hash of body-less requests. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SignedRequest {
  method: string;
  bucket?: string;
  /** Raw object key (not encoded). */
  key?: string;
  /** Query parameters in order (raw; encoded here). An empty value is sent as a bare name on OSS. */
  query?: Array<[string, string]>;
  headers?: Record<string, string>;
  body?: RequestBody;
  contentLength?: number;
  /** S3: hex SHA-256 of the body when known. Default: computed for string/bytes bodies, EMPTY_SHA256 for none, else UNSIGNED-PAYLOAD. Ignored on OSS. */
  payloadHash?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Statuses >= 300 that are not errors for this call (e.g. 404 for headObject). */
  expectStatus?: number[];
  timeouts?: Partial<TransportTimeouts>;
}

export interface SendOptions {
  /** Signing clock; default: the endpoint's shared skew-correcting clock (`clockFor`). */
  clock?: Clock;
  log?: Logger;
}

export type SignedResponse = TransportResponse;

/** SigV4 only: OSS V4 rejects any x-oss-content-sha256 but UNSIGNED-PAYLOAD (OSS error 0002-00000214). */
function payloadHashOf(provider: 'oss' | 's3', req: SignedRequest): string | undefined {
  if (provider === 'oss') return undefined;
  if (req.payloadHash) return req.payloadHash;
  if (req.body === undefined) return EMPTY_SHA256;
  if (typeof req.body === 'string' || req.body instanceof Uint8Array) return sha256Hex(req.body);
  return undefined;
}

function urlQuery(query: ReadonlyArray<readonly [string, string]>, bareEmpty: boolean): string {
  return query.map(([k, v]) => (bareEmpty && v === '' ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`)).join('&');
}

/**
 * Sends one signed request and returns the response with its body unread (read it with `readBody`, or
 * `drain` it). Throws `ConfigError` for a bad profile, `ServiceError` for a status >= 300 not in
 * `expectStatus`, `NetworkError` / `CancelledError` from the transport. A `RequestTimeTooSkewed` answer is
 * retried once with the server's time (only for replayable bodies: none, string or bytes).
 */
export async function sendSigned(
  conn: ConnectionOptions,
  req: SignedRequest,
  opts: SendOptions = {},
): Promise<SignedResponse> {
  const ep = resolveEndpoint(conn);
  validateCredentials(conn.accessKeyId, conn.accessKeySecret);
  const log = opts.log ?? nullLogger;
  const target = objectUrl(ep, req.bucket, req.key);
  const clock = opts.clock ?? clockFor(conn, log);
  const replayable = req.body === undefined || typeof req.body === 'string' || req.body instanceof Uint8Array;
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce(conn, ep, target, req, clock, log);
    } catch (err) {
      if (attempt === 1 && replayable && err instanceof ServiceError && err.code === 'RequestTimeTooSkewed') {
        log.warn(`[http] ${target.host} says the request time is skewed: retrying once with the server's time.`);
        continue;
      }
      throw err;
    }
  }
}

async function sendOnce(
  conn: ConnectionOptions,
  ep: ResolvedEndpoint,
  target: { origin: string; host: string; path: string },
  req: SignedRequest,
  clock: Clock,
  log: Logger,
): Promise<SignedResponse> {
  const query = req.query ?? [];
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  if (req.contentLength !== undefined) headers['content-length'] = String(req.contentLength);
  else if (typeof req.body === 'string') headers['content-length'] = String(Buffer.byteLength(req.body));
  else if (req.body instanceof Uint8Array) headers['content-length'] = String(req.body.byteLength);
  const payloadHash = payloadHashOf(ep.provider, req);
  const auth = authorizeRequest({
    provider: ep.provider,
    signatureVersion: validateSignatureVersion(ep.provider, conn.signatureVersion),
    method: req.method,
    region: ep.region,
    bucket: req.bucket,
    key: req.key,
    path: target.path,
    host: target.host,
    query,
    headers,
    accessKeyId: conn.accessKeyId,
    accessKeySecret: conn.accessKeySecret,
    securityToken: conn.securityToken || undefined,
    date: clock.now(),
    payloadHash,
  });
  const qs = urlQuery(query, ep.provider === 'oss');
  const url = `${target.origin}${target.path}${qs ? '?' + qs : ''}`;
  const started = Date.now();
  const res = await request({
    method: req.method,
    url,
    headers: { ...headers, ...auth.headers },
    body: req.body,
    signal: req.signal,
    timeouts: req.timeouts,
  });
  clock.observe(res.headers.date, new Date());
  const requestId = res.headers['x-oss-request-id'] ?? res.headers['x-amz-request-id'];
  log.debug(
    `[http] ${req.method} ${target.host}${target.path} -> ${res.status}${requestId ? ` (request id ${requestId})` : ''} in ${Date.now() - started} ms`,
  );
  if (res.status < 300 || req.expectStatus?.includes(res.status)) return res;

  const body = req.method === 'HEAD' ? '' : await readBody(res, { signal: req.signal, url }).catch(() => '');
  let parsed = parseError(body);
  // S3 names the bucket's region in a header even when the body does not (HEAD, 301 redirects).
  const bucketRegion = res.headers['x-amz-bucket-region'];
  if (bucketRegion && bucketRegion !== ep.region && !parsed?.region)
    parsed = { code: '', message: '', ...parsed, region: bucketRegion };
  // Skew: learn from the body's ServerTime (more precise than Date, and present when Date is not).
  if (parsed?.code === 'RequestTimeTooSkewed') clock.observe(parsed.serverTime ?? res.headers.date, new Date());
  throw toServiceError(res.status, parsed, body, requestId, {
    provider: ep.provider,
    host: target.host,
    bucket: req.bucket,
    key: req.key,
    method: req.method,
    accessKeyId: conn.accessKeyId,
    region: ep.region,
  });
}

/** Builds the `ServiceError` for an error status, with a message that says what to do next. */
export function toServiceError(
  status: number,
  parsed: ParsedError | undefined,
  body: string,
  headerRequestId: string | undefined,
  ctx: ErrorMessageContext,
): ServiceError {
  const code = parsed?.code || defaultCode(status, ctx.method);
  const requestId = parsed?.requestId || headerRequestId;
  const details: Record<string, unknown> = { host: ctx.host, method: ctx.method };
  if (ctx.bucket) details.bucket = ctx.bucket;
  if (ctx.key) details.key = ctx.key;
  if (parsed?.message) details.serviceMessage = parsed.message;
  if (parsed?.region) details.region = parsed.region;
  if (parsed?.endpoint) details.endpoint = parsed.endpoint;
  if (parsed?.serverTime) details.serverTime = parsed.serverTime;
  return new ServiceError({
    status,
    code,
    message: serviceErrorMessage(status, code, parsed, ctx),
    requestId,
    ec: parsed?.ec,
    body,
    details,
  });
}

/** The code of a body-less error (HEAD requests, proxies): what S3 would have said. */
function defaultCode(status: number, method: string): string {
  if (status === 404) return method === 'HEAD' ? 'NotFound' : 'NoSuchKey';
  if (status === 403) return 'AccessDenied';
  if (status === 400) return 'BadRequest';
  if (status === 301 || status === 307) return 'PermanentRedirect';
  if (status >= 500) return status === 503 ? 'ServiceUnavailable' : 'InternalError';
  return `Http${status}`;
}

/** Default cap of `readBody`: API responses are small; a 1000-key listing is ~300 KB. */
const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Reads a response body as UTF-8 text. Throws `NetworkError` (`ResponseTooLarge`) past `limit` bytes, and
 * maps socket errors and aborts while reading like the transport does.
 */
export async function readBody(
  res: SignedResponse,
  options: { limit?: number; signal?: AbortSignal | undefined; url?: string } = {},
): Promise<string> {
  const limit = options.limit ?? DEFAULT_BODY_LIMIT;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      size += buf.byteLength;
      if (size > limit) {
        res.body.destroy();
        throw new NetworkError(
          'ResponseTooLarge',
          `The response was larger than ${limit} bytes: this is not an API response; check the endpoint (is it a website or a proxy page?).`,
        );
      }
      chunks.push(buf);
    }
  } catch (err) {
    if (options.signal?.aborted) throw new CancelledError();
    throw mapNetworkError(err, options.url ?? '');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Discards a body so the keep-alive connection can be reused. Never throws. */
export async function drain(res: SignedResponse): Promise<void> {
  try {
    await res.body.dump({ limit: 256 * 1024 });
  } catch {
    // A body that fails mid-way only costs the connection.
  }
}
