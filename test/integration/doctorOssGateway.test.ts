// The doctor reading real OSS 403 bodies: the OSS test gateway (test/gateway/ossGateway.ts) verifies every presigned
// OSS V4 and V1 URL with ali-oss's own signer and answers a bad one as OSS does (error XML with EC, StringToSign and,
// for V4, CanonicalRequest). For each dialect the doctor is given what the gateway answered and must clear a request
// that passed and name the cause of one that failed: a changed or added header, a wrong secret, an expired URL, the
// wrong method, a bucket of another region.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { AliOssClient } from './helpers/aliOss';
import { NO_S3_SKIP_REASON, s3TestEnv, uniqueKey } from './helpers/env';
import { startOssGateway, type OssGateway } from '../gateway/ossGateway';
import {
  configureTransport,
  deleteObject,
  diagnoseFromErrorXml,
  presignPut,
  type ConnectionOptions,
  type PresignPutOptions,
} from '../../src/core/index';

const env = s3TestEnv();
const HZ = 'cn-hangzhou';
const BJ = 'cn-beijing';
const suffix = randomBytes(3).toString('hex');
const HZ_BUCKET = `doc-hz-${suffix}`;
const BJ_BUCKET = `doc-bj-${suffix}`;
const ACCESS_KEY_ID = 'LTAI5tDoctorGatewayKey';
const SECRET = `doctor-gateway-secret-${suffix}`;

const verdict = (d: { causes: Array<{ code: string; header?: string }> }) =>
  d.causes.map((c) => (c.header ? `${c.code}:${c.header}` : c.code));

interface Answer {
  status: number;
  date: string;
  body: string;
}

