/** Reading a file's byte ranges from disk as streams, hashing them, and noticing when the file changes. */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { CancelledError, ConfigError, StorageError } from '../errors';

/** Read size from disk: big enough to keep syscalls few, small enough that parallel parts stay cheap in memory. */
const READ_CHUNK = 512 * 1024;

/** The file changed (size or modification time) while it was being uploaded. */
export class FileChangedError extends StorageError {
  constructor(filePath: string, what: string) {
    super('FileChanged', `${filePath} changed while it was being uploaded (${what}), so the upload was stopped and nothing was stored: upload it again once nothing is writing to it.`, { details: { filePath } });
    this.name = 'FileChangedError';
  }
}

export interface FileSnapshot {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * Size and modification time of a regular file.
 * @throws ConfigError when it does not exist, is not a regular file or cannot be read.
 */
export async function snapshotFile(filePath: string): Promise<FileSnapshot> {
  let st;
  try {
    st = await fsp.stat(filePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError('filePath', code === 'ENOENT' ? 'FileNotFound' : 'FileUnreadable', code === 'ENOENT' ? `${filePath} does not exist: choose an existing file.` : `Cannot read ${filePath} (${code ?? 'error'}): check its permissions.`);
  }
  if (!st.isFile()) throw new ConfigError('filePath', 'NotAFile', `${filePath} is not a regular file: choose a file (folders are uploaded file by file by the "Upload to Bucket..." command).`);
  return { path: filePath, size: st.size, mtimeMs: st.mtimeMs };
}

/** @throws FileChangedError when the file's size or modification time differ from `snap`. */
export async function assertUnchanged(snap: FileSnapshot): Promise<void> {
  let st;
  try {
    st = await fsp.stat(snap.path);
  } catch {
    throw new FileChangedError(snap.path, 'it was deleted or became unreadable');
  }
  if (st.size !== snap.size) throw new FileChangedError(snap.path, `size ${snap.size} -> ${st.size} bytes`);
  if (st.mtimeMs !== snap.mtimeMs) throw new FileChangedError(snap.path, 'modification time changed');
}

/**
 * MD5 of bytes [start, end) of the file, base64 (Content-MD5) and raw. A short read means the file shrank.
 * @throws FileChangedError, CancelledError.
 */
export async function md5Range(snap: FileSnapshot, start: number, end: number, signal?: AbortSignal): Promise<{ base64: string; raw: Buffer }> {
  const hash = createHash('md5');
  let bytes = 0;
  if (end > start) {
    const stream = createReadStream(snap.path, { start, end: end - 1, highWaterMark: READ_CHUNK });
    try {
      for await (const chunk of stream) {
        if (signal?.aborted) throw new CancelledError();
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).byteLength;
      }
    } finally {
      stream.destroy();
    }
  }
  if (bytes !== end - start) throw new FileChangedError(snap.path, `only ${bytes} of ${end - start} bytes could be read at offset ${start}`);
  const raw = hash.digest();
  return { base64: raw.toString('base64'), raw };
}

/**
 * Bytes [start, end) of the file as an async iterable for a request body, calling `onBytes(sentSoFar)` as chunks
 * are taken by the HTTP client. Ends with a `FileChangedError` when the file is shorter than expected.
 */
export async function* rangeBody(snap: FileSnapshot, start: number, end: number, onBytes?: (sent: number) => void): AsyncGenerator<Uint8Array> {
  if (end <= start) return;
  const stream = createReadStream(snap.path, { start, end: end - 1, highWaterMark: READ_CHUNK });
  let sent = 0;
  try {
    for await (const chunk of stream) {
      yield chunk as Buffer;
      sent += (chunk as Buffer).byteLength;
      onBytes?.(sent);
    }
  } finally {
    stream.destroy();
  }
  if (sent !== end - start) throw new FileChangedError(snap.path, `only ${sent} of ${end - start} bytes could be read at offset ${start}`);
}
