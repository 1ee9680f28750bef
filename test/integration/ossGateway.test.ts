// The OSS test gateway (test/gateway/ossGateway.ts) is a real verifier: presigned OSS V4 and V1 URLs from core and
// core's signed API requests (single and multipart uploads) pass through it into radosgw, while a changed header, a
// wrong secret or an expired URL gets OSS's 403 error XML; the ali-oss SDK works against it too. Everything goes
// through the gateway as an HTTP proxy, to OSS host names of two regions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCI, NO_S3_SKIP_REASON, s3TestEnv, uniqueKey } from './helpers/env';
import { AliOssClient } from './helpers/aliOss';
import { startOssGateway, type OssGateway } from '../gateway/ossGateway';
import {
  abortMultipartUpload,
  configureTransport,
  deleteObject,
  getObject,
  headObject,
  listBuckets,
  listMultipartUploads,
  listObjects,
  readBody,
  presignPut,
  ServiceError,
  uploadFile,
  type ConnectionOptions,
} from '../../src/core/index';

const HZ = 'cn-hangzhou';
const BJ = 'cn-beijing';
const suffix = randomBytes(3).toString('hex');
const HZ_BUCKET = `gw-hz-${suffix}`;
const BJ_BUCKET = `gw-bj-${suffix}`;
const ACCESS_KEY_ID = 'LTAI5tGatewayTestKey';
const SECRET = `gateway-secret-${suffix}`;
const MiB = 1024 * 1024;

