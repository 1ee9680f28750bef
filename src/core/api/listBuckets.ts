/** ListBuckets (GET / on the endpoint). OSS lists the buckets of every region, each with its region. */
import { readBody, sendSigned, type SendOptions } from '../http/client';
import type { ConnectionOptions } from '../types';
import { parseListBuckets, type BucketInfo } from '../xml';

export interface ListBucketsResult {
  buckets: BucketInfo[];
}

/** Safety stop: 100 pages of 1000 buckets is far above any account's quota. */
const MAX_PAGES = 100;

/**
 * Lists every bucket the credentials can see, following pages. Throws `ServiceError` (e.g.
 * InvalidAccessKeyId, SignatureDoesNotMatch), `NetworkError`, `CancelledError`.
 */
export async function listBuckets(
  conn: ConnectionOptions & { signal?: AbortSignal | undefined },
  opts?: SendOptions,
): Promise<ListBucketsResult> {
  const buckets: BucketInfo[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    // OSS pages with marker/max-keys, S3 with continuation-token; the first request carries no paging so
    // S3-compatible servers without ListBuckets paging (radosgw, MinIO) accept it.
    const query: Array<[string, string]> = token
      ? [[conn.provider === 'oss' ? 'marker' : 'continuation-token', token]]
      : [];
    if (conn.provider === 'oss') query.push(['max-keys', '1000']);
    const res = await sendSigned(conn, { method: 'GET', query, signal: conn.signal }, opts);
    const parsed = parseListBuckets(await readBody(res, { signal: conn.signal }));
    buckets.push(...parsed.buckets);
    token = parsed.nextToken;
    if (!token) break;
  }
  return { buckets };
}
