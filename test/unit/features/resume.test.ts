// src/features/upload: the checkpoints of interrupted uploads in globalState, and the offer to resume or discard
// them (at activation and "Resume Interrupted Uploads..."), over the fake vscode and an injected core. The resume
// itself runs against radosgw in test/integration/resumeUi.test.ts.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { AbortMultipartUploadOptions, Checkpoint } from '../../../src/core/index';
import type { MultipartApi } from '../../../src/features/upload/incompleteUploads';
import type { UploadRef } from '../../../src/features/upload/checkpointStore';
import { createHarness, profile, type Harness } from '../fakes/services';

type StoreModule = typeof import('../../../src/features/upload/checkpointStore');
type ResumeModule = typeof import('../../../src/features/upload/resume');

const MiB = 1024 * 1024;
const PREFIX = 'ossPresign.uploadCheckpoint.';

function checkpoint(key: string, uploadId: string, partSizes: number[]): Checkpoint {
  return {
    version: 1,
    provider: 's3',
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    bucket: 'alpha',
    key,
    uploadId,
    partSize: 8 * MiB,
    fileSize: 32 * MiB,
    fileMtimeMs: 1_700_000_000_000,
    parts: partSizes.map((size, i) => ({ partNumber: i + 1, size, etag: `etag${i + 1}`, sha256: 'ab'.repeat(32) })),
  };
}

