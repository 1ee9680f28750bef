// The extension's resume and incomplete-upload code paths (src/features/upload, src/features/buckets) over the fake
// vscode, against radosgw: "Upload to Bucket..." interrupted by a lost connection keeps a checkpoint in globalState
// (no secret, no signature), and a later session (a fresh extension over the same globalState) or the same command
// run again sends only the missing parts; Discard aborts; the Buckets view lists and aborts incomplete uploads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import {
  abortMultipartUpload,
  deleteObject,
  drain,
  getObject,
  listMultipartUploads,
  readBody,
  sendSigned,
  type ConnectionOptions,
} from '../../src/core/index';
import type { TreeNode } from '../../src/features/buckets/nodes';
import { createHarness, profile, type Harness } from '../unit/fakes/services';
import { Uri } from '../unit/fakes/vscode';
import { startFaultProxy, type FaultProxy } from './helpers/faultProxy';
import { NO_S3_SKIP_REASON, s3TestEnv, uniqueKey, s3Connection } from './helpers/env';

const MiB = 1024 * 1024;
const env = s3TestEnv();
const conn: ConnectionOptions | undefined = env && s3Connection(env);
const PREFIX = 'ossPresign.uploadCheckpoint.';

type UploadFileModule = typeof import('../../src/features/upload/uploadFile');
type ResumeModule = typeof import('../../src/features/upload/resume');
type UploadsModule = typeof import('../../src/features/upload/incompleteUploads');
type TreeModule = typeof import('../../src/features/buckets/treeProvider');

