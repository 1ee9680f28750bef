/** The only file that touches @noble/hashes: HMAC/SHA primitives over UTF-8 strings. */
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const utf8 = new TextEncoder();

export type Bytes = Uint8Array;

function toBytes(data: string | Bytes): Bytes {
  return typeof data === 'string' ? utf8.encode(data) : data;
}

export function hmacSha256(key: string | Bytes, message: string | Bytes): Bytes {
  return hmac(sha256, toBytes(key), toBytes(message));
}

/** HMAC states with the key's inner and outer pads already absorbed, per (cached, long-lived) signing key. */
const keyedStates = new WeakMap<Bytes, ReturnType<typeof hmac.create>>();

/**
 * HMAC-SHA256 with a signing key that is used again and again (the cached day key): the two key blocks are hashed
 * once and the prepared state is cloned per message, which saves two of the five compressions of a signature.
 */
export function hmacSha256WithSigningKey(signingKey: Bytes, message: string): Bytes {
  let state = keyedStates.get(signingKey);
  if (!state) {
    state = hmac.create(sha256, signingKey);
    keyedStates.set(signingKey, state);
  }
  return state.clone().update(toBytes(message)).digest();
}

export function sha256Hex(data: string | Bytes): string {
  return bytesToHex(sha256(toBytes(data)));
}

export function toHex(bytes: Bytes): string {
  return bytesToHex(bytes);
}

function toBase64(bytes: Bytes): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** OSS V1 signature primitive: Base64(HMAC-SHA1(secret, stringToSign)). */
export function hmacSha1Base64(key: string, message: string): string {
  return toBase64(hmac(sha1, toBytes(key), toBytes(message)));
}

/** Incremental MD5 (Content-MD5 of streamed files). */
export function createMd5(): { update(chunk: Bytes): void; digestBase64(): string } {
  const h = md5.create();
  return {
    update: (chunk) => void h.update(chunk),
    digestBase64: () => toBase64(h.digest()),
  };
}
