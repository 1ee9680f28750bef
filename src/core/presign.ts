/** `presignPut`: the product's core. Validates, then signs with OSS V4, OSS V1 or S3 SigV4. */
import { objectUrl, resolveEndpoint, type ResolvedEndpoint } from './endpoint';
import { ConfigError } from './errors';
import { DIALECTS, dialectOf, type SigningSteps } from './signing/dialect';
import type { ConnectionOptions, PresignPutOptions, PresignResult, Provider, SignatureVersion } from './types';
import {
  validateBucket,
  validateCredentials,
  validateDate,
  validateExpiry,
  validateHeader,
  validateKey,
  validateMetadataName,
  validateSignatureVersion,
} from './validate';

/** Headers the signer or the HTTP client owns; an uploader must not set them by hand. */
const RESERVED_HEADERS = new Set([
  'host',
  'authorization',
  'content-length',
  'transfer-encoding',
  'connection',
  'expect',
]);

/**
 * Merges `headers` and `metadata` into the exact set of headers the uploader must send, validated.
 * Metadata names become `x-oss-meta-<name>` (OSS) or `x-amz-meta-<lower-cased name>` (S3).
 */
export function requiredHeaders(
  provider: Provider,
  headers: Record<string, string> = {},
  metadata: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, string>();
  const add = (name: string, value: string, field: string) => {
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower))
      throw new ConfigError(
        field,
        'ReservedHeader',
        `Header "${name}" is set by the HTTP client or the signature; remove it from the header set.`,
      );
    const foreign = provider === 'oss' ? 'x-amz-' : 'x-oss-';
    if (lower.startsWith(foreign))
      throw new ConfigError(
        field,
        'WrongProviderHeader',
        `Header "${name}" belongs to the other provider: use "${provider === 'oss' ? 'x-oss-' : 'x-amz-'}${lower.slice(foreign.length)}" for ${provider === 'oss' ? 'OSS' : 'S3'}.`,
      );
    if (seen.has(lower))
      throw new ConfigError(
        field,
        'DuplicateHeader',
        `Header "${name}" is given twice (as "${seen.get(lower)}" too); keep one.`,
      );
    seen.set(lower, name);
    out[name] = validateHeader(name, value, field).trim();
  };
  for (const [name, value] of Object.entries(headers)) add(name, value, 'headers');
  const prefix = provider === 'oss' ? 'x-oss-meta-' : 'x-amz-meta-';
  for (const [name, value] of Object.entries(metadata)) {
    validateMetadataName(name);
    add(prefix + name.toLowerCase(), value, 'metadata');
  }
  return out;
}

/** A presigned request's target after validation: the endpoint, its signature version, bucket, key and expiry. */
export interface PresignTarget {
  ep: ResolvedEndpoint;
  version: SignatureVersion;
  bucket: string;
  key: string;
  expiresSeconds: number;
}

/** Validates what every presign needs: endpoint, signature version, bucket, key, credentials and expiry. */
export function resolvePresignTarget(
  conn: ConnectionOptions,
  bucket: unknown,
  key: unknown,
  expiresSeconds: unknown,
): PresignTarget {
  const ep = resolveEndpoint(conn);
  const version = validateSignatureVersion(ep.provider, conn.signatureVersion);
  const target = { ep, version, bucket: validateBucket(ep.provider, bucket), key: validateKey(ep.provider, key) };
  validateCredentials(conn.accessKeyId, conn.accessKeySecret);
  return { ...target, expiresSeconds: validateExpiry(expiresSeconds) };
}

export interface PresignedSteps {
  url: string;
  expiresAt: Date;
  signedHeaders: string[];
  steps: SigningSteps;
}

/**
 * Signs one request on `target` in the connection's dialect (S3 SigV4, OSS V1 or OSS V4) and builds its URL.
 * `headers` are sent as given and all signed (OSS V4: the ones outside its default-signed set become additional
 * headers; OSS V1 cannot sign them); `query` holds sub-resources such as `uploadId` and `partNumber`.
 */
export function signPresigned(
  conn: ConnectionOptions,
  target: PresignTarget,
  request: {
    method: string;
    date: Date;
    headers: Record<string, string>;
    query?: ReadonlyArray<readonly [string, string]> | undefined;
    additionalHeaders?: readonly string[];
  },
): PresignedSteps {
  const { ep, version, bucket, key, expiresSeconds } = target;
  // Whole seconds: the URL states the time in seconds, and OSS V1's absolute Expires is then exactly expiresAt.
  const date = new Date(Math.floor(request.date.getTime() / 1000) * 1000);
  const { origin, host, path } = objectUrl(ep, bucket, key);
  const signed = DIALECTS[dialectOf(ep.provider, version)].presign({
    method: request.method,
    region: ep.region,
    bucket,
    key,
    path,
    host,
    query: request.query ?? [],
    headers: request.headers,
    accessKeyId: conn.accessKeyId,
    accessKeySecret: conn.accessKeySecret,
    securityToken: conn.securityToken,
    date,
    expiresSeconds,
    additionalHeaders: request.additionalHeaders,
  });
  return {
    url: `${origin}${path}?${signed.search}`,
    expiresAt: new Date(date.getTime() + expiresSeconds * 1000),
    signedHeaders: signed.signedHeaders,
    steps: signed.steps,
  };
}

/**
 * Presigns a PUT of one object. The result's `headers` are exactly what the uploader must send; every one of
 * them is covered by the signature (OSS V1 can sign only Content-Type, Content-MD5 and `x-oss-*`; other headers
 * are returned but not signed, see `signedHeaders`).
 * @throws ConfigError for any invalid option (nothing is signed).
 */
export function presignPut(options: PresignPutOptions): PresignResult & { steps: PresignedSteps['steps'] } {
  const target = resolvePresignTarget(options, options.bucket, options.key, options.expiresSeconds);
  const { ep, version } = target;
  // The API edge is the only place that reads the clock; signing takes the time as a value.
  const date = validateDate(options.date ?? new Date());
  const headers = requiredHeaders(ep.provider, options.headers, options.metadata);
  const additional = options.additionalHeaders ?? [];
  if (additional.length && dialectOf(ep.provider, version) !== 'oss-v4') {
    throw new ConfigError(
      'additionalHeaders',
      'UnsupportedOption',
      'additionalHeaders applies to OSS V4 only: S3 SigV4 signs every header you pass (and Host) already, and OSS V1 cannot sign extra headers.',
    );
  }
  for (const name of additional) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new ConfigError(
        'additionalHeaders',
        'InvalidHeaderName',
        `Additional header "${name}" is not a valid header name: use letters, digits and "-" (for example "host" or "cache-control").`,
      );
    const lower = name.toLowerCase();
    if (lower !== 'host' && !Object.keys(headers).some((h) => h.toLowerCase() === lower)) {
      throw new ConfigError(
        'additionalHeaders',
        'MissingHeaderValue',
        `Additional header "${name}" is listed but has no value: add it to headers, or remove it from additionalHeaders.`,
      );
    }
  }
  return {
    method: 'PUT',
    headers,
    ...signPresigned(options, target, { method: 'PUT', date, headers, additionalHeaders: additional }),
  };
}
