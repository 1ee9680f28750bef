/**
 * Header authentication of API requests (ListBuckets, ListObjectsV2, multipart, ...): one entry point over
 * the three signers, so the HTTP layer does not need to know which dialect a profile speaks.
 */
import { signOssV1Header } from './ossV1';
import { signOssV4Header } from './ossV4';
import { signSigV4Header } from './s3SigV4';
import type { Provider, SignatureVersion } from '../types';

/** OSS V1 signs only these sub-resources (Go SDK v2 signer/v1.go whitelist, abridged to what we send). */
const OSS_V1_SUBRESOURCES = new Set(['acl', 'uploads', 'uploadId', 'partNumber', 'cors', 'delete', 'location', 'tagging', 'continuation-token']);

export interface AuthorizeInput {
  provider: Provider;
  signatureVersion: SignatureVersion;
  method: string;
  region: string;
  /** The bucket and raw key the request is about (OSS signs `/bucket/key` whatever the URL). */
  bucket?: string;
  key?: string;
  /** The request path as sent (encoded) and its Host header: SigV4 signs these. */
  path: string;
  host: string;
  query: ReadonlyArray<readonly [string, string]>;
  headers: Record<string, string>;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  date: Date;
  /** Hex SHA-256 of the body, when known (S3 only); default UNSIGNED-PAYLOAD. */
  payloadHash?: string;
}

export interface Authorization {
  /** Headers to add to the request. */
  headers: Record<string, string>;
  canonicalRequest?: string;
  stringToSign: string;
}

export function authorizeRequest(input: AuthorizeInput): Authorization {
  const token = input.securityToken || undefined;
  if (input.provider === 's3') {
    const r = signSigV4Header({
      method: input.method, path: input.path, host: input.host, region: input.region,
      accessKeyId: input.accessKeyId, secretAccessKey: input.accessKeySecret, ...(token ? { sessionToken: token } : {}),
      date: input.date, headers: input.headers, query: input.query, ...(input.payloadHash ? { payloadHash: input.payloadHash } : {}),
    });
    return { headers: r.headers, canonicalRequest: r.canonicalRequest, stringToSign: r.stringToSign };
  }
  if (input.signatureVersion === 'v1') {
    const r = signOssV1Header({
      method: input.method, ...(input.bucket ? { bucket: input.bucket } : {}), ...(input.key ? { key: input.key } : {}),
      accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret, ...(token ? { securityToken: token } : {}),
      headers: input.headers, subResources: input.query.filter(([k]) => OSS_V1_SUBRESOURCES.has(k)), date: input.date.toUTCString(),
    });
    return { headers: r.headers, stringToSign: r.stringToSign };
  }
  const r = signOssV4Header({
    method: input.method, ...(input.bucket ? { bucket: input.bucket } : {}), ...(input.key ? { key: input.key } : {}),
    region: input.region, accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret,
    ...(token ? { securityToken: token } : {}), date: input.date,
    // OSS accepts only UNSIGNED-PAYLOAD in x-oss-content-sha256 (error 0002-00000214), so a payload hash is not used.
    headers: input.headers,
    query: input.query,
  });
  return { headers: r.headers, canonicalRequest: r.canonicalRequest, stringToSign: r.stringToSign };
}

