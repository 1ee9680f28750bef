// One header-set model (issue 13 item 3) against radosgw: "Upload to Bucket..." (picked in the wizard, one PUT),
// a multipart upload and the presigned multipart kit give the object the header set's headers and metadata,
// exactly the headers a presigned URL of the same set tells its uploader to send; HEAD shows them on the object.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type * as vscode from 'vscode';
import { deleteObject, headObject, type ConnectionOptions } from '../../src/core/index';
import type { LedgerEntry } from '../../src/app/ledger';
import { createHarness, profile, type Harness } from '../unit/fakes/services';
import { Uri } from '../unit/fakes/vscode';
import { NO_S3_SKIP_REASON, s3Connection, s3TestEnv, uniqueKey } from './helpers/env';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const env = s3TestEnv();
const conn: ConnectionOptions | undefined = env && s3Connection(env);

const REPORT_SET = {
  name: 'Report for Ana',
  contentType: 'text/x-report',
  cacheControl: 'no-cache',
  contentDisposition: 'attachment; filename="${fileName}"',
  storageClass: 'STANDARD',
  metadata: { owner: 'ana', file: '${fileName}' },
};

/**
 * What the object must carry, as HEAD shows it, for a file named `name`. radosgw reports the storage class of an
 * object from a single PUT only (not of a completed multipart upload, whatever Initiate said), so `multipart` leaves
 * it out.
 */
function expectedHead(name: string, multipart = false) {
  return {
    'content-type': 'text/x-report',
    'cache-control': 'no-cache',
    'content-disposition': `attachment; filename="${name}"`,
    ...(multipart ? {} : { 'x-amz-storage-class': 'STANDARD' }),
    'x-amz-meta-owner': 'ana',
    'x-amz-meta-file': name,
  };
}

describe('uploads and the kit apply the header set, against radosgw', { concurrency: false }, () => {
  const harnesses: Harness[] = [];
  const keys: string[] = [];
  after(async () => {
    for (const h of harnesses) h.dispose();
    if (conn && env) for (const key of keys) await deleteObject({ ...conn, bucket: env.bucket, key });
  });

  async function extension() {
    const h = createHarness();
    harnesses.push(h);
    await h.setProfiles(
      [
        profile('r', {
          endpoint: env!.endpoint,
          region: env!.region,
          accessKeyId: env!.accessKeyId,
          buckets: [env!.bucket],
        }),
      ],
      env!.accessKeySecret,
    );
    const config = h.fake.vscode.workspace.getConfiguration('ossPresign');
    await config.update('headerSets', [REPORT_SET, { name: 'Default (Content-Type only)', contentType: 'auto' }], 1);
    await config.update('multipartThreshold', 5 * MiB, 1);
    const { registerCommands } = h.load<typeof import('../../src/vscode/commands')>('vscode/commands.js');
    const { uploadCommands } =
      h.load<typeof import('../../src/features/upload/commands')>('features/upload/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../src/features/presign/commands')>('features/presign/commands.js');
    const { UploadStatusBar } =
      h.load<typeof import('../../src/features/upload/statusBar')>('features/upload/statusBar.js');
    const statusBar = new UploadStatusBar();
    h.context.subscriptions.push(statusBar);
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, [
      ...uploadCommands(h.services(), statusBar),
      ...presignCommands(h.services()),
      { id: 'ossPresign.refresh', run: () => undefined },
    ]);
    const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
    const write = (name: string, size: number) => {
      const file = path.join(h.dir, name);
      fs.writeFileSync(file, randomBytes(size));
      return Uri.file(file);
    };
    return { h, execute, write };
  }

  async function headOf(key: string): Promise<Record<string, string>> {
    const head = await headObject({ ...conn!, bucket: env!.bucket, key });
    assert.ok(head, `${key} is not there`);
    return head.headers;
  }

  function assertCarries(headers: Record<string, string>, expected: Record<string, string>) {
    assert.deepEqual(Object.fromEntries(Object.keys(expected).map((name) => [name, headers[name]])), expected);
  }

  it('"Upload to Bucket..." with the set picked in the wizard: one PUT, and the headers a presigned URL of it names', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const { h, execute, write } = await extension();
    const key = uniqueKey('header-sets/put');
    keys.push(key);
    const file = write('q3 report.txt', 1000);
    h.fake.answers.quickPicks.push(REPORT_SET.name);
    h.fake.answers.inputBoxes.push(key);
    await execute('ossPresign.uploadFile', file);
    assert.deepEqual(h.log.at('error'), []);
    assert.deepEqual(h.fake.record.questions, [
      `Upload to Bucket · Profile r · ${env.bucket}: headers to sign`,
      `Upload to Bucket · Profile r · ${env.bucket}: object key`,
    ]);
    const stored = await headOf(key);
    assertCarries(stored, expectedHead('q3 report.txt'));
    // A presigned URL of the same set names exactly these headers for its uploader.
    const [entry] = await execute<LedgerEntry[]>('ossPresign.presignPut', file, {
      profileId: 'r',
      bucket: env.bucket,
      headerSet: REPORT_SET.name,
      expirySeconds: 60,
      key,
    });
    assertCarries(
      stored,
      Object.fromEntries(Object.entries(entry.headers).map(([name, value]) => [name.toLowerCase(), value])),
    );
  });

  it('a multipart upload sends them with InitiateMultipartUpload', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const { h, execute, write } = await extension();
    const key = uniqueKey('header-sets/multipart');
    keys.push(key);
    await execute('ossPresign.uploadFile', write('big.bin', 6 * MiB), {
      profileId: 'r',
      bucket: env.bucket,
      key,
      headerSet: REPORT_SET.name,
    });
    assert.deepEqual(h.log.at('error'), []);
    const stored = await headOf(key);
    assert.match(stored.etag ?? '', /-\d+"?$/, 'not a multipart object');
    assertCarries(stored, expectedHead('big.bin', true));
  });

  it('the presigned multipart kit starts its upload with them: the object its script completes carries them', async (t) => {
    if (!conn || !env) return t.skip(NO_S3_SKIP_REASON);
    const { h, execute, write } = await extension();
    const key = uniqueKey('header-sets/kit');
    keys.push(key);
    const file = write('kit.bin', 6 * MiB);
    const kit = await execute<{ scriptPath: string }>('ossPresign.createMultipartKit', file, {
      profileId: 'r',
      bucket: env.bucket,
      key,
      headerSet: REPORT_SET.name,
      expiresSeconds: 600,
      partSize: 5 * MiB,
      outputDir: h.dir,
    });
    await run('bash', [kit.scriptPath], {
      cwd: h.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: h.dir },
    });
    assertCarries(await headOf(key), expectedHead('kit.bin', true));
  });
});