/** Sends a request through the gateway as a forward proxy (absolute-form request URI), exactly as given. */
function viaProxy(
  gw: OssGateway,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: gw.port, method: init.method ?? 'GET', path: url, headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const element = (xml: string, name: string) =>
  new RegExp(`<${name}>([\\s\\S]*?)</${name}>`)
    .exec(xml)?.[1]
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function oss(region: string, extra: Partial<ConnectionOptions> = {}): ConnectionOptions {
  return {
    provider: 'oss',
    endpoint: `http://oss-${region}.aliyuncs.com`,
    region,
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: SECRET,
    ...extra,
  };
}

describe('OSS gateway in front of radosgw', () => {
  let gw: OssGateway | undefined;

  before(async () => {
    const s3 = s3TestEnv();
    if (!s3) return;
    gw = await startOssGateway({
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: SECRET,
      upstream: {
        endpoint: s3.endpoint,
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.accessKeySecret,
      },
      buckets: { [HZ]: [HZ_BUCKET], [BJ]: [BJ_BUCKET] },
      deleteBucketsOnClose: true,
    });
    // Loopback targets too: the OSS host names never resolve, only the proxy knows them.
    configureTransport({ proxy: gw.url, noProxy: '' });
  });

  after(async () => {
    if (!gw) return;
    // Empty the per-run buckets (whatever a test left), then close() deletes them upstream.
    for (const [region, bucket] of [
      [HZ, HZ_BUCKET],
      [BJ, BJ_BUCKET],
    ]) {
      const conn = { ...oss(region), bucket };
      for (const u of (await listMultipartUploads(conn)).uploads)
        await abortMultipartUpload({ ...conn, key: u.key, uploadId: u.uploadId });
      for (const o of (await listObjects({ ...conn, maxKeys: 1000 })).objects)
        await deleteObject({ ...conn, key: o.key });
    }
    configureTransport({ noProxy: '' });
    await gw.close();
  });

  function skipWithoutServer(t: { skip(reason: string): void }): boolean {
    if (gw) return false;
    if (isCI()) throw new Error('CI=true but radosgw is not configured');
    t.skip(NO_S3_SKIP_REASON);
    return true;
  }

  /** An ali-oss client whose connections all go to the gateway (as if DNS resolved the OSS hosts to it). */
  function aliOss(region: string, bucket: string, v4: boolean) {
    const port = gw!.port;
    class ToGateway extends http.Agent {
      override createConnection(): net.Socket {
        return net.connect(port, '127.0.0.1');
      }
    }
    return new AliOssClient({
      region: `oss-${region}`,
      bucket,
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: SECRET,
      secure: false,
      authorizationV4: v4,
      agent: new ToGateway(),
    }) as unknown as {
      put(key: string, body: Buffer, options?: Record<string, unknown>): Promise<{ res: { status: number } }>;
      get(key: string): Promise<{ content: Buffer; res: { headers: Record<string, string> } }>;
      listV2(query: Record<string, unknown>): Promise<{ objects: Array<{ name: string }> }>;
      multipartUpload(
        key: string,
        file: string,
        options: Record<string, unknown>,
      ): Promise<{ res: { status: number } }>;
      listBuckets(query?: Record<string, unknown>): Promise<{ buckets: Array<{ name: string; region: string }> }>;
      delete(key: string): Promise<unknown>;
    };
  }

  it('ListBuckets on either region lists the buckets of both, each with its Location, endpoints and Region', async (t) => {
    if (skipWithoutServer(t)) return;
    for (const region of [HZ, BJ]) {
      const { buckets } = await listBuckets(oss(region));
      const ours = buckets.filter((b) => b.name.endsWith(suffix)).sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(
        ours.map((b) => [b.name, b.region, b.extranetEndpoint]),
        [
          [BJ_BUCKET, BJ, `oss-${BJ}.aliyuncs.com`],
          [HZ_BUCKET, HZ, `oss-${HZ}.aliyuncs.com`],
        ],
      );
    }
    const raw = await viaProxy(gw!, `http://oss-${HZ}.aliyuncs.com/`);
    assert.equal(raw.status, 403, 'an unsigned ListBuckets was answered');
    const v1 = await aliOss(HZ, HZ_BUCKET, false).listBuckets({ prefix: 'gw-' });
    assert.ok(
      v1.buckets.some((b) => b.name === BJ_BUCKET && b.region === `oss-${BJ}`),
      JSON.stringify(v1.buckets),
    );
    assert.ok(gw!.requests.some((r) => r.dialect === 'oss-v1-header' && r.status === 200));
  });

  for (const [version, addressing] of [
    ['v4', 'virtual'],
    ['v4', 'path'],
    ['v1', 'virtual'],
  ] as const) {
    it(`a presigned OSS ${version} PUT URL (${addressing} style) uploads with its headers and 403s with one changed`, async (t) => {
      if (skipWithoutServer(t)) return;
      const conn = oss(HZ, { signatureVersion: version, addressing });
      const key = uniqueKey(`presign-${version}/report 2026 ü`);
      const signed = presignPut({
        ...conn,
        bucket: HZ_BUCKET,
        key,
        expiresSeconds: 600,
        headers: { 'Content-Type': 'text/plain' },
        metadata: { owner: 'ana' },
      });
      const host = new URL(signed.url).host;
      assert.equal(host, addressing === 'path' ? `oss-${HZ}.aliyuncs.com` : `${HZ_BUCKET}.oss-${HZ}.aliyuncs.com`);

      const ok = await viaProxy(gw!, signed.url, { method: 'PUT', headers: signed.headers, body: 'hello gateway' });
      assert.equal(ok.status, 200, ok.body);
      const dialect = version === 'v4' ? 'oss-v4-query' : 'oss-v1-query';
      assert.ok(gw!.requests.some((r) => r.dialect === dialect && r.method === 'PUT' && r.status === 200));
      const head = await headObject({ ...oss(HZ), bucket: HZ_BUCKET, key });
      assert.ok(head);
      assert.equal(head.contentType, 'text/plain');
      assert.deepEqual(head.metadata, { owner: 'ana' });
      assert.equal(await readBody(await getObject({ ...oss(HZ), bucket: HZ_BUCKET, key })), 'hello gateway');

      const changed = await viaProxy(gw!, signed.url, {
        method: 'PUT',
        headers: { ...signed.headers, 'Content-Type': 'text/html' },
        body: 'tampered',
      });
      assert.equal(changed.status, 403, changed.body);
      assert.equal(element(changed.body, 'Code'), 'SignatureDoesNotMatch');
      assert.equal(element(changed.body, 'EC'), '0002-00000040');
      const stringToSign = element(changed.body, 'StringToSign') ?? '';
      if (version === 'v4') {
        assert.match(
          stringToSign,
          new RegExp(`^OSS4-HMAC-SHA256\\n\\d{8}T\\d{6}Z\\n\\d{8}/${HZ}/oss/aliyun_v4_request\\n[0-9a-f]{64}$`),
        );
        const canonical = element(changed.body, 'CanonicalRequest') ?? '';
        assert.match(canonical, /^PUT\n\/gw-hz-[0-9a-f]+\/presign-v4\/report%202026%20%C3%BC/);
        assert.match(canonical, /\ncontent-type:text\/html\n/);
        assert.match(canonical, /\nx-oss-meta-owner:ana\n/);
      } else {
        assert.match(
          stringToSign,
          /^PUT\n\ntext\/html\n\d+\nx-oss-meta-owner:ana\n\/gw-hz-[0-9a-f]+\/presign-v1\/report 2026 ü/,
        );
        assert.equal(element(changed.body, 'CanonicalRequest'), undefined);
      }
      assert.equal(await readBody(await getObject({ ...oss(HZ), bucket: HZ_BUCKET, key })), 'hello gateway');
    });
  }

  for (const version of ['v4', 'v1'] as const) {
    it(`OSS ${version}: a URL signed with the wrong secret gets SignatureDoesNotMatch, an expired one "Request has expired."`, async (t) => {
      if (skipWithoutServer(t)) return;
      const key = uniqueKey(`refused-${version}`);
      const base = { ...oss(HZ, { signatureVersion: version }), bucket: HZ_BUCKET, key };
      const wrong = presignPut({ ...base, accessKeySecret: 'not-the-secret', expiresSeconds: 600 });
      const r1 = await viaProxy(gw!, wrong.url, { method: 'PUT', headers: wrong.headers, body: 'x' });
      assert.equal(r1.status, 403);
      assert.equal(element(r1.body, 'Code'), 'SignatureDoesNotMatch');
      assert.equal(element(r1.body, 'OSSAccessKeyId'), ACCESS_KEY_ID);

      const expired = presignPut({ ...base, expiresSeconds: 60, date: new Date(Date.now() - 3600_000) });
      const r2 = await viaProxy(gw!, expired.url, { method: 'PUT', headers: expired.headers, body: 'x' });
      assert.equal(r2.status, 403, r2.body);
      assert.equal(element(r2.body, 'Code'), 'AccessDenied');
      assert.equal(element(r2.body, 'Message'), 'Request has expired.');
      assert.equal(element(r2.body, 'EC'), '0002-00000069');

      const unknownKey = presignPut({ ...base, accessKeyId: 'LTAI5tSomeoneElse', expiresSeconds: 600 });
      const r3 = await viaProxy(gw!, unknownKey.url, { method: 'PUT', headers: unknownKey.headers, body: 'x' });
      assert.equal(element(r3.body, 'Code'), 'InvalidAccessKeyId');
      assert.equal(await headObject({ ...oss(HZ), bucket: HZ_BUCKET, key }), null, 'a refused PUT stored the object');
    });
  }

  for (const version of ['v4', 'v1'] as const) {
    it(`core's upload with OSS ${version} header signing: single PUT, then multipart with metadata and storage class`, async (t) => {
      if (skipWithoutServer(t)) return;
      const conn = oss(BJ, { signatureVersion: version });
      const dir = mkdtempSync(join(tmpdir(), 'oss-gw-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const small = join(dir, 'small.txt');
      writeFileSync(small, 'small file');
      const big = join(dir, 'big.bin');
      const bytes = randomBytes(11 * MiB);
      writeFileSync(big, bytes);
      const dialect = version === 'v4' ? 'oss-v4-header' : 'oss-v1-header';
      const before = gw!.requests.length;

      const smallKey = uniqueKey(`upload-${version}/small`);
      await uploadFile({ ...conn, bucket: BJ_BUCKET, key: smallKey, filePath: small });
      assert.equal(await readBody(await getObject({ ...conn, bucket: BJ_BUCKET, key: smallKey })), 'small file');

      const bigKey = uniqueKey(`upload-${version}/big`);
      const result = await uploadFile({
        ...conn,
        bucket: BJ_BUCKET,
        key: bigKey,
        filePath: big,
        partSize: 5 * MiB,
        multipartThreshold: 5 * MiB,
        metadata: { owner: 'ana' },
        headers: { 'x-oss-storage-class': 'IA' },
      });
      assert.equal(result.bytes, bytes.length);
      const head = await headObject({ ...conn, bucket: BJ_BUCKET, key: bigKey });
      assert.ok(head);
      assert.equal(head.size, bytes.length);
      assert.deepEqual(head.metadata, { owner: 'ana' });
      assert.equal(head.headers['x-oss-storage-class'], 'IA');
      const res = await getObject({ ...conn, bucket: BJ_BUCKET, key: bigKey });
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      assert.ok(Buffer.concat(chunks).equals(bytes), 'stored bytes differ');

      const mine = gw!.requests.slice(before);
      const parts = mine.filter((r) => r.method === 'PUT' && /[?&]partNumber=\d/.test(r.target));
      assert.equal(parts.length, 3, mine.map((r) => `${r.method} ${r.target}`).join('\n'));
      assert.ok(mine.some((r) => r.method === 'POST' && /[?&]uploads(=|&|$)/.test(r.target)));
      assert.ok(mine.some((r) => r.method === 'POST' && /[?&]uploadId=/.test(r.target) && r.status === 200));
      assert.deepEqual(
        mine.filter((r) => r.dialect !== dialect),
        [],
        `every request verified as ${dialect}`,
      );
      const page = await listObjects({ ...conn, bucket: BJ_BUCKET, prefix: `upload-${version}/` });
      assert.deepEqual(page.objects.map((o) => o.key).sort(), [bigKey, smallKey].sort());
    });
  }

  it('incomplete uploads list and abort through the gateway; a bucket asked on the other region gets its endpoint', async (t) => {
    if (skipWithoutServer(t)) return;
    const conn = oss(HZ);
    const key = uniqueKey('incomplete');
    const started = await viaProxy(gw!, `http://${HZ_BUCKET}.oss-${HZ}.aliyuncs.com/${key}?uploads`, {
      method: 'POST',
    });
    assert.equal(started.status, 403, 'an unsigned InitiateMultipartUpload was answered');
    // ali-oss starts one (V4 header signing), core lists and aborts it.
    const client = aliOss(HZ, HZ_BUCKET, true) as unknown as {
      initMultipartUpload(key: string): Promise<{ uploadId: string }>;
    };
    const { uploadId } = await client.initMultipartUpload(key);
    const listed = await listMultipartUploads({ ...conn, bucket: HZ_BUCKET, prefix: key });
    assert.deepEqual(
      listed.uploads.map((u) => [u.key, u.uploadId]),
      [[key, uploadId]],
    );
    await abortMultipartUpload({ ...conn, bucket: HZ_BUCKET, key, uploadId });
    assert.deepEqual((await listMultipartUploads({ ...conn, bucket: HZ_BUCKET, prefix: key })).uploads, []);

    await assert.rejects(listObjects({ ...oss(BJ), bucket: HZ_BUCKET }), (e: unknown) => {
      assert.ok(e instanceof ServiceError, String(e));
      assert.equal(e.code, 'AccessDenied');
      assert.match(JSON.stringify(e.details), /oss-cn-hangzhou\.aliyuncs\.com/);
      return true;
    });
  });

  it('the ali-oss SDK itself (V4 and V1) puts, lists, gets and uploads multipart through the gateway', async (t) => {
    if (skipWithoutServer(t)) return;
    const dir = mkdtempSync(join(tmpdir(), 'oss-gw-sdk-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    for (const v4 of [true, false]) {
      const client = aliOss(BJ, BJ_BUCKET, v4);
      const prefix = uniqueKey(`sdk-${v4 ? 'v4' : 'v1'}/`);
      const key = `${prefix}note (1).txt`;
      const put = await client.put(key, Buffer.from('from ali-oss'), { meta: { owner: 'ana' }, mime: 'text/plain' });
      assert.equal(put.res.status, 200);
      const got = await client.get(key);
      assert.equal(got.content.toString(), 'from ali-oss');
      assert.equal(got.res.headers['x-oss-meta-owner'], 'ana');
      const list = await client.listV2({ prefix, 'max-keys': 10 });
      assert.deepEqual(
        list.objects.map((o) => o.name),
        [key],
      );
      const file = join(dir, `${v4}.bin`);
      writeFileSync(file, randomBytes(6 * MiB));
      const bigKey = `${prefix}big.bin`;
      const mp = await client.multipartUpload(bigKey, file, { partSize: 5 * MiB });
      assert.equal(mp.res.status, 200);
      assert.equal((await headObject({ ...oss(BJ), bucket: BJ_BUCKET, key: bigKey }))?.size, 6 * MiB);
    }
  });
});
