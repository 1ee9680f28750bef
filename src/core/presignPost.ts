/**
 * `presignPost`: a presigned POST (HTML form upload). The server checks a signed JSON policy instead of a signed
 * request: every form field the uploader sends must satisfy one of its conditions (S3 and radosgw also reject a field
 * that no condition names), so the uploader may choose a key under a prefix, a Content-Type of a family, and any
 * size within a range. Dialects: OSS V4 (`x-oss-signature`, HMAC-SHA256 with the V4 signing key), OSS V1
 * (`Signature`, HMAC-SHA1 with the secret) and S3 SigV4 (`X-Amz-Signature`); each signs the base64 policy itself.
 * Sources: AWS "POST Policy" (sigv4-HTTPPOSTConstructPolicy), OSS "PostObject" and "POST V4 signature",
 * ali-oss `signPostObjectPolicyV4` / `calculatePostSignature`, @aws-sdk/s3-presigned-post `createPresignedPost`.
 */
import { objectUrl, resolveEndpoint } from './endpoint';
import { ConfigError } from './errors';
import { requiredHeaders } from './presign';
import { hmacSha1Base64 } from './signing/crypto';
import { dialectOf, type Dialect } from './signing/dialect';
import { toAmzDate } from './signing/encoding';
import { OSS_V4_ALGORITHM, ossV4Scope, ossV4Signature, ossV4SigningKey } from './signing/ossV4';
import { SIGV4_ALGORITHM, sigV4Scope, sigV4Signature, sigV4SigningKey } from './signing/s3SigV4';
import type { ConnectionOptions } from './types';
import {
  objectKeyProblem,
  validateBucket,
  validateCredentials,
  validateDate,
  validateExpiry,
  validateHeader,
  validateKey,
  validateSignatureVersion,
} from './validate';

/** The largest object one POST may upload on S3 and OSS: 5 GiB. */
const MAX_POST_BYTES = 5 * 1024 ** 3;
const FILENAME_VARIABLE = '${filename}';
const SUCCESS_STATUSES = [200, 201, 204] as const;

/** Options of `presignPost`: the profile, the bucket, and what the uploader may send (give `key` or `keyPrefix`). */
export interface PresignPostOptions extends ConnectionOptions {
  bucket: string;
  /** The exact object key, raw. `${filename}` in it is replaced by the server with the uploaded file's name; the
   * policy can then require only the part before it (starts-with). */
  key?: string | undefined;
  /** Instead of `key`: the uploader may choose any key starting with this (the form's default is `<prefix>${filename}`). */
  keyPrefix?: string | undefined;
  /** Validity of the policy in seconds, integer 1..604800. */
  expiresSeconds: number;
  /** Signing time; default now (read once, here at the API edge). */
  date?: Date | string | undefined;
  /** `[min, max]` bytes the file may have (inclusive), 0..5 GiB. */
  contentLengthRange?: readonly [number, number] | undefined;
  /** The exact Content-Type the object gets (sent as the `Content-Type` form field). */
  contentType?: string | undefined;
  /** Instead of `contentType`: the uploader sends a Content-Type starting with this, e.g. `image/`. */
  contentTypePrefix?: string | undefined;
  /** User metadata (name -> value), sent as `x-oss-meta-<name>` / `x-amz-meta-<lower-cased name>` fields. */
  metadata?: Record<string, string> | undefined;
  /** The status of a successful upload: 200 or 201 (with an XML body) or 204 (the default, empty). */
  successActionStatus?: 200 | 201 | 204 | undefined;
}

/** One policy condition: an exact match `{ field: value }`, a prefix match, or the size range. */
export type PostPolicyCondition =
  Record<string, string> | ['starts-with', string, string] | ['content-length-range', number, number];

/** The policy document, decoded: what the base64 `policy` / `Policy` field says. */
export interface PostPolicy {
  /** ISO 8601 UTC; the policy (and so the form) stops working then. */
  expiration: string;
  conditions: PostPolicyCondition[];
}

