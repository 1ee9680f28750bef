// Interrupted uploads and a bucket's Incomplete Uploads inside the real extension host, against the real S3 server
// (S3_* env): an upload cut off by a lost connection keeps its checkpoint in the real globalState (what a reload
// finds), the offer's Resume sends only the missing parts, and the Buckets view lists and aborts incomplete uploads.
// Driven with command arguments, so no notification or modal needs an answer.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/features/buckets/nodes';
import { startFaultProxy, type FaultProxy } from '../integration/helpers/faultProxy';
import {
  type S3Env,
  type S3Suite,
  s3Connection,
  s3Profile,
  setUpS3Suite,
  tearDownS3Suite,
  type TestHooks,
} from './helpers';

const MiB = 1024 * 1024;
const PROFILE_ID = `rsm-${randomBytes(3).toString('hex')}`;
const PROXIED_ID = `${PROFILE_ID}-px`;
const FOLDER = `resume-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}/`;
const CHECKPOINT_PREFIX = 'ossPresign.uploadCheckpoint.';
const SETTINGS = ['multipartThreshold', 'uploadConcurrency', 'pageSize'] as const;

type UploadNode = Extract<TreeNode, { kind: 'upload' }>;

suite('resume: interrupted uploads and Incomplete Uploads', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  let api: S3Suite['api'];
  let proxy: FaultProxy | undefined;
  let dir: string;
  const created: string[] = [];
  const config = () => vscode.workspace.getConfiguration('ossPresign');
  const conn = () => s3Connection(env!);

  suiteSetup(async function () {
    ({ env, api, hooks } = await setUpS3Suite(this, (e) => s3Profile(e, PROFILE_ID, `Resume test ${PROFILE_ID}`)));
    proxy = await startFaultProxy(env.endpoint);
    await hooks.profiles.add(
      s3Profile(env, PROXIED_ID, `Resume test via proxy ${PROXIED_ID}`, { endpoint: proxy.url, buckets: [env.bucket] }),
      { secret: env.secretKey },
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resume-host-'));
  });

  suiteTeardown(async () => {
    for (const name of SETTINGS) await config().update(name, undefined, vscode.ConfigurationTarget.Global);
    if (env && api)
      for (const key of created) {
        const { uploads } = await api.listMultipartUploads({ ...conn(), bucket: env.bucket, prefix: key });
        for (const u of uploads)
          await api.abortMultipartUpload({ ...conn(), bucket: env.bucket, key, uploadId: u.uploadId });
      }
    if (hooks?.profiles.get(PROXIED_ID)) await hooks.profiles.remove({ id: PROXIED_ID });
    await tearDownS3Suite({ env, api, hooks }, created, PROFILE_ID);
    await proxy?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const saved = () =>
    hooks.context.globalState
      .keys()
      .filter((k) => k.startsWith(CHECKPOINT_PREFIX))
      .map((k) => hooks.context.globalState.get<Record<string, unknown>>(k)!);

  test('the resume offer after a reload: a cut-off upload keeps its checkpoint in globalState, and Resume sends only the missing part', async () => {
    await config().update('multipartThreshold', 5 * MiB, vscode.ConfigurationTarget.Global);
    await config().update('uploadConcurrency', 1, vscode.ConfigurationTarget.Global);
    const key = `${FOLDER}big.bin`;
    created.push(key);
    // 17 MiB: parts of 8, 8 and 1 MiB.
    const data = randomBytes(17 * MiB);
    const file = path.join(dir, 'big.bin');
    fs.writeFileSync(file, data);
    proxy!.inject((r) => r.method === 'PUT' && r.query.get('partNumber') === '3', { kind: 'reset-request' });
    // The command reports the failure itself (log and message) and resolves to undefined.
    const failed = await vscode.commands.executeCommand('ossPresign.uploadFile', vscode.Uri.file(file), {
      profileId: PROXIED_ID,
      bucket: env!.bucket,
      key,
    });
    assert.equal(failed, undefined);
    proxy!.clearFaults();

    // What the next session of VS Code finds in globalState.
    const entries = saved().filter((s) => s.key === key);
    assert.equal(entries.length, 1, `checkpoints: ${JSON.stringify(saved().map((s) => s.key))}`);
    const [entry] = entries;
    const checkpoint = entry.checkpoint as { uploadId: string; parts: Array<{ partNumber: number }> };
    assert.deepEqual(
      [entry.filePath, entry.profileId, entry.bucket, checkpoint.parts.map((p) => p.partNumber)],
      [file, PROXIED_ID, env!.bucket, [1, 2]],
    );
    const everything = JSON.stringify(hooks.context.globalState.keys().map((k) => hooks.context.globalState.get(k)));
    assert.ok(!everything.includes(env!.secretKey), 'the secret is in globalState');
    assert.doesNotMatch(everything, /X-Amz-Signature|X-Amz-Credential|Authorization/i);
    const { uploads } = await api.listMultipartUploads({ ...conn(), bucket: env!.bucket, prefix: key });
    assert.deepEqual(
      uploads.map((u) => u.uploadId),
      [checkpoint.uploadId],
      'the upload is kept on the server',
    );

    // The offer's Resume (at activation, or "Resume Interrupted Uploads..."), answered by argument.
    const from = proxy!.requests.length;
    const done = await vscode.commands.executeCommand<Array<{ key: string; resumedBytes?: number }>>(
      'ossPresign.resumeUploads',
      { action: 'resume' },
    );
    assert.deepEqual(
      done?.map((d) => [d.key, d.resumedBytes]),
      [[key, 16 * MiB]],
    );
    const sent = proxy!.requests
      .slice(from)
      .filter((r) => r.method === 'PUT')
      .map((r) => new URL(r.url, proxy!.url).searchParams.get('partNumber'));
    assert.deepEqual(sent, ['3'], 'only the missing part was sent');
    const res = await api.getObject({ ...conn(), bucket: env!.bucket, key });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(data), 'the object is the file');
    assert.deepEqual(
      saved().filter((s) => s.key === key),
      [],
      'the checkpoint is cleared',
    );
  });

  test('the Incomplete Uploads node lists an upload with its parts, and Abort drops it', async () => {
    const key = `${FOLDER}incomplete.iso`;
    created.push(key);
    const res = await api.sendSigned(conn(), { method: 'POST', bucket: env!.bucket, key, query: [['uploads', '']] });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await api.readBody(res))![1];
    const part = randomBytes(64 * 1024);
    await api.drain(
      await api.sendSigned(conn(), {
        method: 'PUT',
        bucket: env!.bucket,
        key,
        query: [
          ['partNumber', '1'],
          ['uploadId', uploadId],
        ],
        body: part,
        contentLength: part.length,
      }),
    );

    await config().update('pageSize', 1000, vscode.ConfigurationTarget.Global);
    const profile = (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === PROXIED_ID)!;
    const bucket = (await hooks.tree.getChildren(profile)).find((n) => n.kind === 'bucket')!;
    const [uploadsNode] = await hooks.tree.getChildren(bucket);
    assert.equal(uploadsNode.kind, 'uploads');
    assert.equal(hooks.tree.getTreeItem(uploadsNode).label, 'Incomplete Uploads');

    const listUploads = async () => {
      let children = await hooks.tree.getChildren(uploadsNode);
      while (children.at(-1)?.kind === 'loadMore') {
        await vscode.commands.executeCommand('ossPresign.loadMore', children.at(-1));
        children = await hooks.tree.getChildren(uploadsNode);
      }
      return children.filter((n): n is UploadNode => n.kind === 'upload');
    };
    const node = (await listUploads()).find((n) => n.uploadId === uploadId);
    assert.ok(node, `upload ${uploadId} of ${key} is not listed`);
    assert.equal(node.key, key);
    assert.match(String(hooks.tree.getTreeItem(uploadsNode).description), /^\d+\+?$/);

    const parts = await hooks.tree.getChildren(node);
    assert.deepEqual(
      parts.map((n) => n.kind === 'part' && [n.partNumber, n.size]),
      [[1, part.length]],
    );
    assert.match(String(hooks.tree.getTreeItem(node).description), /^started .* UTC · 1 part, 64\.0 KiB$/);
    assert.equal(hooks.tree.getTreeItem(node).contextValue, 'upload');

    const aborted = await vscode.commands.executeCommand('ossPresign.abortUpload', node, { confirm: false });
    assert.equal(aborted, true);
    assert.ok(
      !(await listUploads()).some((n) => n.uploadId === uploadId),
      'the aborted upload is still listed after the refresh',
    );
    assert.deepEqual((await api.listMultipartUploads({ ...conn(), bucket: env!.bucket, prefix: key })).uploads, []);
  });
});
