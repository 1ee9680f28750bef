/** Expiry presets, custom durations and the effective expiry of a URL signed with STS credentials. */
import { ConfigError, type ConnectionOptions, type SignatureVersion, MAX_EXPIRES_SECONDS } from '../core/index';
import type { Profile } from './profiles';

export interface ExpiryPreset {
  label: string;
  seconds: number;
}

export const EXPIRY_PRESETS: readonly ExpiryPreset[] = [
  { label: '15 minutes', seconds: 900 },
  { label: '1 hour', seconds: 3600 },
  { label: '12 hours', seconds: 43200 },
  { label: '1 day', seconds: 86400 },
  { label: '7 days', seconds: MAX_EXPIRES_SECONDS },
];

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a custom expiry: `90` (seconds), `45s`, `30m`, `12h`, `3d`, or combined `1d12h`.
 * @throws ConfigError when it is not a duration or exceeds 7 days (the V4 maximum, which the presigner enforces for V1 too).
 */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  let seconds: number;
  if (/^\d+$/.test(t)) {
    seconds = Number(t);
  } else if (/^(\d+[smhd])+$/.test(t)) {
    seconds = [...t.matchAll(/(\d+)([smhd])/g)].reduce((sum, m) => sum + Number(m[1]) * UNIT_SECONDS[m[2]], 0);
  } else {
    throw new ConfigError(
      'expiresSeconds',
      'InvalidExpiry',
      `"${text}" is not a duration: write seconds (3600) or a number with s, m, h or d (30m, 12h, 2d, 1d12h).`,
    );
  }
  if (seconds < 1) throw new ConfigError('expiresSeconds', 'InvalidExpiry', 'The expiry must be at least 1 second.');
  if (seconds > MAX_EXPIRES_SECONDS) {
    throw new ConfigError(
      'expiresSeconds',
      'InvalidExpiry',
      `${formatDuration(seconds)} is longer than 7 days, the most a signed URL allows: choose 7d or less.`,
    );
  }
  return seconds;
}

/** `2 d 3 h`, `45 min`, `30 s`: the two largest units. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}`);
    else if (parts.length > 0) break;
  }
  return parts.length ? parts.join(' ') : '0 s';
}

/** What ends a URL first: its own expiry, the STS token it carries, or the 7-day limit of a signature. */
export type ExpiryLimit = 'url' | 'token' | 'maxValidity';

export interface EffectiveExpiry {
  /** When the signature expires. */
  urlExpiresAt: Date;
  /** When the STS token expires, if the profile says. */
  tokenExpiresAt?: Date;
  /** The earliest of the URL's expiry, the token's and 7 days after signing: after it the URL answers 403. */
  effectiveExpiresAt: Date;
  limitedBy: ExpiryLimit;
  /** Why it ends then, as a phrase for the ledger and messages (`expiryReason`). */
  reason: string;
  /** Signed with an STS token whose expiry nobody told us: the URL may die earlier than it says. */
  tokenExpiryUnknown: boolean;
  /** Sentences to show the user (empty when nothing needs saying). */
  warnings: string[];
}

/** Where the user gives a token's expiry, for messages. */
const HOW_TO_SET_TOKEN_EXPIRY =
  'run "OSS Presign: Set Secret" and give the token\'s expiry after the token, or set "tokenExpiresAt" (ISO 8601, e.g. 2026-05-01T12:00:00Z) in the profile (setting "ossPresign.profiles")';

/** Why a URL stops working when it does: `limitedBy` as a phrase ("the STS token expires then (...)"). */
export function expiryReason(limitedBy: ExpiryLimit, tokenExpiryUnknown = false): string {
  if (limitedBy === 'token') return "the STS token expires then (the profile's tokenExpiresAt), before the URL itself";
  if (limitedBy === 'maxValidity') return '7 days after signing, the longest a signed URL is valid';
  return tokenExpiryUnknown
    ? "the URL's own expiry, or earlier if its STS token expires first (the token's expiry is unknown)"
    : "the URL's own expiry";
}

/**
 * What limited an entry's expiry, from the times it stores: an effective expiry before the URL's is the token's
 * (a presigned URL's own expiry is never beyond 7 days).
 */
