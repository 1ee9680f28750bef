/**
 * The three signing dialects, side by side: which one a profile speaks, and one table that every signing path goes
 * through (presigned URLs, Authorization headers, and the doctor's rebuild of what a server verifies). This file is
 * the only place that chooses between OSS V4, OSS V1 and S3 SigV4; the rules themselves stay in their signers.
 */
import type { Provider, SignatureVersion } from '../types';
import { hmacSha1Base64 } from './crypto';
import { canonicalQuery, parseAmzDate, queryString } from './encoding';
import { ossV1CanonicalHeaders, ossV1StringToSign, signOssV1Header, signOssV1Query } from './ossV1';
import {
  isOssV4DefaultSignedHeader,
  ossV4CanonicalHeaders,
  ossV4CanonicalRequest,
  ossV4CanonicalUri,
  ossV4Scope,
  ossV4Signature,
  ossV4SigningKey,
  ossV4StringToSign,
  signOssV4Header,
  signOssV4Query,
} from './ossV4';
import {
  sigV4CanonicalHeaders,
  sigV4CanonicalRequest,
  sigV4PayloadHashOf,
  sigV4Scope,
  sigV4Signature,
  sigV4SigningKey,
  sigV4StringToSign,
  signSigV4Header,
  signSigV4Query,
} from './s3SigV4';

/** A signing dialect: OSS `OSS4-HMAC-SHA256`, OSS legacy HMAC-SHA1, or AWS SigV4 for S3-compatible stores. */
export type Dialect = 'oss-v4' | 'oss-v1' | 's3-v4';

/** The dialect a profile signs with. S3 has SigV4 only (`validateSignatureVersion` rejects v1 for it). */
export function dialectOf(provider: Provider, signatureVersion: SignatureVersion): Dialect {
  if (provider === 's3') return 's3-v4';
  return signatureVersion === 'v1' ? 'oss-v1' : 'oss-v4';
}

/** One request to sign, in the terms the three dialects need between them; each signer reads what it signs. */
export interface SigningRequest {
  method: string;
  region: string;
  /** The bucket and raw key the request is about (OSS signs `/bucket/key` whatever the URL). */
  bucket?: string | undefined;
  key?: string | undefined;
  /** The request path as sent (encoded) and its Host header: SigV4 signs these. */
  path: string;
  host: string;
  /** Sub-resources and other query parameters (`uploadId`, `partNumber`, ...). */
  query: ReadonlyArray<readonly [string, string]>;
  /** Headers as they will be sent (any case). */
  headers: Record<string, string>;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
  date: Date;
}

/** A request to presign: signed into the URL's query, valid for `expiresSeconds`. */
export interface PresignQueryRequest extends SigningRequest {
  /** Validity of the URL in seconds from `date`. */
  expiresSeconds: number;
  /** OSS V4 only: header names to sign besides the ones it signs by default. */
  additionalHeaders?: readonly string[] | undefined;
}

/** A request to sign with an Authorization header. */
export interface AuthorizeHeaderRequest extends SigningRequest {
  /** Hex SHA-256 of the body, when known (S3 only); default UNSIGNED-PAYLOAD. */
  payloadHash?: string | undefined;
}

/** The intermediate steps of one signature, so that a mismatch can be traced: canonical request (V4 only) and string to sign. */
export interface SigningSteps {
  canonicalRequest?: string;
  stringToSign: string;
  signature: string;
}

/** A presigned URL's query and what its signature covers. */
export interface PresignedQuery {
  /** The URL's query string (after `?`), signature included, every part encoded once. */
  search: string;
  /** Lower-cased names of the headers the signature covers. */
  signedHeaders: string[];
  steps: SigningSteps;
}

/** The result of header signing: the headers that authenticate the request, and the steps. */
export interface Authorization {
  /** Headers to add to the request. */
  headers: Record<string, string>;
  canonicalRequest?: string;
  stringToSign: string;
}

/** A presigned request as a server receives it: what the doctor rebuilds the server's side from. */
export interface ReceivedRequest {
  method: string;
  /** The path exactly as written in the URL (SigV4 signs it as sent). */
  rawPath: string;
  /** The URL's host, for when `headers` has no `host`. */
  host: string;
  /** The URL's query parameters, decoded, in URL order. */
  params: ReadonlyArray<readonly [string, string]>;
  /** One URL parameter's value by name. */
  param(name: string): string | undefined;
  /** The headers, as the dialect's `canonicalHeaders` returns them. */
  headers: ReadonlyMap<string, string>;
  /** OSS: the bucket and raw key the URL addresses. */
  bucket?: string;
  key?: string;
}

