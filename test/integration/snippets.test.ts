// The copied snippets, run for real against radosgw (which verifies SigV4): each one uploads with exactly the
// signed headers (200, then the object reads back with the same bytes, Content-Type and metadata), and the same
// snippet with one signed header changed is refused (403).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { presignPut } from '../../src/core/presign';
import { buildSnippet, type SnippetFormat } from '../../src/core/snippets';
import { NO_S3_SKIP_REASON, s3TestEnv, uniqueKey, type S3TestEnv } from './helpers/env';

const env = s3TestEnv();

interface Runner {
  format: Exclude<SnippetFormat, 'url'>;
  /** Why the runner cannot run on this machine, or undefined. */
  unavailable(): string | undefined;
  run(snippet: string, filePath: string): { ok: boolean; output: string };
}

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
};

const RUNNERS: Runner[] = [
  {
    format: 'curl',
    unavailable: () => (spawnSync('curl', ['--version']).status === 0 ? undefined : 'curl is not installed'),
    run: (snippet) => run('bash', ['-c', snippet]),
  },
  {
    format: 'python',
    unavailable: () =>
      spawnSync('python3', ['-c', 'import requests']).status === 0
        ? undefined
        : 'python3 with requests is not installed (apt-get install python3-requests)',
    run: (snippet) => run('python3', ['-c', snippet]),
  },
  {
    // The browser snippet defines upload(file); Node's fetch runs it with the file's bytes as the body.
    format: 'fetch',
    unavailable: () => undefined,
    run: (snippet, filePath) =>
      run(process.execPath, [
        '-e',
        `${snippet}\nupload(require('node:fs').readFileSync(${JSON.stringify(filePath)})).then((r) => console.log(r.status), (e) => { console.error(e.message); process.exit(1); });`,
      ]),
  },
];

describe('snippets against radosgw', { skip: env ? false : NO_S3_SKIP_REASON }, () => {
  const s3 = env as S3TestEnv;
  let dir: string;
  let client: S3Client;
  const body = Buffer.concat([Buffer.from("line one\nit's binary too: "), randomBytes(4096)]);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ossp snippets it's-"));
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.accessKeySecret },
    });
  });
  after(() => {
    client?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const runner of RUNNERS) {
    it(`${runner.format}: uploads with the signed headers, and a changed header gets 403`, (t) => {
      const why = runner.unavailable();
      if (why) return t.skip(why);
      return (async () => {
        const filePath = join(dir, `${runner.format} upload.bin`);
        writeFileSync(filePath, body);
        const key = uniqueKey(`snippets/${runner.format}/a file`);
        const signed = presignPut({
          provider: 's3',
          endpoint: s3.endpoint,
          region: s3.region,
          accessKeyId: s3.accessKeyId,
          accessKeySecret: s3.accessKeySecret,
          bucket: s3.bucket,
          key,
          expiresSeconds: 900,
          headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' },
          metadata: { owner: "ana o'neil", project: '42' },
        });
        const snippet = buildSnippet(runner.format, {
          url: signed.url,
          headers: signed.headers,
          filePath,
          expiresAt: signed.expiresAt,
        });

        const good = runner.run(snippet, filePath);
        assert.ok(good.ok, `${runner.format} snippet failed:\n${good.output}`);
        // Every snippet prints the status, curl's too (its -w line: the PUT answers with no body).
        assert.match(good.output, runner.format === 'curl' ? /\nHTTP 200\n/ : /\b200\b/);

        const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
        assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);
        assert.equal(got.ContentType, 'text/plain');
        assert.equal(got.CacheControl, 'no-cache');
        assert.deepEqual(got.Metadata, { owner: "ana o'neil", project: '42' });

        const tampered = snippet
          .replace("'x-amz-meta-project': '42'", "'x-amz-meta-project': '43'")
          .replace('x-amz-meta-project: 42', 'x-amz-meta-project: 43');
        assert.notEqual(tampered, snippet, 'the test could not find the metadata header in the snippet');
        const bad = runner.run(tampered, filePath);
        assert.equal(bad.ok, false, `${runner.format} snippet with a changed header still succeeded`);
        assert.match(bad.output, /403|SignatureDoesNotMatch/);
      })();
    });
  }
});
