/** ListObjectsV2, one page: the bucket tree's children of a prefix. */
import { readBody, sendSigned, type SendOptions } from '../http/client';
import type { ConnectionOptions } from '../types';
import { validateBucket } from '../validate';
import { parseListObjectsV2, type ObjectInfo } from '../xml';

export interface ListObjectsOptions extends ConnectionOptions {
  bucket: string;
  /** Only keys starting with this (raw, not encoded). */
  prefix?: string | undefined;
  /** Usually `/`: keys below the next delimiter are rolled up into `prefixes`. */
  delimiter?: string;
  /** `nextToken` of the previous page. */
  continuationToken?: string | undefined;
  /** 1..1000; default 1000 (the services' maximum). */
  maxKeys?: number;
  signal?: AbortSignal | undefined;
}

export interface ListObjectsResult {
  objects: ObjectInfo[];
  /** Sub-"folders", each the full prefix ending with the delimiter. */
  prefixes: string[];
  /** Present when there are more results: pass it as `continuationToken`. */
  nextToken?: string;
}

/**
 * Lists one page of objects and common prefixes. Keys are requested with `encoding-type=url` and decoded,
 * so keys with characters XML cannot carry (control characters) come back intact. Throws `ConfigError`,
 * `ServiceError` (NoSuchBucket, AccessDenied, ...), `NetworkError`, `CancelledError`.
 */
export async function listObjects(options: ListObjectsOptions, opts?: SendOptions): Promise<ListObjectsResult> {
  const bucket = validateBucket(options.provider, options.bucket);
  const query: Array<[string, string]> = [
    ['list-type', '2'],
    ['encoding-type', 'url'],
  ];
  if (options.prefix) query.push(['prefix', options.prefix]);
  if (options.delimiter) query.push(['delimiter', options.delimiter]);
  if (options.continuationToken) query.push(['continuation-token', options.continuationToken]);
  query.push(['max-keys', String(Math.min(1000, Math.max(1, Math.floor(options.maxKeys ?? 1000))))]);
  const res = await sendSigned(options, { method: 'GET', bucket, query, signal: options.signal }, opts);
  const page = parseListObjectsV2(await readBody(res, { signal: options.signal }));
  const result: ListObjectsResult = { objects: page.objects, prefixes: page.prefixes };
  if (page.nextToken) result.nextToken = page.nextToken;
  return result;
}
