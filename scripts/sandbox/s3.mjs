// The sandbox's storage: an embedded s3rver on 127.0.0.1 with a demo bucket. s3rver checks no SigV4
// signature at all (any well-formed presigned URL is accepted), which is fine for trying the extension
// out and useless as a signature test: the integration tests use radosgw for that (scripts/s3-server/).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const S3rver = createRequire(import.meta.url)('s3rver');

export const DEMO_BUCKET = 'demo-bucket';

/** s3rver's fixed key pair; the sandbox hands it to VS Code as AWS_* environment variables. */
export const SANDBOX_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

// A folder, nested folders, spaces and non-ASCII keys: the cases the tree and the URL encoding must get right.
const DEMO_OBJECTS = [
  ['README.txt', 'text/plain; charset=utf-8', 'Objects seeded by npm start. Upload more from the OSS Presign view.\n'],
  ['images/cloud.png', 'image/png', readFileSync(path.join(REPO, 'media', 'icon.png'))],
  ['docs/annual report 2026.txt', 'text/plain; charset=utf-8', 'A key with spaces.\n'],
  ['docs/日本語/メモ.txt', 'text/plain; charset=utf-8', 'A key with non-ASCII characters.\n'],
  ['data/sample.json', 'application/json', JSON.stringify({ hello: 'sandbox' }, null, 2) + '\n'],
];

const objectUrl = (endpoint, key) => `${endpoint}/${DEMO_BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`;

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
    configureBuckets: [{ name: DEMO_BUCKET }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts unsigned requests, so plain PUTs are enough to seed it.
  for (const [key, contentType, body] of DEMO_OBJECTS) {
    const res = await fetch(objectUrl(endpoint, key), {
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
