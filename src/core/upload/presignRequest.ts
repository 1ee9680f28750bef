/**
 * Presigned requests other than the single PUT: UploadPart, CompleteMultipartUpload, AbortMultipartUpload and
 * GET, with their sub-resources (`uploadId`, `partNumber`) in the signed query, in each provider's dialect.
 */
import { resolvePresignTarget, signPresigned } from '../presign';
import type { ConnectionOptions } from '../types';

export interface PresignRequestInput {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  bucket: string;
  key: string;
  /** Sub-resources, in URL order (e.g. `[['partNumber', '3'], ['uploadId', id]]`). */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Headers the caller of the URL will send; all are signed. */
  headers?: Record<string, string> | undefined;
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
  const target = resolvePresignTarget(conn, input.bucket, input.key, input.expiresSeconds);
  const headers = input.headers ?? {};
  const { url, expiresAt } = signPresigned(conn, target, {
    method: input.method,
    date: input.date,
    headers,
    query: input.query,
  });
  return { method: input.method, url, headers, expiresAt };
}
