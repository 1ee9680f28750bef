/**
 * `downloadObject`: one object streamed to a local file. The bytes go to a temporary file beside the target,
 * renamed over it only once the whole body arrived, so a cancel or a failure leaves nothing partial behind.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CancelledError, StorageError } from '../errors';
import type { SendOptions } from '../http/client';
import { mapNetworkError } from '../http/transport';
import { unquoteEtag } from '../xml';
import { getObject, type ObjectOptions } from './objects';

export interface DownloadObjectOptions extends ObjectOptions {
  /** The local file to write; an existing file is replaced only when the download completes. */
  filePath: string;
  /** Bytes received so far (monotonic) and the object's size when the server sent `Content-Length`. */
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

export interface DownloadResult {
  bytes: number;
  /** Without quotes; '' when the server sent none. */
  etag: string;
  contentType?: string;
}

/**
 * Downloads an object to `filePath`. The parent folder must exist.
 * @throws ServiceError (NoSuchKey, AccessDenied, ...), NetworkError, CancelledError, StorageError
 *   (`IncompleteDownload` when the body ended short), or the file system's error; in every case no file is left.
 */
export async function downloadObject(options: DownloadObjectOptions, opts?: SendOptions): Promise<DownloadResult> {
  const target = path.resolve(options.filePath);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.download`);
  const res = await getObject(options, opts);
  const length = Number(res.headers['content-length']);
  const total = Number.isInteger(length) && length >= 0 ? length : undefined;
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.byteLength;
      options.onProgress?.(received, total);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      res.body,
      counter,
      createWriteStream(temp, { flags: 'wx' }),
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
    if (total !== undefined && received !== total)
      throw new StorageError(
        'IncompleteDownload',
        `The download of ${options.key} ended after ${received} of ${total} bytes: download it again.`,
        { details: { key: options.key } },
      );
    await fsp.rename(temp, target);
  } catch (err) {
    res.body.destroy();
    await fsp.rm(temp, { force: true });
    if (options.signal?.aborted) throw new CancelledError();
    // Local file errors (EACCES, ENOSPC, ...) say what went wrong with the path; socket errors get the usual advice.
    if (err instanceof StorageError || (err as NodeJS.ErrnoException).path !== undefined) throw err;
    throw mapNetworkError(err, '');
  }
  const result: DownloadResult = { bytes: received, etag: unquoteEtag(res.headers.etag) };
  if (res.headers['content-type']) result.contentType = res.headers['content-type'];
  return result;
}
