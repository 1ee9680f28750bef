/** Single-object calls: HEAD, GET (streamed) and DELETE. */
import { drain, sendSigned, type SendOptions, type SignedResponse } from '../http/client';
import type { ConnectionOptions } from '../types';
import { validateBucket, validateKey } from '../validate';
import { unquoteEtag } from '../xml';

export interface ObjectOptions extends ConnectionOptions {
  bucket: string;
  /** Raw key. */
  key: string;
  signal?: AbortSignal | undefined;
}

export interface ObjectHead {
  size: number;
  /** Without quotes. */
  etag: string;
  /** HTTP date as sent (`Last-Modified`). */
  lastModified: string;
  contentType?: string;
  /** User metadata, names lower-cased without the `x-oss-meta-` / `x-amz-meta-` prefix. */
  metadata: Record<string, string>;
  /** All response headers (lower-case names). */
  headers: Record<string, string>;
}

function target(options: ObjectOptions): { bucket: string; key: string } {
  return { bucket: validateBucket(options.provider, options.bucket), key: validateKey(options.provider, options.key) };
}

/** HEAD of an object, or null when it does not exist. Throws `ServiceError` for other statuses (403, ...). */
export async function headObject(options: ObjectOptions, opts?: SendOptions): Promise<ObjectHead | null> {
  const res = await sendSigned(
    options,
    { method: 'HEAD', ...target(options), expectStatus: [404], signal: options.signal },
    opts,
  );
  await drain(res);
  if (res.status === 404) return null;
  const prefix = options.provider === 'oss' ? 'x-oss-meta-' : 'x-amz-meta-';
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (k.startsWith(prefix)) metadata[k.slice(prefix.length)] = v;
  const head: ObjectHead = {
    size: Number(res.headers['content-length'] ?? 0),
    etag: unquoteEtag(res.headers.etag),
    lastModified: res.headers['last-modified'] ?? '',
    metadata,
    headers: res.headers,
  };
  if (res.headers['content-type']) head.contentType = res.headers['content-type'];
  return head;
}

/**
 * GET of an object; the caller reads or drains `body`. `range` is an inclusive byte range `[start, end]`.
 * Throws `ServiceError` (NoSuchKey, ...).
 */
export async function getObject(
  options: ObjectOptions & { range?: [number, number] },
  opts?: SendOptions,
): Promise<SignedResponse> {
  const headers: Record<string, string> = options.range
    ? { range: `bytes=${options.range[0]}-${options.range[1]}` }
    : {};
  return sendSigned(options, { method: 'GET', ...target(options), headers, signal: options.signal }, opts);
}

/** Deletes an object (succeeds when it does not exist, as the services do). */
export async function deleteObject(options: ObjectOptions, opts?: SendOptions): Promise<void> {
  const res = await sendSigned(options, { method: 'DELETE', ...target(options), signal: options.signal }, opts);
  await drain(res);
}
