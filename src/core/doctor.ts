/**
 * The signature-mismatch doctor. With the profile's keys it tests hypotheses instead of guessing: does the request
 * as sent (or as the server says it received it) verify? Which sent header, once removed, makes it verify? With the
 * signed values the URL was issued with: which value differs or is missing? Another method, or the key written
 * differently? Without the keys it compares what was signed with what was sent or received. The server's error code
 * adds what no signature can show (permission, region, expiry). Pure: time and inputs are parameters.
 */
import { sha256Hex } from './signing/crypto';
import { DIALECTS, type Dialect, type ReceivedRequest } from './signing/dialect';
import { parseAmzDate, uriEncode } from './signing/encoding';

export type { Dialect } from './signing/dialect';

export type CauseCode =
  | 'Expired'
  | 'NotYetValid'
  | 'ClockSkew'
  | 'HeaderMissing'
  | 'HeaderDiffers'
  | 'HeaderAdded'
  | 'HostMismatch'
  | 'PathMismatch'
  | 'UrlEdited'
  | 'WrongSecret'
  | 'WrongAccessKey'
  | 'MethodMismatch'
  | 'WrongEndpoint'
  | 'PermissionDenied'
  | 'Unknown';

export interface Cause {
  code: CauseCode;
  /** Plain-words explanation with what to do. */
  message: string;
  header?: string;
  /** WrongEndpoint: the endpoint (host) the server says to use, when it names one. */
  endpoint?: string;
  /** WrongEndpoint: the bucket's region, when the server names it or the endpoint implies it. */
  region?: string;
}

export interface DiagnoseInput {
  /** The presigned URL as the uploader used it. */
  url: string;
  /** The URL as it was issued (the ledger keeps it): tells an edited URL from a changed secret. */
  issuedUrl?: string | undefined;
  /** The method the uploader used (default PUT). */
  method?: string;
  /** Headers the uploader actually sent (name -> value); Host is derived from the URL when absent. */
  sentHeaders?: Record<string, string>;
  /** Headers that were signed, with their values, when known (the ledger keeps them): names the differing value. */
  signedHeaderValues?: Record<string, string> | undefined;
  /** Parsed from the server's error body, when given. */
  server?: {
    code?: string;
    message?: string | undefined;
    stringToSign?: string | undefined;
    canonicalRequest?: string | undefined;
    accessKeyId?: string;
    /** The server's time (expired and skew errors). */
    serverTime?: string | undefined;
    /** The bucket's region (`AuthorizationHeaderMalformed`, `AuthorizationQueryParametersError`, ...). */
    region?: string | undefined;
    /** The endpoint to use (`PermanentRedirect`, OSS `AccessDenied` "must be addressed using the specified endpoint"). */
    endpoint?: string | undefined;
    bucket?: string | undefined;
    /** S3 `HeadersNotSigned`: headers sent but not signed, which S3 refuses. */
    headersNotSigned?: string[] | undefined;
  };
  /** The profile's keys, to test each hypothesis against the URL's signature. */
  credentials?: { accessKeyId: string; accessKeySecret: string };
  /** OSS custom domain (cname): the bucket is in neither host nor path, so it must be given. */
  bucket?: string | undefined;
  /** Current time (the doctor never reads the clock). */
  now: Date;
  /** The server's `Date` response header, to measure clock skew. */
  serverDate?: string | undefined;
}

export interface Diagnosis {
  dialect: Dialect;
  /** True when the request the server received (or, without its error body, the request as sent) verifies with the profile's keys. */
  verified: boolean;
  /** True when the profile's keys could be used (the URL names the same access key id and carries a signature). */
  signatureChecked: boolean;
  /** What is wrong; empty when nothing is (`verified` then says the signature is fine). */
  causes: Cause[];
  /** The canonical request (V4) or string to sign (V1) that the URL's signature covers, when it can be rebuilt. */
  signed?: string;
  /** What the server computed from the request it received (from its error body, or rebuilt from sentHeaders). */
  server?: string;
  /** Line-by-line differences between `signed` and `server`. */
  diff: Array<{ line: number; signed: string; server: string }>;
}

interface ParsedUrl {
  dialect: Dialect;
  url: URL;
  /** The path exactly as written in the URL (WHATWG URL parsing would normalise dot segments). */
  rawPath: string;
  params: Array<[string, string]>;
  get(name: string): string | undefined;
}

