/**
 * Signing time with clock-skew correction. Both dialects reject requests more than 15 minutes off the
 * server's clock, so a machine with a wrong clock learns the offset from response `Date` headers and signs
 * with the server's time. This is the only place in the core that reads the system clock for signing.
 */
import { resolveEndpoint } from './endpoint';
import { nullLogger, type Logger } from './log';
import type { EndpointOptions } from './types';

/** Offsets at or below this are left alone: `Date` has 1 s resolution and small drift is harmless. */
export const SKEW_THRESHOLD_MS = 60_000;

export interface Clock {
  /** The time to sign with: local time plus the learnt offset (once it exceeds the threshold). */
  now(): Date;
  /**
   * Learns from a server's `Date` header (or an error body's ServerTime), as received at `localAtReceive`.
   * Ignores missing or unparsable values.
   */
  observe(serverDate: string | undefined, localAtReceive: Date): void;
  /** Server time minus local time, milliseconds, as applied by `now()` (0 while within the threshold). */
  readonly offsetMs: number;
}

export interface SkewClockOptions {
  /** Called once, the first time the offset exceeds the threshold (e.g. to warn the user). */
  onSkew?: (offsetMs: number) => void;
  thresholdMs?: number;
  /** Local time source; tests pass a fixed one. */
  localNow?: () => Date;
}

/** Parses an HTTP date (`Wed, 25 Nov 2026 21:00:00 GMT`) or an ISO 8601 time (error bodies' ServerTime). */
function parseServerDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value.trim());
  return Number.isFinite(t) ? t : undefined;
}

/** A `Clock` for one endpoint origin. */
export class SkewClock implements Clock {
  private offset = 0;
  private observed = false;
  private warned = false;
  private readonly thresholdMs: number;
  private readonly localNow: () => Date;
  private readonly onSkew: ((offsetMs: number) => void) | undefined;

  constructor(options: SkewClockOptions = {}) {
    this.thresholdMs = options.thresholdMs ?? SKEW_THRESHOLD_MS;
    this.localNow = options.localNow ?? (() => new Date());
    this.onSkew = options.onSkew;
  }

  get offsetMs(): number {
    return this.offset;
  }

  /** Whether a server time was observed: the offset is known (0 included), not just assumed. */
  get hasServerTime(): boolean {
    return this.observed;
  }

  now(): Date {
    return new Date(this.localNow().getTime() + this.offset);
  }

  observe(serverDate: string | undefined, localAtReceive: Date): void {
    const server = parseServerDate(serverDate);
    if (server === undefined) return;
    this.observed = true;
    // The header is truncated to the second: compare against the local time truncated the same way.
    const local = Math.floor(localAtReceive.getTime() / 1000) * 1000;
    const offset = server - local;
    if (Math.abs(offset) <= this.thresholdMs) {
      this.offset = 0;
      return;
    }
    this.offset = offset;
    if (!this.warned) {
      this.warned = true;
      this.onSkew?.(offset);
    }
  }
}

/**
 * The key of an endpoint's shared clock: the origin of the endpoint as the profile gives it
 * (`https://oss-cn-hangzhou.aliyuncs.com`), never a bucket's virtual host, so API requests, presigned URLs and
 * kits of every bucket on the endpoint, in either addressing style, share what any of them learnt.
 * @throws ConfigError for an endpoint that cannot be resolved.
 */
export function clockKey(endpoint: EndpointOptions): string {
  return resolveEndpoint(endpoint).url.origin;
}

const clocks = new Map<string, SkewClock>();

/**
 * The shared skew-correcting clock of an endpoint (see `clockKey`); `clockFor(conn).now()` is the time to sign
 * with. Warns once through `log` (of the first caller) when the offset exceeds `SKEW_THRESHOLD_MS`.
 * @throws ConfigError for an endpoint that cannot be resolved.
 */
export function clockFor(endpoint: EndpointOptions, log: Logger = nullLogger): SkewClock {
  const key = clockKey(endpoint);
  let clock = clocks.get(key);
  if (!clock) {
    const host = new URL(key).host;
    clock = new SkewClock({
      onSkew: (ms) =>
        log.warn(
          `[http] The clock of this computer is ${Math.round(Math.abs(ms) / 1000)} s ${ms > 0 ? 'behind' : 'ahead of'} ${host}: signing with the server's time. Fix the system clock (enable network time sync).`,
        ),
    });
    clocks.set(key, clock);
  }
  return clock;
}
