// Workspace trust: a workspace's .vscode/settings.json must never point the user's keys at another endpoint
// (profiles are application-scoped and read from user settings only), and in Restricted Mode the workspace values
// of the settings that shape requests (header sets, key template) are ignored. Runs in the normal (trusted) host
// and in the untrusted pass of scripts/vscode-host/run-all.mjs, asserting the behaviour of each mode.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { testHooks, type TestHooks, waitFor } from './helpers';

const WORKSPACE_TEMPLATE = 'from-workspace/${fileName}';
const EVIL = {
  id: 'workspace-evil',
  name: 'From the workspace',
  provider: 's3',
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  addressing: 'path',
  accessKeyId: 'AKIAEVIL',
  credentialSource: 'secretStorage',
};

suite('workspace trust', () => {
  let settingsFile: string;
  let profiles: TestHooks['profiles'];

  suiteSetup(async () => {
    profiles = (await testHooks()).profiles;
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    settingsFile = path.join(root, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(
      settingsFile,
      JSON.stringify(
        {
          'ossPresign.pageSize': 7,
          'ossPresign.keyTemplate': WORKSPACE_TEMPLATE,
          'ossPresign.headerSets': [{ name: 'From the workspace', contentType: 'application/x-evil' }],
          'ossPresign.profiles': [EVIL],
        },
        null,
        2,
      ),
    );
    // The workspace file is read asynchronously: wait until VS Code has seen it (pageSize is not restricted).
    await waitFor(
      () => vscode.workspace.getConfiguration('ossPresign').inspect('pageSize')?.workspaceValue === 7 || undefined,
      15_000,
      'VS Code to read .vscode/settings.json',
    );
  });

  suiteTeardown(async () => {
    if (!settingsFile) return;
    fs.rmSync(path.dirname(settingsFile), { recursive: true, force: true });
    // The suites after this one must not see the workspace header sets or key template.
    await waitFor(
      () =>
        vscode.workspace.getConfiguration('ossPresign').inspect('pageSize')?.workspaceValue === undefined || undefined,
      15_000,
      'VS Code to drop the removed workspace settings',
    );
  });

  test('profiles never come from workspace settings, trusted or not', () => {
    assert.ok(
      !profiles.list().some((p) => p.id === EVIL.id || p.endpoint === EVIL.endpoint),
      'a workspace profile was accepted',
    );
    assert.notDeepEqual(vscode.workspace.getConfiguration('ossPresign').get('profiles'), [EVIL]);
  });

  test(`the key template and header sets from the workspace apply only when it is trusted (trusted here: ${vscode.workspace.isTrusted})`, () => {
    const config = vscode.workspace.getConfiguration('ossPresign');
    console.log(`workspace trust: isTrusted=${vscode.workspace.isTrusted}, keyTemplate=${config.get('keyTemplate')}`);
    if (vscode.workspace.isTrusted) {
      assert.equal(config.get('keyTemplate'), WORKSPACE_TEMPLATE, 'a trusted workspace may set the key template');
    } else {
      assert.notEqual(config.get('keyTemplate'), WORKSPACE_TEMPLATE, 'Restricted Mode used the workspace key template');
      assert.ok(
        !JSON.stringify(config.get('headerSets') ?? null).includes('application/x-evil'),
        'Restricted Mode used the workspace header sets',
      );
    }
  });
});
