/**
 * Import of profiles from the files other tools keep credentials in: `~/.aws/credentials` + `~/.aws/config`
 * (AWS CLI), `~/.ossutilconfig` (ossutil) and `~/.aliyun/config.json` (Alibaba Cloud CLI). Pure functions
 * over file text. A malformed file is a ConfigError naming the file and the line, and never quoting it (lines
 * hold secrets); a file that parses yields every profile with static keys, and the others are skipped.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseIni } from 'ini';
import { inferRegion, ConfigError, type Addressing, type Provider } from '../core/index';
import { parseTokenExpiry, profileIdFor, validateProfile, type Profile } from './profiles';

/** A profile found in a file, with the secret to put into SecretStorage. */
export interface ImportCandidate {
  profile: Profile;
  secret: string;
  token?: string | undefined;
  /** Where it was found, for the pick list, e.g. `~/.aws/credentials [dev]`. */
  source: string;
}

/** A profile of a file that cannot be imported (role, SSO, ...), with the reason. */
export interface ImportSkip {
  source: string;
  reason: string;
}

export interface ImportResult {
  candidates: ImportCandidate[];
  skipped: ImportSkip[];
}

interface IniSection {
  name: string;
  line: number;
  values: Record<string, string>;
}

/**
 * Splits INI text into sections with their line numbers, checking each line (the `ini` package skips what it
 * cannot parse, which would import half a file). Lines indented under `key =` with an empty value (the AWS
 * config's nested `s3 =` block) become `key.sub` entries. Values are unquoted by the `ini` package.
 */
