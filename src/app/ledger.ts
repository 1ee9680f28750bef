/**
 * The ledger of issued presigned URLs: pure model. An entry holds everything but the URL itself, which is a bearer
 * credential and lives only in secret storage (key `ledgerUrlKey(id)`); entries go to plain state, so they must
 * carry no signature and no query string.
 */
import type { Provider } from '../core/index';
import { describeRemaining, expiryLimitOf, expiryReason, formatDuration, type EffectiveExpiry } from './expiry';
import { describePostLimits, type PostLimits } from './postForm';

export interface LedgerEntry {
  id: string;
  profileId: string;
  provider: Provider;
  bucket: string;
  /** POST: the form's `key` field (`<prefix>${filename}` when the uploader picks the name). */
  key: string;
  /** PUT: a presigned URL, kept in secret storage. POST: a presigned form, its URL and fields kept there as JSON. */
  method: 'PUT' | 'POST' | 'GET';
  /** GET: the response headers signed into a download link (`response-content-disposition` / `-type`). */
  download?: { disposition?: string | undefined; contentType?: string | undefined };
  headerSet: string;
  /** Exactly the headers to send (not secret: names and values the user chose). None for a POST. */
  headers: Record<string, string>;
  /** POST: what the signed policy allows (not secret). */
  post?: PostLimits;
  expirySeconds: number;
  /** ISO times. */
  createdAt: string;
  urlExpiresAt: string;
  effectiveExpiresAt: string;
  tokenExpiryUnknown?: boolean;
  /** `scheme://host/path` of the URL, without the query (what is safe to show). */
  location: string;
  /** Local file the URL was made for (fsPath), for snippets and re-issue. */
  filePath?: string;
}

export const LEDGER_MAX_ENTRIES = 200;

/** The times of an entry issued now for a URL (or form) whose effective expiry is `expiry`. */
export function issuedTimes(
  expiry: EffectiveExpiry,
  issuedAt = new Date(),
): Pick<LedgerEntry, 'createdAt' | 'urlExpiresAt' | 'effectiveExpiresAt' | 'tokenExpiryUnknown'> {
  return {
    createdAt: issuedAt.toISOString(),
    urlExpiresAt: expiry.urlExpiresAt.toISOString(),
    effectiveExpiresAt: expiry.effectiveExpiresAt.toISOString(),
    ...(expiry.tokenExpiryUnknown ? { tokenExpiryUnknown: true } : {}),
  };
}

/** SecretStorage key of an entry's URL (a POST entry's: its form, as JSON). */
export function ledgerUrlKey(id: string): string {
  return `ossPresign.ledger.${id}.url`;
}

