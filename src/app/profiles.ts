/**
 * Storage profiles: what the user setting `ossPresign.profiles` holds (never a secret), their validation, and
 * credentials from the environment. The VS Code layer adds the secret from SecretStorage to make a connection.
 */
import {
  inferRegion,
  resolveEndpoint,
  ConfigError,
  type Addressing,
  type ConnectionOptions,
  type Credentials,
  type Provider,
  type SignatureVersion,
  bucketNameProblem,
  validateAddressing,
  validateCredentials,
  validateEndpoint,
  validateProvider,
  validateRegion,
  validateSignatureVersion,
} from '../core/index';

export type CredentialSource = 'secretStorage' | 'env';

export interface Profile {
  /** Stable id (lower-case letters, digits, `-`, `_`); names the SecretStorage keys. */
  id: string;
  /** Display name. */
  name: string;
  provider: Provider;
  /** `scheme://host[:port]`. */
  endpoint: string;
  region?: string;
  /** Default `virtual` (OSS does not serve path-style requests, so it is never the default). */
  addressing?: Addressing;
  signatureVersion?: SignatureVersion;
  /** Required for `secretStorage`; for `env` the variable wins when set. */
  accessKeyId?: string;
  /** Buckets to show instead of listing them, for keys that may not call ListBuckets. */
  buckets?: string[];
  credentialSource: CredentialSource;
  /** When the STS session token expires (ISO 8601, normalised to UTC): URLs signed with it stop working then. */
  tokenExpiresAt?: string | undefined;
}

const PROFILE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Fields that would put a secret into settings.json; refuse them instead of silently storing them. */
const SECRET_FIELDS = [
  'secret',
  'accessKeySecret',
  'secretAccessKey',
  'securityToken',
  'sessionToken',
  'token',
  'stsToken',
];

const ENV_NAMES = {
  oss: { id: 'OSS_ACCESS_KEY_ID', secret: 'OSS_ACCESS_KEY_SECRET', token: 'OSS_SESSION_TOKEN' },
  s3: { id: 'AWS_ACCESS_KEY_ID', secret: 'AWS_SECRET_ACCESS_KEY', token: 'AWS_SESSION_TOKEN' },
} as const;

/**
 * Validates a profile as read from settings (any shape) and returns a normalised copy (trimmed strings, endpoint
 * without a trailing slash, empty optionals dropped).
 * @throws ConfigError naming the field and what to change.
 */
