/** The multipart API calls (Initiate, UploadPart, Complete, Abort, List) over signed requests, both providers. */
import { ServiceError, StorageError } from '../errors';
import { drain, readBody, sendSigned, type SendOptions } from '../http/client';
import type { RequestBody } from '../http/transport';
import type { ConnectionOptions } from '../types';
import {
  buildCompleteMultipartXml,
  parseError,
  parseInitiateMultipart,
  parseListMultipartUploads,
  unquoteEtag,
  type MultipartUploadInfo,
} from '../xml';

/** Abort must run even after the user cancelled, so it gets its own short deadline instead of their signal. */
const ABORT_TIMEOUT_MS = 30_000;

/** The service answered 2xx with a body that is not what the API promises (a proxy page, a truncated answer). */
export class UnexpectedResponseError extends StorageError {
  constructor(what: string, details?: Record<string, unknown>) {
    super(
      'UnexpectedResponse',
      `The service's answer to ${what} could not be understood: check that the endpoint is the storage service itself (not a proxy or website), then retry.`,
      details ? { details } : undefined,
    );
    this.name = 'UnexpectedResponseError';
  }
}

/**
 * InitiateMultipartUpload with the object's headers (Content-Type, metadata, ...), which apply to the final object.
 * @returns the upload id.
 */
export async function initiateMultipart(
  conn: ConnectionOptions,
  bucket: string,
  key: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
  opts?: SendOptions,
): Promise<string> {
  const res = await sendSigned(conn, { method: 'POST', bucket, key, query: [['uploads', '']], headers, signal }, opts);
  const body = await readBody(res, { signal });
  try {
    return parseInitiateMultipart(body).uploadId;
  } catch (err) {
    throw new UnexpectedResponseError('InitiateMultipartUpload', {
      bucket,
      key,
      cause: err instanceof Error ? err.message : String(err),
    });
  }
}

/**
 * UploadPart with a streamed body of `contentLength` bytes and its checksum: `headers` (Content-MD5) and/or
 * `payloadHash` (hex SHA-256, signed as the SigV4 payload hash). Returns the part's ETag (bare).
 */
export async function uploadPart(
  conn: ConnectionOptions,
  p: {
    bucket: string;
    key: string;
    uploadId: string;
    partNumber: number;
    body: RequestBody;
    contentLength: number;
    headers?: Record<string, string>;
    payloadHash?: string | undefined;
    signal?: AbortSignal | undefined;
  },
  opts?: SendOptions,
): Promise<string> {
  const res = await sendSigned(
    conn,
    {
      method: 'PUT',
      bucket: p.bucket,
      key: p.key,
      query: [
        ['partNumber', String(p.partNumber)],
        ['uploadId', p.uploadId],
      ],
      headers: p.headers ?? {},
      payloadHash: p.payloadHash,
      body: p.body,
      contentLength: p.contentLength,
      signal: p.signal,
    },
    opts,
  );
  await drain(res);
  const etag = unquoteEtag(res.headers.etag);
  if (!etag)
    throw new UnexpectedResponseError(`UploadPart ${p.partNumber}`, {
      bucket: p.bucket,
      key: p.key,
      reason: 'no ETag header',
    });
  return etag;
}

/**
 * CompleteMultipartUpload. S3 may answer 200 with an error document (a late failure): that is thrown as a 500
 * `ServiceError`, so it is retried like the server error it is.
 * @returns the ETag of the response (empty on radosgw, a known bug: HEAD the object for the real one).
 */
export async function completeMultipart(
  conn: ConnectionOptions,
  p: {
    bucket: string;
    key: string;
    uploadId: string;
    parts: ReadonlyArray<{ partNumber: number; etag: string }>;
    signal?: AbortSignal | undefined;
  },
  opts?: SendOptions,
): Promise<string> {
  const xml = buildCompleteMultipartXml(p.parts);
  const res = await sendSigned(
    conn,
    {
      method: 'POST',
      bucket: p.bucket,
      key: p.key,
      query: [['uploadId', p.uploadId]],
      headers: { 'content-type': 'application/xml' },
      body: xml,
      signal: p.signal,
    },
    opts,
  );
  const body = await readBody(res, { signal: p.signal });
  const err = parseError(body);
  if (err) {
    throw new ServiceError({
      status: 500,
      code: err.code || 'InternalError',
      message: `Completing the upload of ${p.key} failed on the server (${err.code}): retry the upload.`,
      requestId: err.requestId,
      body,
    });
  }
  const m = /<ETag>([^<]*)<\/ETag>/.exec(body);
  return unquoteEtag(m?.[1]?.replace(/&quot;/g, '"'));
}

/** AbortMultipartUpload; a 404 (already gone) counts as done. Never uses the caller's (maybe aborted) signal. */
export async function abortMultipart(
  conn: ConnectionOptions,
  bucket: string,
  key: string,
  uploadId: string,
  opts?: SendOptions,
): Promise<void> {
  const res = await sendSigned(
    conn,
    {
      method: 'DELETE',
      bucket,
      key,
      query: [['uploadId', uploadId]],
      expectStatus: [404],
      signal: AbortSignal.timeout(ABORT_TIMEOUT_MS),
    },
    opts,
  );
  await drain(res);
}

/** In-progress multipart uploads of a bucket under `prefix` (all pages). */
export async function listMultipartUploads(
  conn: ConnectionOptions,
  bucket: string,
  prefix = '',
  signal?: AbortSignal,
  opts?: SendOptions,
): Promise<MultipartUploadInfo[]> {
  const out: MultipartUploadInfo[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const query: Array<[string, string]> = [['uploads', '']];
    if (prefix) query.push(['prefix', prefix]);
    if (keyMarker) query.push(['key-marker', keyMarker]);
    if (uploadIdMarker) query.push(['upload-id-marker', uploadIdMarker]);
    const res = await sendSigned(conn, { method: 'GET', bucket, query, signal }, opts);
    const page = parseListMultipartUploads(await readBody(res, { signal }));
    out.push(...page.uploads);
    if (!page.isTruncated || !page.nextKeyMarker) return out;
    keyMarker = page.nextKeyMarker;
    uploadIdMarker = page.nextUploadIdMarker;
  }
}
