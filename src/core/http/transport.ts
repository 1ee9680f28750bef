/**
 * The one file that imports undici: a keep-alive Agent (or proxy agent) shared by every request, with
 * timeouts, and the mapping of socket-level failures to `NetworkError` / `CancelledError`.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type * as Undici from 'undici';
import { CancelledError, ConfigError, NetworkError } from '../errors';

export interface TransportTimeouts {
  /** TCP + TLS connect, milliseconds. */
  connectMs: number;
  /** From sending the request to receiving the response headers, milliseconds. */
  headersMs: number;
  /** Longest silence between two body chunks, milliseconds. */
  idleBodyMs: number;
}

export const DEFAULT_TIMEOUTS: TransportTimeouts = { connectMs: 10_000, headersMs: 30_000, idleBodyMs: 60_000 };

export type RequestBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

export interface TransportRequest {
  method: string;
  /** Absolute URL; its path and query are sent as given. */
  url: string;
  headers: Record<string, string>;
  body?: RequestBody | undefined;
  /** Sent as Content-Length (needed for streams: S3 and OSS reject chunked PUTs). */
  contentLength?: number;
  signal?: AbortSignal | undefined;
  /** Per-request overrides of the transport's timeouts. */
  timeouts?: Partial<TransportTimeouts> | undefined;
}

export interface TransportResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body stream: read it (readBody) or discard it (drain), or the connection is not reused. */
  body: Dispatcher.ResponseData['body'];
}

export interface TransportOptions {
  /** Proxy URL (`http://host:port`), e.g. VS Code's `http.proxy`. Default: HTTPS_PROXY / HTTP_PROXY from the environment. */
  proxy?: string | undefined;
  /** Hosts that bypass the proxy (NO_PROXY syntax). Default: NO_PROXY from the environment. */
  noProxy?: string;
  timeouts?: Partial<TransportTimeouts>;
}

let undiciModule: typeof Undici | undefined;
/**
 * undici is loaded on the first request, not when core loads: it is most of core's start-up cost, and the
 * extension activates (and presigns, which needs no HTTP) without it.
 */
function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  return (undiciModule ??= require('undici') as typeof Undici);
}

let timeouts: TransportTimeouts = DEFAULT_TIMEOUTS;
let dispatcher: Dispatcher | undefined;
let proxyUrl: string | undefined;

function envProxy(): string | undefined {
  const e = process.env;
  return e.HTTPS_PROXY || e.https_proxy || e.HTTP_PROXY || e.http_proxy || undefined;
}

