// A small OSS look-alike for tests and the `npm start` sandbox: it speaks the OSS REST dialect on OSS host names and
// stores the objects in an S3 server (radosgw in the tests, s3rver in the sandbox).
//
// - Reached as an HTTP forward proxy (absolute-form request URIs, or CONNECT tunnels to port 80, which undici's
//   ProxyAgent opens even for http:// targets), so `bucket.oss-cn-hangzhou.aliyuncs.com` needs no DNS. Requests for
//   any other host are passed through unchanged, so one proxy setting serves every profile.
// - Every request's signature is checked with ali-oss's own signer (node_modules/ali-oss/lib/common/signUtils.js),
//   not with this project's code: OSS V4 (`OSS4-HMAC-SHA256`, Authorization header or x-oss-* query) and OSS V1
//   (`Authorization: OSS ak:sig` or OSSAccessKeyId/Expires/Signature). A wrong signature gets OSS's 403
//   SignatureDoesNotMatch body with StringToSign, CanonicalRequest (V4) and EC; an expired URL, a skewed clock, an
//   unknown key id and a bucket asked on the wrong region's endpoint get OSS's answers too.
// - Buckets live in regions: gateway bucket `b` of region `r` is upstream bucket `r-b` (created on start). GET / on
//   `oss-<region>.aliyuncs.com` lists the buckets of every region with Location, ExtranetEndpoint,
//   IntranetEndpoint and Region, as OSS does.
// - Verified requests are forwarded path-style with SigV4 (@smithy/signature-v4, the AWS SDK's signer), with
//   `x-oss-meta-*` <-> `x-amz-meta-*`, `x-oss-storage-class` kept as metadata (the upstream has one class),
//   `x-oss-forbid-overwrite` (PutObject), `x-oss-tagging`, OSS's CORS XML (`ResponseVary` dropped) and the bucket
//   names in XML answers mapped back. Objects, multipart (initiate, parts, complete, abort, list parts and
//   uploads), listings (V1 and V2), HEAD, GET, DELETE, GetBucketLocation, bucket CORS and preflights work; other
//   sub-resources are forwarded as they are.
//
//   const gw = await startOssGateway({ accessKeyId, accessKeySecret, upstream, buckets: { 'cn-beijing': ['b'] } });
//   ... point a client's proxy at gw.url; gw.requests says what arrived and how it was verified ...
//   await gw.close();
//
// Run as a program (`node ossGateway.js '<options as JSON>'`) it prints `{"url":...}` once listening and stops on
// SIGTERM or when stdin closes: the extension-host suites start it that way, outside VS Code's patched `http`.
import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';

/** The subset of ali-oss's signUtils the gateway verifies with. */
interface AliOssSignUtils {
  getCanonicalRequest(
    method: string,
    request: { headers: Record<string, string>; queries: Record<string, string | null> },
    bucketName?: string,
    objectName?: string,
    additionalHeaders?: string[],
  ): string;
  fixAdditionalHeaders(additionalHeaders?: string[]): string[];
  getStringToSign(region: string, date: string, canonicalRequest: string): string;
  getSignatureV4(accessKeySecret: string, date: string, region: string, stringToSign: string): string;
  buildCanonicalString(
    method: string,
    resourcePath: string,
    request: { headers: Record<string, string>; parameters: Record<string, string> },
    expires?: string,
  ): string;
  computeSignature(accessKeySecret: string, canonicalString: string): string;
}

const signUtils = createRequire(__filename)('ali-oss/lib/common/signUtils.js') as AliOssSignUtils;

export interface UpstreamS3 {
  /** `http://host:port` of the S3 server. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface OssGatewayOptions {
  /** The key pair the gateway accepts (any other key id gets InvalidAccessKeyId). */
  accessKeyId: string;
  accessKeySecret: string;
  upstream: UpstreamS3;
  /** Buckets per region id, e.g. `{ 'cn-hangzhou': ['alpha'], 'cn-beijing': ['beta'] }`. */
  buckets: Record<string, string[]>;
  /** The upstream bucket that holds a gateway bucket; default `<region>-<bucket>`. */
  upstreamBucket?: (region: string, bucket: string) => string;
  /** Port to listen on (127.0.0.1); default any free port. */
  port?: number;
  /** close() also deletes the upstream buckets (they must be empty by then): for per-run bucket names. */
  deleteBucketsOnClose?: boolean;
}

export type Dialect = 'oss-v4-header' | 'oss-v4-query' | 'oss-v1-header' | 'oss-v1-query' | 'anonymous';

