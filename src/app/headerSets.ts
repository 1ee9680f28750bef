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

export const DEFAULT_HEADER_SETS: readonly HeaderSet[] = [
  { name: 'Default (Content-Type only)', contentType: 'auto' },
  { name: 'Browser upload', contentType: 'auto', cacheControl: 'no-cache', browser: true },
  { name: 'Archive (IA storage class)', contentType: 'auto', storageClass: 'IA' },
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

// Storage class names differ between the two providers; map the well-known ones both ways.
// (nearest equivalents: both archive tiers need a restore before reading).
const OSS_TO_S3_CLASS: Record<string, string> = {
  standard: 'STANDARD',
  ia: 'STANDARD_IA',
  archive: 'GLACIER',
  coldarchive: 'DEEP_ARCHIVE',
};
const S3_TO_OSS_CLASS: Record<string, string> = {
  standard: 'Standard',
  standard_ia: 'IA',
  glacier: 'Archive',
  deep_archive: 'ColdArchive',
};

/** The provider's spelling of a storage class (`IA` <-> `STANDARD_IA`); unknown names pass through. */
export function storageClassFor(provider: Provider, storageClass: string): string {
  const lower = storageClass.trim().toLowerCase();
  return (provider === 's3' ? OSS_TO_S3_CLASS[lower] : S3_TO_OSS_CLASS[lower]) ?? storageClass.trim();
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
      `${oss ? 'x-oss-storage-class' : 'x-amz-storage-class'}: ${storageClassFor(provider, set.storageClass)}`,
    );
  if (set.acl) parts.push(`${oss ? 'x-oss-object-acl' : 'x-amz-acl'}: ${set.acl}`);
  if (set.tagging) parts.push(`${oss ? 'x-oss-tagging' : 'x-amz-tagging'}`);
  if (set.forbidOverwrite) parts.push(oss ? 'x-oss-forbid-overwrite: true' : 'If-None-Match: *');
  const meta = Object.keys(set.metadata ?? {});
  if (meta.length) parts.push(`${oss ? 'x-oss-meta-' : 'x-amz-meta-'}{${meta.join(', ')}}`);
  return parts.length ? parts.join(' · ') : 'no headers (the uploader sends none)';
}
