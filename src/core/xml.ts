/**
 * Pure parsers (and two builders) for the XML bodies of OSS and S3. Both services share element names, so
 * one parser per operation serves both dialects; OSS-only fields are optional.
 *
 * Entities: the parser runs with entity processing off and `decodeXmlText` expands only the five XML
 * entities and numeric character references, so a DOCTYPE can never define or expand an entity.
 */
import type * as FastXmlParser from 'fast-xml-parser';
import type { CorsRule } from './cors';

type XmlNode = Record<string, unknown>;

let fallback: { parser: FastXmlParser.XMLParser; validator: typeof FastXmlParser.XMLValidator } | undefined;
/** fast-xml-parser is loaded only when a body needs the fallback (DTD, comments, CDATA): it costs start-up time. */
function fallbackParser(): NonNullable<typeof fallback> {
  if (!fallback) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
    const fxp = require('fast-xml-parser') as typeof FastXmlParser;
    fallback = {
      parser: new fxp.XMLParser({
        ignoreAttributes: true,
        parseTagValue: false,
        parseAttributeValue: false,
        processEntities: false,
        htmlEntities: false,
        ignoreDeclaration: true,
        ignorePiTags: true,
        removeNSPrefix: true,
        // Keys may begin or end with spaces; whitespace-only text between elements lands in ignored `#text` nodes.
        trimValues: false,
      }),
      validator: fxp.XMLValidator,
    };
  }
  return fallback;
}

const XML_ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Expands `&amp; &lt; &gt; &quot; &apos;` and `&#NN;` / `&#xHH;`; anything else stays as written. */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(XML_ENTITY, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name];
    const cp = hex ? parseInt(hex, 16) : Number(dec);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** Escapes text for an XML element body. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

interface Open {
  name: string;
  node: XmlNode;
  text: string;
  hasChildren: boolean;
}

function addChild(parent: XmlNode, name: string, value: unknown): void {
  const prev = parent[name];
  if (prev === undefined) parent[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else parent[name] = [prev, value];
}

/** Index of the `>` closing the tag that starts at `lt`, skipping quoted attribute values; -1 if none. */
function tagEnd(xml: string, lt: number): number {
  let quote = 0;
  for (let i = lt + 1; i < xml.length; i++) {
    const ch = xml.charCodeAt(i);
    if (quote) {
      if (ch === quote) quote = 0;
    } else if (ch === 62)
      return i; // >
    else if (ch === 34 || ch === 39) quote = ch;
  }
  return -1;
}

/** End of the tag name starting at `from`: the first whitespace, `/` or `>`. */
function nameEnd(xml: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const ch = xml.charCodeAt(i);
    if (ch <= 32 || ch === 47 || ch === 62) break;
    i++;
  }
  return i;
}

/**
 * Fast path for the machine-generated bodies of OSS and S3 (elements, attributes and text only), about ten times
 * faster than fast-xml-parser on a 1000-key listing. Yields the same tree as the fallback parser's settings.
 * Returns undefined for anything else (DOCTYPE, comments, CDATA, processing instructions, malformed nesting),
 * which then goes to fast-xml-parser.
 */
