/** `presignGet`: a presigned download link for an object (e.g. "Copy presigned GET" after an upload). */
import type { ConnectionOptions } from './types';
import { presignRequest, type PresignedRequest } from './upload/presignRequest';
import { validateDate } from './validate';

export interface PresignGetOptions extends ConnectionOptions {
  bucket: string;
  /** The object key, raw. */
  key: string;
  /** Validity in seconds, integer 1..604800. */
  expiresSeconds: number;
  /** Signing time; default now (read once, here at the API edge). */
  date?: Date | string;
}

/**
 * Presigns a GET of one object; the URL needs no headers.
 * @throws ConfigError for an invalid profile, bucket, key or expiry.
 */
export function presignGet(options: PresignGetOptions): PresignedRequest & { method: 'GET' } {
  const date = validateDate(options.date ?? new Date());
  const r = presignRequest(options, {
    method: 'GET',
    bucket: options.bucket,
    key: options.key,
    expiresSeconds: options.expiresSeconds,
    date,
  });
  return { ...r, method: 'GET' };
}