function parseIniSections(text: string, file: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: { name: string; line: number; body: string[] } | undefined;
  const sectionsRaw: { name: string; line: number; body: string[] }[] = [];
  let nestParent: string | undefined;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .forEach((raw, i) => {
      const line = i + 1;
      if (/^\s*([;#].*)?$/.test(raw)) return;
      const header = /^\s*\[([^\]]*)\]\s*([;#].*)?$/.exec(raw);
      if (header) {
        const name = header[1].trim();
        if (!name)
          throw new ConfigError(
            'import',
            'MalformedFile',
            `${file}, line ${line}: the section header "[]" has no name. Name the section or delete the line, then import again.`,
          );
        current = { name, line, body: [] };
        sectionsRaw.push(current);
        nestParent = undefined;
        return;
      }
      const kv = /^(\s*)([^=\s][^=]*?)\s*=(.*)$/.exec(raw);
      if (!kv)
        throw new ConfigError(
          'import',
          'MalformedFile',
          `${file}, line ${line}: expected "[section]" or "name = value". Fix or delete the line, then import again.`,
        );
      if (!current)
        throw new ConfigError(
          'import',
          'MalformedFile',
          `${file}, line ${line}: a setting comes before the first "[section]" header. Move it into a section, then import again.`,
        );
      const [, indent, key, value] = kv;
      if (indent && nestParent) {
        current.body.push(`${nestParent}.${key.trim()} = ${value.trim()}`);
        return;
      }
      nestParent = value.trim() === '' ? key.trim() : undefined;
      current.body.push(`${key.trim()} = ${value.trim()}`);
    });
  for (const s of sectionsRaw) {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(parseIni(s.body.join('\n')))) {
      // `ini` nests dotted keys only for sections; keys stay flat, but values may parse as booleans.
      if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') values[k.toLowerCase()] = String(v);
    }
    sections.push({ name: s.name, line: s.line, values });
  }
  return sections;
}

const AWS_ADDRESSING: Record<string, Addressing | undefined> = { path: 'path', virtual: 'virtual', auto: undefined };

/**
 * Profiles of `~/.aws/credentials` and `~/.aws/config` (either may be empty text). Keys come from either file
 * (credentials wins), region, `endpoint_url` (also under `s3 =`) and `s3 = addressing_style` from config; a session
 * token's expiry from `aws_session_expiration` or `x_security_token_expires` (written by credential helpers such as
 * saml2aws; the AWS CLI ignores them). Profiles without static keys (SSO, assumed roles, credential_process) are skipped.
 */
export function parseAwsFiles(
  credentialsText: string,
  configText: string,
  files = { credentials: '~/.aws/credentials', config: '~/.aws/config' },
): ImportResult {
  const merged = new Map<string, { creds: Record<string, string>; config: Record<string, string> }>();
  const entry = (name: string) => merged.get(name) ?? merged.set(name, { creds: {}, config: {} }).get(name)!;
  for (const s of parseIniSections(credentialsText, files.credentials)) Object.assign(entry(s.name).creds, s.values);
  for (const s of parseIniSections(configText, files.config)) {
    // config names profiles "[profile dev]" and the default "[default]"; other sections (sso-session, services) are not profiles.
    const m = /^profile\s+(.+)$/.exec(s.name);
    if (m) Object.assign(entry(m[1].trim()).config, s.values);
    else if (s.name === 'default') Object.assign(entry('default').config, s.values);
  }
  const result: ImportResult = { candidates: [], skipped: [] };
  const taken: string[] = [];
  for (const [name, { creds, config }] of merged) {
    const source = `${Object.keys(creds).length ? files.credentials : files.config} [${name}]`;
    const keyId = creds.aws_access_key_id ?? config.aws_access_key_id;
    const secret = creds.aws_secret_access_key ?? config.aws_secret_access_key;
    const token = creds.aws_session_token ?? config.aws_session_token;
    if (!keyId || !secret) {
      const why =
        config.sso_session || config.sso_start_url
          ? 'uses AWS SSO'
          : config.role_arn || creds.role_arn
            ? 'assumes a role'
            : config.credential_process || creds.credential_process
              ? 'uses credential_process'
              : 'has no aws_access_key_id and aws_secret_access_key';
      result.skipped.push({ source, reason: `${why}; only static access keys can be imported` });
      continue;
    }
    const region = creds.region ?? config.region ?? 'us-east-1';
    const endpoint = config['s3.endpoint_url'] ?? config.endpoint_url ?? `https://s3.${region}.amazonaws.com`;
    const addressing = AWS_ADDRESSING[(config['s3.addressing_style'] ?? 'auto').toLowerCase()];
    const profile = candidateProfile(`aws ${name}`, 's3', endpoint, region, keyId, taken, source, addressing);
    const expiry =
      creds.aws_session_expiration ??
      creds.x_security_token_expires ??
      config.aws_session_expiration ??
      config.x_security_token_expires;
    result.candidates.push({
      profile: withTokenExpiry(profile, token, expiry),
      secret,
      token: token || undefined,
      source,
    });
  }
  return result;
}

/**
 * Profiles of `~/.ossutilconfig`: ossutil 1's `[Credentials]` (endpoint, accessKeyID, accessKeySecret, stsToken)
 * and ossutil 2's `[default]` / `[profile name]` sections (accessKeyId, accessKeySecret, region, endpoint,
 * sessionToken). `[Bucket-Endpoint]`, `[Bucket-Cname]` and other sections without keys are ignored.
 */
export function parseOssutilConfig(text: string, file = '~/.ossutilconfig'): ImportResult {
  const result: ImportResult = { candidates: [], skipped: [] };
  const taken: string[] = [];
  for (const s of parseIniSections(text, file)) {
    const v = s.values;
    const keyId = v.accesskeyid;
    const secret = v.accesskeysecret;
    if (!keyId && !secret) continue;
    const source = `${file} [${s.name}]`;
    if (!keyId || !secret) {
      result.skipped.push({ source, reason: `has ${keyId ? 'no accessKeySecret' : 'no accessKeyID'}` });
      continue;
    }
    let endpoint = v.endpoint;
    if (!endpoint && v.region) endpoint = `oss-${v.region.replace(/^oss-/, '')}.aliyuncs.com`;
    if (!endpoint) {
      result.skipped.push({ source, reason: 'names no endpoint or region' });
      continue;
    }
    if (!/^https?:\/\//i.test(endpoint)) endpoint = `https://${endpoint}`;
    const region = v.region?.replace(/^oss-/, '') || inferRegion('oss', hostOf(endpoint, file, s.line));
    const token = v.ststoken || v.sessiontoken;
    const name = /^profile\s+/.test(s.name) ? s.name.replace(/^profile\s+/, '') : s.name;
    const profile = candidateProfile(
      `ossutil ${name}`,
      'oss',
      endpoint,
      region,
      keyId,
      taken,
      source,
      undefined,
      s.line,
    );
    result.candidates.push({ profile, secret, token: token || undefined, source });
  }
  return result;
}

/**
 * Profiles of `~/.aliyun/config.json` with mode `AK` or `StsToken`; the endpoint is the public OSS endpoint of
 * `region_id`, and a token's expiry comes from `sts_expiration` (Unix seconds, as the Alibaba Cloud CLI writes it
 * when it caches STS credentials; config/profile.go). Other modes (RamRoleArn, EcsRamRole, ...) are skipped.
 */
export function parseAliyunConfig(text: string, file = '~/.aliyun/config.json'): ImportResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    // The parser's message quotes the text around the error, which may be a secret: report only the position.
    const pos = /position (\d+)/.exec(err instanceof Error ? err.message : '');
    const where = pos ? `, line ${text.slice(0, Number(pos[1])).split('\n').length}` : '';
    throw new ConfigError(
      'import',
      'MalformedFile',
      `${file}${where}: not valid JSON. Fix the file (the Alibaba Cloud CLI's "aliyun configure" rewrites it), then import again.`,
    );
  }
  const profiles = (doc as { profiles?: unknown })?.profiles;
  if (!Array.isArray(profiles))
    throw new ConfigError(
      'import',
      'MalformedFile',
      `${file}: there is no "profiles" list. Run "aliyun configure" to create a profile, then import again.`,
    );
  const result: ImportResult = { candidates: [], skipped: [] };
  const taken: string[] = [];
  profiles.forEach((raw: unknown, i) => {
    if (!raw || typeof raw !== 'object')
      throw new ConfigError(
        'import',
        'MalformedFile',
        `${file}: profiles[${i}] is not an object. Fix or delete it, then import again.`,
      );
    const p = raw as Record<string, unknown>;
    const name = typeof p.name === 'string' && p.name ? p.name : `#${i + 1}`;
    const source = `${file} [${name}]`;
    const mode = typeof p.mode === 'string' ? p.mode : 'AK';
    if (mode !== 'AK' && mode !== 'StsToken') {
      result.skipped.push({ source, reason: `mode ${mode}; only AK and StsToken profiles can be imported` });
      return;
    }
    const keyId = str(p.access_key_id);
    const secret = str(p.access_key_secret);
    const region = str(p.region_id);
    if (!keyId || !secret)
      return void result.skipped.push({ source, reason: 'has no access_key_id or access_key_secret' });
    if (!region)
      return void result.skipped.push({ source, reason: 'has no region_id, so the OSS endpoint is unknown' });
    const token = mode === 'StsToken' ? str(p.sts_token) : undefined;
    const profile = candidateProfile(
      `aliyun ${name}`,
      'oss',
      `https://oss-${region}.aliyuncs.com`,
      region,
      keyId,
      taken,
      source,
    );
    const seconds = typeof p.sts_expiration === 'string' ? Number(p.sts_expiration) : p.sts_expiration;
    const expiry =
      typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
        ? new Date(seconds * 1000).toISOString()
        : undefined;
    result.candidates.push({ profile: withTokenExpiry(profile, token, expiry), secret, token, source });
  });
  return result;
}

/**
 * The profile with its token's expiry when the source gives a readable one. An unreadable one is left out rather
 * than failing the import: the URLs then say that the token's expiry is unknown and how to set it.
 */
function withTokenExpiry(profile: Profile, token: string | undefined, expiry: string | undefined): Profile {
  const time = token && expiry ? parseTokenExpiry(expiry) : undefined;
  return time ? { ...profile, tokenExpiresAt: time.toISOString() } : profile;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function hostOf(endpoint: string, file: string, line: number): string {
  try {
    return new URL(endpoint).hostname;
  } catch {
    throw new ConfigError(
      'import',
      'MalformedFile',
      `${file}, section at line ${line}: the endpoint is not a host name or URL. Fix it, then import again.`,
    );
  }
}

function candidateProfile(
  name: string,
  provider: Provider,
  endpoint: string,
  region: string | undefined,
  accessKeyId: string,
  taken: string[],
  source: string,
  addressing?: Addressing,
  line?: number,
): Profile {
  const id = profileIdFor(name, taken);
  taken.push(id);
  try {
    return validateProfile({
      id,
      name,
      provider,
      endpoint,
      region,
      accessKeyId,
      credentialSource: 'secretStorage',
      addressing,
    });
  } catch (err) {
    const what = err instanceof Error ? err.message : String(err);
    throw new ConfigError('import', 'MalformedFile', `${source}${line ? ` (line ${line})` : ''}: ${what}`);
  }
}

/** Renames candidates whose ids clash with `taken` (existing profiles), so they can be added next to them. */
export function withFreshIds(candidates: ImportCandidate[], taken: Iterable<string>): ImportCandidate[] {
  const used = [...taken];
  return candidates.map((c) => {
    const id = used.includes(c.profile.id) ? profileIdFor(c.profile.name, used) : c.profile.id;
    used.push(id);
    return id === c.profile.id ? c : { ...c, profile: { ...c.profile, id } };
  });
}

/**
 * Reads the three files under `home` (absent files are skipped) and parses them. All or nothing: a malformed
 * file throws, so an import never takes some profiles of a file it could not read properly.
 * @throws ConfigError naming the file and line, or saying that none of the files exists.
 */
export async function importFromHome(home: string): Promise<ImportResult> {
  const read = async (...parts: string[]) => {
    try {
      return await readFile(join(home, ...parts), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ConfigError(
        'import',
        'UnreadableFile',
        `Cannot read ~/${parts.join('/')} (${(err as NodeJS.ErrnoException).code ?? 'error'}): check its permissions, then import again.`,
      );
    }
  };
  const [awsCredentials, awsConfig, ossutil, aliyun] = await Promise.all([
    read('.aws', 'credentials'),
    read('.aws', 'config'),
    read('.ossutilconfig'),
    read('.aliyun', 'config.json'),
  ]);
  const results: ImportResult[] = [];
  if (awsCredentials !== undefined || awsConfig !== undefined)
    results.push(parseAwsFiles(awsCredentials ?? '', awsConfig ?? ''));
  if (ossutil !== undefined) results.push(parseOssutilConfig(ossutil));
  if (aliyun !== undefined) results.push(parseAliyunConfig(aliyun));
  if (results.length === 0) {
    throw new ConfigError(
      'import',
      'NothingToImport',
      `Found none of ~/.aws/credentials, ~/.aws/config, ~/.ossutilconfig and ~/.aliyun/config.json in ${home}: add a profile with "OSS Presign: Add Profile" instead.`,
    );
  }
  return {
    candidates: withFreshIds(
      results.flatMap((r) => r.candidates),
      [],
    ),
    skipped: results.flatMap((r) => r.skipped),
  };
}
