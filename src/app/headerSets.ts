/**
 * Header sets: named, provider-neutral choices of what an uploader must send (Content-Type, storage class, ACL,
 * metadata, ...), resolved into the exact header names of OSS or S3 before signing.
 */
import { detectContentType, ConfigError, type Provider } from '../core/index';
import { expandTemplate, type TemplateVariables } from './keyTemplate';

/** One entry of the `ossPresign.headerSets` setting. */
export interface HeaderSet {
  name: string;
  /** `auto`: detected from the file name (mime-types); anything else is sent as given. */
  contentType?: string;
  cacheControl?: string;
  /** May use template variables, e.g. `attachment; filename="${fileName}"`. */
  contentDisposition?: string;
  contentEncoding?: string;
  /** OSS names (`Standard`, `IA`, `Archive`, `ColdArchive`, `DeepColdArchive`) or S3 names (`STANDARD_IA`, ...). */
  storageClass?: string;
  /** `private`, `public-read`, `public-read-write`, ... */
  acl?: string;
  /** OSS: `x-oss-forbid-overwrite: true`; S3: `If-None-Match: *`. */
  forbidOverwrite?: boolean;
  /** `k=v&k2=v2` or an object; values may use template variables. */
  tagging?: string | Record<string, string>;
  /** `auto`: computed from the file (streamed); anything else is a Base64 MD5 sent as given. */
  contentMd5?: string | undefined;
  /** User metadata (`x-oss-meta-*` / `x-amz-meta-*`); values may use template variables. */
  metadata?: Record<string, string>;
  /** Meant for a web page: after signing, check the bucket's CORS rules for a browser PUT. */
  browser?: boolean;
}

/** The default set meant for a web page: the CORS check after signing offers it first. */
export const BROWSER_HEADER_SET = 'Browser upload (Content-Type + Cache-Control: no-cache)';

/** Named after what they sign; a storage class set names what it sends on each provider (see storageClassFor). */
export const DEFAULT_HEADER_SETS: readonly HeaderSet[] = [
  { name: 'Default (Content-Type only)', contentType: 'auto' },
  { name: BROWSER_HEADER_SET, contentType: 'auto', cacheControl: 'no-cache', browser: true },
  { name: 'Content-Type + storage class Standard (S3: STANDARD)', contentType: 'auto', storageClass: 'Standard' },
  { name: 'Content-Type + storage class IA (S3: STANDARD_IA)', contentType: 'auto', storageClass: 'IA' },
  { name: 'Content-Type + storage class Archive (S3: GLACIER)', contentType: 'auto', storageClass: 'Archive' },
  { name: 'Content-Type + storage class ColdArchive (S3: GLACIER)', contentType: 'auto', storageClass: 'ColdArchive' },
  {
    name: 'Content-Type + storage class DeepColdArchive (S3: DEEP_ARCHIVE)',
    contentType: 'auto',
    storageClass: 'DeepColdArchive',
  },
  { name: 'Content-Type + storage class ONEZONE_IA (OSS: IA)', contentType: 'auto', storageClass: 'ONEZONE_IA' },
  {
    name: 'Content-Type + storage class INTELLIGENT_TIERING (S3 only)',
    contentType: 'auto',
    storageClass: 'INTELLIGENT_TIERING',
  },
  { name: 'Content-Type + storage class GLACIER_IR (S3 only)', contentType: 'auto', storageClass: 'GLACIER_IR' },
];

const STRING_FIELDS = [
  'contentType',
  'cacheControl',
  'contentDisposition',
  'contentEncoding',
  'storageClass',
  'acl',
  'contentMd5',
] as const;

/**
 * Validates the `ossPresign.headerSets` setting; an empty or missing value gives the defaults.
 * @throws ConfigError naming the set and field at fault.
 */