export function validateProfile(input: unknown): Profile {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError(
      'profile',
      'InvalidProfile',
      'A profile must be an object with id, name, provider and endpoint: fix the entry in the "ossPresign.profiles" setting or add it again with "OSS Presign: Add Profile".',
    );
  }
  const p = input as Record<string, unknown>;
  const where = typeof p.name === 'string' && p.name.trim() ? `Profile "${p.name.trim()}"` : 'A profile';
  const leaked = SECRET_FIELDS.find((f) => f in p);
  if (leaked) {
    throw new ConfigError(
      'profile',
      'SecretInSettings',
      `${where} has a "${leaked}" field in settings, where it is readable by anything that reads settings.json. Delete the field and run "OSS Presign: Set Secret", which keeps it in VS Code's secret storage.`,
    );
  }
  if (typeof p.id !== 'string' || !PROFILE_ID.test(p.id)) {
    throw new ConfigError(
      'id',
      'InvalidProfileId',
      `${where} has the id ${JSON.stringify(p.id)}: use 1 to 64 lower-case letters, digits, "-" and "_", starting with a letter or digit.`,
    );
  }
  if (typeof p.name !== 'string' || p.name.trim() === '')
    throw new ConfigError(
      'name',
      'InvalidProfileName',
      `Profile "${p.id}" needs a name: give it a display name such as "Production OSS".`,
    );
  const provider = validateProvider(p.provider);
  const endpoint = validateEndpoint(p.endpoint).origin;
  const region = optionalString(p.region);
  const out: Profile = { id: p.id, name: p.name.trim(), provider, endpoint, credentialSource: 'secretStorage' };
  if (region !== undefined) out.region = validateRegion(region);
  if (p.addressing !== undefined) out.addressing = validateAddressing(provider, p.addressing);
  if (p.signatureVersion !== undefined) out.signatureVersion = validateSignatureVersion(provider, p.signatureVersion);
  // Fails early for an OSS custom domain without a region, instead of at the first request.
  resolveEndpoint(out);

  const source = p.credentialSource ?? 'secretStorage';
  if (source !== 'secretStorage' && source !== 'env') {
    throw new ConfigError(
      'credentialSource',
      'InvalidCredentialSource',
      `${where} has credentialSource ${JSON.stringify(source)}: use "secretStorage" (keys kept by VS Code) or "env" (${ENV_NAMES[provider].id} / ${ENV_NAMES[provider].secret}).`,
    );
  }
  out.credentialSource = source;
  const accessKeyId = optionalString(p.accessKeyId);
  if (accessKeyId !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(accessKeyId))
      throw new ConfigError(
        'accessKeyId',
        'InvalidCredentials',
        `${where}: the access key id contains spaces or non-ASCII characters; paste it again without extra characters.`,
      );
    out.accessKeyId = accessKeyId;
  } else if (source === 'secretStorage') {
    throw new ConfigError(
      'accessKeyId',
      'MissingCredentials',
      `${where} has no access key id: run "OSS Presign: Edit Profile" and enter it, or set credentialSource to "env".`,
    );
  }

  const tokenExpiresAt = optionalString(p.tokenExpiresAt);
  if (tokenExpiresAt !== undefined) {
    const time = parseTokenExpiry(tokenExpiresAt);
    if (!time)
      throw new ConfigError(
        'tokenExpiresAt',
        'InvalidTokenExpiry',
        `${where} has tokenExpiresAt ${JSON.stringify(tokenExpiresAt)}, which is not an ISO 8601 time with a zone: write it like 2026-05-01T12:00:00Z (or with an offset, 2026-05-01T20:00:00+08:00), or delete the field. "OSS Presign: Set Secret" asks for it after the token.`,
      );
    out.tokenExpiresAt = time.toISOString();
  }

  if (p.buckets !== undefined) {
    if (!Array.isArray(p.buckets))
      throw new ConfigError(
        'buckets',
        'InvalidBucketList',
        `${where}: "buckets" must be a list of bucket names, for example ["my-bucket"].`,
      );
    const buckets = p.buckets.map((b) => (typeof b === 'string' ? b.trim() : b));
    for (const b of buckets) {
      const problem = bucketNameProblem(provider, b);
      if (problem) throw new ConfigError('buckets', 'InvalidBucketName', `${where}: ${problem}`);
    }
    if (buckets.length > 0) out.buckets = [...new Set(buckets as string[])];
  }
  return out;
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * An STS token's expiry as ISO 8601 with a zone (`2026-05-01T12:00:00Z`, `2026-05-01T20:00:00+08:00`, also the
 * `+0800` form some credential helpers write); undefined for anything else, including a time without a zone (whose
 * meaning depends on the machine) and impossible dates.
 */
export function parseTokenExpiry(text: string): Date | undefined {
  const m = ISO_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec] = m.map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) return undefined;
  const time = Date.parse(text.trim().replace(' ', 'T'));
  return Number.isFinite(time) ? new Date(time) : undefined;
}

function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return String(value);
  return value.trim() === '' ? undefined : value.trim();
}

/**
 * Credentials from `OSS_ACCESS_KEY_ID` / `OSS_ACCESS_KEY_SECRET` / `OSS_SESSION_TOKEN` (OSS) or
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` (S3). `fallbackAccessKeyId` (the profile's)
 * is used when the id variable is unset.
 * @throws ConfigError naming the missing variable.
 */