/** A presigned POST: the form's action URL and fields, and the policy they carry. */
export interface PresignedPost {
  /** The bucket's URL (virtual-hosted or path style, as for presigned URLs): the form's action. */
  url: string;
  /** Every form field to send, in this order, before the `file` field (which must come last). */
  fields: Record<string, string>;
  /** Fields the uploader may set to any value starting with the given prefix: `key` (its default is in `fields`)
   * for `keyPrefix`, and `Content-Type` (no default: the uploader adds it) for `contentTypePrefix`. */
  startsWith: Record<string, string>;
  /** When the policy expires (signing time, whole seconds, + expiry). */
  expiresAt: Date;
  /** The policy document that `fields` carries base64-encoded and signed. */
  policy: PostPolicy;
  /** The signing dialect: `oss-v4`, `oss-v1` or `s3-v4`. */
  dialect: Dialect;
}

/** The field names of each dialect's signature. */
const DIALECT_FIELDS = {
  'oss-v4': { policy: 'policy', signature: 'x-oss-signature', token: 'x-oss-security-token' },
  'oss-v1': { policy: 'policy', signature: 'Signature', token: 'x-oss-security-token' },
  's3-v4': { policy: 'Policy', signature: 'X-Amz-Signature', token: 'X-Amz-Security-Token' },
} as const;

/**
 * Presigns an HTML form upload (POST Object) into one bucket: returns the form's action URL and the fields to send
 * before the file. Nothing is sent; signing reads no clock (the time is `options.date`, default now).
 * @throws ConfigError for invalid or conflicting options (key and keyPrefix, contentType and contentTypePrefix), a
 * size range that is not 0 <= min <= max <= 5 GiB, an expiry outside 1..604800 s, or metadata that is not
 * printable ASCII.
 */
export function presignPost(options: PresignPostOptions): PresignedPost {
  const ep = resolveEndpoint(options);
  const dialect = dialectOf(ep.provider, validateSignatureVersion(ep.provider, options.signatureVersion));
  const bucket = validateBucket(ep.provider, options.bucket);
  validateCredentials(options.accessKeyId, options.accessKeySecret);
  const expiresSeconds = validateExpiry(options.expiresSeconds);
  // The API edge is the only place that reads the clock. Whole seconds: the form states the time in seconds.
  const given = validateDate(options.date ?? new Date());
  const date = new Date(Math.floor(given.getTime() / 1000) * 1000);
  const expiresAt = new Date(date.getTime() + expiresSeconds * 1000);

  const key = postKey(ep.provider, options.key, options.keyPrefix);
  const range = contentLengthRange(options.contentLengthRange);
  const contentType = postContentType(options.contentType, options.contentTypePrefix);
  const status = successActionStatus(options.successActionStatus);
  const metadata = postMetadata(ep.provider, options.metadata);

  // Exact fields the uploader sends as given; each is also an exact-match condition.
  const userFields: Record<string, string> = {};
  if (contentType.exact !== undefined) userFields['Content-Type'] = contentType.exact;
  Object.assign(userFields, metadata);
  if (status !== undefined) userFields.success_action_status = String(status);

  const authFields = dialectAuthFields(dialect, options.accessKeyId, ep.region, date);
  const names = DIALECT_FIELDS[dialect];
  const tokenFields: Record<string, string> = options.securityToken ? { [names.token]: options.securityToken } : {};

  // Conditions in the order @aws-sdk/s3-presigned-post writes them (its Conditions, its Fields, bucket, its signing
  // fields, key), so an S3 policy is byte for byte the SDK's.
  const conditions: PostPolicyCondition[] = [];
  if (range) conditions.push(['content-length-range', range[0], range[1]]);
  if (contentType.prefix !== undefined) conditions.push(['starts-with', '$Content-Type', contentType.prefix]);
  for (const [name, value] of Object.entries(userFields)) conditions.push({ [name]: value });
  conditions.push({ bucket });
  // V1 signs with the secret alone: OSSAccessKeyId needs no condition (OSS does not ask one for it).
  if (dialect !== 'oss-v1') for (const [name, value] of Object.entries(authFields)) conditions.push({ [name]: value });
  for (const [name, value] of Object.entries(tokenFields)) conditions.push({ [name]: value });
  conditions.push(key.prefix !== undefined ? ['starts-with', '$key', key.prefix] : { key: key.field });

  const policy: PostPolicy = { expiration: policyExpiration(dialect, expiresAt), conditions };
  const encoded = Buffer.from(JSON.stringify(policy), 'utf8').toString('base64');
  const signature = signPostPolicy(dialect, encoded, options.accessKeySecret, ep.region, date);

  const { origin, path } = objectUrl(ep, bucket, undefined);
  const startsWith: Record<string, string> = {};
  if (key.prefix !== undefined && options.keyPrefix !== undefined) startsWith.key = key.prefix;
  if (contentType.prefix !== undefined) startsWith['Content-Type'] = contentType.prefix;
  return {
    url: origin + path,
    fields: {
      key: key.field,
      ...userFields,
      ...authFields,
      ...tokenFields,
      [names.policy]: encoded,
      [names.signature]: signature,
    },
    startsWith,
    expiresAt,
    policy,
    dialect,
  };
}

