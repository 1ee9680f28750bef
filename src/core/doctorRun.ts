/**
 * Around the doctor: read the server's error body as people paste it (newlines lost, wrapped in `curl -i` output),
 * and send the uploader's exact request once.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { diagnose, parsePresignedUrl, type DiagnoseInput, type Diagnosis, type Dialect } from './doctor';
import { readBody } from './http/client';
import { request } from './http/transport';
import { isOssV4DefaultSignedHeader } from './signing/ossV4';
import { parseError, type ParsedError } from './xml';

/**
 * `diagnose()` taking the server's raw error XML instead of parsed fields. The XML may come with text around it
 * (`curl -i` output) and with its `CanonicalRequest` / `StringToSign` flattened onto one line; `notes` says what
 * had to be rebuilt or left out.
 */
export function diagnoseFromErrorXml(
  input: Omit<DiagnoseInput, 'server'> & { errorXml?: string | undefined },
): Diagnosis & { serverError?: ParsedError; notes?: string[] } {
  const { errorXml, ...rest } = input;
  const { dialect } = parsePresignedUrl(input.url);
  const notes: string[] = [];
  let parsed: ParsedError | undefined;
  if (errorXml?.trim()) {
    const body = /<Error[\s>][\s\S]*<\/Error\s*>/.exec(errorXml)?.[0];
    const read = body ? parseError(body) : undefined;
    if (read) {
      parsed = restoreServerText(read, dialect, notes);
    } else {
      notes.push("The text given as the server's answer holds no XML <Error> body, so it was left out.");
    }
  }
  const server: DiagnoseInput['server'] = parsed
    ? {
        code: parsed.code,
        message: parsed.message || undefined,
        stringToSign: parsed.stringToSign,
        canonicalRequest: parsed.canonicalRequest,
        serverTime: parsed.serverTime,
        region: parsed.region,
        endpoint: parsed.endpoint,
        bucket: parsed.bucket,
        headersNotSigned: headersNotSigned(errorXml ?? ''),
      }
    : undefined;
  return {
    ...diagnose({ ...rest, ...(server ? { server } : {}) }),
    ...(parsed ? { serverError: parsed } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

/** S3's `<HeadersNotSigned>` (AccessDenied "There were headers present in the request which were not signed"). */
function headersNotSigned(xml: string): string[] | undefined {
  const list = /<HeadersNotSigned>([^<]*)<\/HeadersNotSigned>/.exec(xml)?.[1];
  const names = list
    ?.split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names?.length ? names : undefined;
}

/**
 * The server's canonical request and string to sign with their line breaks, as the doctor compares them line by
 * line. A single-line paste (an input box, a terminal, a log) turns each newline into a space: the hex `...Bytes`
 * twin survives that and is used when present, else the lines are rebuilt from the dialect's layout. Text that
 * cannot be read is dropped (the doctor then simulates the server's side) and a note says so.
 */
function restoreServerText(error: ParsedError, dialect: Dialect, notes: string[]): ParsedError {
  const out: ParsedError = { ...error };
  const fields = [
    ['canonicalRequest', 'CanonicalRequest', 'canonicalRequestBytes'],
    ['stringToSign', 'StringToSign', 'stringToSignBytes'],
  ] as const;
  for (const [field, element, bytesField] of fields) {
    const text = error[field];
    if (text === undefined) continue;
    const lines = minimumLines(field, dialect);
    // Pages that quote an error body (OSS's own troubleshooting page among them) write its line breaks as "\n".
    const quoted = !text.includes('\n') && text.includes('\\n');
    const normalised = (quoted ? text.replace(/\\n/g, '\n') : text).replace(/\r\n?/g, '\n');
    if (normalised.split('\n').length >= lines) {
      out[field] = normalised;
      continue;
    }
    const fromBytes = fromHexBytes(error[bytesField]);
    const rebuilt =
      fromBytes && fromBytes.split('\n').length >= lines ? fromBytes : unflatten(field, dialect, normalised);
    if (rebuilt !== undefined) {
      out[field] = rebuilt;
      notes.push(
        `The server's ${element} had lost its line breaks (pasted on one line); its lines were rebuilt ${rebuilt === fromBytes ? `from ${element}Bytes` : `from the layout of the ${element === 'StringToSign' ? 'string to sign' : 'canonical request'}`}.`,
      );
    } else {
      delete out[field];
      notes.push(
        `The server's ${element} could not be read line by line (its line breaks were lost), so it was left out: paste the error body with its line breaks for a line-by-line comparison.`,
      );
    }
  }
  return out;
}

/** Lines a text has at least: V4 canonical request 6, V4 string to sign 4, OSS V1 string to sign 5. */
function minimumLines(field: 'canonicalRequest' | 'stringToSign', dialect: Dialect): number {
  if (field === 'canonicalRequest') return 6;
  return dialect === 'oss-v1' ? 5 : 4;
}

/** The text of hex bytes (`50 55 54 0a ...`), or undefined when the value is not that. */
function fromHexBytes(hex: string | undefined): string | undefined {
  const digits = hex?.replace(/\s+/g, '');
  if (!digits || !/^(?:[0-9a-fA-F]{2})+$/.test(digits)) return undefined;
  return Buffer.from(digits, 'hex').toString('utf8');
}

function unflatten(field: 'canonicalRequest' | 'stringToSign', dialect: Dialect, text: string): string | undefined {
  if (field === 'canonicalRequest')
    return dialect === 'oss-v1' ? undefined : unflattenV4CanonicalRequest(text, dialect);
  if (dialect === 'oss-v1') return unflattenOssV1StringToSign(text);
  // Algorithm, date, scope, hash: four values without spaces.
  const parts = text.trim().split(/\s+/);
  return parts.length === 4 ? parts.join('\n') : undefined;
}

interface Token {
  /** The whitespace before the token (kept inside header values, which may hold spaces). */
  before: string;
  text: string;
}

function tokensOf(text: string): Token[] {
  return [...text.matchAll(/(\s*)(\S+)/g)].map((m) => ({ before: m[1], text: m[2] }));
}

/** A token that continues the previous line: its own whitespace, or one space where a line break was. */
function continuation(t: Token): string {
  return (/[\n\r]/.test(t.before) ? ' ' : t.before) + t.text;
}

/** `name:` at the start of a canonical header line (names are lower-case tokens). */
const HEADER_START = /^([!#$%&'*+.^_`|~0-9a-z-]+):/;
/** A `;`-separated list of header names (line 5 of a V4 canonical request). */
const NAME_LIST = /^[!#$%&'*+.^_`|~0-9a-z-]+(?:;[!#$%&'*+.^_`|~0-9a-z-]+)*$/;

/**
 * A flattened V4 canonical request, line by line:
 *
 *     PUT                                   method
 *     /bucket/key                           URI (encoded: no spaces)
 *     X-Amz-Algorithm=...&X-Amz-Date=...    query (encoded, may be empty)
 *     content-type:text/plain               one `name:value` line per header, names sorted;
 *     host:bucket.example.com               a value may hold spaces
 *                                           blank
 *     content-type;host                     S3: the signed headers; OSS V4: the additional headers (may be empty)
 *     UNSIGNED-PAYLOAD                      payload hash
 *
 * A header line starts at a token `name:` whose name may be signed (S3: in the list; OSS V4: signed by default or
 * additional) and sorts after the previous one; any other token continues the value before it.
 */
function unflattenV4CanonicalRequest(text: string, dialect: 'oss-v4' | 's3-v4'): string | undefined {
  const t = tokensOf(text);
  if (t.length < 3 || !/^[A-Z]+$/.test(t[0].text) || !t[1].text.startsWith('/')) return undefined;
  const last = t.length - 1;
  let i = 2;
  let query = '';
  // Canonical queries encode ":", so a raw one starts a header line.
  if (i < last && !HEADER_START.test(t[i].text)) query = t[i++].text;
  let listAt = last;
  let allowed: (name: string) => boolean;
  if (dialect === 's3-v4') {
    if (listAt - 1 < i || !NAME_LIST.test(t[listAt - 1].text)) return undefined;
    listAt--;
    const names = new Set(t[listAt].text.split(';'));
    allowed = (name) => names.has(name);
  } else {
    // Presigned: the additional headers are a URL parameter, so the query says what line 5 holds.
    const param = query
      .split('&')
      .map((p) => p.split('='))
      .find(([k]) => k === 'x-oss-additional-headers');
    const additional = param ? decodeURIComponent(param[1] ?? '') : '';
    if (additional) {
      if (t[listAt - 1]?.text !== additional || listAt - 1 < i) return undefined;
      listAt--;
    }
    const names = new Set(additional.split(';'));
    allowed = (name) => isOssV4DefaultSignedHeader(name) || names.has(name);
  }
  const headers: string[] = [];
  let previous = '';
  for (let k = i; k < listAt; k++) {
    const name = HEADER_START.exec(t[k].text)?.[1];
    if (name !== undefined && allowed(name) && name > previous) {
      headers.push(t[k].text);
      previous = name;
    } else if (headers.length > 0) {
      headers[headers.length - 1] += continuation(t[k]);
    } else return undefined;
  }
  const list = listAt < last ? t[listAt].text : '';
  return [t[0].text, t[1].text, query, ...headers, '', list, t[last].text].join('\n');
}

/** RFC 1123 date as six tokens (`Mon, 02 Jan 2006 15:04:05 GMT`): the Date of a header-signed V1 request. */
const RFC1123 = /^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * A flattened OSS V1 string to sign, line by line:
 *
 *     PUT                       method
 *     1B2M2Y8AsgTpgAmY7PhCfg==  Content-MD5 (may be empty)
 *     text/plain                Content-Type (may be empty, may hold spaces)
 *     1767261600                Expires (unix seconds; a Date for header-signed requests)
 *     x-oss-meta-owner:ana      canonicalized x-oss-* headers, one per line, sorted; a value may hold spaces
 *     /bucket/key               canonicalized resource (the raw key: may hold spaces)
 */
function unflattenOssV1StringToSign(text: string): string | undefined {
  const t = tokensOf(text);
  if (t.length < 3 || !/^[A-Z]+$/.test(t[0].text)) return undefined;
  let at = -1;
  let width = 1;
  for (let k = 1; k < t.length && at < 0; k++) {
    if (/^\d+$/.test(t[k].text)) at = k;
    else if (
      RFC1123.test(
        t
          .slice(k, k + 6)
          .map((x) => x.text)
          .join(' '),
      )
    ) {
      at = k;
      width = 6;
    }
  }
  if (at < 0) return undefined;
  const typeTokens = t.slice(1, at);
  const md5 = typeTokens.length > 0 && /^[A-Za-z0-9+/]{22}==$/.test(typeTokens[0].text) ? typeTokens.shift()!.text : '';
  const contentType = typeTokens.map((x, n) => (n === 0 ? x.text : continuation(x))).join('');
  const date = t
    .slice(at, at + width)
    .map((x) => x.text)
    .join(' ');
  const rest = t.slice(at + width);
  // Header lines start at sorted `x-oss-*:` tokens; the resource is the first "/" token after the last of them.
  const starts: number[] = [];
  let previous = '';
  rest.forEach((x, k) => {
    const name = HEADER_START.exec(x.text)?.[1];
    if (name?.startsWith('x-oss-') && name > previous) {
      starts.push(k);
      previous = name;
    }
  });
  const resourceAt = rest.findIndex((x, k) => k > (starts.at(-1) ?? -1) && x.text.startsWith('/'));
  if (resourceAt < 0 || (starts.length > 0 && starts[0] !== 0) || (starts.length === 0 && resourceAt !== 0))
    return undefined;
  const headers: string[] = [];
  for (let k = 0; k < resourceAt; k++) {
    if (starts.includes(k)) headers.push(rest[k].text);
    else headers[headers.length - 1] += continuation(rest[k]);
  }
  const resource = rest
    .slice(resourceAt)
    .map((x, n) => (n === 0 ? x.text : continuation(x)))
    .join('');
  return [t[0].text, md5, contentType, date, ...headers, resource].join('\n');
}

export interface TrialResult {
  status: number;
  /** The server's `Date` header (clock skew). */
  serverDate?: string;
  /** The raw error body when the status is an error. */
  errorXml?: string;
}

/**
 * Sends the presigned request once, exactly as an uploader would (the URL unchanged, the given headers, the file
 * as the body), and returns the status, the server's Date and its error body. A 2xx means the object was written.
 */
export async function tryPresignedUpload(options: {
  url: string;
  method?: string;
  headers: Record<string, string>;
  filePath: string;
  signal?: AbortSignal;
}): Promise<TrialResult> {
  const size = (await stat(options.filePath)).size;
  const res = await request({
    method: options.method ?? 'PUT',
    url: options.url,
    headers: options.headers,
    body: createReadStream(options.filePath),
    contentLength: size,
    signal: options.signal,
  });
  const body = await readBody(res, { limit: 1024 * 1024 });
  return {
    status: res.status,
    ...(res.headers.date ? { serverDate: res.headers.date } : {}),
    ...(res.status >= 300 ? { errorXml: body } : {}),
  };
}
