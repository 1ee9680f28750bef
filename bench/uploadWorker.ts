// One uploading process of bench/upload.bench.ts: runs a single upload and prints its time and peak RSS as JSON.
// It loads only the uploader it runs -- the shipped bundle dist/core.js (`npm run build`) or the AWS SDK -- so the
// memory it reports is that uploader's, not the benchmark's. The job, credentials included, arrives on stdin.
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as Core from '../src/core/index';
import type { ConnectionOptions } from '../src/core/types';

export interface WorkerJob {
  uploader: 'engine' | 'lib-storage';
  conn: ConnectionOptions;
  bucket: string;
  key: string;
  filePath: string;
  partSize: number;
  queueSize: number;
}

async function run(job: WorkerJob): Promise<void> {
  const started = process.hrtime.bigint();
  if (job.uploader === 'engine') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the shipped bundle, loaded by path
    const core = require(path.join(__dirname, '..', '..', 'dist', 'core.js')) as typeof Core;
    await core.uploadFile({
      ...job.conn,
      bucket: job.bucket,
      key: job.key,
      filePath: job.filePath,
      partSize: job.partSize,
      concurrency: job.queueSize,
    });
  } else {
    const { S3Client } = await import('@aws-sdk/client-s3');
    const { Upload } = await import('@aws-sdk/lib-storage');
    const client = new S3Client({
      region: job.conn.region ?? 'us-east-1',
      endpoint: job.conn.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: job.conn.accessKeyId, secretAccessKey: job.conn.accessKeySecret },
    });
    await new Upload({
      client,
      params: { Bucket: job.bucket, Key: job.key, Body: createReadStream(job.filePath) },
      partSize: job.partSize,
      queueSize: job.queueSize,
    }).done();
    client.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
}

if (require.main === module) {
  run(JSON.parse(readFileSync(0, 'utf8')) as WorkerJob).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
