// presignGet with response overrides (`response-content-disposition`, `response-content-type`) against the official
// SDKs at the same fixed time: ali-oss `signatureUrl` (OSS V1, its `response` option) and `signatureUrlV4` (OSS V4,
// queries), and @aws-sdk/s3-request-presigner (SigV4, query of the request). Same origin, decoded path and decoded
// query, signature included. No server: here for the SDKs' load time, like oracle.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { attachmentDisposition, presignGet, type PresignGetOptions } from '../../src/core/index';
import { AliOssClient, atFixedTime } from './helpers/aliOss';

const DATE = new Date('2025-03-04T05:06:07.000Z');
const KEYS = ['report.pdf', 'docs/annual report 2026.txt', 'docs/日本語/メモ.txt', 'a+b=c&d.txt', "it's (1).png"];
const DISPOSITIONS = [
  undefined,
  'inline',
  attachmentDisposition('report.pdf'),
  attachmentDisposition('Überblick 2026 "final".pdf'),
  attachmentDisposition('名前.txt'),
];
const TYPES = [undefined, 'text/plain; charset=utf-8', 'application/octet-stream', 'image/png'];

function urlParts(url: string) {
  const m = /^(https?:\/\/[^/?#]+)([^?#]*)(?:\?([^#]*))?$/.exec(url);
  assert.ok(m, `not an absolute URL: ${url}`);
  const query = [...new URLSearchParams(m[3] ?? '')].map(([k, v]) => `${k}=${v}`).sort();
  return { origin: m[1]!.toLowerCase().replace(/:443$/, ''), path: decodeURIComponent(m[2]!), query };
}

interface Case {
  title: string;
  options: PresignGetOptions;
  oracle: () => Promise<string>;
}

function cases(): Case[] {
  const out: Case[] = [];
  let i = 0;
  for (const kind of ['oss-v4', 'oss-v1', 's3'] as const)
    for (const key of KEYS)
      for (const disposition of DISPOSITIONS) {
        const contentType = TYPES[i++ % TYPES.length];
        const token = i % 3 === 0 ? 'sts-token/+=' : undefined;
        const base = {
          accessKeyId: 'AKIDEXAMPLE',
          accessKeySecret: 'secret/Key+0123',
          ...(token ? { securityToken: token } : {}),
          bucket: 'example-bucket',
          key,
          expiresSeconds: 900,
          date: DATE,
          responseContentDisposition: disposition,
          responseContentType: contentType,
        };
        const response: Record<string, string> = {};
        if (disposition !== undefined) response['content-disposition'] = disposition;
        if (contentType !== undefined) response['content-type'] = contentType;
        const queries = Object.fromEntries(Object.entries(response).map(([k, v]) => [`response-${k}`, v]));
        const title = `${kind} ${JSON.stringify(key)} ${Object.keys(queries).join(',') || '-'}${token ? ' +token' : ''}`;
        if (kind === 's3') {
          const options: PresignGetOptions = {
            ...base,
            provider: 's3',
            endpoint: 'https://s3.eu-west-1.amazonaws.com',
            addressing: 'virtual',
          };
          out.push({ title, options, oracle: () => s3Oracle(key, queries, token) });
        } else {
          const endpoint = 'https://oss-cn-hangzhou.aliyuncs.com';
          const options: PresignGetOptions = {
            ...base,
            provider: 'oss',
            endpoint,
            signatureVersion: kind === 'oss-v4' ? 'v4' : 'v1',
          };
          const client = new AliOssClient({
            accessKeyId: base.accessKeyId,
            accessKeySecret: base.accessKeySecret,
            bucket: base.bucket,
            endpoint,
            region: 'oss-cn-hangzhou',
            authorizationV4: kind === 'oss-v4',
            ...(token ? { stsToken: token, refreshSTSTokenInterval: 3_600_000 } : {}),
          });
          out.push({
            title,
            options,
            oracle:
              kind === 'oss-v4'
                ? () => atFixedTime(DATE, () => client.signatureUrlV4('GET', 900, { headers: {}, queries }, key))
                : async () =>
                    atFixedTime(DATE, () => client.signatureUrl(key, { method: 'GET', expires: 900, response }, false)),
          });
        }
      }
  return out;
}

const s3KeyPath = (key: string) =>
  key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()))
    .join('/');

async function s3Oracle(key: string, query: Record<string, string>, token: string | undefined): Promise<string> {
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname: 'example-bucket.s3.eu-west-1.amazonaws.com',
    path: '/' + s3KeyPath(key),
    query: { ...query },
    headers: {},
  });
  const presigner = new S3RequestPresigner({
    credentials: {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret/Key+0123',
      ...(token ? { sessionToken: token } : {}),
    },
    region: 'eu-west-1',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await presigner.presign(request, {
    signingDate: DATE,
    expiresIn: 900,
    unsignableHeaders: new Set(['x-amz-content-sha256']),
    unhoistableHeaders: new Set(['x-amz-content-sha256']),
  });
  const q = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${signed.protocol}//${signed.hostname}${signed.path}?${q}`;
}

describe('presignGet with response overrides: ali-oss and @aws-sdk/s3-request-presigner as oracles', () => {
  const all = cases();
  it('the cases cover each dialect with and without overrides and tokens', () => {
    const titles = all.map((c) => c.title).join('\n');
    for (const needle of ['oss-v4', 'oss-v1', 's3 ', 'response-content-disposition', 'response-content-type', '+token'])
      assert.ok(titles.includes(needle), `no case with ${needle}`);
    assert.equal(all.length, 75);
  });
  for (const c of all) {
    it(c.title, async () => {
      const ours = urlParts(presignGet(c.options).url);
      const theirs = urlParts(await c.oracle());
      assert.equal(ours.origin, theirs.origin, 'origin');
      assert.equal(ours.path, theirs.path, 'decoded path');
      assert.deepEqual(ours.query, theirs.query, 'decoded query, signature included');
    });
  }
});
