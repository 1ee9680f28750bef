// src/core/api/bucketLocation.ts: GetBucketLocation against a loopback server answering as OSS and S3 do, the
// `<LocationConstraint>` parser, and the region or endpoint that redirects and region errors name.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bucketRegionFromError, getBucketLocation } from '../../../src/core/api/bucketLocation';
import { ServiceError } from '../../../src/core/errors';
import { parseBucketLocation } from '../../../src/core/xml';
import type { Provider } from '../../../src/core/types';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A server answering `METHOD /path?query` from `answers` (404 otherwise), recording what it was asked. */
async function scriptedServer(t: TestContext, answers: Record<string, Answer>) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    const line = `${req.method} ${req.url}`;
    seen.push(line);
    const a = answers[line] ?? { status: 404, body: '<Error><Code>NoSuchBucket</Code><Message>no</Message></Error>' };
    res.writeHead(a.status, { date: new Date().toUTCString(), ...a.headers });
    res.end(req.method === 'HEAD' ? undefined : (a.body ?? ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const options = (provider: Provider, endpoint: string) => ({
  provider,
  endpoint,
  region: provider === 'oss' ? 'cn-hangzhou' : 'us-east-1',
  accessKeyId: 'AKID',
  accessKeySecret: 'secret',
  bucket: 'bkt',
});

describe('parseBucketLocation', () => {
  it('reads OSS constraints as bare region ids', () => {
    assert.equal(
      parseBucketLocation(
        '<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint>oss-cn-beijing</LocationConstraint>',
        'oss',
      ),
      'cn-beijing',
    );
  });

  it('reads S3 constraints: empty is us-east-1, EU is eu-west-1, others as written', () => {
    const ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
    assert.equal(parseBucketLocation(`<LocationConstraint ${ns}/>`, 's3'), 'us-east-1');
    assert.equal(parseBucketLocation(`<LocationConstraint ${ns}></LocationConstraint>`, 's3'), 'us-east-1');
    assert.equal(parseBucketLocation(`<LocationConstraint ${ns}>EU</LocationConstraint>`, 's3'), 'eu-west-1');
    assert.equal(
      parseBucketLocation(`<LocationConstraint ${ns}>ap-southeast-2</LocationConstraint>`, 's3'),
      'ap-southeast-2',
    );
  });

  it('rejects a body that is not a LocationConstraint', () => {
    assert.throws(() => parseBucketLocation('<ListAllMyBucketsResult/>', 's3'), /LocationConstraint/);
  });
});

describe('getBucketLocation', () => {
  it('asks GET ?location and reads the OSS answer', async (t) => {
    const s = await scriptedServer(t, {
      'GET /bkt/?location': { status: 200, body: '<LocationConstraint>oss-cn-shenzhen</LocationConstraint>' },
    });
    assert.deepEqual(await getBucketLocation(options('oss', s.endpoint)), { region: 'cn-shenzhen' });
    assert.deepEqual(s.seen, ['GET /bkt/?location']);
  });

  it('takes the region of an S3 PermanentRedirect from its x-amz-bucket-region header', async (t) => {
    const s = await scriptedServer(t, {
      'GET /bkt/?location=': {
        status: 301,
        headers: { 'x-amz-bucket-region': 'eu-west-1' },
        body: '<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Endpoint>bkt.s3.amazonaws.com</Endpoint><Bucket>bkt</Bucket></Error>',
      },
    });
    assert.deepEqual(await getBucketLocation(options('s3', s.endpoint)), { region: 'eu-west-1' });
  });

  it('takes the region of an S3 AuthorizationHeaderMalformed', async (t) => {
    const s = await scriptedServer(t, {
      'GET /bkt/?location=': {
        status: 400,
        body: "<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' is wrong; expecting 'ap-northeast-1'</Message><Region>ap-northeast-1</Region></Error>",
      },
    });
    assert.deepEqual(await getBucketLocation(options('s3', s.endpoint)), { region: 'ap-northeast-1' });
  });

  it('takes the region and endpoint of an OSS AccessDenied that names the endpoint', async (t) => {
    const s = await scriptedServer(t, {
      'GET /bkt/?location': {
        status: 403,
        body: '<Error><Code>AccessDenied</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message><Endpoint>bkt.oss-cn-beijing.aliyuncs.com</Endpoint><Bucket>bkt</Bucket><EC>0003-00001403</EC></Error>',
      },
    });
    assert.deepEqual(await getBucketLocation(options('oss', s.endpoint)), {
      region: 'cn-beijing',
      endpoint: 'oss-cn-beijing.aliyuncs.com',
    });
  });

  it('on S3, a key refused GetBucketLocation learns the region from a HEAD of the bucket', async (t) => {
    const s = await scriptedServer(t, {
      'GET /bkt/?location=': { status: 403, body: '<Error><Code>AccessDenied</Code><Message>no</Message></Error>' },
      'HEAD /bkt/': { status: 403, headers: { 'x-amz-bucket-region': 'sa-east-1' } },
    });
    assert.deepEqual(await getBucketLocation(options('s3', s.endpoint)), { region: 'sa-east-1' });
    assert.deepEqual(s.seen, ['GET /bkt/?location=', 'HEAD /bkt/']);
  });

  it('throws the service error when no answer names the region', async (t) => {
    const denied =
      '<Error><Code>AccessDenied</Code><Message>You have no right to access this object.</Message></Error>';
    const s = await scriptedServer(t, { 'GET /bkt/?location': { status: 403, body: denied } });
    await assert.rejects(getBucketLocation(options('oss', s.endpoint)), (err: unknown) => {
      assert.ok(err instanceof ServiceError);
      assert.equal(err.code, 'AccessDenied');
      return true;
    });
  });
});

describe('bucketRegionFromError', () => {
  const error = (details: Record<string, unknown>) =>
    new ServiceError({ status: 301, code: 'PermanentRedirect', message: 'm', details });

  it('reads OSS endpoints with or without the bucket, and prefers them to a region', () => {
    assert.deepEqual(bucketRegionFromError('oss', error({ endpoint: 'oss-cn-shanghai.aliyuncs.com' })), {
      region: 'cn-shanghai',
      endpoint: 'oss-cn-shanghai.aliyuncs.com',
    });
    assert.deepEqual(
      bucketRegionFromError('oss', error({ endpoint: 'https://bkt.oss-eu-central-1.aliyuncs.com/', region: 'x' })),
      { region: 'eu-central-1', endpoint: 'oss-eu-central-1.aliyuncs.com' },
    );
  });

  it("on S3 prefers the named region to a global endpoint, and keeps a regional endpoint's host", () => {
    assert.deepEqual(
      bucketRegionFromError('s3', error({ bucket: 'bkt', endpoint: 'bkt.s3.amazonaws.com', region: 'eu-west-1' })),
      { region: 'eu-west-1' },
    );
    assert.deepEqual(
      bucketRegionFromError('s3', error({ bucket: 'my.bkt', endpoint: 'my.bkt.s3.eu-west-2.amazonaws.com' })),
      {
        region: 'eu-west-2',
        endpoint: 's3.eu-west-2.amazonaws.com',
      },
    );
  });

  it('is undefined for errors that name no place, and for anything but a ServiceError', () => {
    assert.equal(bucketRegionFromError('oss', error({ host: 'h' })), undefined);
    assert.equal(bucketRegionFromError('oss', error({ endpoint: 'cdn.example.com' })), undefined);
    assert.equal(bucketRegionFromError('s3', new Error('PermanentRedirect')), undefined);
  });
});