/** Sends the request through the gateway as a forward proxy (absolute-form URI), exactly as given. */
function viaProxy(gw: OssGateway, url: string, method: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = 'hello doctor';
    const req = http.request(
      {
        host: '127.0.0.1',
        port: gw.port,
        method,
        path: url,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            date: String(res.headers.date ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the doctor reads the OSS gateway 403 bodies', { skip: env ? false : NO_S3_SKIP_REASON }, () => {
  let gw: OssGateway;
  const written: Array<[ConnectionOptions, string, string]> = [];

  before(async () => {
    gw = await startOssGateway({
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: SECRET,
      upstream: {
        endpoint: env!.endpoint,
        region: env!.region,
        accessKeyId: env!.accessKeyId,
        secretAccessKey: env!.accessKeySecret,
      },
      buckets: { [HZ]: [HZ_BUCKET], [BJ]: [BJ_BUCKET] },
    });
    configureTransport({ proxy: gw.url, noProxy: '' });
  });

  after(async () => {
    for (const [conn, bucket, key] of written) await deleteObject({ ...conn, bucket, key }).catch(() => undefined);
    const port = gw.port;
    class ToGateway extends http.Agent {
      override createConnection(): net.Socket {
        return net.connect(port, '127.0.0.1');
      }
    }
    for (const [region, bucket] of [
      [HZ, HZ_BUCKET],
      [BJ, BJ_BUCKET],
    ]) {
      const client = new AliOssClient({
        region: `oss-${region}`,
        bucket,
        accessKeyId: ACCESS_KEY_ID,
        accessKeySecret: SECRET,
        secure: false,
        agent: new ToGateway(),
      }) as unknown as { deleteBucket(name: string): Promise<unknown> };
      await client.deleteBucket(bucket).catch(() => undefined);
    }
    configureTransport({ noProxy: '' });
    await gw.close();
  });

  for (const version of ['v4', 'v1'] as const) {
    const connection = (region = HZ, secret = SECRET): ConnectionOptions => ({
      provider: 'oss',
      signatureVersion: version,
      endpoint: `http://oss-${region}.aliyuncs.com`,
      region,
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: secret,
    });
    const presign = (extra: Partial<PresignPutOptions> = {}, region = HZ, bucket = HZ_BUCKET) => {
      const conn = connection(region);
      const key = uniqueKey(`doctor-${version}/report 2026`);
      written.push([conn, bucket, key]);
      return presignPut({
        ...conn,
        bucket,
        key,
        expiresSeconds: 600,
        headers: { 'Content-Type': 'text/plain' },
        metadata: { owner: 'ana' },
        ...extra,
      });
    };
    const diagnoseAnswer = (
      url: string,
      answer: Answer,
      sentHeaders: Record<string, string>,
      extra: { signedHeaderValues?: Record<string, string>; method?: string; secret?: string } = {},
    ) =>
      diagnoseFromErrorXml({
        url,
        sentHeaders,
        ...(extra.method ? { method: extra.method } : {}),
        signedHeaderValues: extra.signedHeaderValues,
        errorXml: answer.status >= 300 ? answer.body : undefined,
        serverDate: answer.date,
        credentials: { accessKeyId: ACCESS_KEY_ID, accessKeySecret: extra.secret ?? SECRET },
        now: new Date(),
      });

    it(`OSS ${version}: a request the gateway accepts is verified, with the signed values and without`, async () => {
      const r = presign();
      const answer = await viaProxy(gw, r.url, 'PUT', r.headers);
      assert.equal(answer.status, 200, answer.body);
      for (const signedHeaderValues of [r.headers, undefined]) {
        const d = diagnoseAnswer(r.url, answer, r.headers, signedHeaderValues ? { signedHeaderValues } : {});
        assert.deepEqual(verdict(d), []);
        assert.equal(d.verified, true);
      }
    });

    it(`OSS ${version}: a changed Content-Type gets 403 and the body names it`, async () => {
      const r = presign();
      const sent = { ...r.headers, 'Content-Type': 'text/html' };
      const answer = await viaProxy(gw, r.url, 'PUT', sent);
      assert.equal(answer.status, 403, answer.body);
      assert.match(answer.body, /<EC>0002-00000040<\/EC>/);
      const d = diagnoseAnswer(r.url, answer, sent, { signedHeaderValues: r.headers });
      assert.equal(d.serverError?.code, 'SignatureDoesNotMatch');
      assert.ok(d.serverError?.[version === 'v4' ? 'canonicalRequest' : 'stringToSign']?.includes('text/html'));
      assert.deepEqual(verdict(d), ['HeaderDiffers:content-type']);
      // The uploader believes it sent the signed headers: the server's own text says what it received.
      const believed = diagnoseAnswer(r.url, answer, r.headers);
      assert.deepEqual(verdict(believed), ['HeaderDiffers:content-type']);
    });

    it(`OSS ${version}: an added x-oss-meta header gets 403 and is named without the signed values`, async () => {
      const r = presign();
      const sent = { ...r.headers, 'x-oss-meta-extra': 'yes' };
      const answer = await viaProxy(gw, r.url, 'PUT', sent);
      assert.equal(answer.status, 403, answer.body);
      assert.deepEqual(verdict(diagnoseAnswer(r.url, answer, sent)), ['HeaderAdded:x-oss-meta-extra']);
    });

    it(`OSS ${version}: a URL signed with a wrong secret: the request verifies with it, so the secret is named`, async () => {
      const r = presignPut({
        ...connection(HZ, 'not-the-secret'),
        bucket: HZ_BUCKET,
        key: uniqueKey(`doctor-${version}/wrong-secret`),
        expiresSeconds: 600,
        headers: { 'Content-Type': 'text/plain' },
      });
      const answer = await viaProxy(gw, r.url, 'PUT', r.headers);
      assert.equal(answer.status, 403, answer.body);
      const d = diagnoseAnswer(r.url, answer, r.headers, { secret: 'not-the-secret' });
      assert.deepEqual(verdict(d), ['WrongSecret']);
      assert.equal(d.verified, true);
    });

    it(`OSS ${version}: an expired URL gets AccessDenied "Request has expired." and is Expired`, async () => {
      const r = presign({ date: new Date(Date.now() - 3 * 3600_000), expiresSeconds: 60 });
      const answer = await viaProxy(gw, r.url, 'PUT', r.headers);
      assert.equal(answer.status, 403, answer.body);
      const d = diagnoseAnswer(r.url, answer, r.headers);
      assert.deepEqual(verdict(d), ['Expired']);
    });

    it(`OSS ${version}: a PUT URL sent as POST is MethodMismatch`, async () => {
      const r = presign();
      const answer = await viaProxy(gw, r.url, 'POST', r.headers);
      assert.equal(answer.status, 403, answer.body);
      const d = diagnoseAnswer(r.url, answer, r.headers, { method: 'POST' });
      assert.deepEqual(verdict(d), ['MethodMismatch']);
    });

    it(`OSS ${version}: a Beijing bucket addressed through Hangzhou names the endpoint to use`, async () => {
      const r = presign({}, HZ, BJ_BUCKET);
      const answer = await viaProxy(gw, r.url, 'PUT', r.headers);
      assert.equal(answer.status, 403, answer.body);
      const d = diagnoseAnswer(r.url, answer, r.headers);
      assert.deepEqual(verdict(d), ['WrongEndpoint']);
      assert.equal(d.causes[0].endpoint, `oss-${BJ}.aliyuncs.com`);
      assert.equal(d.causes[0].region, BJ);
    });
  }
});
