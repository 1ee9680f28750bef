/** How a file is cut into multipart parts: within 10,000 parts and above each provider's minimum part size. */
import { ConfigError } from '../errors';
import type { Provider } from '../types';

const MiB = 1024 * 1024;

/** Both S3 and OSS allow at most 10,000 parts per upload. */
export const MAX_PARTS = 10_000;
/** Largest part both providers accept (S3: 5 GiB; OSS: 5 GiB). */
export const MAX_PART_SIZE = 5 * 1024 * MiB;
/** Smallest part size (all but the last part): S3 5 MiB, OSS 100 KiB. */
export const MIN_PART_SIZE: Readonly<Record<Provider, number>> = { s3: 5 * MiB, oss: 100 * 1024 };
/** Largest object a multipart upload can hold (S3: 5 TiB; OSS allows more, but 48.8 TiB parts math caps us anyway). */
const MAX_OBJECT_SIZE = MAX_PARTS * MAX_PART_SIZE;
/** Default part size: large enough for throughput, small enough that a retried part costs little. */
export const DEFAULT_PART_SIZE = 8 * MiB;
/** Default `ossPresign.multipartThreshold`: files at or above it go multipart. */
export const DEFAULT_MULTIPART_THRESHOLD = 64 * MiB;

export interface PartRange {
  /** 1-based. */
  partNumber: number;
  /** First byte offset (inclusive). */
  start: number;
  /** Byte offset after the last byte (exclusive): the part holds `end - start` bytes. */
  end: number;
}

export interface PartPlan {
  partSize: number;
  parts: PartRange[];
}

/**
 * The part size to use for `fileSize` bytes: `requested` (default 8 MiB), raised to the provider's minimum and to
 * whatever keeps the upload within 10,000 parts (rounded up to a whole MiB).
 * @throws ConfigError when the file is too large for a multipart upload, or `requested` is not a positive integer.
 */
export function choosePartSize(provider: Provider, fileSize: number, requested?: number): number {
  if (requested !== undefined && (!Number.isSafeInteger(requested) || requested <= 0)) {
    throw new ConfigError(
      'partSize',
      'InvalidPartSize',
      `Part size ${String(requested)} is not a positive whole number of bytes: use for example 8388608 (8 MiB).`,
    );
  }
  if (fileSize > MAX_OBJECT_SIZE) {
    throw new ConfigError(
      'fileSize',
      'FileTooLarge',
      `The file is ${fileSize} bytes, more than the ${MAX_OBJECT_SIZE} bytes a multipart upload can hold: split it into several objects.`,
    );
  }
  let size = Math.max(requested ?? DEFAULT_PART_SIZE, MIN_PART_SIZE[provider]);
  if (Math.ceil(fileSize / size) > MAX_PARTS) size = Math.ceil(fileSize / MAX_PARTS / MiB) * MiB;
  if (size > MAX_PART_SIZE) {
    throw new ConfigError(
      'partSize',
      'InvalidPartSize',
      `Part size ${size} is above the 5 GiB limit of one part: choose a smaller part size.`,
    );
  }
  return size;
}

/**
 * Cuts `fileSize` bytes into parts (the last one may be short). A 0-byte file gets one empty part, which both
 * providers accept as the only part of an upload.
 */
export function planParts(provider: Provider, fileSize: number, requestedPartSize?: number): PartPlan {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new ConfigError(
      'fileSize',
      'InvalidFileSize',
      `File size ${String(fileSize)} is not a byte count: pass the size of the file in bytes.`,
    );
  }
  const partSize = choosePartSize(provider, fileSize, requestedPartSize);
  const parts: PartRange[] = [];
  for (let start = 0, n = 1; start < fileSize || n === 1; start += partSize, n++) {
    parts.push({ partNumber: n, start, end: Math.min(start + partSize, fileSize) });
    if (fileSize === 0) break;
  }
  return { partSize, parts };
}
