// presignPut against a server that really verifies SigV4 (Ceph radosgw, ../shared/s3-server/README.md): the URL and
// headers it returns are accepted, and every deviation from them is rejected. Requests go out through rawRequest, so
// the path reaches the server byte for byte (no URL normalisation).
import { before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { authorizeRequest, presignPut, signSigV4Query, uriEncode, type PresignPutOptions } from '../../src/core/index';
import { NO_S3_SKIP_REASON, rawRequest, s3TestEnv, uniqueKey, type RawResponse, type S3TestEnv } from './helpers/env';

const errorCode = (res: RawResponse) => /<Code>([^<]*)<\/Code>/.exec(res.body)?.[1];
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('presignPut against radosgw (real SigV4 verification)', () => {
  let env: S3TestEnv | undefined;
  before(() => {
    env = s3TestEnv();
  });

  /** The server, or a skip (outside CI) when none is running. */
  function server(t: TestContext): S3TestEnv | undefined {
    if (!env) t.skip(NO_S3_SKIP_REASON);
    return env;
  }

  const options = (s3: S3TestEnv, key: string, extra: Partial<PresignPutOptions> = {}): PresignPutOptions => ({
    provider: 's3',
    endpoint: s3.endpoint,
    region: s3.region,
    addressing: 'path',
    accessKeyId: s3.accessKeyId,
    accessKeySecret: s3.accessKeySecret,
    bucket: s3.bucket,
    key,
    expiresSeconds: 900,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    metadata: { Owner: 'ana', project: 'oss presign' },
    ...extra,
  });

  /** Reads an object back with a header-signed GET (the core's authorizeRequest), path as sent by the PUT. */
  async function getBack(s3: S3TestEnv, path: string): Promise<RawResponse> {
    const host = new URL(s3.endpoint).host;
    const auth = authorizeRequest({
      provider: 's3',
      signatureVersion: 'v4',
      method: 'GET',
      region: s3.region,
      path,
      host,
      query: [],
      headers: {},
      accessKeyId: s3.accessKeyId,
      accessKeySecret: s3.accessKeySecret,
      date: new Date(),
    });
    return rawRequest({ method: 'GET', url: s3.endpoint + path, headers: auth.headers });
  }

  const pathOf = (url: string) => /^https?:\/\/[^/]+([^?]*)/.exec(url)![1]!;

  it('path style: 200 with the returned headers; GET gives the same bytes, Content-Type and metadata', async (t) => {
    const s3 = server(t);
    if (!s3) return;
    const r = presignPut(options(s3, uniqueKey('presign/path')));
    assert.deepEqual(r.signedHeaders, ['content-type', 'host', 'x-amz-meta-owner', 'x-amz-meta-project']);
    const body = randomBytes(4096);
    const put = await rawRequest({ method: 'PUT', url: r.url, headers: r.headers, body });
    assert.equal(put.status, 200, put.body);
    const got = await getBack(s3, pathOf(r.url));
    assert.equal(got.status, 200, got.body);
    assert.ok(got.bytes.equals(body), 'same bytes');
    assert.equal(got.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(got.headers['x-amz-meta-owner'], 'ana');
    assert.equal(got.headers['x-amz-meta-project'], 'oss presign');
  });

  it('virtual-hosted style: the same signer with Host test-bucket.localhost:PORT (connecting to 127.0.0.1) is accepted', async (t) => {
    // presignPut serves "virtual" on a localhost or IP endpoint as path style (endpoint.ts objectUrl: Node cannot
    // resolve <bucket>.localhost), so the virtual-hosted request is signed with signSigV4Query, which presignPut uses.
    const s3 = server(t);
    if (!s3) return;
    const port = new URL(s3.endpoint).port;
    const localhostEndpoint = `http://localhost:${port}`;
    assert.ok(
      presignPut(options(s3, 'k', { endpoint: localhostEndpoint, addressing: 'virtual' })).url.startsWith(
        `${localhostEndpoint}/${s3.bucket}/k?`,
      ),
    );

    const key = uniqueKey('presign/virtual') + '/a b+c.txt';
    const host = `${s3.bucket}.localhost:${port}`;
    const path = '/' + uriEncode(key, true);
    const headers = { 'Content-Type': 'application/json', 'x-amz-meta-owner': 'ana' };
    const signed = signSigV4Query({
      method: 'PUT',
      path,
      host,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.accessKeySecret,
      date: new Date(),
      headers,
      expiresSeconds: 900,
    });
    const url = `http://${host}${path}?${signed.query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&')}`;
    const put = await rawRequest({ method: 'PUT', url, headers, body: '{"ok":true}' });
    assert.equal(put.status, 200, put.body);
    const tampered = await rawRequest({
      method: 'PUT',
      url,
      headers: { ...headers, 'x-amz-meta-owner': 'eve' },
      body: '{"ok":true}',
    });
    assert.equal(tampered.status, 403);
    const got = await getBack(s3, `/${s3.bucket}${path}`);
    assert.equal(got.body, '{"ok":true}');
    assert.equal(got.headers['x-amz-meta-owner'], 'ana');
  });

  describe('x-amz-content-sha256 chosen as a header: its value is the payload hash the server checks', () => {
    /** Deletes what a case uploaded (path as the PUT sent it), whatever the case's outcome. */
    async function remove(s3: S3TestEnv, path: string): Promise<void> {
      const auth = authorizeRequest({
        provider: 's3',
        signatureVersion: 'v4',
        method: 'DELETE',
        region: s3.region,
        path,
        host: new URL(s3.endpoint).host,
        query: [],
        headers: {},
        accessKeyId: s3.accessKeyId,
        accessKeySecret: s3.accessKeySecret,
        date: new Date(),
      });
      await rawRequest({ method: 'DELETE', url: s3.endpoint + path, headers: auth.headers });
    }

    it('the body whose SHA-256 was signed: 200, and GET gives it back', async (t) => {
      const s3 = server(t);
      if (!s3) return;
      const body = randomBytes(2048);
      const r = presignPut(
        options(s3, uniqueKey('presign/sha256'), {
          headers: { 'Content-Type': 'application/octet-stream', 'x-amz-content-sha256': sha256(body) },
          metadata: {},
        }),
      );
      t.after(() => remove(s3, pathOf(r.url)));
      assert.deepEqual(r.signedHeaders, ['content-type', 'host', 'x-amz-content-sha256']);
      const put = await rawRequest({ method: 'PUT', url: r.url, headers: r.headers, body });
      assert.equal(put.status, 200, put.body);
      const got = await getBack(s3, pathOf(r.url));
      assert.ok(got.bytes.equals(body), 'same bytes');
    });

    it('another body with the same URL and headers: rejected, and nothing is stored', async (t) => {
      const s3 = server(t);
      if (!s3) return;
      const body = randomBytes(2048);
      const r = presignPut(
        options(s3, uniqueKey('presign/sha256-other'), {
          headers: { 'X-Amz-Content-SHA256': sha256(body) },
          metadata: {},
        }),
      );
      t.after(() => remove(s3, pathOf(r.url)));
      const other = Buffer.concat([body.subarray(0, 2047), Buffer.from([body[2047]! ^ 1])]);
      const put = await rawRequest({ method: 'PUT', url: r.url, headers: r.headers, body: other });
      assert.ok(put.status >= 400 && put.status < 500, `expected a 4xx, got ${put.status}: ${put.body}`);
      assert.equal(errorCode(put), 'XAmzContentSHA256Mismatch', put.body);
      assert.equal((await getBack(s3, pathOf(r.url))).status, 404);
    });
  });

  describe('rejections: 403 when the request is not the signed one', () => {
    const deny = async (
      t: TestContext,
      change: (r: ReturnType<typeof presignPut>) => { url: string; headers: Record<string, string> },
      code = 'SignatureDoesNotMatch',
    ) => {
      const s3 = server(t);
      if (!s3) return;
      const r = presignPut(options(s3, uniqueKey('presign/deny')));
      const { url, headers } = change(r);
      const res = await rawRequest({ method: 'PUT', url, headers, body: 'payload' });
      assert.equal(res.status, 403, `expected 403, got ${res.status}: ${res.body}`);
      assert.equal(errorCode(res), code);
      // And the unchanged request is accepted, so the 403 comes from the change alone.
      const ok = await rawRequest({ method: 'PUT', url: r.url, headers: r.headers, body: 'payload' });
      assert.equal(ok.status, 200, ok.body);
    };

    it('Content-Type differs from the signed one', (t) =>
      deny(t, (r) => ({ url: r.url, headers: { ...r.headers, 'Content-Type': 'text/html' } })));

    it('a signed metadata header is missing', (t) =>
      deny(t, (r) => {
        const { 'x-amz-meta-project': _dropped, ...rest } = r.headers;
        return { url: r.url, headers: rest };
      }));

    it('a metadata value differs', (t) =>
      deny(t, (r) => ({ url: r.url, headers: { ...r.headers, 'x-amz-meta-owner': 'eve' } })));

    it('the signature is altered (one hex digit)', (t) =>
      deny(t, (r) => ({
        url: r.url.replace(
          /(X-Amz-Signature=[0-9a-f]{10})([0-9a-f])/,
          (_, a: string, d: string) => a + (d === '0' ? '1' : '0'),
        ),
        headers: r.headers,
      })));

    it('X-Amz-Expires is changed after signing', (t) =>
      deny(t, (r) => ({ url: r.url.replace('X-Amz-Expires=900', 'X-Amz-Expires=901'), headers: r.headers })));

    it('the URL has expired (signed 2 hours ago for 3600 s): 403 AccessDenied', async (t) => {
      const s3 = server(t);
      if (!s3) return;
      const r = presignPut(
        options(s3, uniqueKey('presign/expired'), { date: new Date(Date.now() - 2 * 3600_000), expiresSeconds: 3600 }),
      );
      const res = await rawRequest({ method: 'PUT', url: r.url, headers: r.headers, body: 'late' });
      assert.equal(res.status, 403, res.body);
      assert.equal(errorCode(res), 'AccessDenied');
    });

    it('an unsigned x-amz-* header is outside X-Amz-SignedHeaders (AWS: 403 "headers not signed"; radosgw 16.2.15 does not check: 200)', async (t) => {
      // radosgw cannot prove this rejection: it accepts unsigned x-amz-* headers on presigned requests (measured here).
      // What the core controls is asserted instead: the header is not signed, so AWS S3 rejects the request.
      const s3 = server(t);
      if (!s3) return;
      const r = presignPut(options(s3, uniqueKey('presign/unsigned')));
      assert.ok(!r.signedHeaders.includes('x-amz-meta-extra'));
      assert.ok(!new URL(r.url).searchParams.get('X-Amz-SignedHeaders')!.includes('x-amz-meta-extra'));
      const res = await rawRequest({
        method: 'PUT',
        url: r.url,
        headers: { ...r.headers, 'x-amz-meta-extra': 'unsigned' },
        body: 'payload',
      });
      assert.equal(res.status, 200, 'radosgw started rejecting unsigned x-amz-* headers: make this a 403 assertion');
    });
  });

  describe('odd keys round-trip (PUT presigned, GET back by the same path)', () => {
    const keys = [
      'sp ace.txt',
      'plus+sign',
      '100%',
      'why?.txt',
      'hash#tag',
      'tilde~',
      "*!'()",
      'Überblick ünïcødé 名前.txt',
      'emoji 😀🚀.png',
      'a//b/',
      'semi;colon=eq&amp@at:colon$',
    ];
    for (const name of keys) {
      it(JSON.stringify(name), async (t) => {
        const s3 = server(t);
        if (!s3) return;
        const key = uniqueKey('presign/odd') + '/' + name;
        const r = presignPut(options(s3, key, { headers: {}, metadata: {} }));
        const put = await rawRequest({ method: 'PUT', url: r.url, headers: r.headers, body: name });
        assert.equal(put.status, 200, put.body);
        const got = await getBack(s3, pathOf(r.url));
        assert.equal(got.status, 200, got.body);
        assert.equal(got.body, name);
      });
    }
  });

  describe('STS token (radosgw signs but does not validate tokens)', () => {
    it('X-Amz-Security-Token is signed: accepted as issued, 403 once changed', async (t) => {
      const s3 = server(t);
      if (!s3) return;
      const r = presignPut(
        options(s3, uniqueKey('presign/sts'), { securityToken: 'FwoGZXIvYXdzEXAMPLE/token+value==' }),
      );
      assert.match(r.url, /X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE%2Ftoken%2Bvalue%3D%3D/);
      const ok = await rawRequest({ method: 'PUT', url: r.url, headers: r.headers, body: 'sts' });
      assert.equal(ok.status, 200, ok.body);
      const res = await rawRequest({
        method: 'PUT',
        url: r.url.replace('EXAMPLE%2Ftoken', 'EXAMPLE%2Ftokem'),
        headers: r.headers,
        body: 'sts',
      });
      assert.equal(res.status, 403, res.body);
      assert.equal(errorCode(res), 'SignatureDoesNotMatch');
    });
  });
});