/** What each dialect does, one implementation per dialect in `DIALECTS`. */
export interface DialectSigner {
  /** Header names lower-cased and values canonicalised as this dialect signs them; the signers use the same function. */
  canonicalHeaders(headers?: Record<string, string>): Map<string, string>;
  /** Query signing: the presigned URL's query string and the steps. */
  presign(request: PresignQueryRequest): PresignedQuery;
  /** Header signing: the headers that authenticate an API request. */
  authorize(request: AuthorizeHeaderRequest): Authorization;
  /** Verifier side: the canonical request (V4) or string to sign (V1) a server rebuilds from a presigned request. */
  rebuild(request: ReceivedRequest): string;
  /** Verifier side: the signature of `rebuilt` with `secret`, dated and scoped by the request's own URL parameters. */
  signature(request: ReceivedRequest, rebuilt: string, secret: string): string;
}

/** OSS V1 signs only these sub-resources (Go SDK v2 signer/v1.go whitelist, abridged to what we send). */
const OSS_V1_SUBRESOURCES = new Set([
  'acl',
  'uploads',
  'uploadId',
  'partNumber',
  'cors',
  'delete',
  'location',
  'tagging',
  'continuation-token',
]);

function stepsOf(s: SigningSteps): SigningSteps {
  return {
    ...(s.canonicalRequest ? { canonicalRequest: s.canonicalRequest } : {}),
    stringToSign: s.stringToSign,
    signature: s.signature,
  };
}

/** The date and the region and service of the credential scope a received V4 URL names (`<id>/<day>/<region>/<service>/...`). */
function scopeOf(
  request: ReceivedRequest,
  dateParam: string,
  credentialParam: string,
): { date: Date; region: string; service: string | undefined } {
  const credential = (request.param(credentialParam) ?? '').split('/');
  return {
    date: parseAmzDate(request.param(dateParam)) ?? new Date(0),
    region: credential[2] ?? '',
    service: credential[3],
  };
}

const ossV4: DialectSigner = {
  canonicalHeaders: ossV4CanonicalHeaders,
  presign(r) {
    // OSS V4 signs Content-Type, Content-MD5 and x-oss-* by default; every other chosen header is made an
    // additional header so that it is signed too ("sign every header the user chose").
    const extra = [
      ...(r.additionalHeaders ?? []),
      ...Object.keys(r.headers).filter((h) => !isOssV4DefaultSignedHeader(h.toLowerCase())),
    ];
    const headers = extra.some((h) => h.toLowerCase() === 'host') ? { ...r.headers, host: r.host } : r.headers;
    const signed = signOssV4Query({
      method: r.method,
      bucket: r.bucket,
      key: r.key,
      region: r.region,
      accessKeyId: r.accessKeyId,
      accessKeySecret: r.accessKeySecret,
      securityToken: r.securityToken,
      date: r.date,
      headers,
      additionalHeaders: extra,
      query: r.query,
      expiresSeconds: r.expiresSeconds,
    });
    return {
      search: `${signed.canonicalQuery}&x-oss-signature=${signed.signature}`,
      signedHeaders: signed.signedHeaders,
      steps: stepsOf(signed),
    };
  },
  authorize(r) {
    const signed = signOssV4Header({
      method: r.method,
      bucket: r.bucket,
      key: r.key,
      region: r.region,
      accessKeyId: r.accessKeyId,
      accessKeySecret: r.accessKeySecret,
      securityToken: r.securityToken,
      date: r.date,
      // OSS accepts only UNSIGNED-PAYLOAD in x-oss-content-sha256 (error 0002-00000214), so a payload hash is not used.
      headers: r.headers,
      query: r.query,
    });
    return { headers: signed.headers, canonicalRequest: signed.canonicalRequest, stringToSign: signed.stringToSign };
  },
  rebuild(r) {
    const additional = (r.param('x-oss-additional-headers') ?? '').split(';').filter(Boolean);
    const headers =
      additional.includes('host') && !r.headers.has('host') ? new Map([...r.headers, ['host', r.host]]) : r.headers;
    return ossV4CanonicalRequest({
      method: r.method,
      canonicalUri: ossV4CanonicalUri(r.bucket, r.key),
      canonicalQuery: canonicalQuery(
        r.params.filter(([k]) => k !== 'x-oss-signature'),
        true,
      ),
      headers,
      additionalHeaders: additional,
    }).canonicalRequest;
  },
  signature(r, rebuilt, secret) {
    const { date, region, service = 'oss' } = scopeOf(r, 'x-oss-date', 'x-oss-credential');
    return ossV4Signature(
      ossV4SigningKey(secret, date, region, service),
      ossV4StringToSign(date, ossV4Scope(date, region, service), rebuilt),
    );
  },
};