/**
 * The signature of a base64 policy: OSS V4 and S3 sign it with their V4 signing key of the day and region (it is the
 * whole string to sign), OSS V1 with HMAC-SHA1 of the secret. Pure: the time is an argument.
 */
function signPostPolicy(dialect: Dialect, policy: string, secret: string, region: string, date: Date): string {
  switch (dialect) {
    case 'oss-v4':
      return ossV4Signature(ossV4SigningKey(secret, date, region), policy);
    case 's3-v4':
      return sigV4Signature(sigV4SigningKey(secret, date, region), policy);
    case 'oss-v1':
      return hmacSha1Base64(secret, policy);
  }
}

/** The fields that name the algorithm, credential scope and time (OSS V1: the access key id only). */
function dialectAuthFields(dialect: Dialect, accessKeyId: string, region: string, date: Date): Record<string, string> {
  switch (dialect) {
    case 'oss-v4':
      return {
        'x-oss-signature-version': OSS_V4_ALGORITHM,
        'x-oss-credential': `${accessKeyId}/${ossV4Scope(date, region)}`,
        'x-oss-date': toAmzDate(date),
      };
    case 's3-v4':
      return {
        'X-Amz-Algorithm': SIGV4_ALGORITHM,
        'X-Amz-Credential': `${accessKeyId}/${sigV4Scope(date, region)}`,
        'X-Amz-Date': toAmzDate(date),
      };
    case 'oss-v1':
      return { OSSAccessKeyId: accessKeyId };
  }
}

/**
 * ISO 8601 in UTC. S3 as @aws-sdk/s3-presigned-post writes it (no fraction); OSS with milliseconds, the form of every
 * OSS document and SDK sample (`2023-12-03T13:00:00.000Z`).
 */
function policyExpiration(dialect: Dialect, expiresAt: Date): string {
  const iso = expiresAt.toISOString();
  return dialect === 's3-v4' ? iso.replace(/\.\d{3}Z$/, 'Z') : iso;
}

