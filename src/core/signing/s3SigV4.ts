/**
 * AWS SigV4 (`AWS4-HMAC-SHA256`) for S3, query (presigned URL) and header (Authorization) forms.
 * S3 flavour: the canonical URI is the path exactly as sent (encoded once, no normalisation), the payload
 * is `UNSIGNED-PAYLOAD` unless a hash is given, and every header passed in is signed (no hoisting into the query).
 * Rules and sources: ../shared/reference/signing-spec.md section 3 (smithy signature-v4, AWS docs).
 */
import { hmacSha256, hmacSha256WithSigningKey, sha256Hex, toHex, type Bytes } from './crypto';
import { canonicalQuery, lowerCaseHeaders, toAmzDate } from './encoding';
import { SigningKeyCache } from './signingKeyCache';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface SigV4Input {
  method: string;
  /** The URL path as it will be sent, already percent-encoded (e.g. `/bucket/a%20b.txt`). */
  path: string;
  /** The Host header value (host plus `:port` when not the scheme's default). */
  host: string;
  region: string;
  /** `s3` for S3; other services only in tests against the AWS suite. */
  service?: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  date: Date;
  /** Headers to sign besides `host` (any case). */
  headers?: Record<string, string>;
  /** Query parameters besides the `X-Amz-*` ones (sub-resources like `uploadId`, `partNumber`). */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Default `UNSIGNED-PAYLOAD`. */
  payloadHash?: string | undefined;
}

export interface SigV4Steps {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedHeaders: string[];
  /** The canonical query string (encoded, sorted), the third line of the canonical request. */
  canonicalQuery: string;
}

const keyCache = new SigningKeyCache();

export function sigV4Scope(date: Date, region: string, service = 's3'): string {
  return `${toAmzDate(date).slice(0, 8)}/${region}/${service}/aws4_request`;
}

/**
 * SigV4 header canonicalisation: names lower-cased; in values CR/LF become spaces, runs of spaces and tabs collapse to
 * one, and both ends are trimmed (spec 3.2: smithy `getCanonicalHeaders`); a name repeated in another case joined with `,`.
 */
export function sigV4CanonicalHeaders(headers: Record<string, string> = {}): Map<string, string> {
  return lowerCaseHeaders(
    headers,
    (v) =>
      v
        .replace(/[\r\n]+/g, ' ')
        .replace(/[ \t]+/g, ' ')
        .trim(),
    'join',
  );
}

/** The headers to sign: `headers` plus `host`, whose value is the host the request goes to, whatever `headers` says. */
function canonicalHeaderMap(host: string, headers: Record<string, string> = {}): Map<string, string> {
  return sigV4CanonicalHeaders(headers).set('host', host);
}

/**
 * ```
 * METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders(each "name:value\n") \n SignedHeaders \n PayloadHash
 * ```
 */
