/**
 * OSS V4 (`OSS4-HMAC-SHA256`) signing, query (presigned URL) and header (Authorization) forms.
 * Rules and sources: ../shared/reference/signing-spec.md section 1 (ali-oss signUtils, OSS Go SDK v2 signer/v4.go).
 * Pure: no I/O, no clock; the signing time is an argument.
 */
import { hmacSha256, hmacSha256WithSigningKey, sha256Hex, toHex, type Bytes } from './crypto';
import { canonicalQuery, lowerCaseHeaders, toAmzDate, uriEncode } from './encoding';
import { SigningKeyCache } from './signingKeyCache';

export const OSS_V4_ALGORITHM = 'OSS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const TERMINATOR = 'aliyun_v4_request';

export interface OssV4Input {
  method: string;
  bucket?: string | undefined;
  key?: string | undefined;
  /** Bare region id, e.g. `cn-hangzhou`. */
  region: string;
  /** `oss`, or `oss-cloudbox` for CloudBox. */
  product?: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
  date: Date;
  /** Request headers as they will be sent (any case). */
  headers?: Record<string, string>;
  /** Sub-resources and other query parameters; an empty value is written as a bare name. */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Extra header names to sign besides the default ones. */
  additionalHeaders?: readonly string[];
}

export interface OssV4Steps {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  /** Lower-cased names of the signed headers. */
  signedHeaders: string[];
  /** The `x-oss-additional-headers` list actually used (absent and default-signed names removed). */
  additionalHeaders: string[];
  /** The canonical query string (encoded, sorted), the third line of the canonical request. */
  canonicalQuery: string;
}

const keyCache = new SigningKeyCache();

/** Content-Type, Content-MD5 and every `x-oss-*` header are signed whenever present. */
export function isOssV4DefaultSignedHeader(lowerName: string): boolean {
  return lowerName === 'content-type' || lowerName === 'content-md5' || lowerName.startsWith('x-oss-');
}

/** `<yyyymmdd>/<region>/<product>/aliyun_v4_request`. */
export function ossV4Scope(date: Date, region: string, product = 'oss'): string {
  return `${toAmzDate(date).slice(0, 8)}/${region}/${product}/${TERMINATOR}`;
}

/** Always `/bucket/key`, whatever the URL style (virtual, path or custom domain). */
export function ossV4CanonicalUri(bucket?: string, key?: string): string {
  if (!bucket) return '/';
  return uriEncode(`/${bucket}/${key ?? ''}`, true);
}

/**
 * OSS V4 header canonicalisation: names lower-cased, values trimmed at both ends only (inner runs of spaces are
 * kept, unlike SigV4), a name repeated in another case joined with `,` (spec 1.2: ali-oss `.trim()`, Go SDK v2).
 */
export function ossV4CanonicalHeaders(headers: Record<string, string> = {}): Map<string, string> {
  return lowerCaseHeaders(headers, (v) => v.trim(), 'join');
}

/** Additional header names: lower-cased, de-duplicated, sorted, without default-signed or absent ones. */
function ossV4AdditionalHeaders(names: readonly string[] = [], present: ReadonlyMap<string, string>): string[] {
  const set = new Set<string>();
  for (const n of names) {
    const lower = n.trim().toLowerCase();
    if (lower && !isOssV4DefaultSignedHeader(lower) && present.has(lower)) set.add(lower);
  }
  return [...set].sort();
}

/**
 * ```
 * METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders(each "name:value\n") \n AdditionalHeaders \n PayloadHash
 * ```
 */
export function ossV4CanonicalRequest(parts: {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  headers: ReadonlyMap<string, string>;
  additionalHeaders: readonly string[];
}): { canonicalRequest: string; signedHeaders: string[] } {
  const extra = new Set(parts.additionalHeaders);
  const signedHeaders = [...parts.headers.keys()].filter((n) => isOssV4DefaultSignedHeader(n) || extra.has(n)).sort();
  const canonicalHeaders = signedHeaders.map((n) => `${n}:${parts.headers.get(n)}\n`).join('');
  const payload = parts.headers.get('x-oss-content-sha256') || UNSIGNED_PAYLOAD;
  const canonicalRequest = [
    parts.method.toUpperCase(),
    parts.canonicalUri,
    parts.canonicalQuery,
    canonicalHeaders,
    parts.additionalHeaders.join(';'),
    payload,
  ].join('\n');
  return { canonicalRequest, signedHeaders };
}

