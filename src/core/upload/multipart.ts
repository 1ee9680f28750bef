/** The multipart API calls (Initiate, UploadPart, Complete, Abort, ListParts, ListMultipartUploads) over signed requests, both providers. */
import { ConfigError, ServiceError, StorageError } from '../errors';
import { drain, readBody, sendSigned, type SendOptions } from '../http/client';
import type { RequestBody } from '../http/transport';
import type { ConnectionOptions } from '../types';
import { validateBucket, validateKey } from '../validate';
import {
  buildCompleteMultipartXml,
  parseError,
  parseInitiateMultipart,
  parseListMultipartUploads,
  parseListParts,
  unquoteEtag,
  type MultipartUploadInfo,
  type PartInfo,
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
  return parseOr('InitiateMultipartUpload', () => parseInitiateMultipart(body), { bucket, key }).uploadId;
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

export interface AbortMultipartUploadOptions extends ConnectionOptions {
  bucket: string;
  /** Raw key. */
  key: string;
  uploadId: string;
  /** Default: a deadline of its own (30 s), so an abort still runs after the caller's operation was cancelled. */
  signal?: AbortSignal | undefined;
}

/**
 * AbortMultipartUpload: the service drops the upload and every part it stored. An upload that is already gone
 * (404) counts as aborted.
 * @throws ConfigError, ServiceError (AccessDenied, ...), NetworkError, CancelledError.
 */
export async function abortMultipartUpload(options: AbortMultipartUploadOptions, opts?: SendOptions): Promise<void> {
  const { bucket, key } = target(options);
  const res = await sendSigned(
    options,
    {
      method: 'DELETE',
      bucket,
      key,
      query: [['uploadId', uploadIdOf(options.uploadId)]],
      expectStatus: [404],
      signal: options.signal ?? AbortSignal.timeout(ABORT_TIMEOUT_MS),
    },
    opts,
  );
  await drain(res);
}

export interface ListMultipartUploadsOptions extends ConnectionOptions {
  bucket: string;
  /** Only uploads of keys starting with this (raw). */
  prefix?: string | undefined;
  /** `nextKeyMarker` and `nextUploadIdMarker` of the previous page. */
  keyMarker?: string | undefined;
  uploadIdMarker?: string | undefined;
  /** 1..1000; default 1000 (the services' maximum). */
  maxUploads?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface ListMultipartUploadsPage {
  /** By key, then by start time. */
  uploads: MultipartUploadInfo[];
  isTruncated: boolean;
  /** Present when there are more results: pass them as `keyMarker` and `uploadIdMarker`. */
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

/**
 * One page of the bucket's incomplete multipart uploads: each keeps its parts (and costs storage) until it is
 * completed or aborted.
 * @throws ConfigError, ServiceError (NoSuchBucket, AccessDenied, ...), NetworkError, CancelledError.
 */
export async function listMultipartUploads(
  options: ListMultipartUploadsOptions,
  opts?: SendOptions,
): Promise<ListMultipartUploadsPage> {
  const bucket = validateBucket(options.provider, options.bucket);
  const query: Array<[string, string]> = [['uploads', '']];
  if (options.prefix) query.push(['prefix', options.prefix]);
  if (options.keyMarker) query.push(['key-marker', options.keyMarker]);
  if (options.uploadIdMarker) query.push(['upload-id-marker', options.uploadIdMarker]);
  query.push(['max-uploads', String(pageSize(options.maxUploads))]);
  const res = await sendSigned(options, { method: 'GET', bucket, query, signal: options.signal }, opts);
  const body = await readBody(res, { signal: options.signal });
  const page = parseOr('ListMultipartUploads', () => parseListMultipartUploads(body), { bucket });
  const result: ListMultipartUploadsPage = { uploads: page.uploads, isTruncated: page.isTruncated };
  // A truncated page without a marker would repeat itself forever: end there.
  if (page.isTruncated && page.nextKeyMarker) {
    result.nextKeyMarker = page.nextKeyMarker;
    if (page.nextUploadIdMarker) result.nextUploadIdMarker = page.nextUploadIdMarker;
  } else result.isTruncated = false;
  return result;
}

export interface ListPartsOptions extends ConnectionOptions {
  bucket: string;
  /** Raw key. */
  key: string;
  uploadId: string;
  /** `nextPartNumberMarker` of the previous page: parts after this number. */
  partNumberMarker?: number | undefined;
  /** 1..1000; default 1000 (the services' maximum). */
  maxParts?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface ListPartsPage {
  /** By part number. */
  parts: PartInfo[];
  isTruncated: boolean;
  /** Present when there are more results: pass it as `partNumberMarker`. */
  nextPartNumberMarker?: number;
}

/**
 * One page of the parts an incomplete multipart upload has stored (number, size, ETag, time).
 * @throws ConfigError, ServiceError (NoSuchUpload when it was completed or aborted, also where the service says
 * NoSuchKey for that), NetworkError, CancelledError.
 */
export async function listParts(options: ListPartsOptions, opts?: SendOptions): Promise<ListPartsPage> {
  const { bucket, key } = target(options);
  const query: Array<[string, string]> = [
    ['uploadId', uploadIdOf(options.uploadId)],
    ['max-parts', String(pageSize(options.maxParts))],
  ];
  if (options.partNumberMarker) query.push(['part-number-marker', String(options.partNumberMarker)]);
  let res;
  try {
    res = await sendSigned(options, { method: 'GET', bucket, key, query, signal: options.signal }, opts);
  } catch (err) {
    // radosgw answers NoSuchKey for an upload id it does not know: say what it means.
    if (!(err instanceof ServiceError && err.status === 404 && err.code === 'NoSuchKey')) throw err;
    throw new ServiceError({
      status: 404,
      code: 'NoSuchUpload',
      message: `The multipart upload ${options.uploadId} of ${key} no longer exists (aborted or completed): refresh the list of incomplete uploads.`,
      requestId: err.requestId,
      body: err.body,
    });
  }
  const body = await readBody(res, { signal: options.signal });
  const page = parseOr('ListParts', () => parseListParts(body), { bucket, key });
  const result: ListPartsPage = { parts: page.parts, isTruncated: page.isTruncated };
  if (page.isTruncated && page.nextPartNumberMarker !== undefined && page.nextPartNumberMarker > 0)
    result.nextPartNumberMarker = page.nextPartNumberMarker;
  else result.isTruncated = false;
  return result;
}

/** Every part of an upload (all pages of ListParts). */
export async function listAllParts(options: ListPartsOptions, opts?: SendOptions): Promise<PartInfo[]> {
  const parts: PartInfo[] = [];
  let partNumberMarker: number | undefined;
  do {
    const page = await listParts({ ...options, partNumberMarker }, opts);
    parts.push(...page.parts);
    partNumberMarker = page.nextPartNumberMarker;
  } while (partNumberMarker !== undefined);
  return parts;
}

function target(options: { provider: ConnectionOptions['provider']; bucket: string; key: string }): {
  bucket: string;
  key: string;
} {
  return { bucket: validateBucket(options.provider, options.bucket), key: validateKey(options.provider, options.key) };
}

function uploadIdOf(uploadId: unknown): string {
  if (typeof uploadId !== 'string' || uploadId === '')
    throw new ConfigError(
      'uploadId',
      'InvalidUploadId',
      'The upload id is empty: pass the id InitiateMultipartUpload or ListMultipartUploads returned.',
    );
  return uploadId;
}

function pageSize(value: number | undefined): number {
  return Math.min(1000, Math.max(1, Math.floor(value ?? 1000)));
}

function parseOr<T>(what: string, parse: () => T, details: Record<string, unknown>): T {
  try {
    return parse();
  } catch (err) {
    throw new UnexpectedResponseError(what, { ...details, cause: err instanceof Error ? err.message : String(err) });
  }
}
