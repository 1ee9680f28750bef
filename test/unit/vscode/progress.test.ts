// src/vscode/progress.ts: a cancellable progress notification whose Cancel aborts the work's AbortSignal.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../fakes/services';

type Progress = typeof import('../../../src/vscode/progress');

describe('withCancellableProgress', () => {
  let h: Harness;
  let progress: Progress;

  beforeEach(() => {
    h = createHarness();
    progress = h.load<Progress>('vscode/progress.js');
  });
  afterEach(() => h.dispose());

  it("aborts the work's signal when the notification is cancelled", async () => {
    // The fake's Cancel fires the token's event at once, as VS Code's does: the signal must be aborted right after.
    const states = await progress.withCancellableProgress('Uploading', async (signal) => {
      const before = signal.aborted;
      h.fake.cancelProgress();
      return [before, signal.aborted];
    });
    assert.deepEqual(states, [false, true]);
  });

  it("shows a notification with the title, passes the reports on and returns the work's result", async () => {
    const result = await progress.withCancellableProgress('Presigning', async (signal, p) => {
      p.report({ message: '100/200 files', increment: 50 });
      return signal.aborted ? 'aborted' : 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(h.fake.record.progress, [
      { title: 'Presigning', reports: [{ message: '100/200 files', increment: 50 }] },
    ]);
  });
});