describe('interrupted uploads: checkpoints and the offer to resume', () => {
  let h: Harness;
  let aborts: AbortMultipartUploadOptions[];
  let api: MultipartApi;
  let clock = 0;
  const checkpoints = () => {
    const { UploadCheckpoints } = h.load<StoreModule>('features/upload/checkpointStore.js');
    // Each save one second after the last: list() orders by it.
    return new UploadCheckpoints(
      (h.context as unknown as vscode.ExtensionContext).globalState,
      () => new Date(Date.UTC(2024, 0, 1, 0, 0, ++clock)),
    );
  };
  const ref = (key: string, extra: Partial<UploadRef> = {}): UploadRef => ({
    filePath: `${h.dir}/${key}`,
    profileId: 'p',
    bucket: 'alpha',
    key,
    ...extra,
  });
  const save = (key: string, uploadId: string, parts: number[], extra: Partial<UploadRef> = {}) =>
    checkpoints()
      .store(ref(key, extra))
      .save(checkpoint(key, uploadId, parts));
  const stored = () => [...h.state.keys()].filter((k) => k.startsWith(PREFIX)).map((k) => JSON.parse(h.state.get(k)!));
  const statusBar = () => {
    const { UploadStatusBar } =
      h.load<typeof import('../../../src/features/upload/statusBar')>('features/upload/statusBar.js');
    const bar = new UploadStatusBar();
    h.context.subscriptions.push(bar);
    return bar;
  };
  const resume = () => h.load<ResumeModule>('features/upload/resume.js');

  beforeEach(async () => {
    h = createHarness();
    await h.setProfiles([profile('p')]);
    aborts = [];
    api = {
      listMultipartUploads: async () => assert.fail('nothing is listed'),
      abortMultipartUpload: async (options) => void aborts.push(options),
    };
    // Resume and Discard refresh the Buckets view.
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, [
      { id: 'ossPresign.refresh', run: () => undefined },
    ]);
  });
  afterEach(() => h.dispose());

  it('keeps one entry per file and target in globalState: file, profile, bucket, key, location and the checkpoint, never a secret or URL', async () => {
    await save('a.bin', 'u1', [8 * MiB]);
    await save('a.bin', 'u1', [8 * MiB, 8 * MiB]);
    await save('a.bin', 'u2', [], { profileId: 'q' });
    await save('b.bin', 'u3', [], {
      location: { bucketRegion: 'eu-west-1', bucketEndpoint: 's3.eu-west-1.amazonaws.com' },
    });
    const entries = stored();
    assert.equal(entries.length, 3, 'a save replaces the entry of the same file and target');
    const a = entries.find((e) => e.key === 'a.bin' && e.profileId === 'p');
    assert.deepEqual(
      [a.version, a.filePath, a.bucket, a.checkpoint.uploadId, a.checkpoint.parts.length],
      [1, `${h.dir}/a.bin`, 'alpha', 'u1', 2],
    );
    assert.deepEqual(entries.find((e) => e.key === 'b.bin').location, {
      bucketRegion: 'eu-west-1',
      bucketEndpoint: 's3.eu-west-1.amazonaws.com',
    });
    const json = [...h.state.values()].join('\n');
    assert.ok(!json.includes('test-secret'), 'the secret is in globalState');
    assert.doesNotMatch(json, /Signature|Credential|X-Amz-|x-oss-|\?/i);

    const store = checkpoints();
    assert.equal(store.get(ref('a.bin'))?.checkpoint.uploadId, 'u1');
    assert.equal(
      await store
        .store(ref('a.bin'))
        .load()
        .then((c) => c?.uploadId),
      'u1',
    );
    await store.forgetUpload('p', 'alpha', 'u1');
    assert.deepEqual(
      store.list().map((s) => [s.profileId, s.key]),
      [
        ['q', 'a.bin'],
        ['p', 'b.bin'],
      ],
      'oldest first, without the forgotten one',
    );
  });

  it('skips entries that name no file or target (the checkpoint itself is checked by core when resuming)', async () => {
    await save('a.bin', 'u1', []);
    await h.context.globalState.update(`${PREFIX}junk`, { version: 1, key: 'x' });
    await h.context.globalState.update(`${PREFIX}text`, 'not an entry');
    assert.deepEqual(
      checkpoints()
        .list()
        .map((s) => s.key),
      ['a.bin'],
    );
  });

  it('at activation offers nothing when no upload was interrupted', async () => {
    await resume().offerResumeAtStartup(h.services(), statusBar());
    assert.deepEqual(h.spy.messages, []);
  });

  it('at activation offers once to resume the interrupted uploads, naming them and what is stored; dismissed, they stay', async () => {
    await save('a.bin', 'u1', [8 * MiB, 8 * MiB]);
    await save('b.bin', 'u2', [8 * MiB]);
    await resume().offerResumeAtStartup(h.services(), statusBar());
    assert.deepEqual(
      h.fake.record.messages.map((m) => [m.level, m.text, m.items]),
      [
        [
          'info',
          '2 uploads can resume: a.bin, b.bin (24.0 MiB already stored). Resume sends only the rest; Discard deletes the stored parts.',
          ['Resume', 'Discard'],
        ],
      ],
    );
    assert.equal(stored().length, 2);
    assert.deepEqual(aborts, []);
  });

  it('names one upload with how much of the file is stored', () => {
    const { resumeOfferText } = resume();
    assert.equal(
      resumeOfferText([{ version: 1, ...ref('a.bin'), savedAt: '', checkpoint: checkpoint('a.bin', 'u1', [8 * MiB]) }]),
      '1 upload can resume: a.bin to alpha (8.0 MiB of 32.0 MiB already stored). Resume sends only the rest; Discard deletes the stored parts.',
    );
  });

  it('Discard aborts each upload on the server with its profile and forgets it', async () => {
    await save('a.bin', 'u1', [8 * MiB]);
    await save('b.bin', 'u2', [8 * MiB], { location: { bucketRegion: 'us-east-1' } });
    h.fake.answers.messages.push('Discard');
    await resume().resumeUploadsCommand(h.services(), statusBar(), undefined, api);
    assert.deepEqual(
      aborts.map((a) => [a.bucket, a.key, a.uploadId, a.accessKeySecret]),
      [
        ['alpha', 'a.bin', 'u1', 'test-secret'],
        ['alpha', 'b.bin', 'u2', 'test-secret'],
      ],
    );
    assert.deepEqual(stored(), []);
    assert.equal(h.spy.messages.at(-1)?.text, 'Discarded 2 interrupted uploads: 16.0 MiB of stored parts deleted.');
  });

  it('Discard of an upload whose profile was removed forgets it and says where to abort it', async () => {
    await save('a.bin', 'u1', [8 * MiB], { profileId: 'gone' });
    await resume().resumeUploadsCommand(h.services(), statusBar(), { action: 'discard' }, api);
    assert.deepEqual(aborts, []);
    assert.deepEqual(stored(), []);
    assert.deepEqual(
      h.spy.messages.map((m) => m.level),
      ['warning'],
      'no question: the action was given',
    );
    assert.match(
      h.spy.messages[0].text,
      /^Could not delete the stored parts of alpha\/a\.bin \(.*gone.*\): abort it under "Incomplete Uploads"/,
    );
  });

  it('Resume of an upload whose file is gone names the file and keeps the upload for Discard', async () => {
    await save('missing.bin', 'u1', [8 * MiB]);
    h.fake.answers.messages.push('Resume');
    const done = await resume().resumeUploadsCommand(h.services(), statusBar(), undefined, api);
    assert.deepEqual(done, []);
    assert.match(
      h.spy.messages[1].text,
      /missing\.bin no longer exists, so its upload to alpha\/missing\.bin cannot resume/,
    );
    assert.equal(stored().length, 1);
    assert.deepEqual(aborts, []);
  });

  it('"Resume Interrupted Uploads..." says when there is nothing to resume', async () => {
    await resume().resumeUploadsCommand(h.services(), statusBar(), undefined, api);
    assert.deepEqual(
      h.spy.messages.map((m) => m.text),
      ['No interrupted uploads to resume.'],
    );
  });
});
