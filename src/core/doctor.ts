/**
 * The signature-mismatch doctor: given a presigned URL, the headers the uploader sent and (optionally) the
 * server's 403 body and the profile's keys, recompute what was signed and what the server verified, and say
 * in plain words why they differ. Pure: time and inputs are parameters.
 */
import { DIALECTS, type Dialect, type ReceivedRequest } from './signing/dialect';
import { parseAmzDate } from './signing/encoding';
import { isOssV4DefaultSignedHeader } from './signing/ossV4';

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
  | 'Unknown';

export interface Cause {
  code: CauseCode;
  /** Plain-words explanation with what to do. */
  message: string;
  header?: string;
}

export interface DiagnoseInput {
  /** The presigned URL as given to the uploader. */
  url: string;
  /** The method the uploader used (default PUT). */
  method?: string;
  /** Headers the uploader actually sent (name -> value); Host is derived from the URL when absent. */
  sentHeaders?: Record<string, string>;
  /** Headers that were signed, when known (the ledger keeps them); lets the doctor name the differing value. */
  signedHeaderValues?: Record<string, string> | undefined;
  /** Parsed from the server's error body, when given. */
  server?: {
    code?: string;
    stringToSign?: string | undefined;
    canonicalRequest?: string | undefined;
    accessKeyId?: string;
  };
  /** The profile's keys, to recompute the signature locally. */
  credentials?: { accessKeyId: string; accessKeySecret: string };
  /** OSS custom domain (cname): the bucket is in neither host nor path, so it must be given. */
  bucket?: string;
  /** Current time (the doctor never reads the clock). */
  now: Date;
  /** The server's `Date` response header, to measure clock skew. */
  serverDate?: string | undefined;
}

export interface Diagnosis {
  dialect: Dialect;
  causes: Cause[];
  /** The canonical request (V4) or string to sign (V1) that the URL's signature covers, when it can be rebuilt. */
  signed?: string;
  /** What the server computed from the request it received (from its error body, or simulated from sentHeaders). */
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
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, '%20'));
    params.push(i < 0 ? [dec(part), ''] : [dec(part.slice(0, i)), dec(part.slice(i + 1))]);
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

