/**
 * Presigned POST forms as the extension hands them over: the size presets, the key the user types (exact key or
 * prefix), the three copy formats, what the policy allows in words, and the form as kept in secret storage. Pure:
 * no I/O.
 */
import {
  buildPostCurl,
  buildPostFetch,
  buildPostForm,
  ConfigError,
  objectKeyProblem,
  type PresignedPost,
  type Provider,
} from '../core/index';

const MB = 1024 * 1024;
const GB = 1024 * MB;
/** The largest file one POST may carry (S3 and OSS): 5 GB. */
export const MAX_POST_BYTES = 5 * GB;

/** The largest file a form accepts, as offered in the picker (binary units: 10 MB = 10 MiB). */
export const POST_SIZE_PRESETS: ReadonlyArray<{ label: string; bytes: number }> = [
  { label: '10 MB', bytes: 10 * MB },
  { label: '100 MB', bytes: 100 * MB },
  { label: '1 GB', bytes: GB },
];

const UNITS: Record<string, number> = { b: 1, '': 1, kb: 1024, k: 1024, mb: MB, m: MB, gb: GB, g: GB };

/**
 * A typed maximum size: `500 MB`, `2GB`, `1.5 GB`, `750k` or plain bytes (`12345`); KB/MB/GB are binary (1024).
 * @throws ConfigError when it is not a size, is 0, or is above 5 GB (one POST's limit).
 */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(text.trim());
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]) : NaN;
  if (!Number.isSafeInteger(bytes))
    throw new ConfigError(
      'contentLengthRange',
      'InvalidSize',
      `"${text}" is not a size: write bytes (1048576) or a number with KB, MB or GB (500 MB, 2 GB).`,
    );
  if (bytes < 1)
    throw new ConfigError('contentLengthRange', 'InvalidSize', 'The largest file must be at least 1 byte.');
  if (bytes > MAX_POST_BYTES)
    throw new ConfigError(
      'contentLengthRange',
      'InvalidSize',
      `${formatSize(bytes)} is more than one POST upload may carry (5 GB): choose 5 GB or less, or upload larger files in parts.`,
    );
  return bytes;
}

/** `10 MB`, `1.5 GB`, `512 bytes`: binary units, at most one decimal. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GB', GB],
    ['MB', MB],
    ['KB', 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** The key the uploader gets: one exact key, or any key under a prefix. */
export type PostKey = { key: string; keyPrefix?: undefined } | { keyPrefix: string; key?: undefined };

const FILENAME = '${filename}';

/**
 * What the user typed for the key: ending with `/`, any name under that prefix; otherwise one exact key, where
 * `${filename}` stands for the uploaded file's name (so `photos/cat-${filename}` allows any name after `cat-`).
 * @throws ConfigError for an empty value or an invalid key, saying what to write.
 */
export function parsePostKey(provider: Provider, text: string): PostKey {
  const value = text.trim();
  if (value === '')
    throw new ConfigError(
      'keyPrefix',
      'InvalidKeyPrefix',
      'Give a prefix ending with "/" (any file name under it, e.g. uploads/) or an exact key (e.g. uploads/report.pdf). An empty prefix would let the uploader write any key in the bucket.',
    );
  if (value.endsWith('/')) {
    if (value.includes(FILENAME))
      throw new ConfigError(
        'keyPrefix',
        'InvalidKeyPrefix',
        `A prefix ends with "/" and gets the file's name appended: leave out ${FILENAME}, or end the key with it instead.`,
      );
    const problem = objectKeyProblem(provider, value);
    if (problem) throw new ConfigError('keyPrefix', 'InvalidKeyPrefix', problem.replace(/object key/g, 'key prefix'));
    return { keyPrefix: value };
  }
  const problem = objectKeyProblem(provider, value);
  if (problem) throw new ConfigError('key', 'InvalidObjectKey', problem);
  return { key: value };
}

/** The ways a presigned POST is copied. */
export type PostFormat = 'form' | 'curl' | 'fetch';

export const POST_FORMATS: readonly PostFormat[] = ['form', 'curl', 'fetch'];

export const POST_FORMAT_LABELS: Record<PostFormat, string> = {
  form: 'HTML form',
  curl: 'curl -F',
  fetch: 'fetch with FormData',
};

/** The form in a format; curl sends `filePath` (a placeholder when there is no local file). */
export function postSnippet(format: PostFormat, post: PresignedPost, filePath: string): string {
  if (format === 'curl') return buildPostCurl(post, filePath);
  if (format === 'fetch') return buildPostFetch(post);
  return buildPostForm(post);
}

/** What a presigned POST lets the uploader do, kept with its ledger entry (no part of the signed fields). */
export interface PostLimits {
  /** Largest file in bytes (the smallest is 0). */
  maxBytes: number;
  /** When the uploader picks the key under a prefix (`key` of the entry is then `<prefix>${filename}`). */
  keyPrefix?: string;
  /** When the Content-Type must start with this. */
  contentTypePrefix?: string;
}

/** The policy's conditions in words: `["key under uploads/", "files up to 10 MB", "Content-Type image/*"]`. */
export function describePostLimits(key: string, limits: PostLimits): string[] {
  const parts = [
    limits.keyPrefix !== undefined
      ? `any key under ${limits.keyPrefix}`
      : key.includes(FILENAME)
        ? `key ${key} (\${filename}: the file's name)`
        : `key ${key}`,
    `files up to ${formatSize(limits.maxBytes)}`,
  ];
  if (limits.contentTypePrefix) parts.push(`Content-Type ${limits.contentTypePrefix}*`);
  return parts;
}

/** A presigned POST as kept in secret storage: all of it (its fields are the bearer credential), as JSON. */
export function storedPostText(post: PresignedPost): string {
  return JSON.stringify(post);
}

/**
 * Reads back `storedPostText`; undefined when the text is not a stored form (a PUT URL, or damaged), so the caller
 * can say so instead of handing over something broken.
 */
export function parseStoredPost(text: string | undefined): PresignedPost | undefined {
  if (!text?.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const strings = (o: unknown) =>
      !!o && typeof o === 'object' && !Array.isArray(o) && Object.values(o).every((x) => typeof x === 'string');
    if (typeof v.url !== 'string' || !strings(v.fields) || !strings(v.startsWith) || typeof v.expiresAt !== 'string')
      return undefined;
    return { ...(v as unknown as PresignedPost), expiresAt: new Date(v.expiresAt) };
  } catch {
    return undefined;
  }
}
