// src/vscode/targets.ts: what a command is about, from the arguments VS Code passes it (Explorer, editor title,
// Buckets view node, palette), against the fake vscode.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Uri } from '../fakes/vscode';
import { asUri, createHarness, type Harness } from '../fakes/services';

type Targets = typeof import('../../../src/vscode/targets');
type Core = typeof import('../../../src/core/index');

describe('targets', () => {
  let h: Harness;
  let targets: Targets;
  let core: Core;
  const question = (interactive = true) => ({
    title: 'Presign PUT',
    verb: 'presign',
    openLabel: 'Presign',
    confirmAbove: 2,
    confirm: (n: number) => `Presign ${n} URLs`,
    interactive,
  });
  const paths = (uris: readonly { fsPath: string }[]) => uris.map((u) => u.fsPath);
  /** Files (with their folders) of the workspace folder, as Uris. */
  const files = (...names: string[]) =>
    names.map((name) => {
      mkdirSync(join(h.dir, name, '..'), { recursive: true });
      writeFileSync(join(h.dir, name), name);
      return h.file(name);
    });

  beforeEach(() => {
    h = createHarness();
    targets = h.load<Targets>('vscode/targets.js');
    core = h.load<Core>('core/index.js');
  });
  afterEach(() => h.dispose());

  describe('commandOptions', () => {
    type Options = { profileId?: string; bucket?: string };
    const names: ReadonlyArray<keyof Options> = ['profileId', 'bucket'];
    it('recognises an object with one of the option names', () => {
      const options = { bucket: 'b', other: 1 };
      assert.equal(targets.commandOptions<Options>(options, names), options);
    });

    it('does not take the Explorer selection, a Uri, the editor title context, nothing, or an object without the names', () => {
      const uri = Uri.file('/tmp/x');
      for (const value of [[uri], uri, { groupId: 1, editorIndex: 0 }, undefined, null, 'bucket', {}]) {
        assert.equal(targets.commandOptions<Options>(value, names), undefined, `took ${JSON.stringify(value)}`);
      }
    });
  });

  describe('commandTarget', () => {
    it('takes the whole Explorer multi-selection, not only the clicked file', async () => {
      const [a, b] = files('a.txt', 'b.txt');
      const target = await targets.commandTarget(asUri(a), [asUri(a), asUri(b)], question());
      assert.deepEqual(paths(target.files), paths([a, b]));
      assert.equal(target.place, undefined);
    });

    it('takes the file of an editor title (whose second argument is { groupId, editorIndex })', async () => {
      const [a] = files('a.txt', 'b.txt');
      const target = await targets.commandTarget(asUri(a), { groupId: 1, editorIndex: 0 }, question());
      assert.deepEqual(paths(target.files), paths([a]));
    });

    it('expands a selected folder to the files below it, sorted, asking first above the limit', async () => {
      files('dir/c.txt', 'dir/a.txt', 'dir/sub/b.txt');
      h.fake.answers.messages.push('Presign 3 URLs');
      const target = await targets.commandTarget(asUri(h.file('dir')), undefined, question());
      assert.deepEqual(paths(target.files), paths([h.file('dir/a.txt'), h.file('dir/c.txt'), h.file('dir/sub/b.txt')]));
      assert.deepEqual(
        h.spy.messages.map((m) => [m.text, m.options?.modal]),
        [['Presign 3 URLs?', true]],
      );
    });

    it('cancels when the confirmation for many files is dismissed, and does not ask when not interactive', async () => {
      files('dir/a.txt', 'dir/b.txt', 'dir/c.txt');
      h.fake.answers.messages.push(undefined);
      await assert.rejects(targets.commandTarget(asUri(h.file('dir')), undefined, question()), (err) =>
        core.isCancelled(err),
      );
      const quiet = await targets.commandTarget(asUri(h.file('dir')), undefined, question(false));
      assert.equal(quiet.files.length, 3);
      assert.equal(h.spy.messages.length, 1);
    });

    it('asks for local files with a dialog for a bucket node, and keeps the node as the destination', async () => {
      const [a, b] = files('a.txt', 'b.txt');
      const node = { kind: 'prefix', profileId: 'p', bucket: 'bkt', prefix: 'photos/' };
      h.spy.dialogAnswers.push([a, b]);
      const target = await targets.commandTarget(node, undefined, question());
      assert.deepEqual(paths(target.files), paths([a, b]));
      assert.equal(target.place, node);
      assert.deepEqual(
        h.spy.dialogs.map((d) => [d.title, d.canSelectMany, d.canSelectFolders, d.openLabel]),
        [['Presign PUT into bkt/photos/', true, true, 'Presign']],
      );
    });

    it('asks for one file to overwrite an object node, and cancels when the dialog is closed', async () => {
      const node = { kind: 'object', profileId: 'p', bucket: 'bkt', key: 'photos/cat.jpg' };
      h.spy.dialogAnswers.push(undefined);
      await assert.rejects(targets.commandTarget(node, undefined, question()), (err) => core.isCancelled(err));
      assert.deepEqual(
        h.spy.dialogs.map((d) => [d.title, d.canSelectMany]),
        [['Presign PUT over photos/cat.jpg', false]],
      );
    });

    it("takes the active editor's file from the palette, without a dialog", async () => {
      const [a] = files('a.txt');
      h.spy.setActiveEditor(a);
      const target = await targets.commandTarget(undefined, undefined, question());
      assert.deepEqual(paths(target.files), paths([a]));
      assert.deepEqual(h.spy.dialogs, []);
    });

    it('asks with a dialog from the palette when the active editor is untitled', async () => {
      const [a] = files('a.txt');
      h.spy.setActiveEditor(Uri.from({ scheme: 'untitled', path: 'Untitled-1' }), true);
      h.spy.dialogAnswers.push([a]);
      const target = await targets.commandTarget(undefined, undefined, question());
      assert.deepEqual(paths(target.files), paths([a]));
      assert.equal(h.spy.dialogs[0].title, 'Presign PUT');
    });

    it('refuses a file that is not on the local disk', async () => {
      const remote = Uri.from({ scheme: 'vscode-remote', authority: 'ssh', path: '/home/x.txt' });
      await assert.rejects(
        targets.commandTarget(asUri(remote), undefined, question()),
        (err: Error & { code?: string }) => err.code === 'NotALocalFile',
      );
    });
  });
});