/** Bucket and raw key of an OSS URL: virtual host `<bucket>.oss-...`, path style `/<bucket>/<key>`, or cname (bucket given). */
function ossBucketKey(p: ParsedUrl, bucket?: string): { bucket: string; key: string } {
  const { url } = p;
  const path = decodeURIComponent(p.rawPath);
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

/** Diagnoses why a presigned request was (or would be) rejected. */
export function diagnose(input: DiagnoseInput): Diagnosis {
  const p = parsePresignedUrl(input.url);
  const method = (input.method ?? 'PUT').toUpperCase();
  const causes: Cause[] = [];
  const signer = DIALECTS[p.dialect];
  // Both sides of every comparison go through the dialect's own header canonicalisation, as the server's would.
  const sent = signer.canonicalHeaders(input.sentHeaders);
  if (!sent.has('host')) sent.set('host', p.url.host);

  // Time: expiry, not-yet-valid, skew between this machine and the server.
  const serverNow = input.serverDate ? new Date(input.serverDate) : undefined;
  const skewS =
    serverNow && !Number.isNaN(serverNow.getTime())
      ? Math.round((input.now.getTime() - serverNow.getTime()) / 1000)
      : undefined;
  const reference = serverNow && !Number.isNaN(serverNow.getTime()) ? serverNow : input.now;
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
  if (skewS !== undefined && Math.abs(skewS) > 60) {
    causes.push({
      code: 'ClockSkew',
      message: `This computer's clock is ${Math.abs(skewS)} s ${skewS > 0 ? 'ahead of' : 'behind'} the server's. Fix the system time (enable NTP); OSS Presign corrects API requests, but a URL's validity window is judged by the server's clock.`,
    });
  }
  if (expiresAt && reference.getTime() > expiresAt.getTime()) {
    causes.push({
      code: 'Expired',
      message: `The URL expired at ${expiresAt.toISOString()} (${Math.round((reference.getTime() - expiresAt.getTime()) / 1000)} s ago by the ${serverNow ? "server's" : 'local'} clock). Presign it again (Re-issue in the Presigned URLs view).`,
    });
  }
  if (signedAt && reference.getTime() + 15 * 60_000 < signedAt.getTime()) {
    causes.push({
      code: 'NotYetValid',
      message: `The URL was signed for ${signedAt.toISOString()}, which is in the future for the server: the signing computer's clock is ahead. Fix its time and presign again.`,
    });
  }

  // Method.
  const methodLine =
    input.server?.canonicalRequest?.split('\n')[0] ??
    (p.dialect === 'oss-v1' ? input.server?.stringToSign?.split('\n')[0] : undefined);
  if (methodLine && /^[A-Z]+$/.test(methodLine) && methodLine !== method) {
    causes.push({
      code: 'MethodMismatch',
      message: `The server saw a ${methodLine} request, but the URL is signed for ${method}. Use ${method} (curl -T or -X ${method}).`,
    });
  }

  // Headers: which were signed, which the uploader sent.
  const signedNames =
    p.dialect === 's3-v4'
      ? (p.get('X-Amz-SignedHeaders') ?? 'host').split(';').filter(Boolean)
      : p.dialect === 'oss-v4'
        ? [
            ...new Set([
              ...(input.signedHeaderValues
                ? Object.keys(input.signedHeaderValues)
                    .map((h) => h.toLowerCase())
                    .filter(isOssV4DefaultSignedHeader)
                : []),
              ...(p.get('x-oss-additional-headers') ?? '').split(';').filter(Boolean),
            ]),
          ]
        : input.signedHeaderValues
          ? Object.keys(input.signedHeaderValues)
              .map((h) => h.toLowerCase())
              .filter((h) => h === 'content-type' || h === 'content-md5' || h.startsWith('x-oss-'))
          : [];
  const expected = input.signedHeaderValues ? signer.canonicalHeaders(input.signedHeaderValues) : undefined;
  for (const name of signedNames) {
    if (name === 'host') continue;
    if (!sent.has(name))
      causes.push({
        code: 'HeaderMissing',
        header: name,
        message: `The signed header "${name}" was not sent. Send it exactly as signed${expected?.get(name) ? `: ${name}: ${expected.get(name)}` : ''} (the copied curl/fetch snippet does).`,
      });
    else if (expected?.has(name) && expected.get(name) !== sent.get(name)) {
      causes.push({
        code: 'HeaderDiffers',
        header: name,
        message: `Header "${name}" was sent as "${sent.get(name)}" but signed as "${expected.get(name)}". Send the signed value, or presign again with the value the uploader sends.`,
      });
    }
  }
  for (const [name, value] of sent) {
    if (name === 'host' || signedNames.includes(name)) continue;
    const signedByDefault =
      p.dialect === 's3-v4'
        ? name.startsWith('x-amz-') && name !== 'x-amz-content-sha256'
        : name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-');
    if (signedByDefault) {
      const browser =
        name === 'content-type'
          ? ' Browsers and `curl --data-binary` add a Content-Type by themselves: presign with that Content-Type, or send the body as a Blob with the signed type.'
          : '';
      causes.push({
        code: 'HeaderAdded',
        header: name,
        message: `Header "${name}: ${value}" was sent but not signed, so the server includes it and the signature no longer matches.${browser} Remove the header or presign with it.`,
      });
    }
  }

  // Recompute: the request as signed vs as the server saw it.
  const signedView = expected ? new Map([...expected, ['host', p.url.host] as [string, string]]) : sent;
  // OSS signs `/bucket/key`, so only OSS needs them from the URL.
  const target = p.dialect === 's3-v4' ? {} : ossBucketKey(p, input.bucket);
  const received = (headers: Map<string, string>): ReceivedRequest => ({
    method,
    rawPath: p.rawPath,
    host: p.url.host,
    params: p.params,
    param: p.get,
    headers,
    ...target,
  });
  const signedRequest = received(signedView);
  const signed = signer.rebuild(signedRequest);
  const serverSide =
    (p.dialect === 'oss-v1' ? input.server?.stringToSign : input.server?.canonicalRequest) ??
    signer.rebuild(received(sent));
  const diff = lineDiff(signed, serverSide);
  if (p.dialect !== 'oss-v1' && input.server?.canonicalRequest) {
    const [sLines, vLines] = [signed.split('\n'), serverSide.split('\n')];
    if (sLines[1] !== vLines[1])
      causes.push({
        code: 'PathMismatch',
        message: `The server verified the path "${vLines[1]}" but the URL signs "${sLines[1]}". The URL path was changed (edited, re-encoded, or dot segments like "./" normalised by the client; use curl --path-as-is).`,
      });
    const hostOf = (lines: string[]) => lines.find((l) => l.startsWith('host:'));
    if (hostOf(sLines) && hostOf(vLines) && hostOf(sLines) !== hostOf(vLines))
      causes.push({
        code: 'HostMismatch',
        message: `The server saw "${hostOf(vLines)}" but the URL signs "${hostOf(sLines)}". Use the URL's host unchanged (a proxy or CDN in front of the bucket must pass the Host header through).`,
      });
  }

  if (input.credentials) {
    const urlSig = p.get(
      p.dialect === 's3-v4' ? 'X-Amz-Signature' : p.dialect === 'oss-v4' ? 'x-oss-signature' : 'Signature',
    );
    const urlKeyId =
      p.dialect === 'oss-v1'
        ? p.get('OSSAccessKeyId')
        : (p.get(p.dialect === 's3-v4' ? 'X-Amz-Credential' : 'x-oss-credential') ?? '').split('/')[0];
    if (urlKeyId && urlKeyId !== input.credentials.accessKeyId) {
      causes.push({
        code: 'WrongAccessKey',
        message: `The URL was signed with access key id ${urlKeyId}, but the selected profile uses ${input.credentials.accessKeyId}. Pick the profile that signed it.`,
      });
    } else if (urlSig) {
      const mine = signer.signature(signedRequest, signed, input.credentials.accessKeySecret);
      const causedByHeaders = causes.some(
        (c) =>
          c.code.startsWith('Header') ||
          c.code === 'PathMismatch' ||
          c.code === 'HostMismatch' ||
          c.code === 'MethodMismatch',
      );
      if (mine !== urlSig && !causedByHeaders) {
        causes.push({
          code: 'UrlEdited',
          message:
            "The signature does not match the URL's own parameters with this profile's secret: the URL was edited after signing (a parameter such as the expiry, key or token changed) or cut off when copied. Copy it again from the Presigned URLs view.",
        });
      } else if (
        mine === urlSig &&
        !causedByHeaders &&
        causes.length === 0 &&
        input.server?.code === 'SignatureDoesNotMatch'
      ) {
        causes.push({
          code: 'WrongSecret',
          message:
            'The request matches what was signed, yet the server rejects the signature: the secret stored for this profile is not the one the server has for this access key id. Run "OSS Presign: Set Secret" with the current secret (it may have been rotated).',
        });
      }
    }
  }
  if (causes.length === 0) {
    causes.push({
      code: 'Unknown',
      message: diff.length
        ? 'The request differs from what was signed on the lines shown.'
        : "No difference found between what was signed and what was sent. Paste the server's error XML and the headers the uploader sent for a closer look.",
    });
  }
  return { dialect: p.dialect, causes, signed, server: serverSide, diff };
}
