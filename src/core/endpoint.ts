/** Where a bucket/key lives: region inference and the URL of an object for each addressing style. */
import { ConfigError } from './errors';
import { uriEncode } from './signing/encoding';
import type { Addressing, EndpointOptions, Provider } from './types';
import { validateAddressing, validateEndpoint, validateProvider, validateRegion } from './validate';

export interface ResolvedEndpoint {
  provider: Provider;
  /** Parsed endpoint (`scheme://host[:port]`). */
  url: URL;
  region: string;
  /** The addressing requested (virtual may be served as path for IP/localhost endpoints; see objectUrl). */
  addressing: Addressing;
}

const OSS_HOST = /^(?:[a-z0-9-]+\.)?oss-([a-z0-9-]+?)(-internal)?\.aliyuncs\.com$/;
const AWS_HOST = /^(?:[a-z0-9.-]+\.)?s3[.-](?:dualstack\.)?([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
/** Global acceleration endpoints: OSS `oss-accelerate[-overseas]`, S3 `s3-accelerate[.dualstack]`. They serve
 * buckets of every region, so the host names none and the signature needs the bucket's. */
const ACCELERATE_HOST =
  /^(?:[a-z0-9.-]+\.)?(?:oss-accelerate(?:-overseas)?\.aliyuncs\.com|s3-accelerate(?:\.dualstack)?\.amazonaws\.com)$/;

/** `host` lower-cased, as `URL.hostname` is. */
function isAccelerationHost(host: string): boolean {
  return ACCELERATE_HOST.test(host);
}

/**
 * Region from a standard endpoint host: `oss-cn-hangzhou.aliyuncs.com` -> `cn-hangzhou`,
 * `s3.eu-west-1.amazonaws.com` -> `eu-west-1`, `s3-external-1.amazonaws.com` -> `us-east-1`,
 * `*.r2.cloudflarestorage.com` -> `auto`. Undefined when the host names no region: custom domains, other servers
 * and acceleration endpoints (`oss-accelerate.aliyuncs.com`, `s3-accelerate.amazonaws.com`).
 */
export function inferRegion(provider: Provider, host: string): string | undefined {
  const h = host.toLowerCase();
  if (isAccelerationHost(h)) return undefined;
  if (provider === 'oss') return OSS_HOST.exec(h)?.[1];
  if (h === 's3.amazonaws.com' || h.endsWith('.s3.amazonaws.com')) return 'us-east-1';
  // The legacy "external-1" endpoint is us-east-1's (AWS S3 endpoints list; botocore maps it the same way).
  if (h === 's3-external-1.amazonaws.com' || h.endsWith('.s3-external-1.amazonaws.com')) return 'us-east-1';
  const aws = AWS_HOST.exec(h)?.[1];
  if (aws) return aws;
  if (h.endsWith('.r2.cloudflarestorage.com')) return 'auto';
  return undefined;
}

/**
 * What a user handing out URLs on this endpoint should know, as sentences to show; empty when nothing.
 * Today: an OSS internal endpoint (`oss-<region>-internal.aliyuncs.com`) gives URLs that resolve only inside
 * Alibaba Cloud. `endpoint` is the endpoint or any URL on it (a presigned URL too); text that is not a URL gives none.
 */
export function endpointWarnings(provider: Provider, endpoint: string): string[] {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return [];
  }
  const oss = provider === 'oss' ? OSS_HOST.exec(host) : null;
  if (oss?.[2]) {
    const region = oss[1]!;
    return [
      `URLs on an internal endpoint work only from inside Alibaba Cloud (ECS in ${region}): use oss-${region}.aliyuncs.com for people outside.`,
    ];
  }
  return [];
}

/** Resolved endpoints by their inputs: parsing and validating the same profile's endpoint on every presign cost a
 * tenth of its time. Bounded; only valid inputs are kept. Callers treat the result as read-only. */
const resolved = new Map<string, ResolvedEndpoint>();

export function resolveEndpoint(options: EndpointOptions): ResolvedEndpoint {
  const id = `${String(options.provider)}\u0000${String(options.endpoint)}\u0000${String(options.region)}\u0000${String(options.addressing)}`;
  let ep = resolved.get(id);
  if (!ep) {
    ep = resolveUncached(options);
    if (resolved.size >= 64) resolved.clear();
    resolved.set(id, ep);
  }
  return ep;
}

function resolveUncached(options: EndpointOptions): ResolvedEndpoint {
  const provider = validateProvider(options.provider);
  const url = validateEndpoint(options.endpoint);
  const addressing = validateAddressing(provider, options.addressing);
  // OSS signs with the bare region id; "oss-cn-hangzhou" (how ali-oss configs name it) would give a scope OSS
  // rejects, so drop the prefix as ali-oss getStandardRegion does.
  let region =
    (provider === 'oss' ? options.region?.trim().replace(/^oss-/, '') : options.region?.trim()) ||
    inferRegion(provider, url.hostname);
  if (!region) {
    if (isAccelerationHost(url.hostname)) {
      throw new ConfigError(
        'region',
        'MissingRegion',
        `"${url.host}" is an acceleration endpoint, which serves buckets of every region and so does not name one: set the profile's region to the bucket's region (for example "${provider === 'oss' ? 'cn-hangzhou' : 'eu-west-1'}").`,
      );
    }
    if (provider === 'oss') {
      throw new ConfigError(
        'region',
        'MissingRegion',
        `Cannot tell the OSS region from "${url.host}": set the profile's region (for example "cn-hangzhou"), as custom domains do not name it.`,
      );
    }
    // MinIO, Ceph and most S3-compatible servers accept the AWS default region.
    region = 'us-east-1';
  }
  return { provider, url, region: validateRegion(region), addressing };
}

function isIpOrLocalhost(hostname: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.startsWith('[') || hostname === 'localhost';
}

/**
 * The URL (origin + encoded path) of an object or bucket. Virtual-hosted addressing falls back to path style
 * for IP endpoints (no DNS for `<bucket>.<ip>`; OSS Go SDK v2 does the same) and on S3 for dotted bucket names
 * over https (the wildcard certificate does not cover them; the AWS SDK does the same). For `localhost` it is
 * our own choice: glibc and Node do not resolve `<bucket>.localhost`, so such a URL would not work from curl
 * or Node, while every local S3 server (MinIO, radosgw, s3rver) serves path style.
 */
export function objectUrl(
  ep: ResolvedEndpoint,
  bucket: string | undefined,
  key: string | undefined,
): { origin: string; host: string; path: string } {
  const encodedKey = key ? uriEncode(key, true) : '';
  const { url } = ep;
  if (!bucket) return { origin: url.origin, host: url.host, path: '/' };
  if (ep.addressing === 'cname') return { origin: url.origin, host: url.host, path: '/' + encodedKey };
  const pathStyle =
    ep.addressing === 'path' ||
    isIpOrLocalhost(url.hostname) ||
    (ep.provider === 's3' && url.protocol === 'https:' && bucket.includes('.'));
  if (pathStyle) return { origin: url.origin, host: url.host, path: `/${bucket}/${encodedKey}` };
  const host = `${bucket}.${url.host}`;
  return { origin: `${url.protocol}//${host}`, host, path: '/' + encodedKey };
}