export function expiryLimitOf(entry: { urlExpiresAt: string; effectiveExpiresAt: string }): ExpiryLimit {
  return Date.parse(entry.effectiveExpiresAt) < Date.parse(entry.urlExpiresAt) ? 'token' : 'url';
}

/**
 * The time a presigned URL really stops working: min(the URL's expiry, the STS token's expiry, 7 days after
 * `signedAt`), with the reason. A URL signed with STS credentials dies with the token, whatever its own expiry
 * says (OSS and S3 both reject an expired token).
 */
export function effectiveExpiry(input: {
  urlExpiresAt: Date;
  signatureVersion: SignatureVersion;
  /** The URL carries an STS security token. */
  hasSecurityToken: boolean;
  tokenExpiresAt?: Date | undefined;
  /** When the URL was signed (the time it was signed with). */
  signedAt?: Date | undefined;
}): EffectiveExpiry {
  const { urlExpiresAt, signedAt } = input;
  const tokenExpiresAt = input.hasSecurityToken ? input.tokenExpiresAt : undefined;
  const limits: [ExpiryLimit, Date][] = [['url', urlExpiresAt]];
  if (tokenExpiresAt) limits.push(['token', tokenExpiresAt]);
  if (signedAt) limits.push(['maxValidity', new Date(signedAt.getTime() + MAX_EXPIRES_SECONDS * 1000)]);
  // Strictly earlier wins, so a tie names the URL's own expiry.
  const [limitedBy, effectiveExpiresAt] = limits.reduce((first, next) =>
    next[1].getTime() < first[1].getTime() ? next : first,
  );
  const unknown = input.hasSecurityToken && tokenExpiresAt === undefined;
  const warnings: string[] = [];
  if (input.signatureVersion === 'v1')
    warnings.push(`This V1 URL carries an absolute expiry: it stops working at ${urlExpiresAt.toISOString()}.`);
  if (tokenExpiresAt && signedAt && tokenExpiresAt.getTime() <= signedAt.getTime()) {
    warnings.push(
      `The STS token expired at ${tokenExpiresAt.toISOString()} (the profile's tokenExpiresAt): the server rejects URLs signed with it. Run "OSS Presign: Set Secret" with a fresh token and its expiry.`,
    );
  } else if (limitedBy === 'token' && tokenExpiresAt) {
    warnings.push(
      `The STS token expires at ${tokenExpiresAt.toISOString()} (the profile's tokenExpiresAt), before the URL (${urlExpiresAt.toISOString()}): the URL stops working when the token does. Use longer-lived credentials for a longer-lived URL.`,
    );
  }
  if (unknown) {
    warnings.push(
      `Signed with an STS token whose expiry is unknown: the URL works until ${urlExpiresAt.toISOString()} at most, but stops earlier if the token expires first. To see the real expiry, ${HOW_TO_SET_TOKEN_EXPIRY}.`,
    );
  }
  return {
    urlExpiresAt,
    ...(tokenExpiresAt ? { tokenExpiresAt } : {}),
    effectiveExpiresAt,
    limitedBy,
    reason: expiryReason(limitedBy, unknown),
    tokenExpiryUnknown: unknown,
    warnings,
  };
}

/** The effective expiry of a URL that `conn` (the connection of `profile`) signed at `signedAt`. */
export function expiryOfSigned(
  profile: Pick<Profile, 'tokenExpiresAt'>,
  conn: Pick<ConnectionOptions, 'signatureVersion' | 'securityToken'>,
  urlExpiresAt: Date,
  signedAt: Date,
): EffectiveExpiry {
  return effectiveExpiry({
    urlExpiresAt,
    signedAt,
    signatureVersion: conn.signatureVersion ?? 'v4',
    hasSecurityToken: !!conn.securityToken,
    tokenExpiresAt: profile.tokenExpiresAt ? new Date(profile.tokenExpiresAt) : undefined,
  });
}

/** `expires in 2 h 5 min` / `expired 3 min ago`, for countdowns. */
export function describeRemaining(expiresAt: Date, now: Date): string {
  const ms = expiresAt.getTime() - now.getTime();
  if (ms <= 0) return `expired ${formatDuration(-ms / 1000)} ago`;
  // Round up so a fresh 15-minute URL says 15 min, not 14 min 59 s.
  return `expires in ${formatDuration(ms >= 60000 ? Math.ceil(ms / 60000) * 60 : Math.ceil(ms / 1000))}`;
}
