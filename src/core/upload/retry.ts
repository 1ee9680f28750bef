/**
 * Retry policy of the upload engine: capped exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"), retrying only what a retry can fix.
 */
import { CancelledError, NetworkError, ServiceError, isCancelled } from '../errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay cap before the first retry, milliseconds; doubles per retry. */
  baseDelayMs: number;
  /** Cap of any single delay, milliseconds. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 10_000 };

/** Error codes both providers use when the request's signing time is more than 15 minutes off their clock. */
const SKEW_CODES = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'InvalidRequestTime']);

/**
 * What to do after a failed attempt: `retry` (connection reset, timeout, 5xx), `skew` (the server says our clock is
 * off: correct it, then retry), or `fail` (4xx, cancellation, configuration, local file problems).
 */
export function classifyFailure(err: unknown): 'retry' | 'skew' | 'fail' {
  if (isCancelled(err)) return 'fail';
  if (err instanceof ServiceError) {
    if (err.status >= 500) return 'retry';
    return SKEW_CODES.has(err.code) ? 'skew' : 'fail';
  }
  if (err instanceof NetworkError) return err.code === 'ConnectionReset' || err.code === 'Timeout' ? 'retry' : 'fail';
  return 'fail';
}

/**
 * Delay before retry number `retry` (0 for the first retry): uniformly random in [0, min(maxDelayMs, baseDelayMs * 2^retry)].
 * `random` returns [0, 1); tests pass a fixed one.
 */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * cap);
}

/** Waits `ms`, or throws `CancelledError` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions {
  policy?: RetryPolicy;
  signal?: AbortSignal | undefined;
  random?: () => number;
  /** Told before each retry (for the log). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /**
   * Called for a clock-skew error; it should correct the signing clock from the server's `Date`. The attempt is
   * repeated at once, once per call of `withRetry` (a second skew error fails).
   */
  onSkew?: (err: unknown) => void;
}

/**
 * Runs `attempt` (given its 1-based number) until it succeeds, a failure is not retryable, or the policy's
 * attempts are used up; then throws the last error. Never retries after `signal` aborts.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  let skewCorrected = false;
  for (let n = 1, retries = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (options.signal?.aborted) throw isCancelled(err) ? err : new CancelledError();
      const kind = classifyFailure(err);
      if (kind === 'skew' && !skewCorrected && options.onSkew) {
        skewCorrected = true;
        options.onSkew(err);
        continue;
      }
      if (kind !== 'retry' || n >= policy.maxAttempts) throw err;
      const delay = backoffDelay(retries++, policy, options.random);
      options.onRetry?.(err, n, delay);
      await sleep(delay, options.signal);
    }
  }
}