function parseSimple(xml: string): XmlNode | undefined {
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < xml.length && xml.charCodeAt(i) <= 32) i++;
  if (xml.startsWith('<?xml', i)) {
    const end = xml.indexOf('?>', i);
    if (end < 0) return undefined;
    i = end + 2;
  }
  const doc: XmlNode = {};
  const stack: Open[] = [{ name: '', node: doc, text: '', hasChildren: true }];
  for (;;) {
    const lt = xml.indexOf('<', i);
    const top = stack[stack.length - 1];
    if (lt < 0) {
      if (stack.length !== 1 || xml.slice(i).trim()) return undefined;
      return doc;
    }
    if (lt > i) top.text += xml.slice(i, lt);
    const c = xml.charCodeAt(lt + 1);
    if (c === 33 || c === 63) return undefined; // <! (DOCTYPE, comment, CDATA) and <? after the declaration
    const gt = tagEnd(xml, lt);
    if (gt < 0) return undefined;
    i = gt + 1;
    if (c === 47) {
      const name = stripNs(xml.slice(lt + 2, nameEnd(xml, lt + 2, gt)));
      stack.pop();
      if (top.name !== name || stack.length === 0) return undefined;
      if (top.hasChildren) {
        if (top.text) top.node['#text'] = top.text;
        addChild(stack[stack.length - 1].node, name, top.node);
      } else addChild(stack[stack.length - 1].node, name, top.text);
      continue;
    }
    const selfClosing = xml.charCodeAt(gt - 1) === 47;
    const end = nameEnd(xml, lt + 1, gt);
    if (end === lt + 1) return undefined;
    const name = stripNs(xml.slice(lt + 1, end));
    if (stack.length === 1 && Object.keys(doc).length > 0) return undefined; // a second root
    top.hasChildren = true;
    if (selfClosing) addChild(top.node, name, '');
    else stack.push({ name, node: {}, text: '', hasChildren: false });
  }
}

function stripNs(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** fast-xml-parser does not check nesting while parsing: validate first so a garbled body is an error, not data. */
function parseFallback(xml: string): XmlNode {
  const { parser, validator } = fallbackParser();
  const valid = validator.validate(xml);
  if (valid !== true) throw new Error(`Malformed XML (${valid.err.msg}, line ${valid.err.line}).`);
  return parser.parse(xml) as XmlNode;
}

/** Parses a document and returns its root element. Throws `Error` for input that is not an XML element. */
function root(xml: string, name?: string): XmlNode {
  const doc = parseSimple(xml) ?? parseFallback(xml);
  const rootName = name ?? Object.keys(doc).find((k) => k !== '#text');
  const node = rootName === undefined ? undefined : doc[rootName];
  if (node === undefined) throw new Error(`Expected an XML <${name ?? 'element'}> document.`);
  return typeof node === 'object' && node !== null ? (node as XmlNode) : {};
}

/** The decoded text of a child element, or undefined when absent. */
function text(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as XmlNode)[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return decodeXmlText(v);
  if (Array.isArray(v)) return text({ [name]: v[0] }, name);
  // An element with only whitespace children (`<Prefix>\n</Prefix>` never happens; `<Owner>...</Owner>` may).
  const t = (v as XmlNode)['#text'];
  return typeof t === 'string' ? decodeXmlText(t) : '';
}

/** Children with a given name as an array: the parser yields a single object for a one-element list. */
function list(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as XmlNode)[name];
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map((x) =>
    typeof x === 'object' && x !== null ? (x as XmlNode) : { '#text': x },
  );
}

function texts(node: unknown, name: string): string[] {
  return list(node, name).map((x) => decodeXmlText(String(x['#text'] ?? '')));
}

