// src/vscode/commands.ts (registerCommands, the one error guard) and src/vscode/errors.ts (reportError), run
// against the fake vscode.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { createHarness, type Harness } from '../fakes/services';

type Kit = typeof import('../../../src/vscode/commands');
type Core = typeof import('../../../src/core/index');

describe('registerCommands', () => {
  let h: Harness;
  let kit: Kit;
  let core: Core;
  const register = (commands: { id: string; run: (...args: unknown[]) => unknown }[]) =>
    kit.registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, commands);

  beforeEach(() => {
    h = createHarness();
    kit = h.load<Kit>('vscode/commands.js');
    core = h.load<Core>('core/index.js');
  });
  afterEach(() => h.dispose());

  it('passes the arguments to the command and its result back to the caller', async () => {
    register([{ id: 'test.echo', run: async (...args) => ({ echoed: args }) }]);
    const result = await h.fake.vscode.commands.executeCommand('test.echo', 1, 'two', { three: 3 });
    assert.deepEqual(result, { echoed: [1, 'two', { three: 3 }] });
    assert.deepEqual(h.spy.messages, []);
  });

  it('reports a failure once (one error line with the id and cause chain, one message offering Show Log) and resolves undefined', async () => {
    register([{ id: 'test.fail', run: () => Promise.reject(new Error('boom', { cause: new TypeError('inner') })) }]);
    const result = await h.fake.vscode.commands.executeCommand('test.fail');
    assert.equal(result, undefined);
    assert.deepEqual(h.log.at('error'), ['test.fail: Error: boom <- TypeError: inner']);
    assert.deepEqual(h.fake.record.messages, [{ level: 'error', text: 'boom', items: ['Show Log'] }]);
  });

  it('reveals the log when the user clicks Show Log on the error message', async () => {
    register([
      {
        id: 'test.fail',
        run: () => {
          throw new Error('boom');
        },
      },
    ]);
    h.fake.answers.messages.push('Show Log');
    await h.fake.vscode.commands.executeCommand('test.fail');
    await h.log.shown;
    assert.equal(h.log.shows, 1);
  });

  it('shows a thrown non-Error as text, and an Error without a message as a pointer to the log', async () => {
    register([
      {
        id: 'test.string',
        run: () => {
          throw 'plain text';
        },
      },
      {
        id: 'test.empty',
        run: () => {
          throw new Error('');
        },
      },
    ]);
    await h.fake.vscode.commands.executeCommand('test.string');
    await h.fake.vscode.commands.executeCommand('test.empty');
    assert.deepEqual(
      h.fake.record.messages.map((m) => m.text),
      ['plain text', 'Something went wrong; see the "OSS Presign" output for details.'],
    );
  });

  it('passes over a CancelledError silently: no message, no error line, only a debug line', async () => {
    register([
      {
        id: 'test.cancel',
        run: async () => {
          throw new core.CancelledError();
        },
      },
    ]);
    assert.equal(await h.fake.vscode.commands.executeCommand('test.cancel'), undefined);
    assert.deepEqual(h.fake.record.messages, []);
    assert.deepEqual(h.log.at('error'), []);
    assert.deepEqual(h.log.at('debug'), ['test.cancel: cancelled']);
  });

  it('puts each registration in the context subscriptions, so disposing them unregisters the commands', () => {
    register([
      { id: 'test.a', run: () => 1 },
      { id: 'test.b', run: () => 2 },
    ]);
    assert.deepEqual(h.fake.commandIds(), ['test.a', 'test.b']);
    assert.equal(h.context.subscriptions.length, 2);
    for (const d of h.context.subscriptions.splice(0)) d.dispose();
    assert.deepEqual(h.fake.commandIds(), []);
  });
});
