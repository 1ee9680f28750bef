// ali-oss as a signing oracle: the client (it ships no types, so the methods used are described here) and a way to
// run its signers at a fixed time.
import { createRequire } from 'node:module';

export interface AliOss {
  signatureUrlV4(
    method: string,
    expires: number,
    request: { headers: Record<string, string>; queries?: Record<string, string> },
    key: string,
    additionalHeaders?: string[],
  ): Promise<string>;
  signatureUrl(key: string, options: Record<string, unknown>, strictObjectNameValidation?: boolean): string;
}

export const AliOssClient = createRequire(__filename)('ali-oss') as new (options: Record<string, unknown>) => AliOss;

/**
 * Runs `fn` with `new Date()` and `Date.now()` frozen at `when`: ali-oss reads the clock inside its signers (both
 * read it before their first await, so a returned promise may settle after the clock is restored).
 */
export function atFixedTime<T>(when: Date, fn: () => T): T {
  const RealDate = Date;
  const fixed = when.getTime();
  class FixedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(fixed);
      else super(...(args as [string]));
    }
    static override now() {
      return fixed;
    }
  }
  globalThis.Date = FixedDate as DateConstructor;
  try {
    return fn();
  } finally {
    globalThis.Date = RealDate;
  }
}