async function bytesOf(c: ConnectionOptions, bucket: string, key: string): Promise<Buffer> {
  const res = await getObject({ ...c, bucket, key });
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe(
  'resuming uploads and incomplete uploads through the extension, against radosgw',
  { concurrency: false },
  () => {
    let proxy: FaultProxy | undefined;
    const harnesses: Harness[] = [];
    const keys: string[] = [];

    before(async () => {
      if (env) proxy = await startFaultProxy(env.endpoint);
    });
    after(async () => {
      for (const h of harnesses) h.dispose();
      await proxy?.close();
      if (conn && env)
        for (const key of keys) {
          const { uploads } = await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key });
          for (const u of uploads)
            await abortMultipartUpload({ ...conn, bucket: env.bucket, key: u.key, uploadId: u.uploadId });
          await deleteObject({ ...conn, bucket: env.bucket, key });
        }
    });

    /**
     * A new session of the extension: a fake VS Code with the profile (through the fault proxy), multipart from
     * 5 MiB, one part at a time, and `state` as its globalState (what VS Code keeps across a restart).
     */
    async function session(state?: Map<string, string>) {
      const h = createHarness();
      harnesses.push(h);
      for (const [k, v] of state ?? []) h.state.set(k, v);
      await h.setProfiles(
        [profile('r', { endpoint: proxy!.url, region: env!.region, accessKeyId: env!.accessKeyId })],
        env!.accessKeySecret,
      );
      const config = h.fake.vscode.workspace.getConfiguration('ossPresign');
      await config.update('multipartThreshold', 5 * MiB, 1);
      await config.update('uploadConcurrency', 1, 1);
      const { registerCommands } = h.load<typeof import('../../src/vscode/commands')>('vscode/commands.js');
      // The Buckets view is not under test here: its refresh after an upload is a no-op.
      registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, [
        { id: 'ossPresign.refresh', run: () => undefined },
      ]);
      const { UploadStatusBar } =
        h.load<typeof import('../../src/features/upload/statusBar')>('features/upload/statusBar.js');
      const statusBar = new UploadStatusBar();
      h.context.subscriptions.push(statusBar);
      const upload = (file: string, key: string) =>
        h
          .load<UploadFileModule>('features/upload/uploadFile.js')
          .uploadFileCommand(h.services(), statusBar, Uri.file(file), { profileId: 'r', bucket: env!.bucket, key });
      return { h, statusBar, upload, resume: h.load<ResumeModule>('features/upload/resume.js') };
    }

    /** A 17 MiB file: 3 parts of 8, 8 and 1 MiB (small: radosgw keeps deleted data in RAM until its GC runs). */
    function bigFile(h: Harness, name: string): { file: string; data: Buffer } {
      const file = path.join(h.dir, name);
      const data = randomBytes(17 * MiB);
      fs.writeFileSync(file, data);
      return { file, data };
    }

    /** Resets every connection that sends part `n`: the upload fails there after its retries (a lost connection). */
    function loseConnectionAtPart(n: number) {
      proxy!.clearFaults();
      proxy!.inject((r) => r.method === 'PUT' && r.query.get('partNumber') === String(n), { kind: 'reset-request' });
    }

    /** The part numbers PUT through the proxy from now on. */
    function countParts() {
      const from = proxy!.requests.length;
      return () =>
        proxy!.requests
          .slice(from)
          .filter((r) => r.method === 'PUT' && !r.fault)
          .map((r) => Number(new URL(r.url, proxy!.url).searchParams.get('partNumber')))
          .filter((p) => p > 0);
    }

    const savedIn = (h: Harness) =>
      [...h.state.keys()].filter((k) => k.startsWith(PREFIX)).map((k) => JSON.parse(h.state.get(k)!));

    it('an upload cut off at part 3 keeps a checkpoint without secret or signature; the next session offers it and sends only part 3', async (t) => {
      if (!env || !conn) return t.skip(NO_S3_SKIP_REASON);
      const key = uniqueKey('resume-ui/restart');
      keys.push(key);
      const first = await session();
      const { file, data } = bigFile(first.h, 'big.bin');
      loseConnectionAtPart(3);
      await assert.rejects(first.upload(file, key), (err: Error) => err.name === 'NetworkError');

      const [saved, ...more] = savedIn(first.h);
      assert.deepEqual(more, []);
      assert.deepEqual(
        [
          saved.filePath,
          saved.profileId,
          saved.bucket,
          saved.key,
          saved.checkpoint.parts.map((p: { partNumber: number }) => p.partNumber),
        ],
        [file, 'r', env.bucket, key, [1, 2]],
      );
      const state = [...first.h.state.values()].join('\n');
      assert.ok(!state.includes(env.accessKeySecret), 'the secret is in globalState');
      assert.doesNotMatch(state, /Signature|Credential|X-Amz-|Authorization/i);
      assert.match(
        first.h.spy.messages.at(-1)?.text ?? '',
        new RegExp(
          `^The upload of ${key} stopped with 16\\.0 MiB stored in ${env.bucket}\\. Run "Upload to Bucket\\.\\.\\." on the same file again to resume`,
        ),
      );
      const { uploads } = await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key });
      assert.equal(uploads.length, 1, 'the upload stays on the server for the resume');

      // VS Code starts again: a new extension session over the same globalState.
      proxy!.clearFaults();
      const second = await session(first.h.state);
      const sent = countParts();
      second.h.fake.answers.messages.push('Resume');
      await second.resume.offerResumeAtStartup(second.h.services(), second.statusBar);
      const offer = second.h.fake.record.messages[0];
      assert.deepEqual(
        [offer.text, offer.items],
        [
          `1 upload can resume: ${key} to ${env.bucket} (16.0 MiB of 17.0 MiB already stored). Resume sends only the rest; Discard deletes the stored parts.`,
          ['Resume', 'Discard'],
        ],
      );
      assert.deepEqual(sent(), [3], 'only the missing part is sent');
      assert.equal(
        second.h.fake.record.progress.at(-1)?.title,
        `Resuming the upload of ${key} to ${env.bucket} (17.0 MiB)`,
      );
      assert.equal(
        second.h.spy.messages.at(-1)?.text,
        `Uploaded ${key} (17.0 MiB) to ${env.bucket}. Resumed: 16.0 MiB were already stored, 1.0 MiB sent.`,
      );
      assert.ok((await bytesOf(conn, env.bucket, key)).equals(data), 'the object is the file');
      assert.deepEqual(savedIn(second.h), [], 'the checkpoint is cleared');
      assert.deepEqual((await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key })).uploads, []);
    });

    it('"Upload to Bucket..." run again on the same file resumes; once the file changed, it starts over with a warning', async (t) => {
      if (!env || !conn) return t.skip(NO_S3_SKIP_REASON);
      const key = uniqueKey('resume-ui/again');
      keys.push(key);
      const s = await session();
      const { file, data } = bigFile(s.h, 'again.bin');
      loseConnectionAtPart(2);
      await assert.rejects(s.upload(file, key));
      proxy!.clearFaults();
      let sent = countParts();
      await s.upload(file, key);
      assert.deepEqual(sent(), [2, 3]);
      assert.match(s.h.spy.messages.at(-1)?.text ?? '', /Resumed: 8\.0 MiB were already stored, 9\.0 MiB sent\.$/);
      assert.ok((await bytesOf(conn, env.bucket, key)).equals(data));

      loseConnectionAtPart(3);
      await assert.rejects(s.upload(file, key));
      const changed = Buffer.from(data);
      changed.write('changed', 0);
      fs.writeFileSync(file, changed);
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(file, later, later);
      proxy!.clearFaults();
      sent = countParts();
      await s.upload(file, key);
      assert.deepEqual(sent(), [1, 2, 3], 'every part again');
      const warning = s.h.spy.messages.find((m) => m.level === 'warning');
      assert.equal(
        warning?.text,
        `${file} -> ${env.bucket}/${key}: the file changed since its upload was interrupted, so the upload started over (the parts stored before were deleted).`,
      );
      assert.ok(s.h.log.at('warn').some((l) => l.includes('the file changed since its upload was interrupted')));
      assert.ok((await bytesOf(conn, env.bucket, key)).equals(changed));
      assert.deepEqual(
        (await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key })).uploads,
        [],
        'the earlier upload was aborted, nothing is orphaned',
      );
    });

    it('Discard aborts the interrupted upload on the server and forgets it', async (t) => {
      if (!env || !conn) return t.skip(NO_S3_SKIP_REASON);
      const key = uniqueKey('resume-ui/discard');
      keys.push(key);
      const s = await session();
      const { file } = bigFile(s.h, 'discard.bin');
      loseConnectionAtPart(2);
      await assert.rejects(s.upload(file, key));
      proxy!.clearFaults();
      assert.equal((await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key })).uploads.length, 1);
      await s.resume.resumeUploadsCommand(s.h.services(), s.statusBar, { action: 'discard' });
      assert.deepEqual((await listMultipartUploads({ ...conn, bucket: env.bucket, prefix: key })).uploads, []);
      assert.deepEqual(savedIn(s.h), []);
      assert.equal(
        s.h.spy.messages.at(-1)?.text,
        `Discarded the interrupted upload of ${key}: 8.0 MiB of stored parts deleted.`,
      );
    });

    it("the Buckets view lists a bucket's incomplete uploads and their parts; Abort and Abort All Older Than... drop them", async (t) => {
      if (!env || !conn) return t.skip(NO_S3_SKIP_REASON);
      // A bucket of its own: Abort All Older Than... must not touch other tests' uploads.
      const bucket = uniqueKey('ossp-mpu');
      await drain(await sendSigned(conn, { method: 'PUT', bucket, expectStatus: [409] }));
      try {
        const start = async (key: string, partBytes?: number) => {
          const res = await sendSigned(conn, { method: 'POST', bucket, key, query: [['uploads', '']] });
          const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await readBody(res))![1];
          if (partBytes)
            await drain(
              await sendSigned(conn, {
                method: 'PUT',
                bucket,
                key,
                query: [
                  ['partNumber', '1'],
                  ['uploadId', uploadId],
                ],
                body: randomBytes(partBytes),
                contentLength: partBytes,
              }),
            );
          return uploadId;
        };
        await start('a/first.iso', 100 * 1024);
        await start('b/second.iso');

        const h = createHarness();
        harnesses.push(h);
        await h.setProfiles(
          [
            profile('q', {
              endpoint: env.endpoint,
              region: env.region,
              accessKeyId: env.accessKeyId,
              buckets: [bucket],
            }),
          ],
          env.accessKeySecret,
        );
        const { BucketTreeProvider } = h.load<TreeModule>('features/buckets/treeProvider.js');
        const tree = new BucketTreeProvider(h.services().profiles, h.log, () => 1);
        h.context.subscriptions.push(tree);
        const { registerCommands } = h.load<typeof import('../../src/vscode/commands')>('vscode/commands.js');
        const { bucketCommands } =
          h.load<typeof import('../../src/features/buckets/commands')>('features/buckets/commands.js');
        registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, bucketCommands(h.services(), tree));

        const [bucketNode] = await tree.getChildren((await tree.getChildren())[0]);
        const [uploadsNode] = await tree.getChildren(bucketNode);
        assert.equal(tree.getTreeItem(uploadsNode).label, 'Incomplete Uploads');
        // Page size 1: one upload, then Load More.
        let children = await tree.getChildren(uploadsNode);
        assert.deepEqual(
          children.map((n) => n.kind),
          ['upload', 'loadMore'],
        );
        await tree.loadMore(children[1]);
        children = await tree.getChildren(uploadsNode);
        const uploads = children.filter((n): n is Extract<TreeNode, { kind: 'upload' }> => n.kind === 'upload');
        assert.deepEqual(
          uploads.map((n) => n.key),
          ['a/first.iso', 'b/second.iso'],
        );
        assert.equal(tree.getTreeItem(uploadsNode).description, '2');
        assert.match(String(tree.getTreeItem(uploads[0]).description), /^started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

        const parts = await tree.getChildren(uploads[0]);
        assert.deepEqual(
          parts.map((n) => n.kind === 'part' && [n.partNumber, n.size]),
          [[1, 100 * 1024]],
        );
        assert.match(String(tree.getTreeItem(uploads[0]).description), / · 1 part, 100 KiB$/);

        const abort = h.load<UploadsModule>('features/upload/incompleteUploads.js');
        h.fake.answers.messages.push('Abort Upload');
        assert.equal(await abort.abortUploadCommand(h.services(), uploads[0], undefined), true);
        assert.deepEqual(
          (await tree.getChildren(uploadsNode)).map((n) => n.kind === 'upload' && n.key),
          ['b/second.iso'],
        );

        h.fake.answers.quickPicks.push('$(edit) Custom...');
        h.fake.answers.inputBoxes.push('0');
        h.fake.answers.messages.push('Abort 1 Upload');
        assert.equal(await abort.abortOlderThanCommand(h.services(), uploadsNode, undefined), 1);
        assert.deepEqual(
          (await tree.getChildren(uploadsNode)).map((n) => (n.kind === 'message' ? n.message : n.kind)),
          ['No incomplete uploads.'],
        );
        assert.deepEqual((await listMultipartUploads({ ...conn, bucket })).uploads, []);
      } finally {
        const { uploads } = await listMultipartUploads({ ...conn, bucket });
        for (const u of uploads) await abortMultipartUpload({ ...conn, bucket, key: u.key, uploadId: u.uploadId });
        await drain(await sendSigned(conn, { method: 'DELETE', bucket }));
      }
    });
  },
);