/** The `key` field and, when the uploader chooses (part of) the key, the prefix the policy requires. */
function postKey(
  provider: ConnectionOptions['provider'],
  key: unknown,
  keyPrefix: unknown,
): { field: string; prefix?: string } {
  if (key !== undefined && keyPrefix !== undefined)
    throw new ConfigError(
      'keyPrefix',
      'ConflictingOptions',
      'Give either key (one exact object) or keyPrefix (any key under a prefix), not both.',
    );
  if (keyPrefix !== undefined) {
    if (typeof keyPrefix !== 'string' || keyPrefix === '')
      throw new ConfigError(
        'keyPrefix',
        'InvalidKeyPrefix',
        'keyPrefix is empty, which would let the uploader write any key in the bucket: give a prefix such as "uploads/", or an exact key.',
      );
    if (keyPrefix.includes(FILENAME_VARIABLE))
      throw new ConfigError(
        'keyPrefix',
        'InvalidKeyPrefix',
        `keyPrefix must not contain ${FILENAME_VARIABLE}: the form's key is already "<prefix>${FILENAME_VARIABLE}". For a fixed name around the file name, give key instead.`,
      );
    const problem = objectKeyProblem(provider, keyPrefix);
    if (problem) throw new ConfigError('keyPrefix', 'InvalidKeyPrefix', problem.replace(/object key/g, 'key prefix'));
    return { field: keyPrefix + FILENAME_VARIABLE, prefix: keyPrefix };
  }
  if (key === undefined)
    throw new ConfigError(
      'key',
      'MissingKey',
      'Give key (one exact object, e.g. "uploads/report.pdf") or keyPrefix (any key under it, e.g. "uploads/").',
    );
  const exact = validateKey(provider, key);
  // The server replaces ${filename} before it checks the policy (radosgw rebuild_key; AWS documents the same), so
  // only the part before it can be required; @aws-sdk/s3-presigned-post does the same.
  const at = exact.indexOf(FILENAME_VARIABLE);
  return at < 0 ? { field: exact } : { field: exact, prefix: exact.slice(0, at) };
}

function contentLengthRange(range: unknown): readonly [number, number] | undefined {
  if (range === undefined) return undefined;
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!Array.isArray(range) || range.length !== 2 || !valid(range[0]) || !valid(range[1]))
    throw new ConfigError(
      'contentLengthRange',
      'InvalidContentLengthRange',
      `contentLengthRange must be [min, max] in whole bytes, for example [1, 10485760] for up to 10 MiB; got ${JSON.stringify(range)}.`,
    );
  const [min, max] = range as [number, number];
  if (min > max)
    throw new ConfigError(
      'contentLengthRange',
      'InvalidContentLengthRange',
      `contentLengthRange [${min}, ${max}] has its minimum above its maximum: swap them ([${max}, ${min}]).`,
    );
  if (max > MAX_POST_BYTES)
    throw new ConfigError(
      'contentLengthRange',
      'InvalidContentLengthRange',
      `contentLengthRange allows ${max} bytes, but one POST upload holds at most 5 GiB (${MAX_POST_BYTES} bytes): lower the maximum, or use a multipart upload for larger files.`,
    );
  return [min, max];
}

function postContentType(exact: unknown, prefix: unknown): { exact?: string; prefix?: string } {
  if (exact !== undefined && prefix !== undefined)
    throw new ConfigError(
      'contentTypePrefix',
      'ConflictingOptions',
      'Give either contentType (one exact type) or contentTypePrefix (a family such as "image/"), not both.',
    );
  if (exact !== undefined) return { exact: validateHeader('Content-Type', exact, 'contentType').trim() };
  if (prefix !== undefined) return { prefix: validateHeader('Content-Type', prefix, 'contentTypePrefix').trim() };
  return {};
}

function successActionStatus(status: unknown): number | undefined {
  if (status === undefined) return undefined;
  if (!SUCCESS_STATUSES.includes(status as 200))
    throw new ConfigError(
      'successActionStatus',
      'InvalidSuccessActionStatus',
      `successActionStatus must be 200, 201 or 204 (the status of a successful upload); got ${JSON.stringify(status)}.`,
    );
  return status as number;
}

/** Metadata as form fields: the values become headers on download, so printable ASCII only (no tab, no CR/LF). */
function postMetadata(
  provider: ConnectionOptions['provider'],
  metadata: Record<string, string> | undefined,
): Record<string, string> {
  for (const [name, value] of Object.entries(metadata ?? {})) {
    if (typeof value === 'string' && /[^\x20-\x7e]/.test(value))
      throw new ConfigError(
        'metadata',
        'InvalidMetadataValue',
        `Metadata "${name}" contains a tab, line break or non-ASCII character: it is returned as a header on download, where clients read these differently. Use printable ASCII (percent-encode other characters).`,
      );
  }
  return requiredHeaders(provider, {}, metadata);
}
