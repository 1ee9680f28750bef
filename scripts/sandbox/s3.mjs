// The sandbox's storage: an embedded s3rver on 127.0.0.1 with a demo bucket. s3rver checks no SigV4
// signature at all (any well-formed presigned URL is accepted), which is fine for trying the extension
// out and useless as a signature test: the integration tests use radosgw for that (scripts/s3-server/).
// In front of it, the OSS test gateway (test/gateway/ossGateway.ts) serves an OSS profile in two regions and
// does check every OSS V4/V1 signature, so a wrong header gets a real 403 SignatureDoesNotMatch there.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const S3rver = createRequire(import.meta.url)('s3rver');

export const DEMO_BUCKET = 'demo-bucket';

/** The OSS gateway's buckets: demo-bucket (the same objects as the S3 profile's) and one in another region. */
export const OSS_BUCKETS = { 'cn-hangzhou': [DEMO_BUCKET], 'cn-beijing': ['demo-beijing'] };
const OSS_ACCESS_KEY_ID = 'LTAI5tSandboxOssKey';
const OSS_ACCESS_KEY_SECRET = 'sandbox-oss-secret';
/** The s3rver bucket behind an OSS gateway bucket: the same name, so the S3 profile shows the same buckets. */
const upstreamBucket = (_region, bucket) => bucket;

/**
 * s3rver's fixed key pair and the OSS gateway's, handed to VS Code as environment variables (the profiles read
 * them with credentialSource 'env').
 */
export const SANDBOX_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  OSS_ACCESS_KEY_ID,
  OSS_ACCESS_KEY_SECRET,
};

/**
 * Lets a web page on any origin PUT, POST and GET with any header, so "Check Browser Upload (CORS)..." passes in the
 * sandbox (as a real bucket that serves browser uploads is set up).
 */
const CORS_XML = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>\
<AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>\
<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule>\
</CORSConfiguration>`;

// A folder, nested folders, spaces and non-ASCII keys: the cases the tree and the URL encoding must get right.
const DEMO_OBJECTS = [
  ['README.txt', 'text/plain; charset=utf-8', 'Objects seeded by npm start. Upload more from the OSS Presign view.\n'],
  ['images/cloud.png', 'image/png', readFileSync(path.join(REPO, 'media', 'icon.png'))],
  ['docs/annual report 2026.txt', 'text/plain; charset=utf-8', 'A key with spaces.\n'],
  ['docs/日本語/メモ.txt', 'text/plain; charset=utf-8', 'A key with non-ASCII characters.\n'],
  ['data/sample.json', 'application/json', JSON.stringify({ hello: 'sandbox' }, null, 2) + '\n'],
];

// The OSS profile's bucket in its other region.
const BEIJING_OBJECTS = [
  ['README.txt', 'text/plain; charset=utf-8', 'A bucket in cn-beijing, served by the OSS gateway of npm start.\n'],
];

const objectUrl = (endpoint, bucket, key) =>
  `${endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * Starts s3rver on a free loopback port with its data in `directory` (kept between runs, so uploads
 * stay), puts the demo objects, and returns { endpoint, stop }.
 */
export async function startS3rver(directory) {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: Object.entries(OSS_BUCKETS).flatMap(([region, names]) =>
      names.map((name) => ({ name: upstreamBucket(region, name), configs: [CORS_XML] })),
    ),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts unsigned requests, so plain PUTs are enough to seed it.
  const seeds = [
    ...DEMO_OBJECTS.map((o) => [DEMO_BUCKET, ...o]),
    ...BEIJING_OBJECTS.map((o) => [OSS_BUCKETS['cn-beijing'][0], ...o]),
  ];
  for (const [bucket, key, contentType, body] of seeds) {
    const res = await fetch(objectUrl(endpoint, bucket, key), {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body,
    });
    if (!res.ok)
      throw new Error(`seeding s3rver failed: PUT ${key} answered ${res.status}; delete ${directory} and retry`);
  }
  return { endpoint, stop: () => server.close() };
}

/** Keys in the demo bucket (ListObjectsV2, first page); throws if the bucket does not answer 200. */
export async function listDemoBucket(endpoint) {
  const res = await fetch(`${endpoint}/${DEMO_BUCKET}?list-type=2`);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`listing ${DEMO_BUCKET} answered ${res.status}: ${body.slice(0, 200)}`);
  return [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
}

export const DEMO_KEYS = DEMO_OBJECTS.map(([key]) => key);

/** The sandbox OSS profile's connection options for dist/core.js (its endpoint is reached through the gateway). */
export function ossConnection(region = 'cn-hangzhou') {
  return {
    provider: 'oss',
    endpoint: `http://oss-${region}.aliyuncs.com`,
    region,
    accessKeyId: OSS_ACCESS_KEY_ID,
    accessKeySecret: OSS_ACCESS_KEY_SECRET,
  };
}

/**
 * Starts the OSS test gateway over s3rver (`s3Endpoint`) and returns { url, stop }: `url` is the HTTP proxy that
 * serves `*.oss-cn-hangzhou.aliyuncs.com` and `*.oss-cn-beijing.aliyuncs.com` (and passes other hosts through).
 * The gateway is TypeScript in test/; esbuild bundles it into `stateDir` first (its packages stay in node_modules).
 */
export async function startSandboxOssGateway(s3Endpoint, stateDir) {
  const { build } = await import('esbuild');
  const outfile = path.join(stateDir, 'oss-gateway.cjs');
  await build({
    entryPoints: [path.join(REPO, 'test', 'gateway', 'ossGateway.ts')],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  const { startOssGateway } = createRequire(import.meta.url)(outfile);
  const gateway = await startOssGateway({
    accessKeyId: OSS_ACCESS_KEY_ID,
    accessKeySecret: OSS_ACCESS_KEY_SECRET,
    upstream: { endpoint: s3Endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    buckets: OSS_BUCKETS,
    upstreamBucket,
  });
  return { url: gateway.url, stop: () => gateway.close() };
}

/**
 * Adds the sandbox OSS profile to `<userDataDir>/User/settings.json` (after writeUserSettings) and points VS Code's
 * `http.proxy` at the gateway; loopback (s3rver, for the S3 profile) stays direct. No secret: credentialSource 'env'
 * reads OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET from SANDBOX_CREDENTIALS.
 */
export function writeOssSettings(userDataDir, proxyUrl) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  const settings = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const profile = {
    id: 'sandbox-oss',
    name: 'Sandbox OSS (gateway, 2 regions)',
    provider: 'oss',
    endpoint: ossConnection().endpoint,
    region: 'cn-hangzhou',
    addressing: 'virtual',
    credentialSource: 'env',
  };
  const others = (settings['ossPresign.profiles'] ?? []).filter((p) => p.id !== profile.id);
  settings['ossPresign.profiles'] = [...others, profile];
  settings['http.proxy'] = proxyUrl;
  settings['http.noProxy'] = ['127.0.0.1', 'localhost'];
  writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}
