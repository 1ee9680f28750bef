/** Reading a file's byte ranges from disk as streams, hashing them, and noticing when the file changes. */
import type * as NodeCrypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { CancelledError, ConfigError, StorageError } from '../errors';

/** The file changed (size or modification time) while it was being uploaded. */
export class FileChangedError extends StorageError {
  constructor(filePath: string, what: string) {
    super(
      'FileChanged',
      `${filePath} changed while it was being uploaded (${what}), so the upload was stopped and nothing was stored: upload it again once nothing is writing to it.`,
      { details: { filePath } },
    );
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
    throw new ConfigError(
      'filePath',
      code === 'ENOENT' ? 'FileNotFound' : 'FileUnreadable',
      code === 'ENOENT'
        ? `${filePath} does not exist: choose an existing file.`
        : `Cannot read ${filePath} (${code ?? 'error'}): check its permissions.`,
    );
  }
  if (!st.isFile())
    throw new ConfigError(
      'filePath',
      'NotAFile',
      `${filePath} is not a regular file: choose a file (folders are uploaded file by file by the "Upload to Bucket..." command).`,
    );
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

/** Hashing reads bigger chunks than sending: nothing waits on the network here. */
const HASH_CHUNK = 1024 * 1024;
/** Send chunks, and how many buffers a body cycles through (see rangeBody). */
const SEND_CHUNK = 512 * 1024;
const SEND_BUFFERS = 4;

/**
 * Read buffers reused across parts and files. A fresh buffer per read leaves garbage that V8 collects only after
 * ~64 MiB of external memory, which grew an upload's peak RSS by about that much. The free lists are dropped a
 * second after the last buffer comes back, so an idle extension holds none.
 */
const free = new Map<number, Buffer[]>();
let out = 0;
let dropTimer: NodeJS.Timeout | undefined;

/** A buffer of `size` bytes from the free list, or a new one; give it back with releaseBuffers. */
export function acquireBuffer(size: number): Buffer {
  out++;
  clearTimeout(dropTimer);
  return free.get(size)?.pop() ?? Buffer.allocUnsafe(size);
}

export function releaseBuffers(buffers: Buffer[]): void {
  out -= buffers.length;
  for (const b of buffers) {
    const list = free.get(b.length) ?? [];
    free.set(b.length, list);
    list.push(b);
  }
  if (out === 0) dropTimer = setTimeout(() => free.clear(), 1000).unref();
}

/** node:crypto (OpenSSL hashing of file data) is loaded on the first upload, not when core loads: loading it is
 * half of core's start-up time, which the extension pays on activation. */
function createHash(algorithm: 'md5' | 'sha256'): NodeCrypto.Hash {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  return (require('node:crypto') as typeof NodeCrypto).createHash(algorithm);
}

/** Lets timers and I/O callbacks run between two slices of work on bytes already in memory. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Digest of bytes [start, end) of the file. A short read means the file shrank.
 * @throws FileChangedError, CancelledError.
 */
export async function hashRange(
  snap: FileSnapshot,
  start: number,
  end: number,
  algorithm: 'md5' | 'sha256',
  signal?: AbortSignal,
): Promise<Buffer> {
  const hash = createHash(algorithm);
  let pos = start;
  if (end > start) {
    const fh = await fsp.open(snap.path, 'r');
    const buf = acquireBuffer(HASH_CHUNK);
    try {
      while (pos < end) {
        if (signal?.aborted) throw new CancelledError();
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
        if (bytesRead === 0) break;
        hash.update(buf.subarray(0, bytesRead));
        pos += bytesRead;
      }
    } finally {
      releaseBuffers([buf]);
      await fh.close();
    }
  }
  if (pos !== end)
    throw new FileChangedError(
      snap.path,
      `only ${pos - start} of ${end - start} bytes could be read at offset ${start}`,
    );
  return hash.digest();
}

/**
 * Reads bytes [start, end) of the file into the start of `buffer` (at least `end - start` long), in one read where
 * the OS allows, and returns that slice of it.
 * @throws FileChangedError when the file is shorter, CancelledError.
 */
export async function readRange(
  snap: FileSnapshot,
  start: number,
  end: number,
  buffer: Buffer,
  signal?: AbortSignal,
): Promise<Buffer> {
  const length = end - start;
  let got = 0;
  if (length > 0) {
    const fh = await fsp.open(snap.path, 'r');
    try {
      while (got < length) {
        if (signal?.aborted) throw new CancelledError();
        const { bytesRead } = await fh.read(buffer, got, length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } finally {
      await fh.close();
    }
  }
  if (got !== length)
    throw new FileChangedError(snap.path, `only ${got} of ${length} bytes could be read at offset ${start}`);
  return buffer.subarray(0, length);
}

/**
 * Digest of bytes in memory, hashed a slice at a time with the event loop free in between: hashing 8 MiB at once
 * holds it for several milliseconds, a 1 MiB slice for about one.
 */
export async function hashBytes(bytes: Uint8Array, algorithm: 'md5' | 'sha256'): Promise<Buffer> {
  const hash = createHash(algorithm);
  for (let at = 0; at < bytes.length; at += HASH_CHUNK) {
    if (at > 0) await yieldToEventLoop();
    hash.update(bytes.subarray(at, at + HASH_CHUNK));
  }
  return hash.digest();
}

/**
 * Bytes in memory as a request body of 512 KiB chunks, calling `onBytes(sentSoFar)` as the HTTP client takes each.
 * Between chunks the event loop runs: the chunks are ready at once, and without a pause the client would write
 * every part's chunks in one go of microtasks until each socket is full (tens of milliseconds over loopback).
 */
export async function* memoryBody(bytes: Uint8Array, onBytes?: (sent: number) => void): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += SEND_CHUNK) {
    if (at > 0) await yieldToEventLoop();
    const chunk = bytes.subarray(at, at + SEND_CHUNK);
    yield chunk;
    onBytes?.(at + chunk.length);
  }
}

export interface RangeBody {
  /** The bytes, for a request body. Ends with a `FileChangedError` when the file is shorter than expected. */
  body: AsyncGenerator<Uint8Array>;
  /** Call once the request has settled (answered or failed): only then are its buffers surely no longer sent. */
  release(): void;
}

/**
 * Bytes [start, end) of the file as a request body, calling `onBytes(sentSoFar)` as chunks are taken by the HTTP
 * client. The body cycles through 4 buffers of 512 KiB: a buffer is refilled 3 chunks (1.5 MiB) after it was
 * handed over, and undici asks for the next chunk only once the socket has taken the previous one (it waits for
 * 'drain' whenever a write is not flushed at once), so by then those bytes are in the kernel. Were that ever not
 * so, the body would no longer match its checksum and the service would refuse it: a failure, never a silently
 * corrupt object.
 */
export function rangeBody(snap: FileSnapshot, start: number, end: number, onBytes?: (sent: number) => void): RangeBody {
  const buffers: Buffer[] = [];
  let released = false;
  async function* body(): AsyncGenerator<Uint8Array> {
    if (end <= start) return;
    const fh = await fsp.open(snap.path, 'r');
    let sent = 0;
    try {
      for (let i = 0; start + sent < end; i++) {
        if (released) return;
        const buf = (buffers[i % SEND_BUFFERS] ??= acquireBuffer(SEND_CHUNK));
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - start - sent), start + sent);
        if (bytesRead === 0) break;
        yield buf.subarray(0, bytesRead);
        sent += bytesRead;
        onBytes?.(sent);
      }
    } finally {
      await fh.close();
    }
    if (sent !== end - start)
      throw new FileChangedError(snap.path, `only ${sent} of ${end - start} bytes could be read at offset ${start}`);
  }
  return {
    body: body(),
    release: () => {
      if (released) return;
      released = true;
      releaseBuffers(buffers);
    },
  };
}
