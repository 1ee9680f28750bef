import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { md5File } from '../../../src/core/md5File';
import { isCancelled } from '../../../src/core/errors';

describe('md5File', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ossp-md5-'));
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['small', Buffer.from('hello\n')],
    // Larger than the 1 MiB read chunk, so the hash really is built incrementally.
    ['3 MiB + 7', randomBytes(3 * 1024 * 1024 + 7)],
  ];
  for (const [name, bytes] of cases) {
    it(`matches node:crypto for a ${name} file`, async () => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      assert.equal(await md5File(path), createHash('md5').update(bytes).digest('base64'));
    });
  }

  it('stops with CancelledError when aborted', async () => {
    const path = join(dir, 'abort');
    writeFileSync(path, randomBytes(1024));
    await assert.rejects(md5File(path, AbortSignal.abort()), (e: unknown) => isCancelled(e));
  });

  it('rejects for a missing file', async () => {
    await assert.rejects(md5File(join(dir, 'missing')), { code: 'ENOENT' });
  });

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
