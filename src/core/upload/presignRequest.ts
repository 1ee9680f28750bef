/**
 * Presigned requests other than the single PUT: UploadPart, CompleteMultipartUpload, AbortMultipartUpload and
 * GET, with their sub-resources (`uploadId`, `partNumber`) in the signed query, in each provider's dialect.
 */
import { objectUrl, resolveEndpoint } from '../endpoint';
import { queryString } from '../signing/encoding';
import { signOssV1Query } from '../signing/ossV1';
import { isOssV4DefaultSignedHeader, signOssV4Query } from '../signing/ossV4';
import { signSigV4Query } from '../signing/s3SigV4';
import type { ConnectionOptions } from '../types';
import { validateBucket, validateCredentials, validateExpiry, validateKey, validateSignatureVersion } from '../validate';

export interface PresignRequestInput {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  bucket: string;
  key: string;
  /** Sub-resources, in URL order (e.g. `[['partNumber', '3'], ['uploadId', id]]`). */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Headers the caller of the URL will send; all are signed. */
  headers?: Record<string, string>;
  expiresSeconds: number;
  /** Signing time. */
  date: Date;
}

export interface PresignedRequest {
  method: PresignRequestInput['method'];
  url: string;
  /** Exactly the headers the caller must send. */
  headers: Record<string, string>;
  expiresAt: Date;
}

/**
 * Presigns one request on an object.
 * @throws ConfigError for an invalid profile, bucket, key or expiry.
 */
export function presignRequest(conn: ConnectionOptions, input: PresignRequestInput): PresignedRequest {
  const ep = resolveEndpoint(conn);
  const version = validateSignatureVersion(ep.provider, conn.signatureVersion);
  const bucket = validateBucket(ep.provider, input.bucket);
  const key = validateKey(ep.provider, input.key);
  validateCredentials(conn.accessKeyId, conn.accessKeySecret);
  const expiresSeconds = validateExpiry(input.expiresSeconds);
  const date = new Date(Math.floor(input.date.getTime() / 1000) * 1000);
  const headers = input.headers ?? {};
  const sub = input.query ?? [];
  const token = conn.securityToken || undefined;
  const { origin, host, path } = objectUrl(ep, bucket, key);
  const base = origin + path + '?';
  const expiresAt = new Date(date.getTime() + expiresSeconds * 1000);

  if (ep.provider === 's3') {
    const signed = signSigV4Query({
      method: input.method, path, host, region: ep.region, accessKeyId: conn.accessKeyId, secretAccessKey: conn.accessKeySecret,
      ...(token ? { sessionToken: token } : {}), date, headers, query: sub, expiresSeconds,
    });
    return { method: input.method, url: base + queryString(signed.query), headers, expiresAt };
  }
  if (version === 'v1') {
    const expiresUnix = Math.floor(date.getTime() / 1000) + expiresSeconds;
    const signed = signOssV1Query({
      method: input.method, bucket, key, accessKeyId: conn.accessKeyId, accessKeySecret: conn.accessKeySecret,
      ...(token ? { securityToken: token } : {}), headers, subResources: sub, expiresUnix,
    });
    return { method: input.method, url: base + queryString([...sub, ...signed.query]), headers, expiresAt: new Date(expiresUnix * 1000) };
  }
  // As presignPut: headers outside OSS V4's default-signed set are signed as additional headers.
  const extra = Object.keys(headers).filter((h) => !isOssV4DefaultSignedHeader(h.toLowerCase()));
  const signed = signOssV4Query({
    method: input.method, bucket, key, region: ep.region, accessKeyId: conn.accessKeyId, accessKeySecret: conn.accessKeySecret,
    ...(token ? { securityToken: token } : {}), date, headers, additionalHeaders: extra, query: sub, expiresSeconds,
  });
  return { method: input.method, url: base + queryString(signed.query), headers, expiresAt };
}
