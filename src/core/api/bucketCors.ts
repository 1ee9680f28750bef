/** The bucket's CORS rules (GET/PUT/DELETE ?cors), which decide whether a browser may PUT to a presigned URL. */
import { drain, readBody, sendSigned, type SendOptions } from '../http/client';
import { ServiceError } from '../errors';
import { createMd5 } from '../signing/crypto';
import type { ConnectionOptions } from '../types';
import { validateBucket } from '../validate';
import type { CorsRule } from '../cors';
import { buildCorsXml, parseCors } from '../xml';

export interface BucketOptions extends ConnectionOptions {
  bucket: string;
  signal?: AbortSignal | undefined;
}

/** The CORS rules of a bucket, or [] when it has none. Throws `ServiceError` (AccessDenied, NoSuchBucket, ...). */
export async function getBucketCors(options: BucketOptions, opts?: SendOptions): Promise<CorsRule[]> {
  const bucket = validateBucket(options.provider, options.bucket);
  try {
    const res = await sendSigned(
      options,
      { method: 'GET', bucket, query: [['cors', '']], signal: options.signal },
      opts,
    );
    return parseCors(await readBody(res, { signal: options.signal }));
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'NoSuchCORSConfiguration') return [];
    throw err;
  }
}

/** Replaces the bucket's CORS rules. Throws `ServiceError`. */
export async function putBucketCors(
  options: BucketOptions & { rules: readonly CorsRule[] },
  opts?: SendOptions,
): Promise<void> {
  const bucket = validateBucket(options.provider, options.bucket);
  const body = buildCorsXml(options.rules);
  // S3 requires Content-MD5 on PutBucketCors.
  const md5 = createMd5();
  md5.update(Buffer.from(body));
  const res = await sendSigned(
    options,
    {
      method: 'PUT',
      bucket,
      query: [['cors', '']],
      headers: { 'content-type': 'application/xml', 'content-md5': md5.digestBase64() },
      body,
      signal: options.signal,
    },
    opts,
  );
  await drain(res);
}

/** Removes every CORS rule of the bucket. Throws `ServiceError`. */
export async function deleteBucketCors(options: BucketOptions, opts?: SendOptions): Promise<void> {
  const bucket = validateBucket(options.provider, options.bucket);
  const res = await sendSigned(
    options,
    { method: 'DELETE', bucket, query: [['cors', '']], signal: options.signal },
    opts,
  );
  await drain(res);
}
