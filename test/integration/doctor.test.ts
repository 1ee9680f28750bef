// The doctor against a real SigV4-verifying server (Ceph radosgw): a real 403 for a wrong header, read from the
// body radosgw sends (which carries no CanonicalRequest), is explained with the profile's keys and the header
// named; a request radosgw accepts comes back verified, for our own URL and for one from @aws-sdk/s3-request-presigner.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  deleteObject,
  diagnoseFromErrorXml,
  presignPut,
  tryPresignedUpload,
  type ConnectionOptions,
} from '../../src/core/index';
import { NO_S3_SKIP_REASON, rawRequest, s3Connection, s3TestEnv, uniqueKey } from './helpers/env';

const env = s3TestEnv();
const verdict = (d: { causes: Array<{ code: string; header?: string }> }) =>
  d.causes.map((c) => (c.header ? `${c.code}:${c.header}` : c.code));

describe('the doctor against radosgw', { skip: env ? false : NO_S3_SKIP_REASON }, () => {
  let connection: ConnectionOptions;
  let dir: string;
  let file: string;
  const written: string[] = [];

  before(async () => {
    connection = s3Connection(env!);
    dir = await mkdtemp(join(tmpdir(), 'doctor-'));
    file = join(dir, 'note.txt');
    await writeFile(file, 'hello doctor\n');
  });
  after(async () => {
    for (const key of written) await deleteObject({ ...connection, bucket: env!.bucket, key }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const presign = (key: string) =>
    presignPut({
      ...connection,
      bucket: env!.bucket,
      key,
      expiresSeconds: 600,
      headers: { 'Content-Type': 'text/plain' },
      metadata: { owner: 'ana' },
    });
  const keys = () => ({
    credentials: { accessKeyId: connection.accessKeyId, accessKeySecret: connection.accessKeySecret },
  });

  it('a wrong Content-Type: radosgw answers 403, and its body with the ledger values names the header', async () => {
    const key = uniqueKey('doctor/wrong-type');
    written.push(key);
    const r = presign(key);
    const sent = { ...r.headers, 'Content-Type': 'text/html' };
    const trial = await tryPresignedUpload({ url: r.url, headers: sent, filePath: file });
    assert.equal(trial.status, 403, trial.errorXml);
    assert.match(trial.errorXml ?? '', /<Code>SignatureDoesNotMatch<\/Code>/);

    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: sent,
      signedHeaderValues: r.headers,
      errorXml: trial.errorXml,
      serverDate: trial.serverDate,
      ...keys(),
      now: new Date(),
    });
    assert.equal(d.serverError?.code, 'SignatureDoesNotMatch');
    assert.deepEqual(verdict(d), ['HeaderDiffers:content-type']);
    assert.match(d.causes[0].message, /sent as "text\/html" but signed as "text\/plain"/);
    assert.equal(d.verified, false);
  });

  it('an added x-amz-content-sha256: radosgw answers 403, and the doctor names it without the ledger values', async () => {
    const key = uniqueKey('doctor/added-hash');
    written.push(key);
    const r = presign(key);
    const sent = { ...r.headers, 'x-amz-content-sha256': 'e'.repeat(64) };
    const trial = await tryPresignedUpload({ url: r.url, headers: sent, filePath: file });
    assert.equal(trial.status, 403, trial.errorXml);

    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: sent,
      errorXml: trial.errorXml,
      serverDate: trial.serverDate,
      ...keys(),
      now: new Date(),
    });
    assert.deepEqual(verdict(d), ['HeaderAdded:x-amz-content-sha256']);
  });

  it('a request radosgw accepts (200) is verified, with no cause', async () => {
    const key = uniqueKey('doctor/ok');
    written.push(key);
    const r = presign(key);
    const trial = await tryPresignedUpload({ url: r.url, headers: r.headers, filePath: file });
    assert.equal(trial.status, 200, trial.errorXml);
    for (const signedHeaderValues of [r.headers, undefined]) {
      const d = diagnoseFromErrorXml({
        url: r.url,
        sentHeaders: r.headers,
        signedHeaderValues,
        serverDate: trial.serverDate,
        ...keys(),
        now: new Date(),
      });
      assert.deepEqual(verdict(d), []);
      assert.equal(d.verified, true);
    }
  });

  it('a URL from @aws-sdk/s3-request-presigner that radosgw accepts is verified', async () => {
    const key = uniqueKey('doctor/sdk');
    written.push(key);
    const client = new S3Client({
      endpoint: env!.endpoint,
      region: env!.region,
      forcePathStyle: true,
      credentials: { accessKeyId: env!.accessKeyId, secretAccessKey: env!.accessKeySecret },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: env!.bucket, Key: key, ContentType: 'text/plain', Metadata: { owner: 'ana' } }),
      { expiresIn: 600 },
    );
    client.destroy();
    const sent = { 'Content-Type': 'text/plain' };
    const res = await rawRequest({ method: 'PUT', url, headers: sent, body: 'hello' });
    assert.equal(res.status, 200, res.body);
    const d = diagnoseFromErrorXml({
      url,
      sentHeaders: sent,
      serverDate: String(res.headers.date),
      ...keys(),
      now: new Date(),
    });
    assert.deepEqual(verdict(d), []);
    assert.equal(d.verified, true);
  });
});
