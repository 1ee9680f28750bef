// Client cost of one 1000-key ListObjectsV2 page: this core (UTF-8 decode + parseListObjectsV2 with key
// decoding) against @aws-sdk/client-s3's ListObjectsV2Command fed the same recorded radosgw response through
// a request handler that answers from memory. Run with `npm run bench:listing`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { HttpResponse } from '@smithy/core/protocols';
import { parseListObjectsV2 } from '../src/core/xml';
import { authorizeRequest } from '../src/core/signing/authorize';

// Compiled to out/bench/: the fixture stays in the source tree.
const body = readFileSync(resolve(__dirname, '../../bench/fixtures/list-objects-v2-1000.xml'));

const sdk = new S3Client({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:7480',
  forcePathStyle: true,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  requestHandler: {
    handle: async () => ({
      response: new HttpResponse({
        statusCode: 200,
        headers: { 'content-type': 'application/xml', 'content-length': String(body.byteLength) },
        body: new Uint8Array(body),
      }),
    }),
  },
});

function ours(): number {
  return parseListObjectsV2(body.toString('utf8')).objects.length;
}

/** Ours including what the SDK also does per call: signing the request headers. */
function oursSigned(): number {
  authorizeRequest({
    provider: 's3',
    signatureVersion: 'v4',
    method: 'GET',
    region: 'us-east-1',
    bucket: 'oss-presign-big-10k',
    path: '/oss-presign-big-10k/',
    host: '127.0.0.1:7480',
    query: [
      ['list-type', '2'],
      ['encoding-type', 'url'],
      ['max-keys', '1000'],
    ],
    headers: {},
    accessKeyId: 'AKIDEXAMPLE',
    accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    date: new Date(),
    payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  });
  return ours();
}

async function theirs(): Promise<number> {
  const out = await sdk.send(
    new ListObjectsV2Command({ Bucket: 'oss-presign-big-10k', EncodingType: 'url', MaxKeys: 1000 }),
  );
  // The SDK leaves url-encoded keys encoded; decoding them is part of the work a caller must do.
  let n = 0;
  for (const o of out.Contents ?? []) if (decodeURIComponent((o.Key ?? '').replace(/\+/g, ' '))) n++;
  return n;
}

async function measure(name: string, fn: () => number | Promise<number>, ms = 3000): Promise<number> {
  for (let i = 0; i < 20; i++) assertCount(await fn());
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    assertCount(await fn());
    ops++;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  const rate = ops / seconds;
  console.log(
    `${name.padEnd(44)} ${rate.toFixed(1).padStart(8)} ops/s  ${(1000 / rate).toFixed(3).padStart(8)} ms/page`,
  );
  return rate;
}

function assertCount(n: number): void {
  if (n !== 1000) throw new Error(`expected 1000 objects, got ${n}`);
}

async function main(): Promise<void> {
  console.log(
    `ListObjectsV2, one recorded radosgw page: 1000 keys, ${body.byteLength} bytes (node ${process.version})`,
  );
  const a = await measure('oss-presign core (decode + parse + map)', ours);
  const b = await measure('oss-presign core (+ SigV4 header signing)', oursSigned);
  const c = await measure('@aws-sdk/client-s3 ListObjectsV2Command', theirs);
  console.log(
    `cost ratio core/SDK: ${(c / a).toFixed(3)} (parse only), ${(c / b).toFixed(3)} (with signing); target <= 0.5`,
  );
  sdk.destroy();
}

void main();
