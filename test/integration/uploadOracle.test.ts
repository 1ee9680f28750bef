// presignRequest (UploadPart, Complete, Abort, GET with sub-resources) against the official SDKs as oracles:
// @aws-sdk/s3-request-presigner for SigV4, ali-oss 6.23.0 signatureUrlV4 (OSS V4) and signatureUrl (OSS V1).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { presignGet, presignRequest, type ConnectionOptions } from '../../src/core/index';
import { AliOssClient, atFixedTime } from './helpers/aliOss';

/** Origin, decoded path and sorted decoded query of a URL. */
function parts(url: string) {
  const m = /^(https?:\/\/[^/?#]+)([^?#]*)(?:\?([^#]*))?$/.exec(url);
  assert.ok(m, url);
  return {
    origin: m[1],
    path: decodeURIComponent(m[2] ?? ''),
    query: [...new URLSearchParams(m[3] ?? '')].map(([k, v]) => `${k}=${v}`).sort(),
  };
}

const DATE = new Date('2025-03-04T05:06:07Z');
const KEY = 'dir/ünï cødé+(1).bin';
const UPLOAD_ID = '2~AbC/dEf+gh=';
type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';
const CASES: Array<{ name: string; method: Method; query: Array<[string, string]>; headers: Record<string, string> }> =
  [
    {
      name: 'UploadPart',
      method: 'PUT',
      query: [
        ['partNumber', '7'],
        ['uploadId', UPLOAD_ID],
      ],
      headers: {},
    },
    {
      name: 'CompleteMultipartUpload',
      method: 'POST',
      query: [['uploadId', UPLOAD_ID]],
      headers: { 'Content-Type': 'application/xml' },
    },
    { name: 'AbortMultipartUpload', method: 'DELETE', query: [['uploadId', UPLOAD_ID]], headers: {} },
    { name: 'GET', method: 'GET', query: [], headers: {} },
  ];

describe('presigned multipart requests match the official SDKs', () => {
  const s3: ConnectionOptions = {
    provider: 's3',
    endpoint: 'https://s3.eu-west-1.amazonaws.com',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
  for (const c of CASES) {
    it(`S3 SigV4 ${c.name}`, async () => {
      const ours = presignRequest(s3, {
        method: c.method,
        bucket: 'examplebucket',
        key: KEY,
        query: c.query,
        headers: c.headers,
        expiresSeconds: 3600,
        date: DATE,
      });
      const presigner = new S3RequestPresigner({
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.accessKeySecret },
        region: 'eu-west-1',
        sha256: Hash.bind(null, 'sha256'),
      });
      const path =
        '/' +
        KEY.split('/')
          .map((s) =>
            encodeURIComponent(s).replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase()),
          )
          .join('/');
      const signed = await presigner.presign(
        new HttpRequest({
          method: c.method,
          protocol: 'https:',
          hostname: 'examplebucket.s3.eu-west-1.amazonaws.com',
          path,
          query: Object.fromEntries(c.query),
          headers: { ...c.headers },
        }),
        {
          signingDate: DATE,
          expiresIn: 3600,
          signableHeaders: new Set(Object.keys(c.headers).map((h) => h.toLowerCase())),
          unsignableHeaders: new Set(['x-amz-content-sha256']),
          unhoistableHeaders: new Set(['x-amz-content-sha256']),
        },
      );
      const q = Object.entries(signed.query ?? {})
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
      assert.deepEqual(parts(ours.url), parts(`https://${signed.hostname}${signed.path}?${q}`));
    });
  }

  const oss = {
    provider: 'oss' as const,
    endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
    accessKeyId: 'LTAI5tExampleKeyId',
    accessKeySecret: 'secret+with/odd=chars',
  };
  for (const c of CASES) {
    it(`OSS V4 ${c.name}`, async () => {
      const ours = presignRequest(oss, {
        method: c.method,
        bucket: 'examplebucket',
        key: KEY,
        query: c.query,
        headers: c.headers,
        expiresSeconds: 3600,
        date: DATE,
      });
      const client = new AliOssClient({
        ...oss,
        bucket: 'examplebucket',
        region: 'oss-cn-hangzhou',
        authorizationV4: true,
      });
      const theirs = await atFixedTime(DATE, () =>
        client.signatureUrlV4(c.method, 3600, { headers: c.headers, queries: Object.fromEntries(c.query) }, KEY),
      );
      assert.deepEqual(parts(ours.url), parts(theirs));
    });
    it(`OSS V1 ${c.name}`, async () => {
      const ours = presignRequest(
        { ...oss, signatureVersion: 'v1' },
        {
          method: c.method,
          bucket: 'examplebucket',
          key: KEY,
          query: c.query,
          headers: c.headers,
          expiresSeconds: 3600,
          date: DATE,
        },
      );
      const client = new AliOssClient({ ...oss, bucket: 'examplebucket', region: 'oss-cn-hangzhou' });
      const theirs = await atFixedTime(DATE, () =>
        client.signatureUrl(
          KEY,
          {
            method: c.method,
            expires: 3600,
            ...(c.query.length ? { subResource: Object.fromEntries(c.query) } : {}),
            ...(c.headers['Content-Type'] ? { 'Content-Type': c.headers['Content-Type'] } : {}),
          },
          false,
        ),
      );
      assert.deepEqual(parts(ours.url), parts(theirs));
    });
  }

  it('presignGet is a plain GET presign (S3 and OSS V4)', async () => {
    const get = presignGet({ ...s3, bucket: 'examplebucket', key: KEY, expiresSeconds: 3600, date: DATE });
    assert.equal(
      get.url,
      presignRequest(s3, { method: 'GET', bucket: 'examplebucket', key: KEY, expiresSeconds: 3600, date: DATE }).url,
    );
    assert.deepEqual(get.headers, {});
    assert.equal(get.expiresAt.toISOString(), '2025-03-04T06:06:07.000Z');
  });
});