const PROXY_URL = /^https?:\/\/[^/?#\s]+\/?$/i;

interface ProxyConfig {
  proxy: string | undefined;
  noProxy: string | undefined;
}
let proxyConfig: ProxyConfig | undefined;

/** The proxy to use (setting, else environment), validated. */
function resolveProxy(options: TransportOptions): ProxyConfig {
  const fromSetting = options.proxy?.trim();
  const proxy = fromSetting || envProxy();
  if (proxy && !PROXY_URL.test(proxy)) {
    const where = fromSetting ? 'The proxy setting' : 'The HTTPS_PROXY/HTTP_PROXY environment variable';
    throw new ConfigError(
      'proxy',
      'InvalidProxy',
      `${where} "${redactProxy(proxy)}" is not a proxy URL: set it to http://host:port (VS Code: the http.proxy setting), or remove it.`,
    );
  }
  return { proxy, noProxy: options.noProxy ?? process.env.NO_PROXY ?? process.env.no_proxy };
}

function createDispatcher({ proxy, noProxy }: ProxyConfig): Dispatcher {
  const t = timeouts;
  const agentOptions = {
    connect: { timeout: t.connectMs },
    headersTimeout: t.headersMs,
    bodyTimeout: t.idleBodyMs,
    keepAliveTimeout: 10_000,
  };
  const { Agent, EnvHttpProxyAgent, ProxyAgent } = undici();
  if (!proxy) return new Agent(agentOptions);
  // EnvHttpProxyAgent applies NO_PROXY; a plain ProxyAgent would send loopback traffic through the proxy too.
  if (noProxy) return new EnvHttpProxyAgent({ ...agentOptions, httpProxy: proxy, httpsProxy: proxy, noProxy });
  return new ProxyAgent({ ...agentOptions, uri: proxy });
}

/**
 * Sets the proxy and timeouts (call when the proxy setting changes). The shared dispatcher is built on the next
 * request, so configuring at activation loads no HTTP code; requests in flight finish on the old one, which is
 * then closed. Throws `ConfigError` for a proxy (setting or environment) that is not an http(s) URL, keeping the
 * previous configuration.
 */
export function configureTransport(options: TransportOptions = {}): void {
  const config = resolveProxy(options);
  timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  proxyConfig = config;
  proxyUrl = config.proxy;
  const old = dispatcher;
  dispatcher = undefined;
  if (old) void old.close().catch(() => undefined);
}

/** The proxy in use (credentials blanked), or undefined for direct connections. For diagnostics. */
export function transportProxy(): string | undefined {
  return proxyUrl ? redactProxy(proxyUrl) : undefined;
}

function redactProxy(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

function getDispatcher(): Dispatcher {
  if (!dispatcher) {
    proxyConfig ??= resolveProxy({});
    proxyUrl = proxyConfig.proxy;
    dispatcher = createDispatcher(proxyConfig);
  }
  return dispatcher;
}

/** Sends one request. Throws `CancelledError` on abort and `NetworkError` when no HTTP answer arrives. */
export async function request(req: TransportRequest): Promise<TransportResponse> {
  if (req.signal?.aborted) throw new CancelledError();
  const headers = { ...req.headers };
  if (req.contentLength !== undefined) headers['content-length'] = String(req.contentLength);
  const t = { ...timeouts, ...req.timeouts };
  const via = getDispatcher();
  try {
    const res = await undici().request(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: (req.body ?? null) as Exclude<Dispatcher.DispatchOptions['body'], undefined>,
      signal: req.signal ?? null,
      dispatcher: via,
      headersTimeout: t.headersMs,
      bodyTimeout: t.idleBodyMs,
    });
    return { status: res.statusCode, headers: flattenHeaders(res.headers), body: res.body };
  } catch (err) {
    throw mapNetworkError(err, req.url, req.signal);
  }
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

const TLS_CODES =
  /^(?:DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(?:VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(?:_LOCALLY)?)|CERT_(?:HAS_EXPIRED|NOT_YET_VALID|UNTRUSTED|REJECTED)|ERR_TLS_CERT_ALTNAME_INVALID|ERR_SSL_.*|EPROTO)$/;

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
  }
  return undefined;
}

/**
 * Maps an undici/socket failure to a typed error whose message names the endpoint host (never the URL:
 * its query may carry a signature) and says what to do. Also used for errors while reading a body.
 */
export function mapNetworkError(err: unknown, url: string, signal?: AbortSignal): Error {
  if (err instanceof CancelledError || err instanceof NetworkError) return err;
  if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) return new CancelledError();
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    host = 'the endpoint';
  }
  const code = errorCode(err) ?? '';
  const details = { host, cause: code || undefined };
  const via = proxyUrl ? ` (through the proxy ${redactProxy(proxyUrl)})` : '';
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError(
        'DnsError',
        `Cannot resolve ${host}${via}: check the endpoint host name and your network or DNS.`,
        err,
        details,
      );
    case 'ECONNREFUSED':
      return new NetworkError(
        'ConnectionRefused',
        `${host} refused the connection${via}: check the endpoint's port and that the server is running.`,
        err,
        details,
      );
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new NetworkError(
        'ConnectionReset',
        `The connection to ${host} was reset${via}: retry; if it keeps happening, check proxies or firewalls between you and the endpoint.`,
        err,
        details,
      );
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new NetworkError(
        'Timeout',
        `Connecting to ${host} timed out${via}: check the endpoint, your network and any proxy, then retry.`,
        err,
        { ...details, timeout: 'connect' },
      );
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new NetworkError(
        'Timeout',
        `${host} did not answer in time${via}: the service may be overloaded; retry later.`,
        err,
        { ...details, timeout: 'headers' },
      );
    case 'UND_ERR_BODY_TIMEOUT':
      return new NetworkError('Timeout', `${host} stopped sending data mid-response${via}: retry.`, err, {
        ...details,
        timeout: 'body',
      });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetworkError(
        'Unreachable',
        `${host} is unreachable${via}: check your network connection and VPN.`,
        err,
        details,
      );
  }
  if (TLS_CODES.test(code)) {
    return new NetworkError(
      'TlsError',
      `The TLS certificate of ${host} was not accepted (${code}): if this is a self-signed endpoint, add its CA to your system's trust store (or NODE_EXTRA_CA_CERTS), or use http:// for a local server.`,
      err,
      details,
    );
  }
  return new NetworkError(
    'NetworkError',
    `The request to ${host} failed${via} (${code || (err instanceof Error ? err.name : 'unknown error')}): check the endpoint and your network, then retry.`,
    err,
    details,
  );
}
