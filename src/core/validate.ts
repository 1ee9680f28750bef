/**
 * Input validation shared by presigning, requests and the UI. Every error says what to do next and never
 * echoes a secret.
 */
import { ConfigError } from './errors';
import type { Addressing, Provider, SignatureVersion } from './types';

export const MAX_EXPIRES_SECONDS = 604800;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

export function validateProvider(provider: unknown): Provider {
  if (provider === 'oss' || provider === 's3') return provider;
  throw new ConfigError(
    'provider',
    'InvalidProvider',
    `Unknown provider "${String(provider)}". Use "oss" (Alibaba Cloud OSS) or "s3" (AWS S3, MinIO, R2, Ceph and other S3-compatible stores).`,
  );
}

export function validateSignatureVersion(provider: Provider, version: unknown): SignatureVersion {
  const v = version ?? 'v4';
  if (v !== 'v4' && v !== 'v1')
    throw new ConfigError(
      'signatureVersion',
      'InvalidSignatureVersion',
      `Unknown signature version "${String(v)}". Use "v4" (recommended) or "v1" (OSS legacy).`,
    );
  if (v === 'v1' && provider !== 'oss')
    throw new ConfigError(
      'signatureVersion',
      'InvalidSignatureVersion',
      'Signature version "v1" exists only for OSS. Use "v4" for S3-compatible stores.',
    );
  return v;
}

export function validateAddressing(provider: Provider, addressing: unknown): Addressing {
  const a = addressing ?? 'virtual';
  if (a !== 'virtual' && a !== 'path' && a !== 'cname')
    throw new ConfigError(
      'addressing',
      'InvalidAddressing',
      `Unknown addressing "${String(a)}". Use "virtual" (bucket in the host name), "path" (bucket in the path) or "cname" (OSS custom domain).`,
    );
  if (a === 'cname' && provider !== 'oss')
    throw new ConfigError(
      'addressing',
      'InvalidAddressing',
      'Addressing "cname" (custom domain bound to a bucket) is for OSS. For S3-compatible stores use "virtual" or "path".',
    );
  return a;
}

/** Whole seconds in 1..604800 (7 days, the V4 maximum). */
export function validateExpiry(expiresSeconds: unknown): number {
  if (typeof expiresSeconds !== 'number' || !Number.isFinite(expiresSeconds) || !Number.isInteger(expiresSeconds)) {
    throw new ConfigError(
      'expiresSeconds',
      'InvalidExpiry',
      `Expiry must be a whole number of seconds: give one from 1 to ${MAX_EXPIRES_SECONDS} (7 days), for example 3600; got ${JSON.stringify(expiresSeconds)}.`,
    );
  }
  if (expiresSeconds < 1 || expiresSeconds > MAX_EXPIRES_SECONDS) {
    throw new ConfigError(
      'expiresSeconds',
      'InvalidExpiry',
      `Expiry ${expiresSeconds} s is out of range: choose 1 to ${MAX_EXPIRES_SECONDS} seconds (7 days is the longest a V4 signature allows).`,
    );
  }
  return expiresSeconds;
}

/** Returns a reason the bucket name is invalid for the provider, or undefined. */
export function bucketNameProblem(provider: Provider, bucket: unknown): string | undefined {
  if (typeof bucket !== 'string' || bucket === '')
    return 'A bucket name is required: choose the bucket to upload into.';
  if (bucket.length < 3 || bucket.length > 63)
    return `Bucket name "${bucket}" is ${bucket.length} characters long: use a name of 3 to 63 characters.`;
  if (provider === 'oss') {
    if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(bucket))
      return `Bucket name "${bucket}" is not valid for OSS: use lower-case letters, digits and hyphens, starting and ending with a letter or digit.`;
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket))
    return `Bucket name "${bucket}" is not valid for S3: use lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.`;
  if (bucket.includes('..') || bucket.includes('.-') || bucket.includes('-.'))
    return `Bucket name "${bucket}" is not valid for S3: dots may not be next to another dot or a hyphen; remove the extra dot.`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket))
    return `Bucket name "${bucket}" is not valid for S3: it must not look like an IP address; use a name with letters.`;
  return undefined;
}

