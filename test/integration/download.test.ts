// Download, batch delete and download links against a real radosgw (it verifies SigV4), directly and through a
// loopback proxy that stalls or cuts the body: a download is whole or absent, never partial.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancelledError,
  attachmentDisposition,
  deleteObjects,
  downloadObject,
  headObject,
  listObjects,
  presignGet,
  uploadFile,
  type ConnectionOptions,
} from '../../src/core/index';
import { s3TestEnv, uniqueKey, NO_S3_SKIP_REASON, s3Connection } from './helpers/env';
import { startFaultProxy } from './helpers/faultProxy';

const env = s3TestEnv();
const conn: ConnectionOptions | undefined = env && s3Connection(env);
const PREFIX = uniqueKey('download-test/');
const BODY = randomBytes(256 * 1024);
const KEY = `${PREFIX}/data file ü.bin`;

let dir: string;
const leftovers = () => fs.readdirSync(dir).filter((f) => f !== 'source.bin');

describe('downloadObject, deleteObjects and download links against radosgw', { concurrency: false }, () => {
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oss-download-'));
    if (!conn || !env) return;
    fs.writeFileSync(path.join(dir, 'source.bin'), BODY);
    await uploadFile({ ...conn, bucket: env.bucket, key: KEY, filePath: path.join(dir, 'source.bin') });
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (!conn || !env) return;
    const { objects } = await listObjects({ ...conn, bucket: env.bucket, prefix: PREFIX });
    await deleteObjects({ ...conn, bucket: env.bucket, keys: objects.map((o) => o.key) });
  });

  it('writes the object to the file with monotonic progress ending at its size', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const target = path.join(dir, 'out.bin');
    const seen: number[] = [];
    const result = await downloadObject({
      ...conn,
      bucket: env.bucket,
      key: KEY,
      filePath: target,
      onProgress: (received, total) => {
        assert.equal(total, BODY.length);
        seen.push(received);
      },
    });
    assert.ok(fs.readFileSync(target).equals(BODY));
    assert.equal(result.bytes, BODY.length);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    assert.equal(seen.at(-1), BODY.length);
    assert.deepEqual(leftovers(), ['out.bin'], 'no temporary file left');
    fs.rmSync(target);
  });

  it('cancelled mid-body: CancelledError, no file and no temporary file, an existing file untouched', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const proxy = await startFaultProxy(env.endpoint);
    try {
      proxy.inject((r) => r.method === 'GET', { kind: 'slow-body', intervalMs: 200, chunkBytes: 1024 });
      const target = path.join(dir, 'kept.bin');
      fs.writeFileSync(target, 'previous content');
      const abort = new AbortController();
      const pending = downloadObject({
        ...conn,
        endpoint: proxy.url,
        bucket: env.bucket,
        key: KEY,
        filePath: target,
        signal: abort.signal,
        onProgress: () => abort.abort(),
      });
      await assert.rejects(pending, CancelledError);
      assert.equal(fs.readFileSync(target, 'utf8'), 'previous content');
      assert.deepEqual(leftovers(), ['kept.bin']);
      fs.rmSync(target);
    } finally {
      await proxy.close();
    }
  });

  it('a connection cut mid-body fails and leaves nothing', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const proxy = await startFaultProxy(env.endpoint);
    try {
      proxy.inject((r) => r.method === 'GET', { kind: 'reset-response', afterBytes: 10_000 });
      const target = path.join(dir, 'cut.bin');
      await assert.rejects(
        downloadObject({ ...conn, endpoint: proxy.url, bucket: env.bucket, key: KEY, filePath: target }),
      );
      assert.deepEqual(leftovers(), []);
    } finally {
      await proxy.close();
    }
  });

  it('a missing key is a ServiceError (NoSuchKey) and leaves nothing', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    await assert.rejects(
      downloadObject({ ...conn, bucket: env.bucket, key: `${PREFIX}/missing`, filePath: path.join(dir, 'm.bin') }),
      { name: 'ServiceError', code: 'NoSuchKey' },
    );
    assert.deepEqual(leftovers(), []);
  });

  it('a download link with response-content-disposition and -type: radosgw answers with them', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const disposition = attachmentDisposition('Bericht ü.bin');
    const { url } = presignGet({
      ...conn,
      bucket: env.bucket,
      key: KEY,
      expiresSeconds: 300,
      responseContentDisposition: disposition,
      responseContentType: 'application/x-test',
    });
    const res = await fetch(url);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-disposition'), disposition);
    assert.equal(res.headers.get('content-type'), 'application/x-test');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(BODY));
  });

  it('deleteObjects removes several keys in one batch, special characters included', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const keys = [`${PREFIX}/del/a.txt`, `${PREFIX}/del/b & <c>.txt`, `${PREFIX}/del/名前 "q".txt`];
    const source = path.join(dir, 'source.bin');
    for (const key of keys) await uploadFile({ ...conn, bucket: env.bucket, key, filePath: source });
    const result = await deleteObjects({ ...conn, bucket: env.bucket, keys });
    assert.deepEqual([...result.deleted].sort(), [...keys].sort());
    assert.deepEqual(result.failed, []);
    for (const key of keys) assert.equal(await headObject({ ...conn, bucket: env.bucket, key }), null, key);
  });
});