function int(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function bool(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/** ETags arrive quoted (`"abc"`, sometimes as `&quot;abc&quot;`); callers get them bare. */
export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').trim().replace(/^"(.*)"$/, '$1');
}

/**
 * `encoding-type=url` values: percent-encoded UTF-8 with `+` for space (AWS; botocore decodes them with
 * unquote_plus, as does the OSS Go SDK with url.QueryUnescape).
 */
function decodeUrlValue(value: string): string {
  if (!/[%+]/.test(value)) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

export interface ParsedError {
  code: string;
  message: string;
  requestId?: string;
  hostId?: string;
  /** OSS diagnostic code, e.g. `0002-00000040`. */
  ec?: string;
  stringToSign?: string;
  canonicalRequest?: string;
  /** The same two texts as space-separated hex bytes (S3; OSS V1 sends StringToSignBytes): whitespace-proof. */
  stringToSignBytes?: string;
  canonicalRequestBytes?: string;
  /** The server's time (RequestTimeTooSkewed). */
  serverTime?: string;
  requestTime?: string;
  /** The bucket's region (AuthorizationHeaderMalformed, S3 redirects). */
  region?: string;
  /** The endpoint to use instead (PermanentRedirect, OSS AccessDenied "must be addressed using ..."). */
  endpoint?: string;
  bucket?: string;
  /** OSS: link to the documentation of this error. */
  recommendDoc?: string;
}

/** Parses an `<Error>` body. Returns undefined when the body is not one (e.g. an HTML page from a proxy). */
export function parseError(xml: string): ParsedError | undefined {
  if (!/<Error[\s>]/.test(xml)) return undefined;
  let e: XmlNode;
  try {
    e = root(xml, 'Error');
  } catch {
    return undefined;
  }
  const out: ParsedError = { code: text(e, 'Code') ?? '', message: text(e, 'Message') ?? '' };
  const fields: Array<[keyof ParsedError, string]> = [
    ['requestId', 'RequestId'],
    ['hostId', 'HostId'],
    ['ec', 'EC'],
    ['stringToSign', 'StringToSign'],
    ['canonicalRequest', 'CanonicalRequest'],
    ['stringToSignBytes', 'StringToSignBytes'],
    ['canonicalRequestBytes', 'CanonicalRequestBytes'],
    ['serverTime', 'ServerTime'],
    ['requestTime', 'RequestTime'],
    ['region', 'Region'],
    ['endpoint', 'Endpoint'],
    ['bucket', 'BucketName'],
    ['recommendDoc', 'RecommendDoc'],
  ];
  for (const [field, el] of fields) {
    const v = text(e, el);
    if (v) out[field] = v;
  }
  if (!out.bucket) {
    const b = text(e, 'Bucket');
    if (b) out.bucket = b;
  }
  return out;
}

export interface BucketInfo {
  name: string;
  /** Bare region id (`cn-hangzhou`), when the service says. */
  region?: string;
  creationDate?: string;
  /** OSS: the bucket's public endpoint host (`oss-cn-hangzhou.aliyuncs.com`). */
  extranetEndpoint?: string;
}

export interface ListBucketsPage {
  buckets: BucketInfo[];
  /** S3 ContinuationToken or OSS NextMarker when the list is truncated. */
  nextToken?: string;
}

/** `<ListAllMyBucketsResult>` of both services. */
export function parseListBuckets(xml: string): ListBucketsPage {
  const r = root(xml, 'ListAllMyBucketsResult');
  const buckets = list(r.Buckets, 'Bucket').map((b): BucketInfo => {
    const out: BucketInfo = { name: text(b, 'Name') ?? '' };
    // OSS: <Region>cn-hangzhou</Region> (newer) or <Location>oss-cn-hangzhou</Location>; S3: <BucketRegion>.
    const region = text(b, 'Region') || text(b, 'BucketRegion') || text(b, 'Location')?.replace(/^oss-/, '');
    if (region) out.region = region;
    const created = text(b, 'CreationDate');
    if (created) out.creationDate = created;
    const ext = text(b, 'ExtranetEndpoint');
    if (ext) out.extranetEndpoint = ext;
    return out;
  });
  const page: ListBucketsPage = { buckets };
  const next = text(r, 'ContinuationToken') || (bool(text(r, 'IsTruncated')) ? text(r, 'NextMarker') : undefined);
  if (next) page.nextToken = next;
  return page;
}

/**
 * `<LocationConstraint>` of GetBucketLocation, as a bare region id. OSS: `oss-cn-hangzhou` -> `cn-hangzhou`. S3: an
 * empty constraint is us-east-1 and the legacy `EU` is eu-west-1 (as the AWS SDKs read them).
 */
export function parseBucketLocation(xml: string, provider: 'oss' | 's3'): string {
  const value = text(parseSimple(xml) ?? parseFallback(xml), 'LocationConstraint');
  if (value === undefined) throw new Error('Expected an XML <LocationConstraint> document.');
  const constraint = value.trim();
  if (provider === 'oss') return constraint.replace(/^oss-/, '');
  if (constraint === '') return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

export interface ObjectInfo {
  key: string;
  size: number;
  /** ISO 8601 as sent by the service. */
  lastModified: string;
  /** Without the surrounding quotes. */
  etag: string;
  storageClass?: string;
}

export interface ListObjectsPage {
  objects: ObjectInfo[];
  /** Common prefixes (the "folders" under the delimiter), decoded, each ending with the delimiter. */
  prefixes: string[];
  /** Pass as continuationToken for the next page; absent on the last page. */
  nextToken?: string;
  isTruncated: boolean;
  keyCount?: number;
}

/** `<ListBucketResult>` of ListObjectsV2; decodes keys and prefixes when `<EncodingType>url</EncodingType>`. */
export function parseListObjectsV2(xml: string): ListObjectsPage {
  const r = root(xml, 'ListBucketResult');
  const decode = text(r, 'EncodingType')?.toLowerCase() === 'url' ? decodeUrlValue : (s: string) => s;
  const objects = list(r, 'Contents').map((c): ObjectInfo => {
    const o: ObjectInfo = {
      key: decode(text(c, 'Key') ?? ''),
      size: int(text(c, 'Size')) ?? 0,
      lastModified: text(c, 'LastModified') ?? '',
      etag: unquoteEtag(text(c, 'ETag')),
    };
    const sc = text(c, 'StorageClass');
    if (sc) o.storageClass = sc;
    return o;
  });
  const prefixes = list(r, 'CommonPrefixes').map((p) => decode(text(p, 'Prefix') ?? ''));
  const isTruncated = bool(text(r, 'IsTruncated'));
  const page: ListObjectsPage = { objects, prefixes, isTruncated };
  const next = text(r, 'NextContinuationToken');
  if (isTruncated && next) page.nextToken = next;
  const keyCount = int(text(r, 'KeyCount'));
  if (keyCount !== undefined) page.keyCount = keyCount;
  return page;
}

export interface InitiateMultipartResult {
  bucket: string;
  key: string;
  uploadId: string;
}

/** `<InitiateMultipartUploadResult>`. */
export function parseInitiateMultipart(xml: string): InitiateMultipartResult {
  const r = root(xml, 'InitiateMultipartUploadResult');
  const decode = text(r, 'EncodingType')?.toLowerCase() === 'url' ? decodeUrlValue : (s: string) => s;
  const uploadId = text(r, 'UploadId');
  if (!uploadId) throw new Error('InitiateMultipartUploadResult has no UploadId.');
  return { bucket: text(r, 'Bucket') ?? '', key: decode(text(r, 'Key') ?? ''), uploadId };
}

export interface CompleteMultipartResult {
  location?: string;
  bucket: string;
  key: string;
  /** Without quotes; multipart ETags end in `-<parts>`. */
  etag: string;
}

/**
 * `<CompleteMultipartUploadResult>`. Note S3 may answer 200 with an `<Error>` body here: check with
 * `parseError` first (the client's `sendSigned` does not, as the status is 200).
 */
export function parseCompleteMultipart(xml: string): CompleteMultipartResult {
  const r = root(xml, 'CompleteMultipartUploadResult');
  const decode = text(r, 'EncodingType')?.toLowerCase() === 'url' ? decodeUrlValue : (s: string) => s;
  const out: CompleteMultipartResult = {
    bucket: text(r, 'Bucket') ?? '',
    key: decode(text(r, 'Key') ?? ''),
    etag: unquoteEtag(text(r, 'ETag')),
  };
  const loc = text(r, 'Location');
  if (loc) out.location = loc;
  return out;
}

export interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
  lastModified?: string;
}

export interface ListPartsPage {
  parts: PartInfo[];
  isTruncated: boolean;
  /** Pass as part-number-marker for the next page. */
  nextPartNumberMarker?: number;
}

/** `<ListPartsResult>`. */
export function parseListParts(xml: string): ListPartsPage {
  const r = root(xml, 'ListPartsResult');
  const parts = list(r, 'Part').map((p): PartInfo => {
    const part: PartInfo = {
      partNumber: int(text(p, 'PartNumber')) ?? 0,
      etag: unquoteEtag(text(p, 'ETag')),
      size: int(text(p, 'Size')) ?? 0,
    };
    const lm = text(p, 'LastModified');
    if (lm) part.lastModified = lm;
    return part;
  });
  const isTruncated = bool(text(r, 'IsTruncated'));
  const page: ListPartsPage = { parts, isTruncated };
  const next = int(text(r, 'NextPartNumberMarker'));
  if (isTruncated && next !== undefined) page.nextPartNumberMarker = next;
  return page;
}

export interface MultipartUploadInfo {
  key: string;
  uploadId: string;
  initiated?: string;
  storageClass?: string;
}

export interface ListMultipartUploadsPage {
  uploads: MultipartUploadInfo[];
  prefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

/** `<ListMultipartUploadsResult>`. */
export function parseListMultipartUploads(xml: string): ListMultipartUploadsPage {
  const r = root(xml, 'ListMultipartUploadsResult');
  const decode = text(r, 'EncodingType')?.toLowerCase() === 'url' ? decodeUrlValue : (s: string) => s;
  const uploads = list(r, 'Upload').map((u): MultipartUploadInfo => {
    const out: MultipartUploadInfo = { key: decode(text(u, 'Key') ?? ''), uploadId: text(u, 'UploadId') ?? '' };
    const initiated = text(u, 'Initiated');
    if (initiated) out.initiated = initiated;
    const sc = text(u, 'StorageClass');
    if (sc) out.storageClass = sc;
    return out;
  });
  const page: ListMultipartUploadsPage = {
    uploads,
    prefixes: list(r, 'CommonPrefixes').map((p) => decode(text(p, 'Prefix') ?? '')),
    isTruncated: bool(text(r, 'IsTruncated')),
  };
  if (page.isTruncated) {
    const k = text(r, 'NextKeyMarker');
    if (k) page.nextKeyMarker = decode(k);
    const u = text(r, 'NextUploadIdMarker');
    if (u) page.nextUploadIdMarker = u;
  }
  return page;
}

/** `<CORSConfiguration>`: the rules in order. */
export function parseCors(xml: string): CorsRule[] {
  const r = root(xml, 'CORSConfiguration');
  return list(r, 'CORSRule').map((c): CorsRule => {
    const rule: CorsRule = {
      allowedOrigins: texts(c, 'AllowedOrigin'),
      allowedMethods: texts(c, 'AllowedMethod'),
      allowedHeaders: texts(c, 'AllowedHeader'),
      exposeHeaders: texts(c, 'ExposeHeader'),
    };
    const maxAge = int(text(c, 'MaxAgeSeconds'));
    if (maxAge !== undefined) rule.maxAgeSeconds = maxAge;
    const id = text(c, 'ID');
    if (id) rule.id = id;
    return rule;
  });
}

/** The PutBucketCors body for both services. */
export function buildCorsXml(rules: readonly CorsRule[]): string {
  const el = (name: string, values: readonly string[]) =>
    values.map((v) => `<${name}>${escapeXml(v)}</${name}>`).join('');
  const body = rules
    .map(
      (r) =>
        '<CORSRule>' +
        (r.id ? `<ID>${escapeXml(r.id)}</ID>` : '') +
        el('AllowedOrigin', r.allowedOrigins) +
        el('AllowedMethod', r.allowedMethods) +
        el('AllowedHeader', r.allowedHeaders ?? []) +
        el('ExposeHeader', r.exposeHeaders ?? []) +
        (r.maxAgeSeconds !== undefined ? `<MaxAgeSeconds>${r.maxAgeSeconds}</MaxAgeSeconds>` : '') +
        '</CORSRule>',
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CORSConfiguration>${body}</CORSConfiguration>`;
}

/** The CompleteMultipartUpload body: parts sorted by number, ETags quoted as the services return them. */
export function buildCompleteMultipartXml(parts: ReadonlyArray<{ partNumber: number; etag: string }>): string {
  const body = [...parts]
    .sort((a, b) => a.partNumber - b.partNumber)
    .map(
      (p) =>
        `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${escapeXml(`"${unquoteEtag(p.etag)}"`)}</ETag></Part>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>${body}</CompleteMultipartUpload>`;
}
