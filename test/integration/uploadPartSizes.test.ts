// Both ways uploadFile reads a part, against a real radosgw: parts up to 16 MiB are read once and hashed and sent
// from memory; larger parts are read twice (hash, then send) so memory stays bounded. Either way the stored object
// is the file, and its ETag is the MD5 of the parts' MD5s, which radosgw computes from the bytes it received.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deleteObject, getObject } from '../../src/core/index';
import { uploadFile } from '../../src/core/upload/uploadFile';
import { NO_S3_SKIP_REASON, s3Connection, s3TestEnv, uniqueKey } from './helpers/env';

const MiB = 1024 * 1024;
const env = s3TestEnv();

function multipartEtag(data: Buffer, partSize: number): string {
  const md5s: Buffer[] = [];
  for (let at = 0; at < data.length; at += partSize)
    md5s.push(
      createHash('md5')
        .update(data.subarray(at, at + partSize))
        .digest(),
    );
  return `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${md5s.length}`;
}

describe('uploadFile part sizes against radosgw', { skip: !env && NO_S3_SKIP_REASON }, () => {
  let dir: string;
  let file: string;
  // 41 MiB: two 20 MiB parts and a short one, or eight 5 MiB parts and a short one.
  const data = randomBytes(41 * MiB);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-part-sizes-'));
    file = path.join(dir, 'data.bin');
    fs.writeFileSync(file, data);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [partSize, how] of [
    [5 * MiB, 'read once, sent from memory'],
    [20 * MiB, 'read twice'],
  ] as const) {
    it(`stores the file intact in ${partSize / MiB} MiB parts (${how}), progress ending at its size`, async () => {
      const conn = s3Connection(env!);
      const key = uniqueKey(`part-sizes-${partSize / MiB}`);
      const progress: number[] = [];
      try {
        const result = await uploadFile({
          ...conn,
          bucket: env!.bucket,
          key,
          filePath: file,
          partSize,
          multipartThreshold: 1,
          onProgress: (sent) => progress.push(sent),
        });
        assert.equal(result.etag, multipartEtag(data, partSize));
        const res = await getObject({ ...conn, bucket: env!.bucket, key });
        const chunks: Buffer[] = [];
        for await (const chunk of res.body) chunks.push(chunk as Buffer);
        assert.ok(Buffer.concat(chunks).equals(data), 'the stored bytes differ from the file');
        assert.ok(
          progress.every((n, i) => i === 0 || n >= progress[i - 1]),
          'progress went backwards',
        );
        assert.equal(progress.at(-1), data.length);
      } finally {
        await deleteObject({ ...conn, bucket: env!.bucket, key });
      }
    });
  }
});
