// The bad-input matrix: every row goes through the real core entry point with a loopback server as the endpoint.
// Each must fail with a typed error whose message says what to do, never contains the secret, and sends nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  ConfigError,
  StorageError,
  listObjects,
  presignPut,
  uploadFile,
  type PresignPutOptions,
} from '../../src/core/index';

const SECRET = 'matrixSecret/DoNotLeak+0123456789';
let endpoint = '';
let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  req.resume();
  res.writeHead(200).end();
});
const dir = mkdtempSync(path.join(tmpdir(), 'bad-input-'));

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const s3 = (): PresignPutOptions => ({
  provider: 's3',
  endpoint,
  region: 'us-east-1',
  bucket: 'matrix-bucket',
  key: 'a.txt',
  accessKeyId: 'AKIAMATRIX',
  accessKeySecret: SECRET,
  expiresSeconds: 900,
});
const oss = (): PresignPutOptions => ({ ...s3(), provider: 'oss', region: 'cn-hangzhou' });

/** A message that tells the user what to do: an instruction verb somewhere in it. */
const ACTIONABLE =
  /\b(use|set|give|choose|remove|run|check|pick|shorten|add|paste|fix|send|leave|write|percent-encode|keep|split|upload|start|pass|lower)\b/i;

type Row = [name: string, code: string, run: () => unknown];

const presignRows: Row[] = [
  ['expiry 0', 'InvalidExpiry', () => presignPut({ ...s3(), expiresSeconds: 0 })],
  ['expiry negative', 'InvalidExpiry', () => presignPut({ ...s3(), expiresSeconds: -60 })],
  ['expiry over 7 days', 'InvalidExpiry', () => presignPut({ ...oss(), expiresSeconds: 604801 })],
  ['expiry not an integer', 'InvalidExpiry', () => presignPut({ ...s3(), expiresSeconds: 1.5 })],
  ['expiry NaN', 'InvalidExpiry', () => presignPut({ ...s3(), expiresSeconds: Number.NaN })],
  ['expiry as a string', 'InvalidExpiry', () => presignPut({ ...s3(), expiresSeconds: '3600' as unknown as number })],
  [
    'OSS bucket with upper case and underscore',
    'InvalidBucketName',
    () => presignPut({ ...oss(), bucket: 'My_Bucket' }),
  ],
  ['OSS bucket with a dot', 'InvalidBucketName', () => presignPut({ ...oss(), bucket: 'my.bucket' })],
  ['bucket too short', 'InvalidBucketName', () => presignPut({ ...s3(), bucket: 'ab' })],
  ['bucket too long', 'InvalidBucketName', () => presignPut({ ...s3(), bucket: 'b'.repeat(64) })],
  ['S3 bucket with two dots in a row', 'InvalidBucketName', () => presignPut({ ...s3(), bucket: 'bad..dots' })],
  ['S3 bucket shaped like an IP address', 'InvalidBucketName', () => presignPut({ ...s3(), bucket: '192.168.1.1' })],
  ['S3 bucket starting with a hyphen', 'InvalidBucketName', () => presignPut({ ...s3(), bucket: '-start' })],
  ['empty key', 'InvalidObjectKey', () => presignPut({ ...s3(), key: '' })],
  ['OSS key starting with /', 'InvalidObjectKey', () => presignPut({ ...oss(), key: '/leading.txt' })],
  ['OSS key starting with \\', 'InvalidObjectKey', () => presignPut({ ...oss(), key: '\\back.txt' })],
  ['OSS key of 1024 bytes', 'InvalidObjectKey', () => presignPut({ ...oss(), key: 'k'.repeat(1024) })],
  ['S3 key of 1026 UTF-8 bytes', 'InvalidObjectKey', () => presignPut({ ...s3(), key: 'é'.repeat(513) })],
  ['key with an unpaired surrogate', 'InvalidObjectKey', () => presignPut({ ...s3(), key: 'bad\uD800.txt' })],
  [
    'endpoint without a scheme',
    'InvalidEndpoint',
    () => presignPut({ ...oss(), endpoint: 'oss-cn-hangzhou.aliyuncs.com' }),
  ],
  ['endpoint with ftp://', 'InvalidEndpoint', () => presignPut({ ...s3(), endpoint: 'ftp://127.0.0.1:21' })],
  ['endpoint with a path', 'InvalidEndpoint', () => presignPut({ ...s3(), endpoint: `${endpoint}/my-bucket` })],
  [
    'endpoint with user info',
    'InvalidEndpoint',
    () => presignPut({ ...s3(), endpoint: endpoint.replace('//', '//user:pw@') }),
  ],
  ['endpoint with a query', 'InvalidEndpoint', () => presignPut({ ...s3(), endpoint: `${endpoint}/?x=1` })],
  ['empty endpoint', 'InvalidEndpoint', () => presignPut({ ...s3(), endpoint: '' })],
  [
    'CR/LF in a header value (header injection)',
    'InvalidHeaderValue',
    () => presignPut({ ...s3(), headers: { 'Content-Type': 'text/plain\r\nx-amz-acl: public-read' } }),
  ],
  [
    'header name with a space',
    'InvalidHeaderName',
    () => presignPut({ ...s3(), headers: { 'Content Type': 'text/plain' } }),
  ],
  [
    'non-ASCII header value',
    'InvalidHeaderValue',
    () => presignPut({ ...oss(), headers: { 'Content-Disposition': 'attachment; filename="naïve.txt"' } }),
  ],
  ['empty header value', 'InvalidHeaderValue', () => presignPut({ ...oss(), headers: { 'Cache-Control': '  ' } })],
  ['metadata name with a space', 'InvalidMetadataName', () => presignPut({ ...s3(), metadata: { 'my name': 'x' } })],
  [
    'metadata value with a line break',
    'InvalidHeaderValue',
    () => presignPut({ ...oss(), metadata: { owner: 'ana\nbob' } }),
  ],
  [
    'S3 header on an OSS profile',
    'WrongProviderHeader',
    () => presignPut({ ...oss(), headers: { 'x-amz-storage-class': 'GLACIER' } }),
  ],
  ['Host set by hand', 'ReservedHeader', () => presignPut({ ...s3(), headers: { Host: 'evil.example.com' } })],
  [
    'same header twice in different case',
    'DuplicateHeader',
    () => presignPut({ ...s3(), headers: { 'content-type': 'a/b', 'Content-Type': 'c/d' } }),
  ],
  ['missing access key id', 'MissingCredentials', () => presignPut({ ...s3(), accessKeyId: '' })],
  ['missing secret', 'MissingCredentials', () => presignPut({ ...s3(), accessKeySecret: '' })],
  ['access key id with a space', 'InvalidCredentials', () => presignPut({ ...s3(), accessKeyId: 'AKIA MATRIX' })],
  ['unknown provider', 'InvalidProvider', () => presignPut({ ...s3(), provider: 'gcs' as never })],
  [
    'unknown signature version',
    'InvalidSignatureVersion',
    () => presignPut({ ...oss(), signatureVersion: 'v2' as never }),
  ],
  ['V1 on S3', 'InvalidSignatureVersion', () => presignPut({ ...s3(), signatureVersion: 'v1' })],
  ['unknown addressing', 'InvalidAddressing', () => presignPut({ ...s3(), addressing: 'subdomain' as never })],
  ['cname addressing on S3', 'InvalidAddressing', () => presignPut({ ...s3(), addressing: 'cname' })],
  ['invalid signing date', 'InvalidDate', () => presignPut({ ...s3(), date: 'yesterday' })],
  [
    'OSS custom domain without a region',
    'MissingRegion',
    () => presignPut({ ...oss(), region: '', endpoint: 'https://files.example.com', addressing: 'cname' }),
  ],
  ['unknown region format', 'InvalidRegion', () => presignPut({ ...oss(), region: 'Hangzhou!' })],
  [
    'additional header without a value',
    'MissingHeaderValue',
    () => presignPut({ ...oss(), additionalHeaders: ['x-custom'] }),
  ],
];

