// Parts read once and sent from memory (src/core/upload/fileSource.ts): the range read, the sliced hashing and the
// in-memory body must give exactly the file's bytes and their digests.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { FileChangedError, hashBytes, memoryBody, readRange, snapshotFile } from '../../../src/core/upload/fileSource';

const MiB = 1024 * 1024;
const dir = mkdtempSync(path.join(os.tmpdir(), 'upload-buffers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parts sent from memory', () => {
  // 2.5 MiB: more than two hashing slices and five send chunks, with a short last one.
  const data = randomBytes(2.5 * MiB);
  const file = path.join(dir, 'data.bin');
  writeFileSync(file, data);

  it('reads a byte range into the start of the buffer and returns exactly that slice', async () => {
    const buffer = Buffer.alloc(3 * MiB, 0xee);
    const got = await readRange(await snapshotFile(file), MiB + 3, 2 * MiB + 10, buffer);
    assert.equal(got.length, MiB + 7);
    assert.ok(got.equals(data.subarray(MiB + 3, 2 * MiB + 10)));
    assert.equal(got.buffer, buffer.buffer, 'the bytes are read into the given buffer, not a copy');
  });

  it('reports a file shorter than the range as changed', async () => {
    const snap = await snapshotFile(file);
    await assert.rejects(readRange(snap, 2 * MiB, 3 * MiB, Buffer.alloc(MiB)), FileChangedError);
  });

  it('hashes in slices to the digest of the whole', async () => {
    for (const algorithm of ['sha256', 'md5'] as const)
      assert.ok(
        (await hashBytes(data, algorithm)).equals(createHash(algorithm).update(data).digest()),
        `${algorithm} differs`,
      );
    assert.ok((await hashBytes(new Uint8Array(0), 'sha256')).equals(createHash('sha256').digest()));
  });

  it('sends the bytes in order and reports progress up to their length', async () => {
    const chunks: Uint8Array[] = [];
    const progress: number[] = [];
    for await (const chunk of memoryBody(data, (n) => progress.push(n))) chunks.push(chunk);
    assert.ok(Buffer.concat(chunks).equals(data));
    assert.deepEqual(
      progress,
      chunks.map((_, i) => chunks.slice(0, i + 1).reduce((n, c) => n + c.length, 0)),
    );
    assert.equal(progress.at(-1), data.length);
  });
});
