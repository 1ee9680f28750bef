/**
 * OSS V1 (legacy HMAC-SHA1) signing, query and header forms.
 * Rules and sources: ../shared/reference/signing-spec.md section 2 (ali-oss signUtils, Go SDK v2 signer/v1.go).
 */
import { hmacSha1Base64 } from './crypto';
import { lowerCaseHeaders } from './encoding';

export interface OssV1Input {
  method: string;
  bucket?: string | undefined;
  key?: string | undefined;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
  headers?: Record<string, string>;
  /** Signed sub-resources (e.g. `acl`, `uploadId`, `partNumber`); an empty value is written as a bare name. */
  subResources?: ReadonlyArray<readonly [string, string]>;
}

export interface OssV1Steps {
  stringToSign: string;
  signature: string;
  signedHeaders: string[];
}

/**
 * OSS V1 header canonicalisation: names lower-cased, values trimmed (spec 2: ali-oss signUtils, Go SDK v2
 * signer/v1.go); a name repeated in another case keeps its last value.
 */
export function ossV1CanonicalHeaders(headers: Record<string, string> = {}): Map<string, string> {
  return lowerCaseHeaders(headers, (v) => v.trim(), 'last');
}

/** `/bucket/key` with the raw key, then `?` and the sorted sub-resources. */
export function ossV1CanonicalizedResource(
  bucket: string | undefined,
  key: string | undefined,
  sub: ReadonlyArray<readonly [string, string]>,
): string {
  const base = bucket ? `/${bucket}/${key ?? ''}` : '/';
  if (!sub.length) return base;
  const parts = [...sub]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  return `${base}?${parts.join('&')}`;
}

/**
 * ```
 * VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n CanonicalizedOSSHeaders CanonicalizedResource
 * ```
 */
export function ossV1StringToSign(
  input: OssV1Input,
  dateOrExpires: string,
): { stringToSign: string; signedHeaders: string[] } {
  const lower = ossV1CanonicalHeaders(input.headers);
  const ossHeaders = [...lower.keys()].filter((n) => n.startsWith('x-oss-')).sort();
  const sub: Array<readonly [string, string]> = [...(input.subResources ?? [])];
  const stringToSign = [
    input.method.toUpperCase(),
    lower.get('content-md5') ?? '',
    lower.get('content-type') ?? '',
    dateOrExpires,
    ossHeaders.map((n) => `${n}:${lower.get(n)}\n`).join('') + ossV1CanonicalizedResource(input.bucket, input.key, sub),
  ].join('\n');
  const signedHeaders = [...lower.keys()]
    .filter((n) => n === 'content-md5' || n === 'content-type' || n.startsWith('x-oss-'))
    .sort();
  return { stringToSign, signedHeaders };
}

/** Query signing: `Expires` is an absolute unix time in seconds (signing time + expiry, truncated). */
export function signOssV1Query(
  input: OssV1Input & { expiresUnix: number },
): OssV1Steps & { query: Array<[string, string]> } {
  const sub: Array<readonly [string, string]> = [...(input.subResources ?? [])];
  if (input.securityToken) sub.push(['security-token', input.securityToken]);
  const { stringToSign, signedHeaders } = ossV1StringToSign({ ...input, subResources: sub }, String(input.expiresUnix));
  const signature = hmacSha1Base64(input.accessKeySecret, stringToSign);
  const query: Array<[string, string]> = [
    ['OSSAccessKeyId', input.accessKeyId],
    ['Expires', String(input.expiresUnix)],
    ['Signature', signature],
  ];
  if (input.securityToken) query.push(['security-token', input.securityToken]);
  return { stringToSign, signature, signedHeaders, query };
}

/** Header signing with an RFC 1123 `Date` (or `x-oss-date`) header value. */
export function signOssV1Header(
  input: OssV1Input & { date: string },
): OssV1Steps & { headers: Record<string, string> } {
  const headers: Record<string, string> = { ...(input.headers ?? {}) };
  if (input.securityToken) headers['x-oss-security-token'] = input.securityToken;
  const { stringToSign, signedHeaders } = ossV1StringToSign({ ...input, headers }, input.date);
  const signature = hmacSha1Base64(input.accessKeySecret, stringToSign);
  const added: Record<string, string> = { date: input.date, authorization: `OSS ${input.accessKeyId}:${signature}` };
  if (input.securityToken) added['x-oss-security-token'] = input.securityToken;
  return { stringToSign, signature, signedHeaders, headers: added };
}