/** `scheme://host/path` of a URL, dropping the query (the signature) and fragment. */
export function urlLocation(url: string): string {
  return url.replace(/[?#].*$/s, '');
}

/** Whether the entry no longer works at `now`. */
export function isExpired(entry: LedgerEntry, now: Date): boolean {
  return Date.parse(entry.effectiveExpiresAt) <= now.getTime();
}

/**
 * Adds an entry at the front, dropping the oldest beyond `max`. Returns the new list and the ids dropped (whose
 * URLs the caller deletes from secret storage).
 */
export function addLedgerEntry(
  entries: readonly LedgerEntry[],
  entry: LedgerEntry,
  max = LEDGER_MAX_ENTRIES,
): { entries: LedgerEntry[]; dropped: string[] } {
  const all = [entry, ...entries.filter((e) => e.id !== entry.id)];
  return { entries: all.slice(0, max), dropped: all.slice(max).map((e) => e.id) };
}

/** Splits entries into the ones still valid at `now` and the ids of expired ones. */
export function partitionExpired(
  entries: readonly LedgerEntry[],
  now: Date,
): { kept: LedgerEntry[]; expired: string[] } {
  return {
    kept: entries.filter((e) => !isExpired(e, now)),
    expired: entries.filter((e) => isExpired(e, now)).map((e) => e.id),
  };
}

/**
 * Validates entries read back from state: drops malformed ones and any that would carry a query string, so a bug
 * elsewhere can never turn state into a store of credentials.
 */
export function sanitizeLedger(value: unknown): LedgerEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter((e): e is LedgerEntry => {
    if (!e || typeof e !== 'object') return false;
    const x = e as Partial<LedgerEntry>;
    return (
      typeof x.id === 'string' &&
      typeof x.bucket === 'string' &&
      typeof x.key === 'string' &&
      (x.method === 'PUT' || x.method === 'POST' || x.method === 'GET') &&
      typeof x.location === 'string' &&
      !/[?#]/.test(x.location) &&
      typeof x.effectiveExpiresAt === 'string' &&
      typeof x.createdAt === 'string' &&
      !!x.headers &&
      typeof x.headers === 'object'
    );
  });
}

/** Whether a command argument is a ledger entry (a row of the Presigned URLs view). */
export function isLedgerEntry(value: unknown): value is LedgerEntry {
  const v = value as Partial<LedgerEntry> | undefined;
  return !!v && typeof v === 'object' && typeof v.id === 'string' && typeof v.location === 'string' && !!v.headers;
}

/** `2026-05-01 14:05` in local time: the one way the ledger writes a time. */
export function formatLocalTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** What a row of the Presigned URLs view shows. */
export interface LedgerRow {
  /** The countdown, then the key: a narrow sidebar cuts the end of a row, so the countdown must come first. */
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  expired: boolean;
}

/** `1 h 5 min left` / `expired 3 min ago`. */
function countdown(entry: LedgerEntry, now: Date): string {
  const left = describeRemaining(new Date(entry.effectiveExpiresAt), now);
  return left.startsWith('expires in ') ? `${left.slice('expires in '.length)} left` : left;
}

/**
 * The row of an entry at `now`. `profileName` is the name of the entry's profile, undefined when that profile is
 * gone (then the row says so instead of naming an internal id, and Re-issue asks for a profile).
 */
export function ledgerRow(entry: LedgerEntry, now: Date, profileName: string | undefined): LedgerRow {
  const expired = isExpired(entry, now);
  const limit = expiryLimitOf(entry);
  const sts = limit === 'token' ? ' (STS token)' : entry.tokenExpiryUnknown ? ' (or earlier: STS token)' : '';
  const until = new Date(entry.effectiveExpiresAt);
  const lines = [
    `**${entry.method}** \`${entry.bucket}/${entry.key}\``,
    profileName === undefined
      ? `Profile: removed from settings (Re-issue asks which profile signs) · header set: ${entry.headerSet}`
      : `Profile: ${profileName} · header set: ${entry.headerSet}`,
    `Issued ${formatLocalTime(new Date(entry.createdAt))}, valid for ${formatDuration(entry.expirySeconds)}`,
    `${expired ? 'Stopped working' : 'Works until'} ${formatLocalTime(until)} (${describeRemaining(until, now)}): ${expiryReason(limit, entry.tokenExpiryUnknown)}${limit === 'token' ? ` (the URL says ${formatLocalTime(new Date(entry.urlExpiresAt))})` : ''}`,
  ];
  // The contract of the URL, stated even when empty: the uploader must send exactly these headers.
  const headers = Object.entries(entry.headers);
  const contract = entry.post
    ? `HTML form upload: ${describePostLimits(entry.key, entry.post).join(', ')}.`
    : headers.length
      ? `Send exactly these headers:\n\n\`\`\`http\n${headers.map(([n, v]) => `${n}: ${v}`).join('\n')}\n\`\`\``
      : 'Send no extra headers.';
  return {
    label: `${countdown(entry, now)} · ${entry.key}`,
    description: `${entry.bucket}${sts} · ${entry.headerSet}`,
    tooltip: [...lines, contract].join('\n\n'),
    expired,
  };
}
