/**
 * `presignMultipart`: starts a multipart upload with the profile's credentials and presigns everything a recipient
 * without credentials needs to finish it: one UploadPart URL per part, the Complete and the Abort request.
 */
import { clockFor } from '../clock';
import type { SendOptions } from '../http/client';
import { resolveEndpoint } from '../endpoint';
import { detectContentType } from '../contentType';
import { requiredHeaders } from '../presign';
import type { ConnectionOptions } from '../types';
import { validateBucket, validateDate, validateExpiry, validateKey } from '../validate';
import type { PresignedMultipart } from './kitScript';
import { initiateMultipart } from './multipart';
import { planParts } from './partPlan';
import { presignRequest } from './presignRequest';

export interface PresignMultipartOptions extends ConnectionOptions {
  bucket: string;
  /** The object key, raw. */
  key: string;
  /** Size of the file the recipient will upload, bytes. */
  fileSize: number;
  /** Bytes per part; default 8 MiB, raised to the provider's minimum and to stay within 10,000 parts. */
  partSize?: number | undefined;
  /** Validity of every URL, seconds (1..604800). The upload itself stays open until completed or aborted. */
  expiresSeconds: number;
  /** Headers stored with the object (sent with Initiate; the recipient sends none). Content-Type defaults from the key. */
  headers?: Record<string, string>;
  metadata?: Record<string, string>;
  /** Signing time; default: now on the endpoint's skew-corrected clock. */
  date?: Date | string;
  signal?: AbortSignal;
}

/**
 * Initiates the upload and presigns its requests (S3: SigV4 query signing; OSS: V4 or V1), with `uploadId` and
 * `partNumber` in the signed query.
 * @throws ConfigError (nothing was started), ServiceError / NetworkError / CancelledError from Initiate.
 */
export async function presignMultipart(
  options: PresignMultipartOptions,
  opts?: SendOptions,
): Promise<PresignedMultipart & { partSize: number }> {
  const ep = resolveEndpoint(options);
  const bucket = validateBucket(ep.provider, options.bucket);
  const key = validateKey(ep.provider, options.key);
  const expiresSeconds = validateExpiry(options.expiresSeconds);
  const plan = planParts(ep.provider, options.fileSize, options.partSize);
  const given = options.headers ?? {};
  const headers = requiredHeaders(
    ep.provider,
    Object.keys(given).some((h) => h.toLowerCase() === 'content-type')
      ? given
      : { ...given, 'Content-Type': detectContentType(key) },
    options.metadata,
  );
  const uploadId = await initiateMultipart(options, bucket, key, headers, options.signal, opts);
  // The clock Initiate just taught (keyed by the endpoint, not the bucket's virtual host).
  const date =
    options.date !== undefined ? validateDate(options.date) : (opts?.clock ?? clockFor(options, opts?.log)).now();
  const sign = (method: 'PUT' | 'POST' | 'DELETE', query: Array<[string, string]>, h?: Record<string, string>) =>
    presignRequest(options, { method, bucket, key, query, expiresSeconds, date, headers: h });
  const parts = plan.parts.map((p) => ({
    ...p,
    url: sign('PUT', [
      ['partNumber', String(p.partNumber)],
      ['uploadId', uploadId],
    ]).url,
  }));
  // Content-Type is signed for Complete: OSS signs it whenever it is sent, and curl --data would send a form type.
  const complete = sign('POST', [['uploadId', uploadId]], { 'Content-Type': 'application/xml' });
  const abort = sign('DELETE', [['uploadId', uploadId]]);
  return {
    uploadId,
    partSize: plan.partSize,
    parts: parts.map(({ partNumber, url, start, end }) => ({ partNumber, url, start, end })),
    complete: { url: complete.url, method: 'POST', headers: complete.headers },
    abort: { url: abort.url, method: 'DELETE' },
    expiresAt: complete.expiresAt,
  };
}
