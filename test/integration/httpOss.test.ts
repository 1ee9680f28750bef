// The OSS dialects on the wire: a loopback server re-verifies every request the client sends with ali-oss's
// own signer (signUtils.authorizationV4 / buildCanonicalString) over the headers and query it actually
// received, so a header that is signed but not sent (or sent but signed differently) fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { readBody, sendSigned } from '../../src/core/http/client';
import { listObjects } from '../../src/core/api/listObjects';
import { listBuckets } from '../../src/core/api/listBuckets';
import { deleteObject, getObject, headObject } from '../../src/core/api/objects';
import { getBucketCors, putBucketCors } from '../../src/core/api/bucketCors';
import { ServiceError } from '../../src/core/errors';
import type { ConnectionOptions } from '../../src/core/types';

interface AliSignUtils {
  authorizationV4(
    ak: string,
    sk: string,
    region: string,
    method: string,
    request: { headers: Record<string, string>; queries: Record<string, string | null> },
    bucket?: string,
    key?: string,
  ): string;
  buildCanonicalString(
    method: string,
    resource: string,
    request: { headers: Record<string, string>; parameters?: Record<string, string | null> },
    expires?: string,
  ): string;
  authorization(ak: string, sk: string, canonicalString: string): string;
}
const signUtils = createRequire(__filename)('ali-oss/lib/common/signUtils.js') as AliSignUtils;

const AK = 'LTAI5tWireTestKey0001';
const SK = 'wireTestSecret/0123+456=789';
const REGION = 'cn-hangzhou';
const V1_SUBRESOURCES = new Set([
  'acl',
  'uploads',
  'uploadId',
  'partNumber',
  'cors',
  'delete',
  'location',
  'tagging',
  'continuation-token',
]);

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