const ossV1: DialectSigner = {
  canonicalHeaders: ossV1CanonicalHeaders,
  presign(r) {
    const expiresUnix = Math.floor(r.date.getTime() / 1000) + r.expiresSeconds;
    const signed = signOssV1Query({
      method: r.method,
      bucket: r.bucket,
      key: r.key,
      accessKeyId: r.accessKeyId,
      accessKeySecret: r.accessKeySecret,
      securityToken: r.securityToken,
      headers: r.headers,
      subResources: r.query,
      expiresUnix,
    });
    return {
      search: queryString([...r.query, ...signed.query]),
      signedHeaders: signed.signedHeaders,
      steps: stepsOf(signed),
    };
  },
  authorize(r) {
    const signed = signOssV1Header({
      method: r.method,
      bucket: r.bucket,
      key: r.key,
      accessKeyId: r.accessKeyId,
      accessKeySecret: r.accessKeySecret,
      securityToken: r.securityToken,
      headers: r.headers,
      subResources: r.query.filter(([k]) => OSS_V1_SUBRESOURCES.has(k)),
      date: r.date.toUTCString(),
    });
    return { headers: signed.headers, stringToSign: signed.stringToSign };
  },
  rebuild(r) {
    const token = r.param('security-token');
    return ossV1StringToSign(
      {
        method: r.method,
        bucket: r.bucket,
        key: r.key,
        accessKeyId: '',
        accessKeySecret: '',
        headers: Object.fromEntries(r.headers),
        subResources: token ? [['security-token', token]] : [],
      },
      r.param('Expires') ?? '',
    ).stringToSign;
  },
  signature: (_r, rebuilt, secret) => hmacSha1Base64(secret, rebuilt),
};

const s3V4: DialectSigner = {
  canonicalHeaders: sigV4CanonicalHeaders,
  presign(r) {
    const signed = signSigV4Query({
      method: r.method,
      path: r.path,
      host: r.host,
      region: r.region,
      accessKeyId: r.accessKeyId,
      secretAccessKey: r.accessKeySecret,
      sessionToken: r.securityToken,
      date: r.date,
      headers: r.headers,
      query: r.query,
      expiresSeconds: r.expiresSeconds,
    });
    // The URL carries the canonical query as signed (already encoded) plus the signature: encoded once.
    return {
      search: `${signed.canonicalQuery}&X-Amz-Signature=${signed.signature}`,
      signedHeaders: signed.signedHeaders,
      steps: stepsOf(signed),
    };
  },
  authorize(r) {
    const signed = signSigV4Header({
      method: r.method,
      path: r.path,
      host: r.host,
      region: r.region,
      accessKeyId: r.accessKeyId,
      secretAccessKey: r.accessKeySecret,
      sessionToken: r.securityToken,
      date: r.date,
      headers: r.headers,
      query: r.query,
      payloadHash: r.payloadHash || undefined,
    });
    return { headers: signed.headers, canonicalRequest: signed.canonicalRequest, stringToSign: signed.stringToSign };
  },
  rebuild(r) {
    const names = (r.param('X-Amz-SignedHeaders') ?? 'host').split(';').filter(Boolean);
    const signed = new Map(
      names.map((n) => [n, n === 'host' ? (r.headers.get('host') ?? r.host) : (r.headers.get(n) ?? '')]),
    );
    return sigV4CanonicalRequest({
      method: r.method,
      path: r.rawPath,
      canonicalQuery: canonicalQuery(
        r.params.filter(([k]) => k !== 'X-Amz-Signature'),
        false,
      ),
      headers: signed,
      // As servers do: from the header when it is sent, signed or not (radosgw get_v4_exp_payload_hash).
      payloadHash: sigV4PayloadHashOf(r.headers),
    }).canonicalRequest;
  },
  signature(r, rebuilt, secret) {
    const { date, region, service = 's3' } = scopeOf(r, 'X-Amz-Date', 'X-Amz-Credential');
    return sigV4Signature(
      sigV4SigningKey(secret, date, region, service),
      sigV4StringToSign(date, sigV4Scope(date, region, service), rebuilt),
    );
  },
};

/** The signer of each dialect. Look one up with `DIALECTS[dialectOf(provider, signatureVersion)]`. */
export const DIALECTS: Readonly<Record<Dialect, DialectSigner>> = { 'oss-v4': ossV4, 'oss-v1': ossV1, 's3-v4': s3V4 };
