// "Upload to Bucket..." and "Create Presigned Multipart Kit..." inside the real extension host, against the real S3
// server (S3_* env), driven with arguments so that no QuickInput is needed.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import {
  FIXTURE,
  type S3Env,
  type S3Suite,
  s3Profile,
  type TestHooks,
  waitFor,
  workspaceFile,
  s3Connection,
  setUpS3Suite,
  tearDownS3Suite,
} from './helpers';

const PROFILE_ID = `upl-${randomBytes(3).toString('hex')}`;
const FOLDER = `upload-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}/`;

suite('upload commands', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  let api: S3Suite['api'];
  const created: string[] = [];
  const conn = () => s3Connection(env!);

  async function bytesOf(key: string): Promise<Buffer> {
    const res = await api.getObject({ ...conn(), bucket: env!.bucket, key });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  suiteSetup(async function () {
    ({ env, api, hooks } = await setUpS3Suite(this, (e) => s3Profile(e, PROFILE_ID, `Upload test ${PROFILE_ID}`)));
  });

  suiteTeardown(() => tearDownS3Suite({ env, api, hooks }, created, PROFILE_ID));

  test('"Upload to Bucket..." on a workspace file puts it in the bucket, and the tree shows it', async () => {
    const key = `${FOLDER}Überblick ünïcødé 名前.txt`;
    created.push(key);
    const uri = workspaceFile(FIXTURE.spacedUnicode);
    const result = await vscode.commands.executeCommand<Array<{ key: string; bytes: number }>>(
      'ossPresign.uploadFile',
      uri,
      { profileId: PROFILE_ID, bucket: env!.bucket, key },
    );
    assert.deepEqual(
      result?.map((r) => r.key),
      [key],
    );
    assert.ok((await bytesOf(key)).equals(fs.readFileSync(uri.fsPath)), 'stored bytes differ from the file');

    const profile = (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === PROFILE_ID);
    assert.ok(profile, 'profile node missing');
    const bucket = (await hooks.tree.getChildren(profile)).find((n) => n.kind === 'bucket' && n.bucket === env!.bucket);
    assert.ok(bucket, 'bucket node missing');
    const folder = await waitFor(
      async () => (await hooks.tree.getChildren(bucket)).find((n) => n.kind === 'prefix' && n.prefix === FOLDER),
      10_000,
      `folder ${FOLDER} in the tree`,
    );
    const objects = await hooks.tree.getChildren(folder);
    assert.ok(
      objects.some((n) => n.kind === 'object' && n.key === key),
      `the tree does not show ${key}: ${objects.map((n) => n.id).join(', ')}`,
    );
  });

  test('"Upload to Bucket..." on a folder uploads every file below it except files.exclude, keys from the key template under the prefix', async () => {
    // A folder made for this test inside the (copied) fixture workspace: two files to upload and one excluded.
    const name = `upl-${randomBytes(3).toString('hex')}`;
    const dir = workspaceFile(name);
    fs.mkdirSync(path.join(dir.fsPath, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir.fsPath, 'a.txt'), 'file a');
    fs.writeFileSync(path.join(dir.fsPath, 'sub', 'b.bin'), randomBytes(3000));
    fs.writeFileSync(path.join(dir.fsPath, 'skip.log'), 'excluded');
    const files = vscode.workspace.getConfiguration('files');
    await files.update(
      'exclude',
      { ...files.get<Record<string, boolean>>('exclude'), '**/*.log': true },
      vscode.ConfigurationTarget.Workspace,
    );
    try {
      const result = await vscode.commands.executeCommand<Array<{ key: string }>>('ossPresign.uploadFile', dir, {
        profileId: PROFILE_ID,
        bucket: env!.bucket,
        prefix: `${FOLDER}tree/`,
      });
      const keys = (result ?? []).map((r) => r.key).sort();
      created.push(...keys);
      assert.deepEqual(keys, [`${FOLDER}tree/${name}/a.txt`, `${FOLDER}tree/${name}/sub/b.bin`]);
      for (const key of keys)
        assert.ok(
          (await bytesOf(key)).equals(fs.readFileSync(workspaceFile(key.slice(`${FOLDER}tree/`.length)).fsPath)),
        );
    } finally {
      await files.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(dir.fsPath, { recursive: true, force: true });
    }
  });

  test('"Create Presigned Multipart Kit..." writes a script and a manifest with presigned parts', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-host-'));
    const key = `${FOLDER}kit.json`;
    const kit = await vscode.commands.executeCommand<{
      scriptPath: string;
      manifestPath: string;
      uploadId: string;
      parts: number;
    }>('ossPresign.createMultipartKit', workspaceFile(FIXTURE.json), {
      profileId: PROFILE_ID,
      bucket: env!.bucket,
      key,
      expiresSeconds: 600,
      outputDir: out,
    });
    try {
      assert.ok(kit, 'the command returned nothing (see the OSS Presign output)');
      assert.equal(kit.parts, 1);
      const manifest = JSON.parse(fs.readFileSync(kit.manifestPath, 'utf8'));
      assert.equal(manifest.uploadId, kit.uploadId);
      assert.equal(manifest.key, key);
      assert.match(manifest.parts[0].url, /partNumber=1&uploadId=/);
      assert.ok(fs.readFileSync(kit.scriptPath, 'utf8').startsWith('#!/usr/bin/env bash'));
      assert.ok(!fs.readFileSync(kit.scriptPath, 'utf8').includes(env!.secretKey));
    } finally {
      if (kit) await api.abortMultipartUpload({ ...conn(), bucket: env!.bucket, key, uploadId: kit.uploadId });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
