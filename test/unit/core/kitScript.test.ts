// The multipart kit's bash script resuming after an interruption, run for real by bash against a stub curl (first
// on PATH) that records each request and answers like S3, so no server is needed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { multipartKitManifest, multipartKitScript } from '../../../src/core/upload/kitScript';

const hasBash = spawnSync('bash', ['-c', 'true']).status === 0;

/**
 * curl as the script calls it: `-X METHOD -D HEADERS -o BODY -w '%{http_code}' [-T PART] [--data-binary @XML] URL`.
 * Logs "METHOD PART_NUMBER" to $CURL_LOG, keeps each part body as $PARTS/<n> and the Complete XML as
 * $PARTS/complete.xml.
 * STOP_AT_PART=n: at that part's PUT, stops the whole script (SIGTERM to its process group), as Ctrl+C would.
 * REFUSE_PART=n: answers that part's PUT with 403.
 */
const STUB_CURL = `#!/usr/bin/env bash
method=GET url= headers= out= fmt= upload= data=
while [ $# -gt 0 ]; do
  case $1 in
    -X) method=$2; shift 2 ;;
    -D) headers=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    -w) fmt=$2; shift 2 ;;
    -T) upload=$2; shift 2 ;;
    -H) shift 2 ;;
    --data-binary) data=\${2#@}; shift 2 ;;
    -*) shift ;;
    *) url=$1; shift ;;
  esac
done
part=$(printf '%s' "$url" | sed -n 's/.*partNumber=\\([0-9]*\\).*/\\1/p')
echo "$method $part" >> "$CURL_LOG"
if [ -n "$part" ] && [ "$part" = "\${STOP_AT_PART:-}" ]; then kill -TERM 0; sleep 10; fi
code=200 body=
case $method in
  PUT)
    if [ "$part" = "\${REFUSE_PART:-}" ]; then code=403 body='<Error><Code>AccessDenied</Code></Error>'
    else cp "$upload" "$PARTS/$part"; printf 'HTTP/1.1 200 OK\\r\\nETag: "etag-%s"\\r\\n\\r\\n' "$part" > "$headers"; fi ;;
  POST) cp "$data" "$PARTS/complete.xml"; body='<CompleteMultipartUploadResult/>' ;;
  DELETE) code=204 ;;
esac
[ -n "$headers" ] && [ ! -s "$headers" ] && printf 'HTTP/1.1 %s\\r\\n\\r\\n' "$code" > "$headers"
[ -n "$out" ] && printf '%s' "$body" > "$out"
[ -n "$fmt" ] && printf '%s' "$code"
exit 0
`;

/** The stub's log: one "METHOD PART" per request (no part number for Complete and Abort). */
const requestsIn = (log: string) =>
  fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.trim());

const FILE_BYTES = Buffer.from('0123456789');
/** 10 bytes in parts of 3: 4 parts. */
const manifest = multipartKitManifest(
  {
    uploadId: 'up-1',
    parts: [0, 3, 6, 9].map((start, i) => ({
      partNumber: i + 1,
      url: `https://b.example.com/k?partNumber=${i + 1}&uploadId=up-1&X-Amz-Signature=${i}${i}`,
      start,
      end: Math.min(start + 3, FILE_BYTES.length),
    })),
    complete: { url: 'https://b.example.com/k?uploadId=up-1&X-Amz-Signature=cc', method: 'POST', headers: {} },
    abort: { url: 'https://b.example.com/k?uploadId=up-1&X-Amz-Signature=dd', method: 'DELETE' },
    expiresAt: new Date('2030-01-01T00:00:00Z'),
  },
  { provider: 's3', bucket: 'b', key: 'k', fileName: 'data.bin', fileSize: FILE_BYTES.length, partSize: 3 },
);