export function parseHeaderSets(value: unknown): HeaderSet[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0))
    return [...DEFAULT_HEADER_SETS];
  const bad = (message: string): never => {
    throw new ConfigError(
      'headerSets',
      'InvalidHeaderSet',
      `${message} Fix "ossPresign.headerSets" in your settings (run "OSS Presign: Edit Header Sets").`,
    );
  };
  if (!Array.isArray(value)) bad('The header sets must be a list of objects with a "name".');
  const names = new Set<string>();
  return (value as unknown[]).map((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad(`Header set #${i + 1} is not an object.`);
    const set = raw as Record<string, unknown>;
    if (typeof set.name !== 'string' || set.name.trim() === '') return bad(`Header set #${i + 1} has no "name".`);
    if (names.has(set.name)) bad(`Two header sets are named "${set.name}": rename one.`);
    names.add(set.name);
    for (const f of STRING_FIELDS)
      if (set[f] !== undefined && typeof set[f] !== 'string') bad(`"${f}" of header set "${set.name}" must be text.`);
    for (const f of ['forbidOverwrite', 'browser'])
      if (set[f] !== undefined && typeof set[f] !== 'boolean')
        bad(`"${f}" of header set "${set.name}" must be true or false.`);
    for (const f of ['metadata', 'tagging']) {
      const v = set[f];
      if (v === undefined || (f === 'tagging' && typeof v === 'string')) continue;
      if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
        bad(
          `"${f}" of header set "${set.name}" must be an object of text values${f === 'tagging' ? ' or a "k=v&k2=v2" text' : ''}.`,
        );
      }
    }
    return set as unknown as HeaderSet;
  });
}

const OSS_CLASSES = ['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive'];
const S3_CLASSES = [
  'STANDARD',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
];
const byLowerCase = (names: string[]) => Object.fromEntries(names.map((n) => [n.toLowerCase(), n]));
const OSS_SPELLING: Record<string, string> = byLowerCase(OSS_CLASSES);
const S3_SPELLING: Record<string, string> = byLowerCase(S3_CLASSES);

// Nearest equivalents, matched by how an object is read back (OSS and S3 storage class docs): IA and STANDARD_IA
// read at once and bill 30 days; Archive restores in about a minute, like GLACIER's expedited tier; ColdArchive's
// restores (1 h, 2-5 h, 5-12 h) are GLACIER's (1-5 min, 3-5 h, 5-12 h), where DEEP_ARCHIVE would make reads wait up to
// 48 h; DeepColdArchive and DEEP_ARCHIVE are the same tier (12 h or 48 h restores, 180 days). ONEZONE_IA is IA kept in
// one zone, and OSS sets redundancy per bucket, not per object. INTELLIGENT_TIERING and GLACIER_IR (archive price,
// read at once) have no OSS class.
const OSS_TO_S3_CLASS: Record<string, string> = {
  standard: 'STANDARD',
  ia: 'STANDARD_IA',
  archive: 'GLACIER',
  coldarchive: 'GLACIER',
  deepcoldarchive: 'DEEP_ARCHIVE',
};
const S3_TO_OSS_CLASS: Record<string, string> = {
  standard: 'Standard',
  standard_ia: 'IA',
  onezone_ia: 'IA',
  glacier: 'Archive',
  deep_archive: 'DeepColdArchive',
};

/** The provider's spelling of a storage class; undefined for an S3 class OSS has no equivalent of. */
function mapStorageClass(provider: Provider, storageClass: string): string | undefined {
  const name = storageClass.trim();
  const lower = name.toLowerCase();
  if (provider === 's3') return S3_SPELLING[lower] ?? OSS_TO_S3_CLASS[lower] ?? name;
  const oss = OSS_SPELLING[lower] ?? S3_TO_OSS_CLASS[lower];
  if (oss) return oss;
  return S3_SPELLING[lower] ? undefined : name;
}

/**
 * The provider's spelling of a storage class (`IA` <-> `STANDARD_IA`, `DeepColdArchive` <-> `DEEP_ARCHIVE`);
 * unknown names pass through.
 * @throws ConfigError for an S3 class with no OSS equivalent (`INTELLIGENT_TIERING`, `GLACIER_IR`) on OSS.
 */
export function storageClassFor(provider: Provider, storageClass: string): string {
  const mapped = mapStorageClass(provider, storageClass);
  if (mapped === undefined)
    throw new ConfigError(
      'storageClass',
      'NoStorageClassEquivalent',
      `Storage class "${storageClass.trim()}" is S3's and has no OSS equivalent: choose Standard, IA, Archive, ColdArchive or DeepColdArchive for an OSS profile (pick another header set or edit this one).`,
    );
  return mapped;
}

/** Whether resolving the set needs the file's MD5 (`contentMd5: "auto"`). */
export function needsContentMd5(set: HeaderSet): boolean {
  return set.contentMd5?.trim().toLowerCase() === 'auto';
}

