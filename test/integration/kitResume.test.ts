// The presigned multipart kit's script resuming against radosgw: stopped after its first part (as by Ctrl+C), it
// keeps the upload; run again, it sends only the other parts and completes the object. A curl wrapper first on PATH
// records every request the script makes, then runs the real curl.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  abortMultipartUpload,
  deleteObject,
  getObject,
  listMultipartUploads,
  listParts,
  multipartKitManifest,
  multipartKitScript,
  presignMultipart,
  type ConnectionOptions,
} from '../../src/core/index';
import { NO_S3_SKIP_REASON, s3TestEnv, uniqueKey, s3Connection } from './helpers/env';

const MiB = 1024 * 1024;
const env = s3TestEnv();
const conn: ConnectionOptions | undefined = env && s3Connection(env);
const realCurl = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();
const hasBash = spawnSync('bash', ['-c', 'true']).status === 0;

/** Logs "METHOD PART" per request; at part $STOP_AT_PART stops the script's process group instead of sending it. */
const CURL_WRAPPER = `#!/usr/bin/env bash
method=GET part= prev=
for a; do
  [ "$prev" = -X ] && method=$a
  case $a in *partNumber=*) part=$(printf '%s' "$a" | sed -n 's/.*partNumber=\\([0-9]*\\).*/\\1/p') ;; esac
  prev=$a
done
echo "$method $part" >> "$CURL_LOG"
if [ -n "$part" ] && [ "$part" = "\${STOP_AT_PART:-}" ]; then kill -TERM 0; sleep 10; fi
exec "$REAL_CURL" "$@"
`;

describe(
  'presigned multipart kit: resume against radosgw',
  { skip: (!hasBash || !realCurl) && 'needs bash and curl' },
  () => {
    let dir: string;
    const created: string[] = [];
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-resume-int-'));
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.writeFileSync(path.join(dir, 'bin', 'curl'), CURL_WRAPPER, { mode: 0o755 });
    });
    after(async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      if (conn && env)
        for (const key of created) {
          const { uploads } = await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key });
          for (const u of uploads)
            await abortMultipartUpload({ ...conn, bucket: env.bucket, key, uploadId: u.uploadId });
          await deleteObject({ ...conn, bucket: env.bucket, key });
        }
    });

    /** Runs the script as a recipient would (no credentials in the environment), in its own process group. */
    function runScript(script: string, extra: Record<string, string> = {}) {
      const log = path.join(dir, 'curl.log');
      fs.writeFileSync(log, '');
      const child = spawn('bash', [script], {
        cwd: dir,
        detached: true,
        env: {
          PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
          HOME: dir,
          CURL_LOG: log,
          REAL_CURL: realCurl,
          ...extra,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return new Promise<{ code: number | null; stdout: string; stderr: string; requests: string[] }>((resolve) =>
        child.on('close', (code) =>
          resolve({
            code,
            stdout,
            stderr,
            requests: fs
              .readFileSync(log, 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => l.trim()),
          }),
        ),
      );
    }

    it('stopped after part 1, the upload stays; run again, the script sends only parts 2 and 3 and completes the object', async (t) => {
      if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
      const key = uniqueKey('kit-resume/file');
      created.push(key);
      const size = 10 * MiB + 7;
      const data = randomBytes(size);
      fs.writeFileSync(path.join(dir, 'file.bin'), data);
      const kit = await presignMultipart({
        ...conn,
        bucket: env.bucket,
        key,
        fileSize: size,
        partSize: 5 * MiB,
        expiresSeconds: 600,
      });
      const manifest = multipartKitManifest(kit, {
        provider: 's3',
        bucket: env.bucket,
        key,
        fileName: 'file.bin',
        fileSize: size,
        partSize: kit.partSize,
      });
      const script = path.join(dir, 'file.bin.upload.sh');
      fs.writeFileSync(script, multipartKitScript(manifest), { mode: 0o700 });
      assert.equal(kit.parts.length, 3);

      const first = await runScript(script, { STOP_AT_PART: '2' });
      assert.equal(first.code, 130, first.stderr);
      assert.deepEqual(first.requests, ['PUT 1', 'PUT 2'], 'part 2 was stopped before it was sent; no DELETE');
      assert.match(first.stderr, /Stopped with 1 of 3 parts uploaded\. Run this script again to send the rest/);
      const stored = await listParts({ ...conn, bucket: env.bucket, key, uploadId: kit.uploadId });
      assert.deepEqual(
        stored.parts.map((p) => [p.partNumber, p.size]),
        [[1, 5 * MiB]],
      );

      const second = await runScript(script);
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual(second.requests, ['PUT 2', 'PUT 3', 'POST'], 'only the missing parts, then Complete');
      assert.match(second.stdout, /part 1\/3 already uploaded\npart 2\/3 uploaded/);
      assert.match(second.stdout, /Uploaded file\.bin \(10485767 bytes\) in 3 parts\./);
      const res = await getObject({ ...conn, bucket: env.bucket, key });
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) chunks.push(chunk as Buffer);
      assert.ok(Buffer.concat(chunks).equals(data), 'the object is the file');
      assert.equal(fs.existsSync(path.join(dir, 'file.bin.upload.etags')), false);
      assert.deepEqual((await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key })).uploads, []);
    });
  },
);