export function validateBucket(provider: Provider, bucket: unknown): string {
  const problem = bucketNameProblem(provider, bucket);
  if (problem) throw new ConfigError('bucket', 'InvalidBucketName', problem);
  return bucket as string;
}

/** Returns a reason the object key is invalid for the provider, or undefined. */
export function objectKeyProblem(provider: Provider, key: unknown): string | undefined {
  if (typeof key !== 'string' || key === '')
    return 'An object key is required: give the object a name, for example "uploads/report.pdf".';
  if (!key.isWellFormed())
    return 'The object key contains an unpaired UTF-16 surrogate; fix the name so it is valid Unicode.';
  const max = provider === 'oss' ? 1023 : 1024;
  const bytes = byteLength(key);
  if (bytes > max)
    return `The object key is ${bytes} bytes long in UTF-8; ${provider === 'oss' ? 'OSS' : 'S3'} allows at most ${max}. Shorten it.`;
  if (provider === 'oss' && (key.startsWith('/') || key.startsWith('\\')))
    return `OSS object keys must not start with "/" or "\\": use "${key.replace(/^[/\\]+/, '')}".`;
  return undefined;
}

export function validateKey(provider: Provider, key: unknown): string {
  const problem = objectKeyProblem(provider, key);
  if (problem) throw new ConfigError('key', 'InvalidObjectKey', problem);
  return key as string;
}

/** `scheme://host[:port]` with http or https, no path, query, fragment or user info. Returns the parsed URL. */
export function validateEndpoint(endpoint: unknown): URL {
  const example = 'for example "https://oss-cn-hangzhou.aliyuncs.com" or "http://127.0.0.1:9000"';
  if (typeof endpoint !== 'string' || endpoint.trim() === '')
    throw new ConfigError('endpoint', 'InvalidEndpoint', `An endpoint is required: set it in the profile, ${example}.`);
  // The messages below echo the endpoint: drop everything up to an "@" first, a "user:password@" part (which
  // may contain "/", as AWS secrets do) holds a secret.
  const shown = endpoint.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^?#]*@/i, '$1');
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new ConfigError(
      'endpoint',
      'InvalidEndpoint',
      `Endpoint "${shown}" is not a URL. Write it as scheme://host[:port], ${example}.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(
      'endpoint',
      'InvalidEndpoint',
      `Endpoint "${shown}" must start with https:// or http://, ${example}.`,
    );
  if (url.username || url.password)
    throw new ConfigError(
      'endpoint',
      'InvalidEndpoint',
      'The endpoint must not contain a user name or password: remove the "user:pass@" part and store the keys in the profile\'s credentials instead.',
    );
  if (
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search ||
    url.hash ||
    /^[a-z]+:\/\/[^/]+\/./i.test(endpoint.trim())
  ) {
    throw new ConfigError(
      'endpoint',
      'InvalidEndpoint',
      `Endpoint "${url.origin}${url.pathname}" has a path: give only scheme://host[:port] (${url.origin}). Put the bucket in the bucket field.`,
    );
  }
  return url;
}

/**
 * Header names are HTTP tokens; values are visible ASCII and spaces. Rejected, each with what to do: CR/LF (header
 * injection), tabs and other control characters, non-ASCII, an empty value, and an `x-amz-content-sha256` that is
 * not a payload hash.
 */
