/** `presignGet`: a presigned download link for an object ("Copy Download Link...", "Copy Presigned GET" after an upload). */
import { ConfigError } from './errors';
import type { ConnectionOptions } from './types';
import { presignRequest, type PresignedRequest } from './upload/presignRequest';
import { validateDate, validateHeader } from './validate';

export interface PresignGetOptions extends ConnectionOptions {
  bucket: string;
  /** The object key, raw. */
  key: string;
  /** Validity in seconds, integer 1..604800. */
  expiresSeconds: number;
  /** Signing time; default now (read once, here at the API edge). */
  date?: Date | string;
  /**
   * The `Content-Disposition` the server answers with instead of the stored one (`response-content-disposition`,
   * signed), e.g. `attachmentDisposition('report.pdf')` so that a browser saves the file under that name.
   */
  responseContentDisposition?: string | undefined;
  /** The `Content-Type` the server answers with instead of the stored one (`response-content-type`, signed). */
  responseContentType?: string | undefined;
}

/**
 * Presigns a GET of one object; the URL needs no headers. The response overrides are query parameters covered by
 * the signature in all three dialects (OSS V1 signs them as sub-resources, V4 and SigV4 in the canonical query).
 * @throws ConfigError for an invalid profile, bucket, key, expiry or override value.
 */
export function presignGet(options: PresignGetOptions): PresignedRequest & { method: 'GET' } {
  const date = validateDate(options.date ?? new Date());
  const query: Array<[string, string]> = [];
  if (options.responseContentDisposition !== undefined)
    query.push([
      'response-content-disposition',
      validateHeader('Content-Disposition', options.responseContentDisposition, 'responseContentDisposition'),
    ]);
  if (options.responseContentType !== undefined)
    query.push([
      'response-content-type',
      validateHeader('Content-Type', options.responseContentType, 'responseContentType'),
    ]);
  const r = presignRequest(options, {
    method: 'GET',
    bucket: options.bucket,
    key: options.key,
    query,
    expiresSeconds: options.expiresSeconds,
    date,
  });
  return { ...r, method: 'GET' };
}

/**
 * `attachment; filename="..."; filename*=UTF-8''...` (RFC 6266): browsers save the download under `fileName`; the
 * plain `filename` carries an ASCII fallback, `filename*` the exact name.
 * @throws ConfigError for an empty name or one with a line break.
 */
export function attachmentDisposition(fileName: string): string {
  if (!fileName.trim() || /[\r\n]/.test(fileName))
    throw new ConfigError(
      'fileName',
      'InvalidFileName',
      'The download file name must be one line and not empty: type a name such as report.pdf.',
    );
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