/** The query parameter holding each dialect's signature; the canonical query leaves it out. */
const SIGNATURE_PARAM: Record<Dialect, string> = {
  'oss-v4': 'x-oss-signature',
  'oss-v1': 'Signature',
  's3-v4': 'X-Amz-Signature',
};

/** How far in the future a V4 URL's signing time may lie before it counts as not yet valid (S3 allows 15 min). */
const FUTURE_TOLERANCE_MS = 15 * 60_000;
/** Clock differences below this are noise (request latency, whole-second Date headers). */
const SKEW_TOLERANCE_S = 60;
/** The most sent headers tried removed together: for 10 signed headers that is 175 signatures, each a few HMACs. */
const MAX_REMOVED = 3;
const METHODS = ['PUT', 'POST', 'GET', 'HEAD', 'DELETE'];

/** Parses a presigned URL and tells its dialect. Throws a plain `Error` whose message says what to paste instead. */
export function parsePresignedUrl(raw: string): ParsedUrl {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error('This is not a URL: paste the whole presigned URL, starting with https:// or http://.');
  }
  const params: Array<[string, string]> = [];
  for (const part of url.search.replace(/^\?/, '').split('&').filter(Boolean)) {
    const i = part.indexOf('=');
    params.push(i < 0 ? [decode(part), ''] : [decode(part.slice(0, i)), decode(part.slice(i + 1))]);
  }
  const get = (name: string) => params.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const dialect: Dialect | undefined = get('x-oss-signature-version')
    ? 'oss-v4'
    : get('OSSAccessKeyId')
      ? 'oss-v1'
      : get('X-Amz-Algorithm')
        ? 's3-v4'
        : undefined;
  if (!dialect)
    throw new Error(
      'This URL carries no OSS or S3 signature (no x-oss-signature-version, OSSAccessKeyId or X-Amz-Algorithm parameter): paste the presigned URL itself.',
    );
  const rawPath =
    raw
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
      .split(/[?#]/)[0] || '/';
  return { dialect, url, rawPath, params, get };
}

/** Query values are form-encoded by some tools (`+` for a space); a stray `%` must not throw. */
function decode(s: string): string {
  const plus = s.replace(/\+/g, '%20');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

function decodePath(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The access key id a URL was signed with. */
function keyIdOf(p: ParsedUrl): string | undefined {
  if (p.dialect === 'oss-v1') return p.get('OSSAccessKeyId');
  return (p.get(p.dialect === 's3-v4' ? 'X-Amz-Credential' : 'x-oss-credential') ?? '').split('/')[0] || undefined;
}

/** Bucket and raw key of an OSS URL: virtual host `<bucket>.oss-...`, path style `/<bucket>/<key>`, or cname (bucket given). */
function ossBucketKey(p: ParsedUrl, bucket?: string): { bucket: string; key: string } {
  const { url } = p;
  const path = decodePath(p.rawPath);
  if (bucket) {
    const inHost = url.hostname.startsWith(bucket + '.');
    const inPath = !inHost && path.startsWith(`/${bucket}/`);
    return { bucket, key: inPath ? path.slice(bucket.length + 2) : path.slice(1) };
  }
  const label = url.hostname.split('.')[0] ?? '';
  if (
    /\.oss-[a-z0-9-]+\.aliyuncs\.com$/.test(url.hostname) ||
    (url.hostname.split('.').length > 2 && !/^\d+$/.test(label) && !/^oss-/.test(label))
  ) {
    return { bucket: label, key: path.slice(1) };
  }
  const [, b = '', ...rest] = path.split('/');
  return { bucket: b, key: rest.join('/') };
}

function lineDiff(a: string, b: string): Diagnosis['diff'] {
  const x = a.split('\n');
  const y = b.split('\n');
  const out: Diagnosis['diff'] = [];
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if (x[i] !== y[i]) out.push({ line: i + 1, signed: x[i] ?? '', server: y[i] ?? '' });
  return out;
}

/** How the request's path or key may have been rewritten after signing; `how` says it in words. */
interface PathVariant {
  rawPath: string;
  key?: string;
  how?: string;
}

/** One hypothesis: a request that may be the one the URL's signature covers. */
interface Hypothesis {
  method: string;
  path: PathVariant;
  headers: ReadonlyMap<string, string>;
}

/**
 * The ways a key is commonly rewritten between signing and sending, as the request the signature may cover:
 * a space turned into `+`, the key percent-encoded twice, or (S3, which signs the path as written) escaped
 * differently from the RFC 3986 form the signers use.
 */
function pathVariants(p: ParsedUrl, key: string | undefined): PathVariant[] {
  const out: PathVariant[] = [];
  const add = (v: PathVariant, same: boolean) => {
    if (!same && !out.some((o) => o.rawPath === v.rawPath && o.key === v.key)) out.push(v);
  };
  if (p.dialect === 's3-v4') {
    const raw = p.rawPath;
    const plus = raw.replace(/\+/g, '%20');
    add({ rawPath: plus, how: 'a space in the key is written as "+" (S3 reads it as a plus sign)' }, plus === raw);
    const once = raw.replace(/%25([0-9A-Fa-f]{2})/g, '%$1');
    add({ rawPath: once, how: 'the key is percent-encoded twice' }, once === raw);
    const rfc = raw
      .split('/')
      .map((s) => uriEncode(decodePath(s)))
      .join('/');
    add(
      { rawPath: rfc, how: 'the key is percent-encoded differently (S3 signs the path exactly as written)' },
      rfc === raw,
    );
  } else if (key !== undefined) {
    const spaced = key.replace(/\+/g, ' ');
    add(
      { rawPath: p.rawPath, key: spaced, how: 'a space in the key is written as "+" (OSS reads it as a plus sign)' },
      spaced === key,
    );
    const once = decodePath(key);
    add({ rawPath: p.rawPath, key: once, how: 'the key is percent-encoded twice' }, once === key);
  }
  return out;
}

/** The parts of a canonical request (V4) or string to sign (V1), to say which part two of them differ in. */
interface TextParts {
  method: string;
  /** V4: canonical URI; V1: canonicalized resource without its sub-resources. */
  resource: string;
  /** V4: canonical query; V1: the Expires line. */
  params: string;
  headers: Map<string, string>;
  /** V4: the payload hash line. */
  payload: string;
}

function partsOf(dialect: Dialect, text: string): TextParts {
  const lines = text.split('\n');
  const headers = new Map<string, string>();
  const put = (line: string) => {
    const c = line.indexOf(':');
    if (c > 0) headers.set(line.slice(0, c), line.slice(c + 1));
  };
  if (dialect === 'oss-v1') {
    if (lines[1]) headers.set('content-md5', lines[1]);
    if (lines[2]) headers.set('content-type', lines[2]);
    let i = 4;
    for (; i < lines.length - 1 && /^x-oss-[^:]*:/.test(lines[i]!); i++) put(lines[i]!);
    const resource = lines.slice(i).join('\n');
    return { method: lines[0] ?? '', resource: resource.split('?')[0]!, params: lines[3] ?? '', headers, payload: '' };
  }
  const blank = lines.indexOf('', 3);
  for (const line of lines.slice(3, blank < 0 ? lines.length : blank)) put(line);
  return {
    method: lines[0] ?? '',
    resource: lines[1] ?? '',
    params: lines[2] ?? '',
    headers,
    payload: lines.length > 1 ? lines[lines.length - 1]! : '',
  };
}

const BROWSER_CONTENT_TYPE =
  ' Browsers and `curl --data-binary` add a Content-Type by themselves: presign with that Content-Type, or send the body as a Blob with the signed type.';

/** What the comparison of a request that verifies (or was signed) with the one received has to say. */
interface Comparison {
  /** Confirmed with the keys: the reference verifies. */
  confirmed: boolean;
  /** The reference is the URL's key written another way. */
  pathHow?: string | undefined;
}

/** The causes that separate `reference` (what the signature covers) from `received` (what was verified). */
function compareTexts(dialect: Dialect, reference: string, received: string, c: Comparison): Cause[] {
  const ref = partsOf(dialect, reference);
  const got = partsOf(dialect, received);
  const causes: Cause[] = [];
  if (ref.method !== got.method && /^[A-Z]+$/.test(got.method))
    causes.push({
      code: 'MethodMismatch',
      message: `The request was sent as ${got.method}, but the URL is signed for ${ref.method}. Use ${ref.method} (curl -X ${ref.method}, or -T for PUT).`,
    });
  if (ref.resource !== got.resource) {
    causes.push(
      c.pathHow
        ? {
            code: 'UrlEdited',
            message: `The URL's path was rewritten after signing: ${c.pathHow}. The signature covers "${ref.resource}", the URL gives "${got.resource}". Use the URL exactly as issued.`,
          }
        : {
            code: 'PathMismatch',
            message: `The server verified the path "${got.resource}" but the URL signs "${ref.resource}". The URL path was changed (edited, re-encoded, or dot segments like "./" normalised by the client; use curl --path-as-is).`,
          },
    );
  }
  if (ref.params !== got.params)
    causes.push({
      code: 'UrlEdited',
      message: `The server received other URL parameters than the signature covers ("${got.params}" instead of "${ref.params}"): the URL was edited or cut off on its way. Use the URL exactly as issued.`,
    });
  const names = [...new Set([...ref.headers.keys(), ...got.headers.keys()])].sort();
  for (const name of names) {
    const want = ref.headers.get(name) || undefined;
    const have = got.headers.get(name) || undefined;
    if (want === have) continue;
    if (name === 'host') {
      causes.push({
        code: 'HostMismatch',
        message: `The server saw the host "${have ?? ''}" but the URL signs "${want ?? ''}". Use the URL's host unchanged (a proxy or CDN in front of the bucket must pass the Host header through).`,
      });
    } else if (have === undefined) {
      causes.push({
        code: 'HeaderMissing',
        header: name,
        message: `The signed header "${name}" was not sent. Send it exactly as signed: ${name}: ${want} (the copied curl/fetch snippet does).`,
      });
    } else if (want === undefined) {
      causes.push({
        code: 'HeaderAdded',
        header: name,
        message: `Header "${name}: ${have}" was sent but not signed, so the server includes it and the signature no longer matches.${name === 'content-type' ? BROWSER_CONTENT_TYPE : ''} Remove the header or presign with it.`,
      });
    } else {
      causes.push({
        code: 'HeaderDiffers',
        header: name,
        message: `Header "${name}" was sent as "${have}" but signed as "${want}". Send the signed value, or presign again with the value the uploader sends.`,
      });
    }
  }
  if (dialect === 's3-v4' && ref.payload !== got.payload && !causes.some((x) => x.header === 'x-amz-content-sha256'))
    causes.push(
      ref.payload === 'UNSIGNED-PAYLOAD'
        ? {
            code: 'HeaderAdded',
            header: 'x-amz-content-sha256',
            message: `Header "x-amz-content-sha256: ${got.payload}" was sent with a URL signed for UNSIGNED-PAYLOAD: S3 takes the payload hash from that header, so the signature no longer matches. Remove the header.`,
          }
        : {
            code: 'HeaderDiffers',
            header: 'x-amz-content-sha256',
            message: `The payload hash was signed as "${ref.payload}" but the server used "${got.payload}": send "x-amz-content-sha256: ${ref.payload}" with exactly the body it is the hash of.`,
          },
    );
  // Said only when tested: the request with the fix applied verifies with the profile's keys.
  if (c.confirmed) {
    const proof =
      causes.length === 1
        ? " Tested: with this fixed, the request verifies with this profile's keys."
        : " Tested: with all of these fixed, the request verifies with this profile's keys.";
    for (const cause of causes) cause.message += proof;
  }
  return causes;
}

/** The problems the URL's own time fields and the server's clock show. */
function timeCauses(p: ParsedUrl, input: DiagnoseInput): Cause[] {
  const causes: Cause[] = [];
  // The Date of a response just received measures skew; an error body's ServerTime may be from long ago (a paste),
  // so it only dates the failed request.
  const serverDate = validDate(input.serverDate);
  const serverNow = serverDate ?? validDate(input.server?.serverTime);
  const skewS = serverDate ? Math.round((input.now.getTime() - serverDate.getTime()) / 1000) : undefined;
  const reference = serverNow ?? input.now;
  let signedAt: Date | undefined;
  let expiresAt: Date | undefined;
  if (p.dialect === 'oss-v1') {
    const e = Number(p.get('Expires'));
    if (Number.isFinite(e)) expiresAt = new Date(e * 1000);
  } else {
    signedAt = parseAmzDate(p.get(p.dialect === 's3-v4' ? 'X-Amz-Date' : 'x-oss-date'));
    const secs = Number(p.get(p.dialect === 's3-v4' ? 'X-Amz-Expires' : 'x-oss-expires'));
    if (signedAt && Number.isFinite(secs)) expiresAt = new Date(signedAt.getTime() + secs * 1000);
  }
  const message = input.server?.message ?? '';
  if ((skewS !== undefined && Math.abs(skewS) > SKEW_TOLERANCE_S) || input.server?.code === 'RequestTimeTooSkewed') {
    causes.push({
      code: 'ClockSkew',
      message:
        skewS !== undefined && Math.abs(skewS) > SKEW_TOLERANCE_S
          ? `This computer's clock is ${Math.abs(skewS)} s ${skewS > 0 ? 'ahead of' : 'behind'} the server's. Fix the system time (enable NTP); OSS Presign corrects API requests, but a URL's validity window is judged by the server's clock.`
          : "The server says the request's time is too far from its own: fix the signing computer's time (enable NTP) and presign again.",
    });
  }
  const expiredByClock = expiresAt !== undefined && reference.getTime() > expiresAt.getTime();
  if (expiredByClock || /expired/i.test(message)) {
    causes.push({
      code: 'Expired',
      message: expiredByClock
        ? `The URL expired at ${expiresAt!.toISOString()} (${Math.round((reference.getTime() - expiresAt!.getTime()) / 1000)} s ago by the ${serverNow ? "server's" : 'local'} clock). Presign it again (Re-issue in the Presigned URLs view).`
        : `The server says the URL has expired${expiresAt ? ` (it was valid until ${expiresAt.toISOString()})` : ''}. Presign it again (Re-issue in the Presigned URLs view); if it should still be valid, the signing computer's clock is behind.`,
    });
  }
  const futureByClock = signedAt !== undefined && reference.getTime() + FUTURE_TOLERANCE_MS < signedAt.getTime();
  if (futureByClock || /not (yet )?valid|before .*date/i.test(message)) {
    causes.push({
      code: 'NotYetValid',
      message: `The URL was signed for ${signedAt ? signedAt.toISOString() : 'a time'} that is in the future for the server: the signing computer's clock is ahead. Fix its time and presign again.`,
    });
  }
  return causes;
}

function validDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The region an endpoint host names: `oss-<region>[-internal].aliyuncs.com`, `[bucket.]s3[.-]<region>.amazonaws.com`. */
function regionOfEndpoint(endpoint: string): string | undefined {
  const host = endpoint.replace(/^[a-z]+:\/\//i, '').split(/[/:]/)[0] ?? '';
  const oss = /(?:^|\.)oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/.exec(host)?.[1];
  if (oss) return oss;
  return /(?:^|\.)s3[.-]([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

/** The region a V4 URL is signed for (its credential scope). */
function signedRegionOf(p: ParsedUrl): string | undefined {
  if (p.dialect === 'oss-v1') return undefined;
  return (p.get(p.dialect === 's3-v4' ? 'X-Amz-Credential' : 'x-oss-credential') ?? '').split('/')[2] || undefined;
}

const REGION_CODES = new Set([
  'PermanentRedirect',
  'TemporaryRedirect',
  'AuthorizationHeaderMalformed',
  'AuthorizationQueryParametersError',
  'IllegalLocationConstraintException',
]);

/** The causes only the server's error code tells: region, permission, unknown key id, unsigned headers. */
function serverCauses(p: ParsedUrl, input: DiagnoseInput, method: string, explained: boolean): Cause[] {
  const server = input.server;
  if (!server?.code) return [];
  const causes: Cause[] = [];
  const region = server.region || (server.endpoint ? regionOfEndpoint(server.endpoint) : undefined);
  if (
    server.endpoint ||
    (REGION_CODES.has(server.code) && (region || server.code !== 'AuthorizationHeaderMalformed'))
  ) {
    const signedRegion = signedRegionOf(p);
    const where = server.endpoint
      ? `send requests for this bucket to the endpoint ${server.endpoint}${region ? ` (region ${region})` : ''}`
      : region
        ? `the bucket is in region ${region}${signedRegion && signedRegion !== region ? `, but the URL is signed for ${signedRegion}` : ''}`
        : "the request went to another region than the bucket's";
    causes.push({
      code: 'WrongEndpoint',
      message: `The bucket is not where the URL points: ${where}. Set the profile's endpoint and region to the bucket's (or pick the bucket from the Buckets view, which knows its region) and presign again.`,
      ...(server.endpoint ? { endpoint: server.endpoint } : {}),
      ...(region ? { region } : {}),
    });
  }
  if (server.code === 'InvalidAccessKeyId')
    causes.push({
      code: 'WrongAccessKey',
      message: `The server does not know the access key id ${keyIdOf(p) ?? 'the URL names'}: it was deleted or disabled, or belongs to another account or endpoint. Presign with a profile whose key is active on this endpoint.`,
    });
  for (const header of server.headersNotSigned ?? [])
    causes.push({
      code: 'HeaderAdded',
      header: header.toLowerCase(),
      message: `The server refuses the header "${header.toLowerCase()}" because it was sent but not signed (S3 requires every x-amz-* header sent with a presigned URL to be signed). Remove it, or presign with it.`,
    });
  const denied = server.code === 'AccessDenied' && causes.length === 0 && !explained;
  if (denied && !/expired|not (yet )?valid|signature/i.test(server.message ?? '')) {
    const action =
      method === 'GET' || method === 'HEAD' ? 'GetObject' : method === 'DELETE' ? 'DeleteObject' : 'PutObject';
    const permission = p.dialect === 's3-v4' ? `s3:${action}` : `oss:${action}`;
    causes.push({
      code: 'PermissionDenied',
      message: `The server accepted the signature but denies the request: the access key may not do this. Grant ${permission} on this object to the key's user (${p.dialect === 's3-v4' ? 'an IAM' : 'a RAM'} policy), and check for a bucket policy that denies it.${server.message ? ` The server says: "${server.message.replace(/\s+/g, ' ').trim()}"` : ''}`,
    });
  }
  return causes;
}

/** The URL parameters that differ between the URL as issued and as used; values only for the non-secret ones. */
function editedParams(issued: ParsedUrl, used: ParsedUrl): string[] {
  const shown = /^(x-oss-expires|x-oss-date|x-amz-expires|x-amz-date|expires)$/i;
  const names = [...new Set([...issued.params.map(([k]) => k), ...used.params.map(([k]) => k)])];
  const out: string[] = [];
  if (issued.rawPath !== used.rawPath) out.push(`the path ("${used.rawPath}" instead of "${issued.rawPath}")`);
  if (issued.url.host !== used.url.host) out.push(`the host (${used.url.host} instead of ${issued.url.host})`);
  for (const name of names) {
    const a = issued.get(name);
    const b = used.get(name);
    if (a === b) continue;
    if (b === undefined) out.push(`${name} (removed)`);
    else if (a === undefined) out.push(`${name} (added)`);
    else out.push(shown.test(name) ? `${name} (${b} instead of ${a})` : `${name} (changed)`);
  }
  return out;
}

/**
 * Diagnoses why a presigned request was (or would be) rejected: `verified` with no cause when nothing is wrong.
 * Throws a plain `Error` only when `url` is not a presigned URL (as `parsePresignedUrl`).
 */
export function diagnose(input: DiagnoseInput): Diagnosis {
  const p = parsePresignedUrl(input.url);
  const method = (input.method ?? 'PUT').toUpperCase();
  const signer = DIALECTS[p.dialect];
  const withHost = (headers: Map<string, string>) => {
    if (!headers.has('host')) headers.set('host', p.url.host);
    return headers;
  };
  // Both sides of every comparison go through the dialect's own header canonicalisation, as the server's would.
  const sent = withHost(signer.canonicalHeaders(input.sentHeaders));
  const signedValues = input.signedHeaderValues
    ? withHost(signer.canonicalHeaders(input.signedHeaderValues))
    : undefined;
  // OSS signs `/bucket/key`, so only OSS needs them from the URL.
  const target = p.dialect === 's3-v4' ? undefined : ossBucketKey(p, input.bucket);
  const urlPath: PathVariant = { rawPath: p.rawPath, ...(target ? { key: target.key } : {}) };
  const request = (h: Hypothesis): ReceivedRequest => ({
    method: h.method,
    rawPath: h.path.rawPath,
    host: p.url.host,
    params: p.params,
    param: p.get,
    headers: h.headers,
    ...(target ? { bucket: target.bucket, key: h.path.key ?? target.key } : {}),
  });
  const textOf = (h: Hypothesis) => signer.rebuild(request(h));
  const asSent: Hypothesis = { method, path: urlPath, headers: sent };
  const asSigned: Hypothesis | undefined = signedValues ? { method, path: urlPath, headers: signedValues } : undefined;

  const urlSignature = p.get(SIGNATURE_PARAM[p.dialect]);
  const urlKeyId = keyIdOf(p);
  const keys = input.credentials;
  const canCheck = !!(keys && urlSignature && urlKeyId === keys.accessKeyId);
  const sameSignature = (a: string) =>
    p.dialect === 'oss-v1' ? a === urlSignature : a.toLowerCase() === urlSignature?.toLowerCase();
  const textVerifies = (text: string) =>
    canCheck && sameSignature(signer.signature(request(asSent), text, keys!.accessKeySecret));
  const verifies = (h: Hypothesis) => textVerifies(textOf(h));

  const causes: Cause[] = [];
  if (keys && urlKeyId && urlKeyId !== keys.accessKeyId)
    causes.push({
      code: 'WrongAccessKey',
      message: `The URL was signed with access key id ${urlKeyId}, but the selected profile uses ${keys.accessKeyId}. Pick the profile that signed it.`,
    });
  if (!urlSignature)
    causes.push({
      code: 'UrlEdited',
      message: `The URL has no ${SIGNATURE_PARAM[p.dialect]} parameter: it was cut off when copied. Copy the whole URL again (from the Presigned URLs view).`,
    });
  causes.push(...timeCauses(p, input));

  const serverText =
    (p.dialect === 'oss-v1' ? input.server?.stringToSign : input.server?.canonicalRequest) || undefined;
  // The request the server verified: its own text when its error body has it, else rebuilt from the headers given.
  // A V4 string to sign alone carries the hash of the server's canonical request: the one given must match it.
  let receivedText = serverText ?? textOf(asSent);
  let fromServer = serverText !== undefined;
  const serverHash = p.dialect !== 'oss-v1' ? input.server?.stringToSign?.split('\n')[3]?.trim() : undefined;
  if (!fromServer && serverHash && /^[0-9a-f]{64}$/.test(serverHash)) {
    const match = [asSent, ...alternatives()].map(textOf).find((t) => sha256Hex(t) === serverHash);
    if (match !== undefined) [receivedText, fromServer] = [match, true];
  }
  const verified = textVerifies(receivedText);

  let signedText: string;
  const signatureCauses: Cause[] = [];
  if (verified) {
    signedText = receivedText;
    if (input.server?.code === 'SignatureDoesNotMatch')
      signatureCauses.push({
        code: 'WrongSecret',
        message: fromServer
          ? `The request the server received verifies with this profile's secret, yet the server rejects the signature: the server has another secret for access key id ${urlKeyId}. Run "OSS Presign: Set Secret" with the current secret (it may have been rotated) and presign again.`
          : `The request as described verifies with this profile's secret, yet the server rejects the signature: either the server has another secret for access key id ${urlKeyId} (run "OSS Presign: Set Secret" with the current one and presign again), or the uploader sent other headers than the ones given (paste the server's error body to tell).`,
      });
  } else if (canCheck) {
    const found = alternatives().find(verifies);
    if (found) {
      signedText = textOf(found);
      const differences = compareTexts(p.dialect, signedText, receivedText, {
        confirmed: true,
        pathHow: found.path.how,
      });
      signatureCauses.push(
        ...(differences.length
          ? differences
          : [{ code: 'Unknown' as const, message: 'The request differs from what was signed on the lines shown.' }]),
      );
    } else {
      signedText = asSigned ? textOf(asSigned) : receivedText;
      signatureCauses.push(...unexplained());
    }
  } else {
    // Without the keys: what was signed (when the ledger knows it) against what was sent or received.
    signedText = asSigned ? textOf(asSigned) : textOf(asSent);
    signatureCauses.push(...compareTexts(p.dialect, signedText, receivedText, { confirmed: false }));
    signatureCauses.push(...signedNamesNotSent());
  }
  causes.push(...dedupe(signatureCauses));
  if (p.dialect === 's3-v4') causes.push(...unsignedAmzHeaders());
  causes.push(...serverCauses(p, input, method, causes.length > 0));

  const unique = dedupe(causes);
  // With the keys, a request that does not verify always has a cause above; without them nothing is cleared.
  if (unique.length === 0 && !verified)
    unique.push({
      code: 'Unknown',
      message: `No difference found between what was signed and what was sent, but without the keys of access key id ${urlKeyId ?? '(none)'} the signature itself cannot be checked. Diagnose with the profile that signed the URL, and paste the server's error body.`,
    });
  return {
    dialect: p.dialect,
    verified,
    signatureChecked: canCheck,
    causes: unique,
    signed: signedText,
    server: receivedText,
    diff: lineDiff(signedText, receivedText),
  };

  /**
   * The requests the URL's signature may cover besides the one sent, in the order they are tried: the signed values
   * from the ledger; the request as sent without one, two or three of its headers; another method; the key written
   * another way.
   */
  function alternatives(): Hypothesis[] {
    const tries: Hypothesis[] = [];
    if (asSigned) tries.push(asSigned);
    // The server's text is what it received; the headers given may still be what the URL was signed with.
    if (fromServer) tries.push(asSent);
    // Only headers the dialect signs can matter: removing any other leaves the text, and the answer, unchanged.
    const sentText = textOf(asSent);
    const without = (names: readonly string[]) => new Map([...sent].filter(([n]) => !names.includes(n)));
    const removable = [...sent.keys()].filter(
      (n) => n !== 'host' && textOf({ ...asSent, headers: without([n]) }) !== sentText,
    );
    for (let size = 1; size <= Math.min(MAX_REMOVED, removable.length); size++)
      for (const removed of subsets(removable, size)) tries.push({ method, path: urlPath, headers: without(removed) });
    const base = asSigned ?? asSent;
    for (const m of METHODS) if (m !== method) tries.push({ ...base, method: m });
    for (const path of pathVariants(p, target?.key)) tries.push({ ...base, path });
    return tries;
  }

  /** Nothing verifies: say what that leaves, as precisely as the inputs allow. */
  function unexplained(): Cause[] {
    const issued = input.issuedUrl ? parseOrUndefined(input.issuedUrl) : undefined;
    if (issued) {
      const edits = editedParams(issued, p);
      if (edits.length)
        return [
          {
            code: 'UrlEdited',
            message: `The URL was edited after it was issued: ${edits.join(', ')}. Use the URL exactly as issued (copy it again from the Presigned URLs view).`,
          },
        ];
      if (asSigned)
        return [
          {
            code: 'WrongSecret',
            message: `This profile's secret does not reproduce the signature of the URL it issued: the secret was changed after the URL was signed. If the server still has the old secret, the URL works with the signed headers; otherwise presign again.`,
          },
        ];
    }
    const missing = signedNamesNotSent();
    if (missing.length) return missing;
    if (asSigned)
      return [
        {
          code: 'UrlEdited',
          message:
            "Even with the signed headers, the URL's own parameters do not match its signature with this profile's secret: the URL was edited after signing (the expiry, key or token changed) or cut off when copied, or the profile's secret changed since. Copy it again from the Presigned URLs view.",
        },
      ];
    return [
      {
        code: 'Unknown',
        message: `The request does not verify with this profile's keys, and no single change tried (removing sent headers, another method, the key written another way) makes it verify. A signed header was sent with another value, the URL was edited, or the secret changed since signing. The signed values are not known for this URL: diagnose it from its Presigned URLs entry to name the header.`,
      },
    ];
  }

  /** Signed header names the URL itself lists (S3 `X-Amz-SignedHeaders`, OSS V4 additional headers) that were not sent. */
  function signedNamesNotSent(): Cause[] {
    const listed =
      p.dialect === 's3-v4'
        ? (p.get('X-Amz-SignedHeaders') ?? '').split(';')
        : p.dialect === 'oss-v4'
          ? (p.get('x-oss-additional-headers') ?? '').split(';')
          : [];
    return listed
      .filter((n) => n && n !== 'host' && !sent.has(n))
      .map((name) => ({
        code: 'HeaderMissing' as const,
        header: name,
        message: `The signed header "${name}" was not sent. Send it exactly as signed${signedValues?.get(name) ? `: ${name}: ${signedValues.get(name)}` : ''} (the copied curl/fetch snippet does).`,
      }));
  }

  /** S3 refuses unsigned `x-amz-*` headers on a presigned request (HeadersNotSigned); the payload hash is another matter. */
  function unsignedAmzHeaders(): Cause[] {
    const signedNames = (p.get('X-Amz-SignedHeaders') ?? '').split(';');
    return [...sent]
      .filter(([n]) => n.startsWith('x-amz-') && n !== 'x-amz-content-sha256' && !signedNames.includes(n))
      .map(([name, value]) => ({
        code: 'HeaderAdded' as const,
        header: name,
        message: `Header "${name}: ${value}" was sent but not signed: S3 refuses unsigned x-amz-* headers on a presigned URL (HeadersNotSigned). Remove the header or presign with it.`,
      }));
  }
}

function parseOrUndefined(url: string): ParsedUrl | undefined {
  try {
    return parsePresignedUrl(url);
  } catch {
    return undefined;
  }
}

/** Every subset of `items` with `size` members, in order. */
function subsets<T>(items: readonly T[], size: number, from = 0): T[][] {
  if (size === 0) return [[]];
  const out: T[][] = [];
  for (let i = from; i <= items.length - size; i++)
    for (const rest of subsets(items, size - 1, i + 1)) out.push([items[i]!, ...rest]);
  return out;
}

/** One cause per code and header (the same header found by two routes is one problem). */
function dedupe(causes: Cause[]): Cause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const id = `${c.code}\0${c.header ?? ''}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
