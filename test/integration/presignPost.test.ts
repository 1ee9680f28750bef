// presignPost against a server that really checks POST policies and their SigV4 signature (Ceph radosgw, S3
// dialect): a multipart/form-data upload built from the returned fields is accepted and stores the bytes,
// Content-Type and metadata the policy names; a file over the size range, a key outside the prefix, a Content-Type
// outside its family and an altered signature are rejected. Node's own fetch, FormData and Blob send the form, as a
// browser would (the file last). The copied curl and fetch snippets are run for real too.
import { before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildPostCurl,
  buildPostFetch,
  deleteObject,
  presignGet,
  presignPost,
  type PresignPostOptions,
  type PresignedPost,
} from '../../src/core/index';
import { NO_S3_SKIP_REASON, s3TestEnv, uniqueKey, type S3TestEnv } from './helpers/env';

const errorCode = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
/** radosgw says which policy check failed in the error's Message. */
const errorMessage = (body: string) => /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '';

describe('presignPost against radosgw (S3 POST policy, SigV4)', () => {
  let env: S3TestEnv | undefined;
  before(() => {
    env = s3TestEnv();
  });

  /** The server, or a skip (outside CI) when none is running. */
  function server(t: TestContext): S3TestEnv | undefined {
    if (!env) t.skip(NO_S3_SKIP_REASON);
    return env;
  }

  const connection = (s3: S3TestEnv) => ({
    provider: 's3' as const,
    endpoint: s3.endpoint,
    region: s3.region,
    addressing: 'path' as const,
    accessKeyId: s3.accessKeyId,
    accessKeySecret: s3.accessKeySecret,
  });

  const options = (s3: S3TestEnv, extra: Partial<PresignPostOptions>): PresignPostOptions => ({
    ...connection(s3),
    bucket: s3.bucket,
    expiresSeconds: 900,
    ...extra,
  });

  /** POSTs the form: every field in order (with `overrides` replacing or adding values), then the file. */
  async function post(
    p: PresignedPost,
    file: Uint8Array,
    fileName: string,
    overrides: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...p.fields, ...overrides })) form.append(name, value);
    form.append('file', new Blob([file]), fileName);
    const res = await fetch(p.url, { method: 'POST', body: form });
    return { status: res.status, body: await res.text() };
  }

  /** Reads an object back through a presigned GET; undefined when it does not exist. */
  async function getBack(s3: S3TestEnv, key: string) {
    const { url } = presignGet({ ...connection(s3), bucket: s3.bucket, key, expiresSeconds: 60 });
    const res = await fetch(url);
    if (res.status === 404) return undefined;
    assert.equal(res.status, 200, `GET ${key}`);
    return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
  }

  const remove = (s3: S3TestEnv, key: string) => deleteObject({ ...connection(s3), bucket: s3.bucket, key });

  it('exact key, Content-Type, metadata, size range and success_action_status 201: 201 with the key; GET gives the same bytes, type and metadata', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const key = uniqueKey('post/exact') + '/report 2026.txt';
    t.after(() => remove(s3, key));
    const bytes = randomBytes(1000);
    const p = presignPost(
      options(s3, {
        key,
        contentLengthRange: [1, 1024],
        contentType: 'text/plain; charset=utf-8',
        metadata: { Owner: 'ana', project: 'oss presign' },
        successActionStatus: 201,
      }),
    );
    const res = await post(p, bytes, 'local-name.bin');
    assert.equal(res.status, 201, res.body);
    assert.match(res.body, new RegExp(`<Key>${key}</Key>`));
    const back = await getBack(s3, key);
    assert.ok(back, 'the object exists');
    assert.deepEqual(back.bytes, new Uint8Array(bytes));
    assert.equal(back.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(back.headers.get('x-amz-meta-owner'), 'ana');
    assert.equal(back.headers.get('x-amz-meta-project'), 'oss presign');
  });

  it('key prefix with ${filename} and a Content-Type family, default status: 204, stored under the prefix with the file name', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const prefix = uniqueKey('post/prefix') + '/';
    const key = `${prefix}photo 1.png`;
    t.after(() => remove(s3, key));
    const p = presignPost(options(s3, { keyPrefix: prefix, contentTypePrefix: 'image/' }));
    assert.equal(p.fields.key, `${prefix}\${filename}`);
    const bytes = randomBytes(64);
    const res = await post(p, bytes, 'photo 1.png', { 'Content-Type': 'image/png' });
    assert.equal(res.status, 204, res.body);
    const back = await getBack(s3, key);
    assert.ok(back, `stored as ${key}`);
    assert.deepEqual(back.bytes, new Uint8Array(bytes));
    assert.equal(back.headers.get('content-type'), 'image/png');
  });

  it('a file over content-length-range is rejected: 400 EntityTooLarge, nothing stored', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const key = uniqueKey('post/too-large');
    t.after(() => remove(s3, key));
    const p = presignPost(options(s3, { key, contentLengthRange: [1, 1024] }));
    const res = await post(p, randomBytes(1025), 'big.bin');
    assert.equal(res.status, 400, res.body);
    assert.equal(errorCode(res.body), 'EntityTooLarge');
    assert.equal(await getBack(s3, key), undefined);
  });

  it('a file under content-length-range is rejected: 400 EntityTooSmall', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const key = uniqueKey('post/too-small');
    t.after(() => remove(s3, key));
    const p = presignPost(options(s3, { key, contentLengthRange: [10, 1024] }));
    const res = await post(p, randomBytes(9), 'small.bin');
    assert.equal(res.status, 400, res.body);
    assert.equal(errorCode(res.body), 'EntityTooSmall');
  });

  it('a key outside the prefix is rejected: 403 AccessDenied (policy condition failed), nothing stored', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const prefix = uniqueKey('post/inside') + '/';
    const outside = uniqueKey('post/outside');
    t.after(() => remove(s3, outside));
    const p = presignPost(options(s3, { keyPrefix: prefix }));
    const res = await post(p, randomBytes(16), 'a.txt', { key: outside });
    assert.equal(res.status, 403, res.body);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.match(errorMessage(res.body), /^Policy condition failed: starts-with: \$key/);
    assert.equal(await getBack(s3, outside), undefined);
  });

  it('a Content-Type outside contentTypePrefix is rejected: 403 AccessDenied', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const prefix = uniqueKey('post/type') + '/';
    const p = presignPost(options(s3, { keyPrefix: prefix, contentTypePrefix: 'image/' }));
    const res = await post(p, randomBytes(16), 'a.txt', { 'Content-Type': 'text/html' });
    assert.equal(res.status, 403, res.body);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.match(errorMessage(res.body), /^Policy condition failed: starts-with: \$Content-Type/);
  });

  it('a metadata value changed from the signed one is rejected: 403 AccessDenied', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const key = uniqueKey('post/meta');
    t.after(() => remove(s3, key));
    const p = presignPost(options(s3, { key, metadata: { owner: 'ana' } }));
    const res = await post(p, randomBytes(16), 'a.txt', { 'x-amz-meta-owner': 'eve' });
    assert.equal(res.status, 403, res.body);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.match(errorMessage(res.body), /x-amz-meta-owner/);
    assert.equal(await getBack(s3, key), undefined);
  });

  it('a field the policy does not name is rejected: 403 AccessDenied (every field must have a condition)', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const key = uniqueKey('post/extra');
    t.after(() => remove(s3, key));
    const p = presignPost(options(s3, { key }));
    const res = await post(p, randomBytes(16), 'a.txt', { 'x-amz-meta-added': 'unsigned' });
    assert.equal(res.status, 403, res.body);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.equal(errorMessage(res.body), 'Policy missing condition: x-amz-meta-added');
    assert.equal(await getBack(s3, key), undefined);
  });

  it('an altered signature is rejected: 403 AccessDenied (radosgw 16.2 answers a bad POST signature so, not SignatureDoesNotMatch)', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const key = uniqueKey('post/signature');
    t.after(() => remove(s3, key));
    const p = presignPost(options(s3, { key }));
    const signature = p.fields['X-Amz-Signature']!;
    const altered = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
    const res = await post(p, randomBytes(16), 'a.txt', { 'X-Amz-Signature': altered });
    assert.equal(res.status, 403, res.body);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.doesNotMatch(errorMessage(res.body), /Policy/, 'rejected by the signature check, before the policy');
  });

  // The ";" is in the folder: radosgw 16.2 cuts a part's quoted filename="a;b" at the ";" (its parameter parser
  // ignores quotes), so a ";" in the file name itself would change the stored ${filename}, whatever curl sends.
  it('the curl snippet uploads a file whose path has a space, a ";" and a "," (stored as <prefix><file name>)', async (t) => {
    const s3 = server(t);
    if (spawnSync('curl', ['--version']).status !== 0) return t.skip('curl is not installed');
    if (!s3) return;
    const dir = mkdtempSync(join(tmpdir(), 'post-curl-'));
    const prefix = uniqueKey('post/curl') + '/';
    const key = `${prefix}a b.txt`;
    t.after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await remove(s3, key);
    });
    mkdirSync(join(dir, 'x;y,z'));
    const file = join(dir, 'x;y,z', 'a b.txt');
    const bytes = randomBytes(300);
    writeFileSync(file, bytes);
    const p = presignPost(
      options(s3, {
        keyPrefix: prefix,
        contentTypePrefix: 'text/',
        metadata: { note: '@not-a-file' },
        successActionStatus: 201,
      }),
    );
    const run = spawnSync('bash', ['-c', buildPostCurl(p, file)], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /<PostResponse>/);
    assert.match(run.stdout, /\nHTTP 201\n$/, 'the snippet prints the status after the answer');
    const back = await getBack(s3, key);
    assert.ok(back, `stored as ${key}`);
    assert.deepEqual(back.bytes, new Uint8Array(bytes));
    assert.equal(back.headers.get('content-type'), 'text/plain');
    assert.equal(back.headers.get('x-amz-meta-note'), '@not-a-file');
  });

  it('the fetch snippet uploads a File with its own type under contentTypePrefix', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const prefix = uniqueKey('post/fetch') + '/';
    const key = `${prefix}photo.png`;
    t.after(() => remove(s3, key));
    const p = presignPost(
      options(s3, { keyPrefix: prefix, contentTypePrefix: 'image/', contentLengthRange: [1, 100] }),
    );
    const script = `${buildPostFetch(p)}
upload(new File([new Uint8Array(50).fill(7)], 'photo.png', { type: 'image/png' })).then(
  (r) => console.log(r.status),
  (e) => { console.error(e.message); process.exit(1); },
);`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.equal(run.stdout.trim(), '204');
    const back = await getBack(s3, key);
    assert.ok(back, `stored as ${key}`);
    assert.deepEqual(back.bytes, new Uint8Array(50).fill(7));
    assert.equal(back.headers.get('content-type'), 'image/png');
  });

  it('an expired policy is rejected: 403 AccessDenied', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const key = uniqueKey('post/expired');
    t.after(() => remove(s3, key));
    const p = presignPost(options(s3, { key, expiresSeconds: 3600, date: new Date(Date.now() - 2 * 3600_000) }));
    const res = await post(p, randomBytes(16), 'a.txt');
    assert.equal(res.status, 403, res.body);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.equal(errorMessage(res.body), 'Policy expired');
    assert.equal(await getBack(s3, key), undefined);
  });
});