export function credentialsFromEnv(
  provider: Provider,
  env: Record<string, string | undefined>,
  fallbackAccessKeyId?: string,
): Credentials {
  const names = ENV_NAMES[validateProvider(provider)];
  const accessKeyId = env[names.id]?.trim() || fallbackAccessKeyId;
  if (!accessKeyId) {
    throw new ConfigError(
      'accessKeyId',
      'MissingCredentials',
      `${names.id} is not set: set it (and ${names.secret}) in the environment VS Code starts from, or switch the profile to keys in secret storage with "OSS Presign: Edit Profile".`,
    );
  }
  const accessKeySecret = env[names.secret]?.trim();
  if (!accessKeySecret) {
    throw new ConfigError(
      'accessKeySecret',
      'MissingCredentials',
      `${names.secret} is not set: set it in the environment VS Code starts from (then restart VS Code), or run "OSS Presign: Set Secret" and switch the profile to secret storage.`,
    );
  }
  validateCredentials(accessKeyId, accessKeySecret);
  const token = env[names.token]?.trim();
  return token ? { accessKeyId, accessKeySecret, securityToken: token } : { accessKeyId, accessKeySecret };
}

/** A profile plus its credentials, as the core API takes them. */
export function connectionOptions(profile: Profile, credentials: Credentials): ConnectionOptions {
  validateCredentials(credentials.accessKeyId, credentials.accessKeySecret);
  const out: ConnectionOptions = {
    provider: profile.provider,
    endpoint: profile.endpoint,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
  };
  if (profile.region) out.region = profile.region;
  if (profile.addressing) out.addressing = profile.addressing;
  if (profile.signatureVersion) out.signatureVersion = profile.signatureVersion;
  if (credentials.securityToken) out.securityToken = credentials.securityToken;
  return out;
}

/** An id for a new profile named `name` that none of `taken` uses: `prod-oss`, `prod-oss-2`, ... */
export function profileIdFor(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|-+$/g, '')
      .slice(0, 56) || 'profile';
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Where a bucket lives when the listing said so (OSS lists the buckets of every region in one call). */
export interface BucketLocation {
  bucketRegion?: string | undefined;
  /** Host of the bucket's public endpoint, e.g. `oss-cn-beijing.aliyuncs.com`. */
  bucketEndpoint?: string | undefined;
}

/** A bucket by name, or something that names it and may know its location (a tree node, a saved upload). */
export type BucketRef = string | (BucketLocation & { bucket?: string | undefined });

/**
 * Whether buckets reached through this connection may live in another region than its endpoint's: true on a
 * standard OSS or AWS endpoint, false on custom endpoints (MinIO, radosgw, R2) and custom domains, which serve
 * their buckets as they are.
 */
export function locatesBuckets(conn: ConnectionOptions): boolean {
  if (conn.addressing === 'cname') return false;
  const host = new URL(conn.endpoint).hostname;
  if (!inferRegion(conn.provider, host)) return false;
  return conn.provider === 'oss' || /\.amazonaws\.com$/.test(host);
}

/**
 * The connection to use for a bucket in another region than the profile's: on a standard OSS or AWS endpoint
 * the endpoint and region are switched to the bucket's (a request to the wrong region fails). Custom endpoints
 * and custom domains are kept as they are. An OSS internal endpoint (`oss-<region>-internal`) stays internal.
 */
export function connectionForBucket(conn: ConnectionOptions, location: BucketLocation | undefined): ConnectionOptions {
  const region = location?.bucketRegion;
  if (!region || !locatesBuckets(conn)) return conn;
  const url = new URL(conn.endpoint);
  if (inferRegion(conn.provider, url.hostname) === region) return conn;
  let host: string;
  if (conn.provider === 'oss') {
    const internal = /-internal\.aliyuncs\.com$/.test(url.hostname);
    host =
      !internal && location.bucketEndpoint && /\.aliyuncs\.com$/.test(location.bucketEndpoint)
        ? location.bucketEndpoint
        : `oss-${region}${internal ? '-internal' : ''}.aliyuncs.com`;
  } else host = `s3.${region}.amazonaws.com`;
  return { ...conn, endpoint: `${url.protocol}//${host}`, region };
}
