import type { Bytes } from './crypto';

/**
 * Derived V4 signing keys, cached per (secret, day, region, service): the four-HMAC chain is most of the
 * cost of a presign. Bounded so a long-lived process with many profiles cannot grow it without limit.
 */
export class SigningKeyCache {
  private readonly keys = new Map<string, Bytes>();

  constructor(private readonly capacity = 64) {}

  get(parts: readonly string[], derive: () => Bytes): Bytes {
    const id = parts.join('\u0000');
    let key = this.keys.get(id);
    if (!key) {
      if (this.keys.size >= this.capacity) this.keys.clear();
      key = derive();
      this.keys.set(id, key);
    }
    return key;
  }
}