/** One request the gateway answered for an OSS host. */
export interface GatewayRequest {
  method: string;
  host: string;
  /** Path and query as received. */
  target: string;
  dialect: Dialect;
  status: number;
  /** OSS error code when the gateway refused the request itself. */
  code?: string;
}

export interface OssGateway {
  /** The proxy URL, `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Every OSS request, in order of arrival. */
  requests: GatewayRequest[];
  close(): Promise<void>;
}

const OSS_HOST = /^(?:([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.)?oss-([a-z0-9-]+?)(-internal)?\.aliyuncs\.com$/;
const SKEW_LIMIT_MS = 15 * 60_000;
// Parameters of the signature itself: verified here, never forwarded.
const AUTH_PARAMS = new Set([
  'x-oss-signature-version',
  'x-oss-credential',
  'x-oss-date',
  'x-oss-expires',
  'x-oss-signature',
  'x-oss-additional-headers',
  'x-oss-security-token',
  'OSSAccessKeyId',
  'Expires',
  'Signature',
  'security-token',
]);
// OSS V1 signs only these query parameters (aliyun-oss-go-sdk oss/conn.go signKeyList), plus response-* ones.
const V1_SUB_RESOURCES = new Set(
  (
    'acl uploads location cors logging website referer lifecycle delete append tagging objectMeta uploadId ' +
    'partNumber security-token position img style styleName replication replicationProgress replicationLocation ' +
    'cname bucketInfo comp qos live status vod startTime endTime symlink x-oss-process restore callback ' +
    'callback-var qosInfo policy stat encryption versions versioning versionId requestPayment x-oss-request-payer ' +
    'sequential inventory inventoryId continuation-token asyncFetch worm wormId wormExtend withHashContext ' +
    'x-oss-enable-md5 x-oss-enable-sha1 x-oss-enable-sha256 x-oss-hash-ctx x-oss-md5-ctx transferAcceleration ' +
    'regionList cloudboxes metaQuery resourceGroup rtc x-oss-async-process responseHeader'
  ).split(' '),
);
const STORAGE_CLASS_META = 'x-amz-meta-oss-storage-class';

class OssError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Array<[string, string]> = [],
    readonly ec?: string,
  ) {
    super(message);
  }
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const hexBytes = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
// RFC 3986, '/' kept: the path as the upstream's SigV4 canonical URI expects it.
const encodeKey = (key: string) =>
  key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
const requestId = () => crypto.randomBytes(12).toString('hex').toUpperCase();

function errorBody(err: OssError, host: string, id: string): string {
  const fields = [
    ['Code', err.code],
    ['Message', err.message],
    ['RequestId', id],
    ['HostId', host],
    ...err.fields,
    ...(err.ec
      ? [
          ['EC', err.ec],
          ['RecommendDoc', `https://api.aliyun.com/troubleshoot?q=${err.ec}`],
        ]
      : []),
  ];
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n' +
    fields.map(([k, v]) => `  <${k}>${xmlEscape(v)}</${k}>\n`).join('') +
    '</Error>\n'
  );
}

/** `yyyymmddTHHMMSSZ` -> ms since the epoch, or NaN. */
function parseOssDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

interface Parsed {
  method: string;
  host: string;
  region: string;
  /** Gateway bucket ('' for the service root). */
  bucket: string;
  /** Decoded object key ('' for the bucket itself). */
  key: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  target: string;
}

