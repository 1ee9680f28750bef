/** Content-MD5 of a file, streamed (a large file is never held in memory). */
import { createReadStream } from 'node:fs';
import { CancelledError } from './errors';
import { createMd5 } from './signing/crypto';

/**
 * The Base64 MD5 of the file's bytes, as the Content-MD5 header wants it.
 * @throws CancelledError when `signal` aborts; the file system's error when the file cannot be read.
 */
export async function md5File(path: string, signal?: AbortSignal): Promise<string> {
  const md5 = createMd5();
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const abort = () => stream.destroy(new CancelledError());
  if (signal?.aborted) abort();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of stream) md5.update(chunk as Buffer);
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  return md5.digestBase64();
}
