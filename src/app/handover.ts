/**
 * What a hand-over of presigned PUT URLs says: the headers the uploader must send, stated wherever a URL is
 * handed over (notification, clipboard, saved file), because a missing or different signed header is a 403 and
 * an OSS V4 URL does not even show its Content-Type. Pure: texts only, no I/O.
 */
import { describeRemaining } from './expiry';

/** One presigned PUT as it is handed over. */
export interface HandedOverUrl {
  key: string;
  /** The bearer credential the user asked for: it goes to the clipboard or a file, never into a message. */
  url: string;
  method: 'PUT';
  /** Exactly the headers to send. */
  headers: Record<string, string>;
  expiresAt: Date;
}

/** Headers named in full in a message; the rest are counted. */
const SHOWN_HEADERS = 3;

/** `Content-Type: text/plain; x-oss-meta-owner: ana` (empty for no headers). */
export function headerList(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('; ');
}

/**
 * The headers to send, for a message: `Send exactly: Content-Type: text/plain; x-oss-meta-owner: ana`, or
 * `Send no extra headers.`; beyond `shown` headers, `+N more`. For several files, a header whose value differs
 * between them (a detected Content-Type) or that only some have reads `Name: per file`.
 */
export function headersSentence(headersPerFile: readonly Record<string, string>[], shown = SHOWN_HEADERS): string {
  const names = [...new Set(headersPerFile.flatMap((h) => Object.keys(h)))];
  if (names.length === 0) return 'Send no extra headers.';
  const parts = names.map((name) => {
    const values = new Set(headersPerFile.map((h) => h[name]));
    const [value] = values;
    return values.size === 1 && value !== undefined ? `${name}: ${value}` : `${name}: per file`;
  });
  const rest = parts.length - shown;
  return `Send exactly: ${parts.slice(0, shown).join('; ')}${rest > 0 ? `; +${rest} more` : ''}`;
}

/**
 * The notification after presigning: what was copied in which format, until when, and the headers to send.
 * `formatLabel` names what was copied ("URL", "curl", ...).
 */
export function presignedMessage(input: {
  bucket: string;
  urls: readonly HandedOverUrl[];
  formatLabel: string;
  expiresAt: Date;
  now: Date;
}): string {
  const { urls } = input;
  const what = urls.length === 1 ? `"${input.bucket}/${urls[0].key}"` : `${urls.length} files in "${input.bucket}"`;
  return `Presigned PUT for ${what} copied as ${input.formatLabel} (${describeRemaining(input.expiresAt, input.now)}). ${headersSentence(urls.map((u) => u.headers))}`;
}

/** A key on one line: a line break in a key (S3 allows them) must not end its `#` line. */
function oneLine(key: string): string {
  return key
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Several URLs for the clipboard, each paired with its headers:
 *
 *     # uploads/a.txt
 *     https://...
 *     Content-Type: text/plain
 *
 *     # uploads/b.bin (send no extra headers)
 *     https://...
 */
export function batchText(urls: readonly HandedOverUrl[]): string {
  return urls
    .map((u) => {
      const lines = Object.entries(u.headers).map(([name, value]) => `${name}: ${value}`);
      const title = `# ${oneLine(u.key)}${lines.length ? '' : ' (send no extra headers)'}`;
      return [title, u.url, ...lines].join('\n') + '\n';
    })
    .join('\n');
}

/** A JSON array of `{ key, url, method, headers, expiresAt }` (ISO time), for a program to read. */
export function batchJson(urls: readonly HandedOverUrl[]): string {
  const rows = urls.map((u) => ({
    key: u.key,
    url: u.url,
    method: u.method,
    headers: u.headers,
    expiresAt: u.expiresAt.toISOString(),
  }));
  return JSON.stringify(rows, null, 2) + '\n';
}

/** One CSV field (RFC 4180): quoted, with `"` doubled, when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * CSV (RFC 4180, CRLF line ends) with a header row `key,url,expiresAt,headers`; the headers of a file are one
 * column, `Name: value; Name: value` (empty when none).
 */
export function batchCsv(urls: readonly HandedOverUrl[]): string {
  const rows = [
    ['key', 'url', 'expiresAt', 'headers'],
    ...urls.map((u) => [u.key, u.url, u.expiresAt.toISOString(), headerList(u.headers)]),
  ];
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}