function flatHeaders(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

/** Checks the request's OSS signature with ali-oss's signer; returns the dialect, throws OssError when it fails. */
function verify(p: Parsed, options: OssGatewayOptions, now: number): Dialect {
  const q = new Map(p.query);
  const auth = p.headers.authorization ?? '';
  const expired = (expires: string, fields: Array<[string, string]>) =>
    new OssError(
      403,
      'AccessDenied',
      'Request has expired.',
      [...fields, ['Expires', expires], ['ServerTime', new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')]],
      '0002-00000069',
    );
  const checkKeyId = (id: string | undefined) => {
    if (id !== options.accessKeyId)
      throw new OssError(
        403,
        'InvalidAccessKeyId',
        'The OSS Access Key Id you provided does not exist in our records.',
        [['OSSAccessKeyId', id ?? '']],
      );
  };
  const mismatch = (provided: string, stringToSign: string, canonicalRequest?: string) =>
    new OssError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      [
        ['OSSAccessKeyId', options.accessKeyId],
        ['SignatureProvided', provided],
        ['StringToSign', stringToSign],
        ['StringToSignBytes', hexBytes(stringToSign)],
        ...(canonicalRequest !== undefined
          ? ([
              ['CanonicalRequest', canonicalRequest],
              ['CanonicalRequestBytes', hexBytes(canonicalRequest)],
            ] as Array<[string, string]>)
          : []),
      ],
      '0002-00000040',
    );

  const v4Header = auth.startsWith('OSS4-HMAC-SHA256 ');
  if (v4Header || q.get('x-oss-signature-version') === 'OSS4-HMAC-SHA256') {
    let credential: string | undefined;
    let additional: string | undefined;
    let signature: string | undefined;
    let date: string | undefined;
    if (v4Header) {
      const fields = new Map(
        auth
          .slice('OSS4-HMAC-SHA256 '.length)
          .split(',')
          .map((f) => f.trim().split('=') as [string, string]),
      );
      credential = fields.get('Credential');
      additional = fields.get('AdditionalHeaders');
      signature = fields.get('Signature');
      date = p.headers['x-oss-date'];
    } else {
      credential = q.get('x-oss-credential');
      additional = q.get('x-oss-additional-headers');
      signature = q.get('x-oss-signature');
      date = q.get('x-oss-date');
    }
    if (!credential || !signature || !date || Number.isNaN(parseOssDate(date)))
      throw new OssError(400, 'InvalidArgument', 'Credential, Signature and x-oss-date are required for OSS V4.');
    checkKeyId(credential.split('/')[0]);
    const signedAt = parseOssDate(date);
    if (v4Header) {
      if (Math.abs(now - signedAt) > SKEW_LIMIT_MS)
        throw new OssError(
          403,
          'RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.',
          [
            ['MaxAllowedSkewMilliseconds', String(SKEW_LIMIT_MS)],
            ['RequestTime', new Date(signedAt).toISOString()],
            ['ServerTime', new Date(now).toISOString()],
          ],
          '0002-00000504',
        );
    } else {
      const expires = Number(q.get('x-oss-expires'));
      if (!(expires > 0 && expires <= 604800))
        throw new OssError(400, 'InvalidArgument', 'x-oss-expires must be 1 to 604800 seconds.', [], '0002-00000070');
      if (now > signedAt + expires * 1000)
        throw expired(new Date(signedAt + expires * 1000).toISOString(), [['X-Oss-Date', date]]);
    }
    const queries: Record<string, string | null> = {};
    for (const [k, v] of p.query) if (k !== 'x-oss-signature') queries[k] = v === '' ? null : v;
    // A listed header the request lacks is left out, as the Go SDKs do (ali-oss would throw).
    const extra = signUtils.fixAdditionalHeaders(additional?.split(';')).filter((h) => h in p.headers);
    const canonicalRequest = signUtils.getCanonicalRequest(
      p.method,
      { headers: p.headers, queries },
      p.bucket || undefined,
      p.key || undefined,
      extra,
    );
    // The server verifies with its own region: a URL signed for another region fails here, as on OSS.
    const stringToSign = signUtils.getStringToSign(p.region, date, canonicalRequest);
    const expected = signUtils.getSignatureV4(options.accessKeySecret, date.slice(0, 8), p.region, stringToSign);
    if (expected !== signature) throw mismatch(signature, stringToSign, canonicalRequest);
    return v4Header ? 'oss-v4-header' : 'oss-v4-query';
  }

  const v1Header = /^OSS ([^:]+):(.+)$/.exec(auth);
  if (v1Header || q.has('OSSAccessKeyId')) {
    const parameters: Record<string, string> = {};
    for (const [k, v] of p.query) if (V1_SUB_RESOURCES.has(k) || k.startsWith('response-')) parameters[k] = v;
    const resource = p.bucket ? `/${p.bucket}/${p.key}` : '/';
    let signature: string;
    let dateLine: string;
    if (v1Header) {
      checkKeyId(v1Header[1]);
      signature = v1Header[2];
      dateLine = p.headers['x-oss-date'] ?? p.headers.date ?? '';
      const sent = Date.parse(dateLine);
      if (Number.isNaN(sent) || Math.abs(now - sent) > SKEW_LIMIT_MS)
        throw new OssError(
          403,
          'RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.',
          [
            ['RequestTime', dateLine],
            ['ServerTime', new Date(now).toUTCString()],
          ],
          '0002-00000504',
        );
    } else {
      checkKeyId(q.get('OSSAccessKeyId'));
      signature = q.get('Signature') ?? '';
      dateLine = q.get('Expires') ?? '';
      if (!/^\d+$/.test(dateLine))
        throw new OssError(400, 'InvalidArgument', 'Expires must be a UNIX time in seconds.', [], '0002-00000070');
      if (now / 1000 > Number(dateLine)) throw expired(dateLine, []);
    }
    const stringToSign = signUtils.buildCanonicalString(
      p.method,
      resource,
      { headers: p.headers, parameters },
      dateLine,
    );
    if (signUtils.computeSignature(options.accessKeySecret, stringToSign) !== signature)
      throw mismatch(signature, stringToSign);
    return v1Header ? 'oss-v1-header' : 'oss-v1-query';
  }
  return 'anonymous';
}

/** Starts the gateway on 127.0.0.1, creating the upstream buckets first. */
export async function startOssGateway(options: OssGatewayOptions): Promise<OssGateway> {
  const upstreamUrl = new URL(options.upstream.endpoint);
  const upstreamBucket = options.upstreamBucket ?? ((region: string, bucket: string) => `${region}-${bucket}`);
  const homeOf = new Map<string, string>();
  for (const [region, names] of Object.entries(options.buckets)) for (const b of names) homeOf.set(b, region);
  const created = new Date().toISOString();
  const agent = new http.Agent({ keepAlive: true });
  const signer = new SignatureV4({
    service: 's3',
    region: options.upstream.region,
    credentials: { accessKeyId: options.upstream.accessKeyId, secretAccessKey: options.upstream.secretAccessKey },
    // The signer's hash constructor: given a secret, an HMAC.
    sha256: class {
      private hash: crypto.Hash | crypto.Hmac;
      constructor(secret?: SourceData) {
        this.hash = secret ? crypto.createHmac('sha256', bytes(secret)) : crypto.createHash('sha256');
      }
      update(data: SourceData) {
        this.hash.update(bytes(data));
      }
      async digest() {
        return new Uint8Array(this.hash.digest());
      }
    },
    uriEscapePath: false,
  });

  /** Sends one SigV4-signed request to the upstream and resolves with its response (body unread). */
  async function upstream(
    method: string,
    path: string,
    query: Array<[string, string]>,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<http.IncomingMessage> {
    const queryObject: Record<string, string> = {};
    for (const [k, v] of query) queryObject[k] = v;
    const signed = await signer.sign({
      method,
      protocol: upstreamUrl.protocol,
      hostname: upstreamUrl.hostname,
      port: Number(upstreamUrl.port) || 80,
      path,
      query: queryObject,
      headers: {
        ...headers,
        host: upstreamUrl.host,
        'x-amz-content-sha256': crypto.createHash('sha256').update(body).digest('hex'),
        ...(body.length || ['PUT', 'POST'].includes(method) ? { 'content-length': String(body.length) } : {}),
      },
    });
    const qs = query.map(([k, v]) => `${encodeKey(k)}=${encodeKey(v).replace(/\//g, '%2F')}`).join('&');
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method,
          path: qs ? `${path}?${qs}` : path,
          headers: signed.headers,
        },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  for (const [region, names] of Object.entries(options.buckets))
    for (const b of names) {
      const res = await upstream('PUT', `/${upstreamBucket(region, b)}`, [], {}, Buffer.alloc(0));
      const text = await readAll(res);
      // 409: it exists already (BucketAlreadyOwnedByYou; s3rver says BucketAlreadyExists).
      if (res.statusCode !== 200 && res.statusCode !== 409)
        throw new Error(`creating upstream bucket ${upstreamBucket(region, b)}: ${res.statusCode} ${text}`);
    }

  const requests: GatewayRequest[] = [];

  function listBuckets(p: Parsed): string {
    const prefix = p.query.find(([k]) => k === 'prefix')?.[1] ?? '';
    const all = [...homeOf].filter(([b]) => b.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b));
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult>\n' +
      '  <Owner><ID>gateway</ID><DisplayName>gateway</DisplayName></Owner>\n  <Buckets>\n' +
      all
        .map(
          ([name, region]) =>
            `    <Bucket><CreationDate>${created}</CreationDate><ExtranetEndpoint>oss-${region}.aliyuncs.com</ExtranetEndpoint>` +
            `<IntranetEndpoint>oss-${region}-internal.aliyuncs.com</IntranetEndpoint><Location>oss-${region}</Location>` +
            `<Name>${name}</Name><Region>${region}</Region><StorageClass>Standard</StorageClass></Bucket>\n`,
        )
        .join('') +
      '  </Buckets>\n</ListAllMyBucketsResult>\n'
    );
  }

  async function handleOss(req: http.IncomingMessage, res: http.ServerResponse, host: string, target: URL) {
    const m = OSS_HOST.exec(host)!;
    const id = requestId();
    const pathBucket = m[1] ? '' : (target.pathname.split('/')[1] ?? '');
    const rawKey = m[1] ? target.pathname.slice(1) : target.pathname.split('/').slice(2).join('/');
    const p: Parsed = {
      method: req.method ?? 'GET',
      host,
      region: m[2],
      bucket: m[1] ?? decodeURIComponent(pathBucket),
      key: decodeURIComponent(rawKey),
      query: [...target.searchParams],
      headers: flatHeaders(req),
      target: target.pathname + target.search,
    };
    const record: GatewayRequest = { method: p.method, host, target: p.target, dialect: 'anonymous', status: 0 };
    requests.push(record);
    const body = await readAll(req);
    const send = (status: number, headers: Record<string, string>, payload?: Buffer | string) => {
      record.status = status;
      res.writeHead(status, { 'x-oss-request-id': id, server: 'AliyunOSS', ...headers });
      res.end(p.method === 'HEAD' ? undefined : payload);
    };
    try {
      if (!Object.hasOwn(options.buckets, p.region))
        throw new OssError(400, 'InvalidRegion', `This gateway serves no region "${p.region}".`);
      const isLocation = p.query.some(([k]) => k === 'location');
      const home = p.bucket ? homeOf.get(p.bucket) : undefined;
      if (p.bucket && !home)
        throw new OssError(
          404,
          'NoSuchBucket',
          'The specified bucket does not exist.',
          [['BucketName', p.bucket]],
          '0015-00000101',
        );
      // GetBucketLocation answers on any region's endpoint; everything else must use the bucket's own.
      if (home && home !== p.region && !isLocation)
        throw new OssError(
          403,
          'AccessDenied',
          'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
          [
            ['Bucket', p.bucket],
            ['Endpoint', `oss-${home}.aliyuncs.com`],
          ],
        );
      const preflight = p.method === 'OPTIONS';
      record.dialect = preflight ? 'anonymous' : verify(p, options, Date.now());
      if (record.dialect === 'anonymous' && !preflight)
        throw new OssError(
          403,
          'AccessDenied',
          'You have no right to access this object because of bucket acl.',
          [],
          '0003-00000001',
        );

      if (!p.bucket) {
        if (p.method !== 'GET' && p.method !== 'HEAD')
          throw new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
        return send(200, { 'content-type': 'application/xml' }, listBuckets(p));
      }
      if (isLocation)
        return send(
          200,
          { 'content-type': 'application/xml' },
          `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint>oss-${home}</LocationConstraint>\n`,
        );
      await forward(p, home!, body, record, send, res);
    } catch (err) {
      const e =
        err instanceof OssError
          ? err
          : new OssError(502, 'InternalError', `gateway: ${err instanceof Error ? err.message : String(err)}`);
      record.code = e.code;
      send(
        e.status,
        { 'content-type': 'application/xml', ...(e.ec ? { 'x-oss-ec': e.ec } : {}) },
        errorBody(e, host, id),
      );
    }
  }

  async function forward(
    p: Parsed,
    region: string,
    body: Buffer,
    record: GatewayRequest,
    send: (status: number, headers: Record<string, string>, payload?: Buffer | string) => void,
    res: http.ServerResponse,
  ) {
    const ub = upstreamBucket(region, p.bucket);
    const query = p.query.filter(([k]) => !AUTH_PARAMS.has(k));
    const isCors = query.some(([k]) => k === 'cors');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(p.headers)) {
      if (name.startsWith('x-oss-meta-')) headers[`x-amz-meta-${name.slice(11)}`] = value;
      else if (name === 'x-oss-storage-class') headers[STORAGE_CLASS_META] = value;
      else if (name === 'x-oss-tagging') headers['x-amz-tagging'] = value;
      else if (
        /^(content-(type|md5|disposition|encoding|language)|cache-control|expires|range|if-(match|none-match|modified-since|unmodified-since)|origin|access-control-request-(method|headers))$/.test(
          name,
        )
      )
        headers[name] = value;
    }
    if (isCors && p.method === 'PUT') {
      // OSS-only element; S3 servers reject the document with it.
      body = Buffer.from(body.toString('utf8').replace(/<ResponseVary>[^<]*<\/ResponseVary>/g, ''));
      headers['content-md5'] = crypto.createHash('md5').update(body).digest('base64');
    }
    const path = p.key ? `/${ub}/${encodeKey(p.key)}` : `/${ub}`;
    if (p.method === 'PUT' && p.key && p.headers['x-oss-forbid-overwrite'] === 'true' && !query.length) {
      const head = await upstream('HEAD', path, [], {}, Buffer.alloc(0));
      await readAll(head);
      if (head.statusCode === 200)
        throw new OssError(
          409,
          'FileAlreadyExists',
          'The object you specified already exists and can not be overwritten.',
          [],
        );
    }
    const up = await upstream(p.method, path, query, headers, body);
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(up.headers)) {
      if (value === undefined) continue;
      const v = Array.isArray(value) ? value.join(', ') : value;
      if (name === STORAGE_CLASS_META) out['x-oss-storage-class'] = v;
      else if (name.startsWith('x-amz-meta-')) out[`x-oss-meta-${name.slice(11)}`] = v;
      else if (name === 'x-amz-request-id') out['x-oss-request-id'] = v;
      else if (!/^(x-amz-|x-rgw-|server$|connection$|keep-alive$|transfer-encoding$|date$)/.test(name)) out[name] = v;
    }
    const status = up.statusCode ?? 502;
    if (p.key && p.method === 'HEAD' && status === 200) out['x-oss-storage-class'] ??= 'Standard';
    const objectData = p.key && p.method === 'GET' && !query.some(([k]) => k === 'uploadId') && status < 300;
    if (objectData || p.method === 'HEAD') {
      record.status = status;
      res.writeHead(status, { server: 'AliyunOSS', ...out });
      up.pipe(res);
      return;
    }
    // XML answers: the upstream's bucket names back to the gateway's, S3's storage class to OSS's spelling.
    const text = (await readAll(up))
      .toString('utf8')
      .split(`>${ub}<`)
      .join(`>${p.bucket}<`)
      .replace(/<StorageClass>STANDARD<\/StorageClass>/g, '<StorageClass>Standard</StorageClass>');
    delete out['content-length'];
    send(status, out, text);
  }

  function passThrough(req: http.IncomingMessage, res: http.ServerResponse, target: URL) {
    const up = http.request(
      {
        host: target.hostname,
        port: target.port || 80,
        method: req.method,
        path: target.pathname + target.search,
        headers: req.headers,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  }

  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const absolute = /^https?:\/\//i.test(req.url ?? '');
    const target = new URL(absolute ? req.url! : `http://${req.headers.host ?? 'invalid'}${req.url ?? '/'}`);
    const host = target.hostname.toLowerCase();
    if (OSS_HOST.test(host)) {
      handleOss(req, res, host, target).catch(() => res.destroy());
    } else if (absolute) {
      passThrough(req, res, target);
    } else {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`ossGateway: not an OSS host: ${host}; use me as an HTTP proxy\n`);
    }
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(':');
    if (OSS_HOST.test(host.toLowerCase())) {
      if (port !== '80') {
        client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      // The tunnel carries plain HTTP for an OSS host: serve it on this server, as if the client had connected here.
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) client.unshift(head);
      server.emit('connection', client);
      return;
    }
    const upstreamSocket = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstreamSocket.write(head);
      upstreamSocket.pipe(client);
      client.pipe(upstreamSocket);
    });
    sockets.add(upstreamSocket);
    upstreamSocket.on('close', () => sockets.delete(upstreamSocket));
    upstreamSocket.on('error', () => client.destroy());
    client.on('error', () => upstreamSocket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      if (options.deleteBucketsOnClose)
        for (const [region, names] of Object.entries(options.buckets))
          for (const b of names)
            await upstream('DELETE', `/${upstreamBucket(region, b)}`, [], {}, Buffer.alloc(0)).then(
              readAll,
              () => undefined,
            );
      agent.destroy();
      await closed;
    },
  };
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Buffer =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

if (require.main === module) {
  startOssGateway(JSON.parse(process.argv[2] ?? '{}') as OssGatewayOptions).then(
    (gw) => {
      process.stdout.write(`${JSON.stringify({ url: gw.url })}\n`);
      const stop = () => void gw.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      // The parent holds stdin open: when it dies without a signal, so does the gateway.
      process.stdin.on('end', stop).resume();
    },
    (err: unknown) => {
      console.error(`ossGateway: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