export interface ResolvedHeaders {
  /** Headers to sign, with the provider's names. */
  headers: Record<string, string>;
  /** User metadata (name -> value); presignPut prefixes the names. */
  metadata: Record<string, string>;
}

/**
 * Turns a header set into the headers and metadata to sign for one file on one provider.
 * `contentMd5` is the file's Base64 MD5, needed when the set says `contentMd5: "auto"`.
 * @throws ConfigError for an `auto` MD5 without a value, or an invalid template in a value.
 */
export function resolveHeaderSet(
  set: HeaderSet,
  provider: Provider,
  file: { vars: TemplateVariables; contentMd5?: string | undefined },
): ResolvedHeaders {
  const oss = provider === 'oss';
  const headers: Record<string, string> = {};
  const put = (name: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') headers[name] = value.trim();
  };
  const ct = set.contentType?.trim();
  put('Content-Type', ct && ct.toLowerCase() === 'auto' ? detectContentType(file.vars.fileName) : ct);
  put('Cache-Control', set.cacheControl);
  put(
    'Content-Disposition',
    set.contentDisposition === undefined ? undefined : expandTemplate(set.contentDisposition, file.vars, 'headerSets'),
  );
  put('Content-Encoding', set.contentEncoding);
  if (needsContentMd5(set)) {
    if (!file.contentMd5)
      throw new ConfigError(
        'contentMd5',
        'MissingContentMd5',
        `Header set "${set.name}" signs the file's Content-MD5: compute it from the file first (md5File).`,
      );
    put('Content-MD5', file.contentMd5);
  } else {
    put('Content-MD5', set.contentMd5);
  }
  if (set.storageClass)
    put(oss ? 'x-oss-storage-class' : 'x-amz-storage-class', storageClassFor(provider, set.storageClass));
  put(oss ? 'x-oss-object-acl' : 'x-amz-acl', set.acl);
  if (set.tagging !== undefined) put(oss ? 'x-oss-tagging' : 'x-amz-tagging', taggingHeader(set.tagging, file.vars));
  // S3 has no forbid-overwrite header; a conditional write (If-None-Match: *) has the same effect.
  if (set.forbidOverwrite) {
    if (oss) headers['x-oss-forbid-overwrite'] = 'true';
    else headers['If-None-Match'] = '*';
  }
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(set.metadata ?? {}))
    metadata[name] = expandTemplate(value, file.vars, 'headerSets');
  return { headers, metadata };
}

/** Tagging as the header wants it: URL-encoded `k=v&k2=v2`. */
function taggingHeader(tagging: string | Record<string, string>, vars: TemplateVariables): string {
  if (typeof tagging === 'string') return expandTemplate(tagging, vars, 'headerSets');
  return Object.entries(tagging)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(expandTemplate(v, vars, 'headerSets'))}`)
    .join('&');
}

/**
 * One line saying what the set signs, for a picker: `Content-Type: auto · x-oss-storage-class: IA · meta: owner`.
 */
export function headerSetPreview(set: HeaderSet, provider: Provider): string {
  const parts: string[] = [];
  const oss = provider === 'oss';
  if (set.contentType) parts.push(`Content-Type: ${set.contentType}`);
  if (set.cacheControl) parts.push(`Cache-Control: ${set.cacheControl}`);
  if (set.contentDisposition) parts.push(`Content-Disposition: ${set.contentDisposition}`);
  if (set.contentEncoding) parts.push(`Content-Encoding: ${set.contentEncoding}`);
  if (set.contentMd5) parts.push(`Content-MD5: ${set.contentMd5}`);
  if (set.storageClass)
    parts.push(
      `${oss ? 'x-oss-storage-class' : 'x-amz-storage-class'}: ${mapStorageClass(provider, set.storageClass) ?? `none (${set.storageClass.trim()} is S3 only)`}`,
    );
  if (set.acl) parts.push(`${oss ? 'x-oss-object-acl' : 'x-amz-acl'}: ${set.acl}`);
  if (set.tagging) parts.push(`${oss ? 'x-oss-tagging' : 'x-amz-tagging'}`);
  if (set.forbidOverwrite) parts.push(oss ? 'x-oss-forbid-overwrite: true' : 'If-None-Match: *');
  const meta = Object.keys(set.metadata ?? {});
  if (meta.length) parts.push(`${oss ? 'x-oss-meta-' : 'x-amz-meta-'}{${meta.join(', ')}}`);
  return parts.length ? parts.join(' · ') : 'no headers (the uploader sends none)';
}
