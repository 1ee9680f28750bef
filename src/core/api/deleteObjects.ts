/** `deleteObjects`: many objects of one bucket, with the batch DeleteObjects call (POST `?delete`), 1000 keys a request. */
import { readBody, sendSigned, type SendOptions } from '../http/client';
import { createMd5 } from '../signing/crypto';
import { validateBucket, validateKey } from '../validate';
import { decodeXmlText } from '../xml';
import type { BucketOptions } from './bucketCors';
import { deleteObject } from './objects';

/** The most keys one DeleteObjects request may name (S3 and OSS). */
const BATCH_SIZE = 1000;

/** XML 1.0 cannot carry these characters, so such a key is deleted on its own. */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

export interface DeleteObjectsResult {
  /** Keys the service deleted (or that did not exist: deleting a missing key succeeds). */
  deleted: string[];
  /** Keys the service refused, with its error code and message (AccessDenied, ...). */
  failed: Array<{ key: string; code: string; message: string }>;
}

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);

const element = (xml: string, name: string) =>
  decodeXmlText(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1] ?? '');

/**
 * Deletes `keys` from the bucket. A refused key is reported in `failed`, not thrown, so that one protected object
 * does not hide what happened to the others.
 * @throws ConfigError for a bad bucket or key (nothing is deleted); ServiceError when a whole request is refused;
 *   NetworkError, CancelledError.
 */
export async function deleteObjects(
  options: BucketOptions & { keys: readonly string[] },
  opts?: SendOptions,
): Promise<DeleteObjectsResult> {
  const bucket = validateBucket(options.provider, options.bucket);
  const keys = [...new Set(options.keys.map((k) => validateKey(options.provider, k)))];
  const result: DeleteObjectsResult = { deleted: [], failed: [] };
  for (const key of keys.filter((k) => NOT_XML.test(k))) {
    await deleteObject({ ...options, bucket, key }, opts);
    result.deleted.push(key);
  }
  const batchable = keys.filter((k) => !NOT_XML.test(k));
  for (let i = 0; i < batchable.length; i += BATCH_SIZE) {
    const batch = batchable.slice(i, i + BATCH_SIZE);
    // Quiet: the answer lists only the keys that failed.
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet>' +
      batch.map((k) => `<Object><Key>${escapeXml(k)}</Key></Object>`).join('') +
      '</Delete>';
    // Both services require Content-MD5 on DeleteObjects.
    const md5 = createMd5();
    md5.update(Buffer.from(body));
    const res = await sendSigned(
      options,
      {
        method: 'POST',
        bucket,
        query: [['delete', '']],
        headers: { 'content-type': 'application/xml', 'content-md5': md5.digestBase64() },
        body,
        signal: options.signal,
      },
      opts,
    );
    const xml = await readBody(res, { signal: options.signal });
    const refused = new Map<string, { key: string; code: string; message: string }>();
    for (const m of xml.matchAll(/<Error>([\s\S]*?)<\/Error>/g)) {
      const key = element(m[1], 'Key');
      refused.set(key, { key, code: element(m[1], 'Code'), message: element(m[1], 'Message') });
    }
    for (const key of batch) {
      const failure = refused.get(key);
      if (failure) result.failed.push(failure);
      else result.deleted.push(key);
    }
  }
  return result;
}
