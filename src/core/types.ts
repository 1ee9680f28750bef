/** Shared option and result types of the core API. */

export type Provider = 'oss' | 's3';
export type SignatureVersion = 'v4' | 'v1';
export type Addressing = 'virtual' | 'path' | 'cname';

/** Where a request goes and how it is signed: everything of a profile but the credentials. */
export interface EndpointOptions {
  provider: Provider;
  /** `scheme://host[:port]`, no path. */
  endpoint: string;
  /** Bare region id (`cn-hangzhou`, `us-east-1`). Inferred from standard OSS endpoints when absent. */
  region?: string | undefined;
  /** Default `virtual`. `cname`: OSS custom domain; the endpoint is the bucket's domain. */
  addressing?: Addressing;
  /** Default `v4`; `v1` is OSS only. */
  signatureVersion?: SignatureVersion;
}

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS session token. */
  securityToken?: string | undefined;
}

/** A profile as the core sees it: endpoint options plus credentials. */
export type ConnectionOptions = EndpointOptions & Credentials;

export interface PresignPutOptions extends ConnectionOptions {
  bucket: string;
  /** The object key, raw (not URL-encoded). */
  key: string;
  /** Validity in seconds, integer 1..604800. */
  expiresSeconds: number;
  /** Signing time; default now. Signing itself never reads the clock: this is resolved once at the API edge. */
  date?: Date | string;
  /** Headers the uploader will send (name -> value): Content-Type, Cache-Control, x-oss-storage-class, ... */
  headers?: Record<string, string>;
  /** User metadata (name -> value), sent as `x-oss-meta-<name>` / `x-amz-meta-<lower-cased name>`. */
  metadata?: Record<string, string>;
  /** OSS V4: extra header names to sign (e.g. `host`). */
  additionalHeaders?: string[];
}

export interface PresignResult {
  method: 'PUT';
  url: string;
  /** Exactly the headers the uploader must send (never Host). Names as given; values as signed. */
  headers: Record<string, string>;
  /** When the URL stops working (signing time + expiry; V1: the absolute `Expires`). */
  expiresAt: Date;
  /** Lower-cased names of the headers covered by the signature (incl. `host` for SigV4). */
  signedHeaders: string[];
}