export function validateHeader(name: string, value: unknown, field = 'headers'): string {
  if (!TOKEN.test(name))
    throw new ConfigError(
      field,
      'InvalidHeaderName',
      `Header name "${name}" is not a valid HTTP header name: use letters, digits and "-".`,
    );
  if (typeof value !== 'string')
    throw new ConfigError(field, 'InvalidHeaderValue', `Header "${name}" needs a text value.`);
  if (/[\r\n\0]/.test(value))
    throw new ConfigError(
      field,
      'InvalidHeaderValue',
      `Header "${name}" contains a line break, which would inject another header. Remove the CR/LF characters.`,
    );
  // Servers canonicalise a tab differently (radosgw keeps the first blank of a run, the SDKs make it one space),
  // so a signature over it holds on some servers only.
  if (value.includes('\t'))
    throw new ConfigError(
      field,
      'InvalidHeaderValue',
      `Header "${name}" contains a tab, which servers canonicalise differently, so the URL would work on some only. Use a space instead.`,
    );
  const control = [...value].map((c) => c.charCodeAt(0)).find((code) => code < 0x20 || code === 0x7f);
  if (control !== undefined)
    throw new ConfigError(
      field,
      'InvalidHeaderValue',
      `Header "${name}" contains the control character U+${control.toString(16).toUpperCase().padStart(4, '0')}, which HTTP clients reject or send differently. Remove it.`,
    );
  if (/[^\x20-\x7e]/.test(value))
    throw new ConfigError(
      field,
      'InvalidHeaderValue',
      `Header "${name}" contains non-ASCII characters, which clients send differently and so break the signature. Percent-encode them (for Content-Disposition use filename*=UTF-8''...).`,
    );
  if (value.trim() === '')
    throw new ConfigError(
      field,
      'InvalidHeaderValue',
      `Header "${name}" is empty: give it a value or leave it out (empty headers are dropped by some clients and break the signature).`,
    );
  // SigV4 signs this header's value as the payload hash, and the server checks the body against it.
  if (name.toLowerCase() === 'x-amz-content-sha256' && !/^(?:[0-9a-f]{64}|UNSIGNED-PAYLOAD)$/.test(value.trim()))
    throw new ConfigError(
      field,
      'InvalidHeaderValue',
      `Header "x-amz-content-sha256" must be the body's SHA-256 as 64 lower-case hex digits (as "sha256sum file" prints it) or UNSIGNED-PAYLOAD: set it to one of them, or leave the header out.`,
    );
  return value;
}

export function validateMetadataName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new ConfigError(
      'metadata',
      'InvalidMetadataName',
      `Metadata name "${name}" is not valid: use letters, digits, "-", "_" and "." (it is sent as an x-oss-meta-/x-amz-meta- header).`,
    );
  }
  return name;
}

export function validateRegion(region: unknown): string {
  if (typeof region !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(region)) {
    throw new ConfigError(
      'region',
      'InvalidRegion',
      `Region "${String(region)}" is not a region id: use the bare id such as "cn-hangzhou", "us-east-1" or "auto" (not "oss-cn-hangzhou").`,
    );
  }
  return region;
}

export function validateCredentials(accessKeyId: unknown, accessKeySecret: unknown): void {
  if (typeof accessKeyId !== 'string' || accessKeyId.trim() === '')
    throw new ConfigError(
      'accessKeyId',
      'MissingCredentials',
      'No access key id: set it in the profile (OSS Presign: Edit Profile) or in OSS_ACCESS_KEY_ID / AWS_ACCESS_KEY_ID.',
    );
  if (!/^[\x21-\x7e]+$/.test(accessKeyId))
    throw new ConfigError(
      'accessKeyId',
      'InvalidCredentials',
      'The access key id contains spaces or non-ASCII characters: paste it again without extra characters.',
    );
  if (typeof accessKeySecret !== 'string' || accessKeySecret === '')
    throw new ConfigError(
      'accessKeySecret',
      'MissingCredentials',
      'No access key secret: run "OSS Presign: Set Secret" for the profile, or set OSS_ACCESS_KEY_SECRET / AWS_SECRET_ACCESS_KEY.',
    );
}

export function validateDate(date: unknown): Date {
  const d = date instanceof Date ? new Date(date.getTime()) : typeof date === 'string' ? new Date(date) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw new ConfigError(
      'date',
      'InvalidDate',
      `Signing date ${JSON.stringify(date)} is not a valid date: pass a Date or an ISO 8601 string such as "2026-01-31T12:00:00Z".`,
    );
  return d;
}
