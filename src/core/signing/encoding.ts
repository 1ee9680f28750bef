/** Encodings shared by the signers. */

/**
 * RFC 3986 percent-encoding of the UTF-8 bytes of `value`: only `A-Z a-z 0-9 - . _ ~` stay as they are,
 * so a space is `%20` (never `+`) and `!'()*` are escaped too (OSS V4 and SigV4 both require this).
 * With `keepSlash`, `/` also stays (canonical URIs and URL paths).
 */
export function uriEncode(value: string, keepSlash = false): string {
  // Most names and values (x-oss-date, 900, the date itself) need no escaping: skip the encoder for them.
  if (UNRESERVED.test(value)) return value;
  let out = encodeURIComponent(value);
  if (/[!'()*]/.test(out)) out = out.replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash && out.includes('%2F') ? out.replace(/%2F/g, '/') : out;
}

const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

/** The last conversion: one presign formats the same time four or five times (date, scope, key day). */
let lastAmzTime = Number.NaN;
let lastAmzDate = '';

/** `yyyymmddTHHMMSSZ` in UTC, sub-second part truncated (not rounded), as OSS V4 and SigV4 expect. */
export function toAmzDate(date: Date): string {
  const time = date.getTime();
  if (time !== lastAmzTime) {
    const iso = date.toISOString(); // 2023-12-16T16:20:57.123Z
    lastAmzDate = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
    lastAmzTime = time;
  }
  return lastAmzDate;
}

/** The inverse of `toAmzDate`; undefined when `value` is not `yyyymmddTHHMMSSZ`. */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

/** The canonical query of both V4 dialects: encoded pairs sorted by encoded name (then value). */
export function canonicalQuery(params: ReadonlyArray<readonly [string, string]>, bareEmpty: boolean): string {
  return params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => (bareEmpty && v === '' ? k : `${k}=${v}`))
    .join('&');
}

/**
 * Headers keyed by lower-cased name, each value put through the dialect's `canonicalValue`. A name given again in
 * another case is joined to the earlier value with `,` (how HTTP folds a repeated field) when `repeated` is `'join'`;
 * with `'last'` the last value replaces it.
 */
export function lowerCaseHeaders(
  headers: Record<string, string>,
  canonicalValue: (value: string) => string,
  repeated: 'join' | 'last',
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    // String(): JavaScript callers of the API may pass numbers.
    const v = canonicalValue(String(value));
    out.set(lower, repeated === 'join' && out.has(lower) ? `${out.get(lower)},${v}` : v);
  }
  return out;
}

/** URL query string in the given order (the order is not signed). */
export function queryString(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
}