describe('multipart kit script: resume', { skip: !hasBash && 'bash is not installed' }, () => {
  let dir: string;
  let n = 0;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-resume-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'curl'), STUB_CURL, { mode: 0o755 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A fresh kit folder: the file, the script, and the stub's records. */
  function kit() {
    const home = path.join(dir, `kit${++n}`);
    fs.mkdirSync(path.join(home, 'parts'), { recursive: true });
    fs.writeFileSync(path.join(home, 'data.bin'), FILE_BYTES);
    fs.writeFileSync(path.join(home, 'data.bin.upload.sh'), multipartKitScript(manifest), { mode: 0o700 });
    const log = path.join(home, 'curl.log');
    const state = path.join(home, 'data.bin.upload.etags');
    /** Runs the script in its own process group (the stub may stop that group); resolves with its exit. */
    const run = (env: Record<string, string> = {}, args: string[] = []) => {
      fs.writeFileSync(log, '');
      const child = spawn('bash', ['data.bin.upload.sh', ...args], {
        cwd: home,
        detached: true,
        env: {
          PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
          CURL_LOG: log,
          PARTS: path.join(home, 'parts'),
          ...env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return new Promise<{ code: number | null; stdout: string; stderr: string; requests: string[] }>((resolve) =>
        child.on('close', (code) => resolve({ code, stdout, stderr, requests: requestsIn(log) })),
      );
    };
    return { home, state, run };
  }

  it('an interrupted run keeps the upload and records its ETags; the next run sends only the other parts and completes with all of them', async () => {
    const k = kit();
    const first = await k.run({ STOP_AT_PART: '3' });
    assert.equal(first.code, 130);
    assert.deepEqual(first.requests, ['PUT 1', 'PUT 2', 'PUT 3'], 'no DELETE: the upload is kept');
    assert.match(first.stderr, /Stopped with 2 of 4 parts uploaded\. Run this script again to send the rest/);
    const record = fs.readFileSync(k.state, 'utf8');
    assert.deepEqual(record.split('\n').slice(1), ['1 "etag-1"', '2 "etag-2"', '']);
    assert.ok(!/https?:|Signature/.test(record), 'the record holds no URL');

    const second = await k.run();
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.requests, ['PUT 3', 'PUT 4', 'POST']);
    assert.match(second.stdout, /part 1\/4 already uploaded\npart 2\/4 already uploaded\npart 3\/4 uploaded/);
    assert.equal(
      fs.readFileSync(path.join(k.home, 'parts', 'complete.xml'), 'utf8'),
      '<CompleteMultipartUpload>' +
        [1, 2, 3, 4].map((p) => `<Part><PartNumber>${p}</PartNumber><ETag>"etag-${p}"</ETag></Part>`).join('') +
        '</CompleteMultipartUpload>',
    );
    const sent = Buffer.concat([1, 2, 3, 4].map((p) => fs.readFileSync(path.join(k.home, 'parts', String(p)))));
    assert.ok(sent.equals(FILE_BYTES), 'the parts put together are the file');
    assert.equal(fs.existsSync(k.state), false, 'the record is removed once the upload is complete');
  });

  it('sends every part again when the file was modified since the interrupted run', async () => {
    const k = kit();
    assert.equal((await k.run({ STOP_AT_PART: '3' })).code, 130);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(k.home, 'data.bin'), later, later);
    const second = await k.run();
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /data\.bin changed since the last run: sending every part again/);
    assert.deepEqual(second.requests, ['PUT 1', 'PUT 2', 'PUT 3', 'PUT 4', 'POST']);
  });

  it("ignores another kit's record next to it", async () => {
    const k = kit();
    fs.writeFileSync(k.state, 'upload other-upload 1\n1 "etag-x"\n2 "etag-y"\n');
    const run = await k.run();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.requests, ['PUT 1', 'PUT 2', 'PUT 3', 'PUT 4', 'POST']);
  });

  it('a refused part aborts the upload and drops the record (the kit cannot finish it)', async () => {
    const k = kit();
    const run = await k.run({ REFUSE_PART: '2' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /part 2 was refused \(HTTP 403\)/);
    assert.match(run.stderr, /aborting multipart upload up-1/);
    assert.deepEqual(run.requests, ['PUT 1', 'PUT 2', 'DELETE']);
    assert.equal(fs.existsSync(k.state), false);
  });

  it('--abort deletes an interrupted upload and its record', async () => {
    const k = kit();
    assert.equal((await k.run({ STOP_AT_PART: '2' })).code, 130);
    assert.ok(fs.existsSync(k.state));
    const run = await k.run({}, ['--abort']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.requests, ['DELETE']);
    assert.match(run.stdout, /Aborted multipart upload up-1/);
    assert.equal(fs.existsSync(k.state), false);
  });
});
