// Request timeouts come from the settings: with ossPresign.timeouts.responseSeconds at 1, a server that accepts the
// connection and never answers fails the request with a NetworkError "Timeout" (the default is 30 s).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { getApi } from './helpers';

async function setTimeoutSetting(value: number | undefined): Promise<void> {
  // The extension's own listener was registered at activation, before this one, so it has run when this fires.
  const applied = new Promise<void>((resolve) => {
    const sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ossPresign.timeouts')) {
        sub.dispose();
        resolve();
      }
    });
  });
  await vscode.workspace
    .getConfiguration('ossPresign')
    .update('timeouts.responseSeconds', value, vscode.ConfigurationTarget.Global);
  await applied;
}

suite('request timeouts', () => {
  const silent = http.createServer(() => {
    // Accept the request and never answer.
  });
  let endpoint = '';

  suiteSetup(async () => {
    await getApi();
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });

  suiteTeardown(async () => {
    await setTimeoutSetting(undefined);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  test('ossPresign.timeouts.responseSeconds bounds the wait for an answer', async function () {
    this.timeout(20_000);
    await setTimeoutSetting(1);
    const api = await getApi();
    await assert.rejects(
      api.listObjects({
        provider: 's3',
        endpoint,
        region: 'us-east-1',
        addressing: 'path',
        accessKeyId: 'AKIATIMEOUT',
        accessKeySecret: 'timeout-test-secret',
        bucket: 'silent-bucket',
      }),
      (err: unknown) => {
        assert.ok(err instanceof Error && err.name === 'NetworkError', String(err));
        assert.equal((err as { code?: string }).code, 'Timeout');
        assert.match(err.message, /127\.0\.0\.1/);
        return true;
      },
    );
  });
});
