/**
 * `measureClock`: one cheap signed request whose `Date` header teaches the endpoint's shared clock, so that URLs
 * presigned before any other request are signed with the server's time too.
 */
import { clockFor, type Clock } from '../clock';
import { ServiceError } from '../errors';
import { drain, sendSigned, type SendOptions } from '../http/client';
import type { ConnectionOptions } from '../types';
import { validateBucket } from '../validate';

export interface MeasureClockOptions extends ConnectionOptions {
  /** A bucket on the endpoint (a HEAD of it is asked); without one, the service root (ListBuckets). */
  bucket?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Gives up after this long, connecting and waiting for the answer each, milliseconds. Default 5000. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Sends a HEAD of the bucket (or of the service root) and learns the server's time from the answer's `Date`,
 * whatever its status: a 403 or 404 carries the server's time as well as a 200 does.
 * @returns the offset now applied by `clockFor(options)` (server minus local time, milliseconds; 0 within
 *   `SKEW_THRESHOLD_MS`), or undefined when the server answered without a `Date`.
 * @throws ConfigError (bad profile), NetworkError (no answer in time), CancelledError.
 */
export async function measureClock(options: MeasureClockOptions, opts: SendOptions = {}): Promise<number | undefined> {
  const bucket = options.bucket === undefined ? undefined : validateBucket(options.provider, options.bucket);
  const clock = opts.clock ?? clockFor(options, opts.log);
  let dated = false;
  // Sees whether this answer had a usable Date (sendSigned observes every answer before judging its status).
  const probe: Clock = {
    now: () => clock.now(),
    observe: (serverDate, localAtReceive) => {
      if (serverDate && Number.isFinite(Date.parse(serverDate))) dated = true;
      clock.observe(serverDate, localAtReceive);
    },
    get offsetMs() {
      return clock.offsetMs;
    },
  };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const res = await sendSigned(
      options,
      {
        method: 'HEAD',
        ...(bucket ? { bucket } : {}),
        signal: options.signal,
        timeouts: { connectMs: timeoutMs, headersMs: timeoutMs },
      },
      { ...opts, clock: probe },
    );
    await drain(res);
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
  }
  return dated ? clock.offsetMs : undefined;
}