async function startOssServer() {
  const received: Received[] = [];
  const objects = new Map<string, { body: string; type: string; meta: Record<string, string> }>();
  let cors = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      // Path style on loopback: /<bucket>/<key>.
      const [, bucket = '', ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const queries: Record<string, string | null> = {};
      for (const [k, v] of url.searchParams) queries[k] = v === '' ? null : v;
      const auth = headers.authorization ?? '';
      let expected: string;
      if (auth.startsWith('OSS4-HMAC-SHA256')) {
        expected = signUtils.authorizationV4(
          AK,
          SK,
          REGION,
          req.method ?? '',
          { headers, queries },
          bucket || undefined,
          key || undefined,
        );
      } else {
        const sub: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(queries)) if (V1_SUBRESOURCES.has(k)) sub[k] = v;
        const resource = bucket ? `/${bucket}/${key}` : '/';
        expected = signUtils.authorization(
          AK,
          SK,
          signUtils.buildCanonicalString(req.method ?? '', resource, { headers, parameters: sub }, headers.date),
        );
      }
      const verified = auth === expected;
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, verified });
      const send = (status: number, xml = '', extra: Record<string, string> = {}) => {
        res.writeHead(status, {
          'content-type': 'application/xml',
          'x-oss-request-id': `rid-${received.length}`,
          ...extra,
        });
        res.end(req.method === 'HEAD' ? undefined : xml);
      };
      if (!verified)
        return send(
          403,
          '<Error><Code>SignatureDoesNotMatch</Code><Message>mismatch</Message><RequestId>r</RequestId><EC>0002-00000040</EC></Error>',
        );
      if (!bucket)
        return send(
          200,
          '<ListAllMyBucketsResult><Buckets><Bucket><Name>photos</Name><Region>cn-hangzhou</Region><Location>oss-cn-hangzhou</Location></Bucket></Buckets></ListAllMyBucketsResult>',
        );
      if ('cors' in queries) {
        if (req.method === 'PUT') {
          cors = body;
          return send(200);
        }
        return cors
          ? send(200, cors)
          : send(404, '<Error><Code>NoSuchCORSConfiguration</Code><Message>none</Message></Error>');
      }
      if (!key) {
        const list = [...objects.keys()].filter((k) => k.startsWith(queries.prefix ?? ''));
        const contents = list
          .map(
            (k) =>
              `<Contents><Key>${encodeURIComponent(k)}</Key><LastModified>2026-11-25T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>${objects.get(k)?.body.length}</Size></Contents>`,
          )
          .join('');
        return send(
          200,
          `<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        );
      }
      if (req.method === 'PUT') {
        const meta: Record<string, string> = {};
        for (const [k, v] of Object.entries(headers)) if (k.startsWith('x-oss-meta-')) meta[k] = v;
        objects.set(key, { body, type: headers['content-type'] ?? '', meta });
        return send(200, '', { etag: '"e"' });
      }
      const obj = objects.get(key);
      if (req.method === 'DELETE') {
        objects.delete(key);
        return send(204);
      }
      if (!obj) return send(404, '<Error><Code>NoSuchKey</Code><Message>no</Message></Error>');
      res.writeHead(200, {
        'content-type': obj.type,
        'content-length': String(Buffer.byteLength(obj.body)),
        etag: '"e"',
        'last-modified': 'Wed, 25 Nov 2026 00:00:00 GMT',
        ...obj.meta,
      });
      res.end(req.method === 'HEAD' ? undefined : obj.body);
    });
  });
  const stats = { connections: 0 };
  server.on('connection', () => stats.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const signatureVersion of ['v4', 'v1'] as const) {
  test(`OSS ${signatureVersion}: every request verifies with ali-oss's signer over what was received`, async (t) => {
    const server = await startOssServer();
    t.after(() => server.close());
    const conn: ConnectionOptions = {
      provider: 'oss',
      endpoint: server.endpoint,
      region: REGION,
      signatureVersion,
      accessKeyId: AK,
      accessKeySecret: SK,
    };
    const key = 'dir/a b+c ü😀.txt';

    assert.deepEqual((await listBuckets(conn)).buckets, [{ name: 'photos', region: 'cn-hangzhou' }]);
    const put = await sendSigned(conn, {
      method: 'PUT',
      bucket: 'photos',
      key,
      body: 'hello',
      headers: {
        'Content-Type': 'text/plain',
        'x-oss-meta-owner': 'ana',
        'x-oss-storage-class': 'IA',
        'Cache-Control': 'no-cache',
      },
    });
    await readBody(put);
    const page = await listObjects({
      ...conn,
      bucket: 'photos',
      prefix: 'dir/',
      delimiter: '/',
      continuationToken: 'tok+/=',
    });
    assert.deepEqual(
      page.objects.map((o) => o.key),
      [key],
    );
    const head = await headObject({ ...conn, bucket: 'photos', key });
    assert.deepEqual([head?.size, head?.contentType, head?.metadata], [5, 'text/plain', { owner: 'ana' }]);
    assert.equal(await readBody(await getObject({ ...conn, bucket: 'photos', key, range: [0, 4] })), 'hello');
    assert.deepEqual(await getBucketCors({ ...conn, bucket: 'photos' }), []);
    await putBucketCors({
      ...conn,
      bucket: 'photos',
      rules: [{ allowedOrigins: ['*'], allowedMethods: ['PUT'], allowedHeaders: ['*'], exposeHeaders: ['ETag'] }],
    });
    assert.equal((await getBucketCors({ ...conn, bucket: 'photos' }))[0].allowedMethods[0], 'PUT');
    await deleteObject({ ...conn, bucket: 'photos', key });
    assert.equal(await headObject({ ...conn, bucket: 'photos', key }), null);

    const bad = server.received.filter((r) => !r.verified).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(bad, []);
    assert.equal(server.received.length, 10);
    // Bodies read or drained, connections are kept alive and reused (undici may open a second one while the
    // first is being released, so not always exactly one).
    assert.ok(server.stats.connections <= 3, `${server.stats.connections} connections for 10 sequential requests`);
    if (signatureVersion === 'v4') {
      assert.ok(
        server.received.every(
          (r) =>
            r.headers['x-oss-content-sha256'] === 'UNSIGNED-PAYLOAD' &&
            /^\d{8}T\d{6}Z$/.test(String(r.headers['x-oss-date'])),
        ),
      );
    } else {
      assert.ok(
        server.received.every(
          (r) => /^OSS LTAI5tWireTestKey0001:/.test(String(r.headers.authorization)) && r.headers.date,
        ),
      );
    }
  });
}

test('OSS: a wrong secret is a ServiceError SignatureDoesNotMatch that keeps the EC code', async (t) => {
  const server = await startOssServer();
  t.after(() => server.close());
  await assert.rejects(
    listBuckets({
      provider: 'oss',
      endpoint: server.endpoint,
      region: REGION,
      accessKeyId: AK,
      accessKeySecret: 'not-the-secret',
    }),
    (e: unknown) => {
      assert.ok(e instanceof ServiceError);
      assert.equal(e.code, 'SignatureDoesNotMatch');
      assert.equal(e.ec, '0002-00000040');
      assert.match(e.message, /Set Secret/);
      return true;
    },
  );
});
