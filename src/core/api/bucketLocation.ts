/**
 * Where a bucket lives: GetBucketLocation (GET ?location), and the region or endpoint a service names when a request
 * went to the wrong one (S3 `PermanentRedirect` / `x-amz-bucket-region`, `AuthorizationHeaderMalformed` with
 * `<Region>`, OSS `AccessDenied` with `<Endpoint>`).
 */
import { drain, readBody, sendSigned, type SendOptions } from '../http/client';
import { ServiceError } from '../errors';
import { inferRegion } from '../endpoint';
import type { Provider } from '../types';
import { validateBucket } from '../validate';
import { parseBucketLocation } from '../xml';
import type { BucketOptions } from './bucketCors';

/** A bucket's region, and the endpoint host the service named for it when it named one. */
export interface BucketRegion {
  /** Bare region id: `cn-beijing`, `eu-west-1`. */
  region: string;
  /** Host of the bucket's endpoint without the bucket, e.g. `oss-cn-beijing.aliyuncs.com`. */
  endpoint?: string;
}

/**
 * The region of a bucket. Asks GetBucketLocation; when the service answers that the bucket lives elsewhere (a
 * redirect or region error), that answer is the result. On S3, a key that may not call GetBucketLocation still
 * learns the region from the `x-amz-bucket-region` header of a HEAD of the bucket.
 * @throws ServiceError (AccessDenied, NoSuchBucket, ...) when no answer names the region; NetworkError, CancelledError.
 */
export async function getBucketLocation(options: BucketOptions, opts?: SendOptions): Promise<BucketRegion> {
  const bucket = validateBucket(options.provider, options.bucket);
  const { signal } = options;
  try {
    const res = await sendSigned(options, { method: 'GET', bucket, query: [['location', '']], signal }, opts);
    return { region: parseBucketLocation(await readBody(res, { signal }), options.provider) };
  } catch (err) {
    const named = bucketRegionFromError(options.provider, err);
    if (named) return named;
    if (options.provider === 's3' && err instanceof ServiceError && err.status === 403) {
      // S3 sends the header on 200, 301 and 403 answers to HeadBucket (the AWS SDKs locate buckets this way).
      const head = await sendSigned(options, { method: 'HEAD', bucket, signal, expectStatus: [301, 400, 403] }, opts);
      await drain(head);
      const region = head.headers['x-amz-bucket-region'];
      if (region) return { region };
    }
    throw err;
  }
}

/**
 * The bucket's region (and endpoint host) a service named in an error: S3's `x-amz-bucket-region` header or
 * `<Region>` (PermanentRedirect, AuthorizationHeaderMalformed), OSS's `<Endpoint>` (AccessDenied "must be addressed
 * using the specified endpoint"). Undefined for any other error, and for an endpoint that names no region.
 */
export function bucketRegionFromError(provider: Provider, err: unknown): BucketRegion | undefined {
  if (!(err instanceof ServiceError) || !err.details) return undefined;
  const { region, endpoint, bucket } = err.details;
  const host =
    typeof endpoint === 'string' ? endpointHost(provider, endpoint, typeof bucket === 'string' ? bucket : '') : '';
  const hostRegion = host ? inferRegion(provider, host) : undefined;
  const named = typeof region === 'string' && region ? region : undefined;
  // OSS names the endpoint; S3's named region wins over an endpoint such as the legacy global `bucket.s3.amazonaws.com`.
  const found = provider === 'oss' ? (hostRegion ?? named) : (named ?? hostRegion);
  if (!found) return undefined;
  return hostRegion === found ? { region: found, endpoint: host } : { region: found };
}

/** `https://bkt.oss-cn-beijing.aliyuncs.com/` -> `oss-cn-beijing.aliyuncs.com`: the host without the bucket. */
function endpointHost(provider: Provider, endpoint: string, bucket: string): string {
  const host = endpoint
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/:].*$/, '');
  // OSS bucket names have no dots, and OSS names the endpoint with or without the bucket.
  if (provider === 'oss') return host.replace(/^[^.]+\.(?=oss-[^.]+\.aliyuncs\.com$)/, '');
  return bucket && host.startsWith(`${bucket.toLowerCase()}.`) ? host.slice(bucket.length + 1) : host;
}