export function sigV4CanonicalRequest(parts: {
  method: string;
  path: string;
  canonicalQuery: string;
  headers: ReadonlyMap<string, string>;
  payloadHash: string;
}): { canonicalRequest: string; signedHeaders: string[] } {
  const signedHeaders = [...parts.headers.keys()].sort();
  const canonicalRequest = [
    parts.method.toUpperCase(),
    parts.path,
    parts.canonicalQuery,
    signedHeaders.map((n) => `${n}:${parts.headers.get(n)}\n`).join(''),
    signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
  return { canonicalRequest, signedHeaders };
}

export function sigV4StringToSign(date: Date, scope: string, canonicalRequest: string): string {
  return `${SIGV4_ALGORITHM}\n${toAmzDate(date)}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

/** HMAC chain: "AWS4"+secret -> day -> region -> service -> "aws4_request" (cached). */
export function sigV4SigningKey(secret: string, date: Date, region: string, service = 's3'): Bytes {
  const day = toAmzDate(date).slice(0, 8);
  return keyCache.get(['aws4', secret, day, region, service], () => {
    const kDate = hmacSha256('AWS4' + secret, day);
    return hmacSha256(hmacSha256(hmacSha256(kDate, region), service), 'aws4_request');
  });
}

export function sigV4Signature(signingKey: Bytes, stringToSign: string): string {
  return toHex(hmacSha256WithSigningKey(signingKey, stringToSign));
}

function sign(
  input: SigV4Input,
  query: ReadonlyArray<readonly [string, string]>,
  headers: Map<string, string>,
): SigV4Steps {
  const service = input.service ?? 's3';
  const cq = canonicalQuery(query, false);
  const { canonicalRequest, signedHeaders } = sigV4CanonicalRequest({
    method: input.method,
    path: input.path,
    canonicalQuery: cq,
    headers,
    payloadHash: input.payloadHash ?? UNSIGNED_PAYLOAD,
  });
  const stringToSign = sigV4StringToSign(input.date, sigV4Scope(input.date, input.region, service), canonicalRequest);
  const signature = sigV4Signature(
    sigV4SigningKey(input.secretAccessKey, input.date, input.region, service),
    stringToSign,
  );
  return { canonicalRequest, stringToSign, signature, signedHeaders, canonicalQuery: cq };
}

/**
 * The payload hash a server takes for a request with these (canonical) headers: the `x-amz-content-sha256` value when
 * one is sent, else `UNSIGNED-PAYLOAD`. S3, MinIO and radosgw read it from the header when present, and botocore
 * presigns with it, so a signature over UNSIGNED-PAYLOAD with that header sent gets 403.
 */
export function sigV4PayloadHashOf(headers: ReadonlyMap<string, string>): string {
  return headers.get('x-amz-content-sha256') || UNSIGNED_PAYLOAD;
}

/**
 * Query signing (presigned URL): returns the query parameters to put in the URL, signature last. The payload hash is
 * `payloadHash`, else an `x-amz-content-sha256` header's value, else UNSIGNED-PAYLOAD.
 */
export function signSigV4Query(
  input: SigV4Input & { expiresSeconds: number },
): SigV4Steps & { query: Array<[string, string]> } {
  const headers = canonicalHeaderMap(input.host, input.headers);
  const payloadHash = input.payloadHash ?? sigV4PayloadHashOf(headers);
  const params: Array<[string, string]> = (input.query ?? []).map(([k, v]) => [k, v]);
  params.push(
    ['X-Amz-Algorithm', SIGV4_ALGORITHM],
    ['X-Amz-Credential', `${input.accessKeyId}/${sigV4Scope(input.date, input.region, input.service)}`],
    ['X-Amz-Date', toAmzDate(input.date)],
    ['X-Amz-Expires', String(input.expiresSeconds)],
  );
  if (input.sessionToken) params.push(['X-Amz-Security-Token', input.sessionToken]);
  params.push(['X-Amz-SignedHeaders', [...headers.keys()].sort().join(';')]);
  const steps = sign({ ...input, payloadHash }, params, headers);
  params.push(['X-Amz-Signature', steps.signature]);
  return { ...steps, query: params };
}

/** Header signing: returns the headers to add (`x-amz-date`, `x-amz-content-sha256`, token, `authorization`). */
export function signSigV4Header(input: SigV4Input): SigV4Steps & { headers: Record<string, string> } {
  const added: Record<string, string> = {
    'x-amz-date': toAmzDate(input.date),
    'x-amz-content-sha256': input.payloadHash ?? UNSIGNED_PAYLOAD,
  };
  if (input.sessionToken) added['x-amz-security-token'] = input.sessionToken;
  const headers = canonicalHeaderMap(input.host, { ...input.headers, ...added });
  const steps = sign(input, input.query ?? [], headers);
  added.authorization =
    `${SIGV4_ALGORITHM} Credential=${input.accessKeyId}/${sigV4Scope(input.date, input.region, input.service)}, ` +
    `SignedHeaders=${steps.signedHeaders.join(';')}, Signature=${steps.signature}`;
  return { ...steps, headers: added };
}