function writeFile(name: string, bytes = 10): string {
  const p = path.join(dir, name);
  writeFileSync(p, Buffer.alloc(bytes, 1));
  return p;
}

const ioRows: Array<[name: string, code: string, run: () => Promise<unknown>]> = [
  ['upload: missing file', 'FileNotFound', () => uploadFile({ ...s3(), filePath: path.join(dir, 'nope.bin') })],
  [
    'upload: a directory',
    'NotAFile',
    () => {
      mkdirSync(path.join(dir, 'folder'), { recursive: true });
      return uploadFile({ ...s3(), filePath: path.join(dir, 'folder') });
    },
  ],
  [
    'upload: a dangling symlink',
    'FileNotFound',
    () => {
      symlinkSync(path.join(dir, 'gone.bin'), path.join(dir, 'dangling.bin'));
      return uploadFile({ ...s3(), filePath: path.join(dir, 'dangling.bin') });
    },
  ],
  [
    'upload: a single PUT over 5 GiB',
    'FileTooLargeForSinglePut',
    () => {
      const p = path.join(dir, 'huge.bin');
      const fd = openSync(p, 'w');
      ftruncateSync(fd, 5 * 1024 ** 3 + 1); // sparse: no disk used
      closeSync(fd);
      return uploadFile({ ...s3(), filePath: p, multipartThreshold: 6 * 1024 ** 3 });
    },
  ],
  [
    'upload: bad bucket',
    'InvalidBucketName',
    () => uploadFile({ ...oss(), bucket: 'UPPER', filePath: writeFile('a.bin') }),
  ],
  [
    'upload: concurrency 0',
    'InvalidConcurrency',
    () => uploadFile({ ...s3(), concurrency: 0, filePath: writeFile('b.bin') }),
  ],
  [
    'upload: missing secret',
    'MissingCredentials',
    () => uploadFile({ ...s3(), accessKeySecret: '', filePath: writeFile('c.bin') }),
  ],
  ['list: bad bucket name', 'InvalidBucketName', () => listObjects({ ...s3(), bucket: 'Bad_Bucket' })],
  [
    'list: endpoint with a path',
    'InvalidEndpoint',
    () => listObjects({ ...s3(), endpoint: `${endpoint}/x`, bucket: 'matrix-bucket' }),
  ],
];

function check(err: unknown, code: string): void {
  assert.ok(err instanceof StorageError, `expected a StorageError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.ok(err instanceof ConfigError, `${err.name} should be a ConfigError`);
  assert.match(err.message, ACTIONABLE, `message does not say what to do: ${err.message}`);
  assert.ok(
    !err.message.includes(SECRET) && !JSON.stringify(err.details ?? {}).includes(SECRET),
    'the secret leaked into the error',
  );
}

describe('bad input matrix', () => {
  it(`has at least 40 rows (${presignRows.length + ioRows.length})`, () => {
    assert.ok(presignRows.length + ioRows.length >= 40);
  });
  for (const [name, code, run] of presignRows) {
    it(`presignPut rejects ${name} (${code})`, () => {
      const before = requests;
      assert.throws(run, (err) => (check(err, code), true));
      assert.equal(requests, before, 'a request was sent');
    });
  }
  for (const [name, code, run] of ioRows) {
    it(`${name} is rejected before anything is sent (${code})`, async () => {
      const before = requests;
      await assert.rejects(run(), (err) => (check(err, code), true));
      assert.equal(requests, before, 'a request was sent');
    });
  }
});