export function ossV4StringToSign(date: Date, scope: string, canonicalRequest: string): string {
  return `${OSS_V4_ALGORITHM}\n${toAmzDate(date)}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

/** HMAC chain: "aliyun_v4"+secret -> day -> region -> product -> "aliyun_v4_request" (cached). */
export function ossV4SigningKey(secret: string, date: Date, region: string, product = 'oss'): Bytes {
  const day = toAmzDate(date).slice(0, 8);
  return keyCache.get(['oss4', secret, day, region, product], () => {
    const kDate = hmacSha256('aliyun_v4' + secret, day);
    return hmacSha256(hmacSha256(hmacSha256(kDate, region), product), TERMINATOR);
  });
}

export function ossV4Signature(signingKey: Bytes, stringToSign: string): string {
  return toHex(hmacSha256WithSigningKey(signingKey, stringToSign));
}

function sign(
  input: OssV4Input,
  query: ReadonlyArray<readonly [string, string]>,
  headers: Map<string, string>,
  additional: string[],
): OssV4Steps {
  const product = input.product ?? 'oss';
  const cq = canonicalQuery(query, true);
  const { canonicalRequest, signedHeaders } = ossV4CanonicalRequest({
    method: input.method,
    canonicalUri: ossV4CanonicalUri(input.bucket, input.key),
    canonicalQuery: cq,
    headers,
    additionalHeaders: additional,
  });
  const stringToSign = ossV4StringToSign(input.date, ossV4Scope(input.date, input.region, product), canonicalRequest);
  const signature = ossV4Signature(
    ossV4SigningKey(input.accessKeySecret, input.date, input.region, product),
    stringToSign,
  );
  return {
    canonicalRequest,
    stringToSign,
    signature,
    signedHeaders,
    additionalHeaders: additional,
    canonicalQuery: cq,
  };
}

/**
 * Query signing (presigned URL). Returns the `x-oss-*` parameters to append to the URL (signature last,
 * user query first) and every intermediate step.
 */
export function signOssV4Query(
  input: OssV4Input & { expiresSeconds: number },
): OssV4Steps & { query: Array<[string, string]> } {
  const product = input.product ?? 'oss';
  const headers = ossV4CanonicalHeaders(input.headers);
  const additional = ossV4AdditionalHeaders(input.additionalHeaders, headers);
  const params: Array<[string, string]> = (input.query ?? []).map(([k, v]) => [k, v]);
  if (additional.length) params.push(['x-oss-additional-headers', additional.join(';')]);
  params.push(
    ['x-oss-credential', `${input.accessKeyId}/${ossV4Scope(input.date, input.region, product)}`],
    ['x-oss-date', toAmzDate(input.date)],
    ['x-oss-expires', String(input.expiresSeconds)],
    ['x-oss-signature-version', OSS_V4_ALGORITHM],
  );
  if (input.securityToken) params.push(['x-oss-security-token', input.securityToken]);
  const steps = sign(input, params, headers, additional);
  params.push(['x-oss-signature', steps.signature]);
  return { ...steps, query: params };
}

/**
 * Header signing. Returns the headers to add to the request (`x-oss-date`, `x-oss-content-sha256`,
 * `x-oss-security-token`, `Authorization`) besides the intermediate steps.
 */
export function signOssV4Header(input: OssV4Input): OssV4Steps & { headers: Record<string, string> } {
  const product = input.product ?? 'oss';
  const added: Record<string, string> = { 'x-oss-date': toAmzDate(input.date) };
  const lower = ossV4CanonicalHeaders(input.headers);
  if (!lower.has('x-oss-content-sha256')) added['x-oss-content-sha256'] = UNSIGNED_PAYLOAD;
  if (input.securityToken) added['x-oss-security-token'] = input.securityToken;
  const headers = ossV4CanonicalHeaders({ ...input.headers, ...added });
  const additional = ossV4AdditionalHeaders(input.additionalHeaders, headers);
  const steps = sign(input, input.query ?? [], headers, additional);
  const scope = ossV4Scope(input.date, input.region, product);
  const auth =
    `${OSS_V4_ALGORITHM} Credential=${input.accessKeyId}/${scope},` +
    (additional.length ? `AdditionalHeaders=${additional.join(';')},` : '') +
    `Signature=${steps.signature}`;
  return { ...steps, headers: { ...added, authorization: auth } };
}
