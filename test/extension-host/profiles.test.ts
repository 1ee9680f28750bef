// Profiles and the Buckets view against the real S3 server (S3_* env): the secret goes to SecretStorage and
// nowhere else, the tree lists the server's buckets and a folder page by page, and removing deletes the secret.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/features/buckets/nodes';
import { s3ErrorXml, startFaultProxy } from '../integration/helpers/faultProxy';
import {
  type S3Env,
  type S3Suite,
  s3Profile,
  type TestHooks,
  testHooks,
  waitFor,
  s3Connection,
  setUpS3Suite,
  tearDownS3Suite,
} from './helpers';

const PROFILE_ID = `host-${randomBytes(3).toString('hex')}`;
const FOLDER = `tree-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}/`;
/** 7 objects and 2 sub-folders under FOLDER: with a page size of 3 the folder takes 3 requests (9 entries). */
const KEYS = [
  ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => `${FOLDER}${n}.txt`),
  `${FOLDER}sub1/x.txt`,
  `${FOLDER}sub2/y.txt`,
];

/** A bucket's objects and folders: its children after its Incomplete Uploads node (test/extension-host/resume.test.ts). */
const listing = (children: TreeNode[]) => children.filter((n) => n.kind !== 'uploads');

suite('profiles and the Buckets view', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  let api: S3Suite['api'];

  const conn = () => s3Connection(env!);

  suiteSetup(async function () {
    ({ env, api, hooks } = await setUpS3Suite(this));
    for (const key of KEYS) {
      const signed = api.presignPut({
        ...conn(),
        bucket: env.bucket,
        key,
        expiresSeconds: 300,
        headers: { 'Content-Type': 'text/plain' },
      });
      const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: `body of ${key}` });
      assert.equal(res.status, 200, `PUT ${key}: ${res.status} ${await res.text()}`);
    }
  });

  suiteTeardown(async () => {
    if (!env) return;
    await vscode.workspace
      .getConfiguration('ossPresign')
      .update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    await tearDownS3Suite({ env, api, hooks }, KEYS, PROFILE_ID);
  });

  test('adding a profile stores the secret in SecretStorage and nowhere else', async () => {
    await hooks.profiles.add(s3Profile(env!, PROFILE_ID, `Host test ${PROFILE_ID}`), { secret: env!.secretKey });
    const { context } = hooks;
    assert.equal(await context.secrets.get(`ossPresign.profile.${PROFILE_ID}.secret`), env!.secretKey);

    const settingsUri = vscode.Uri.joinPath(context.globalStorageUri, '..', '..', 'settings.json');
    const settings = new TextDecoder().decode(await vscode.workspace.fs.readFile(settingsUri));
    assert.ok(settings.includes(PROFILE_ID), `the profile is not in ${settingsUri.toString()}`);
    assert.ok(settings.includes(env!.accessKey), 'the access key id belongs in settings');
    assert.ok(!settings.includes(env!.secretKey), 'the secret key is in settings.json');

    for (const key of context.globalState.keys()) {
      assert.ok(
        !JSON.stringify(context.globalState.get(key) ?? null).includes(env!.secretKey),
        `globalState "${key}" holds the secret`,
      );
    }
    for (const key of context.workspaceState.keys()) {
      assert.ok(
        !JSON.stringify(context.workspaceState.get(key) ?? null).includes(env!.secretKey),
        `workspaceState "${key}" holds the secret`,
      );
    }
    const connection = await hooks.profiles.connection(PROFILE_ID);
    assert.equal(connection.accessKeySecret, env!.secretKey);
  });

  test("the tree lists the server's buckets under the profile", async () => {
    const roots = await hooks.tree.getChildren();
    const profile = roots.find((n) => n.kind === 'profile' && n.profileId === PROFILE_ID);
    assert.ok(profile, `no profile node among ${roots.map((n) => n.id).join(', ')}`);
    const buckets = await hooks.tree.getChildren(profile);
    const bucket = buckets.find((n) => n.kind === 'bucket' && n.bucket === env!.bucket);
    assert.ok(bucket, `bucket ${env!.bucket} not listed: ${buckets.map((n) => n.id).join(', ')}`);
    assert.equal(hooks.tree.getTreeItem(bucket).contextValue, 'bucket');
  });

  test('a folder is listed a page at a time with Load More', async () => {
    await vscode.workspace.getConfiguration('ossPresign').update('pageSize', 3, vscode.ConfigurationTarget.Global);
    const profile = (await hooks.tree.getChildren()).find((n) => n.profileId === PROFILE_ID && n.kind === 'profile')!;
    const bucket = (await hooks.tree.getChildren(profile)).find(
      (n) => n.kind === 'bucket' && n.bucket === env!.bucket,
    )!;
    // Filter the bucket to this run's folder name (server side), so other tests' objects do not interfere.
    await vscode.commands.executeCommand('ossPresign.clearFilter', bucket);
    hooks.tree.setFilter(bucket as Extract<TreeNode, { kind: 'bucket' }>, FOLDER.slice(0, -1));
    const top = listing(await hooks.tree.getChildren(bucket));
    assert.deepEqual(
      top.map((n) => [n.kind, n.prefix]),
      [['prefix', FOLDER]],
    );
    assert.match(String(hooks.tree.getTreeItem(bucket).description), /filter: /);

    const folder = top[0];
    let children = await hooks.tree.getChildren(folder);
    const pages = [children.length];
    for (let i = 0; i < 10 && children.at(-1)?.kind === 'loadMore'; i++) {
      await vscode.commands.executeCommand('ossPresign.loadMore', children.at(-1));
      children = await hooks.tree.getChildren(folder);
      pages.push(children.length);
    }
    assert.deepEqual(pages, [4, 7, 9], 'page size 3: 3 entries + Load More, 6 + Load More, then all 9');
    const listed = children.map((n) => (n.kind === 'object' ? n.key : n.kind === 'prefix' ? n.prefix : n.kind));
    assert.deepEqual([...listed].sort(), [...KEYS.slice(0, 7), `${FOLDER}sub1/`, `${FOLDER}sub2/`].sort());
    const object = children.find((n) => n.kind === 'object')!;
    assert.equal(hooks.tree.getTreeItem(object).contextValue, 'object');
    assert.equal(object.size, `body of ${object.key}`.length);
  });

  test('a missing or wrong secret shows an error node (Set Secret / Retry), and rotating the secret fixes the listing', async () => {
    const id = `${PROFILE_ID}-rot`;
    await hooks.profiles.add(s3Profile(env!, id, `Rotation ${id}`));
    try {
      const profileOf = async () =>
        (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === id)!;
      let children = await hooks.tree.getChildren(await profileOf());
      assert.deepEqual(
        children.map((n) => [n.kind, n.kind === 'message' && n.action]),
        [['message', 'setSecret']],
      );
      assert.equal(hooks.tree.getTreeItem(children[0]).command?.command, 'ossPresign.setSecret');

      await hooks.profiles.setSecret(id, 'wrong-secret-value');
      children = await waitFor(
        async () => {
          const c = await hooks.tree.getChildren(await profileOf());
          return c[0]?.kind === 'message' && c[0].action === 'retry' ? c : undefined;
        },
        10_000,
        'the error node of a wrong secret',
      );
      assert.match(
        (children[0] as Extract<TreeNode, { kind: 'message' }>).message,
        /SignatureDoesNotMatch|signature|secret/i,
      );
      assert.equal(hooks.tree.getTreeItem(children[0]).command?.command, 'ossPresign.refreshNode');

      await hooks.profiles.setSecret(id, env!.secretKey);
      await waitFor(
        async () =>
          (await hooks.tree.getChildren(await profileOf())).some(
            (n) => n.kind === 'bucket' && n.bucket === env!.bucket,
          ),
        10_000,
        'the bucket after rotating the secret',
      );
    } finally {
      await hooks.profiles.remove({ id });
    }
  });

  test('a failed next page keeps the loaded entries and its Retry fetches just that page again', async () => {
    const proxy = await startFaultProxy(env!.endpoint);
    const id = `${PROFILE_ID}-flt`;
    try {
      await vscode.workspace.getConfiguration('ossPresign').update('pageSize', 3, vscode.ConfigurationTarget.Global);
      await hooks.profiles.add(s3Profile(env!, id, `Faults ${id}`, { endpoint: proxy.url, buckets: [env!.bucket] }), {
        secret: env!.secretKey,
      });
      const profile = (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === id)!;
      const bucket = (await hooks.tree.getChildren(profile)).find((n) => n.kind === 'bucket')!;
      hooks.tree.setFilter(bucket as Extract<TreeNode, { kind: 'bucket' }>, FOLDER);
      proxy.inject(
        (r) => r.query.has('continuation-token'),
        { kind: 'respond', status: 403, body: s3ErrorXml('AccessDenied', 'Injected by the test proxy') },
        { times: 1 },
      );

      let children = listing(await hooks.tree.getChildren(bucket));
      assert.deepEqual(
        children.map((n) => n.kind),
        ['object', 'object', 'object', 'loadMore'],
      );
      await vscode.commands.executeCommand('ossPresign.loadMore', children.at(-1));
      children = listing(await hooks.tree.getChildren(bucket));
      const error = children.at(-1) as Extract<TreeNode, { kind: 'message' }>;
      assert.deepEqual([children.length, error.kind, error.action], [4, 'message', 'retryPage']);
      assert.match(error.message, /Injected by the test proxy|AccessDenied|denied/i);

      const retry = hooks.tree.getTreeItem(error).command!;
      await vscode.commands.executeCommand(retry.command, ...(retry.arguments ?? []));
      children = listing(await hooks.tree.getChildren(bucket));
      assert.deepEqual(
        children.map((n) => n.kind),
        ['object', 'object', 'object', 'object', 'object', 'object', 'loadMore'],
      );
      const tokens = proxy.requests
        .map((r) => new URL(r.url, proxy.url).searchParams.get('continuation-token'))
        .filter(Boolean);
      assert.equal(tokens.length, 2, 'the failed page and its retry');
      assert.equal(tokens[0], tokens[1], 'the retry asked for the same page');
    } finally {
      if (hooks.profiles.get(id)) await hooks.profiles.remove({ id });
      await proxy.close();
    }
  });

  test('collapsing a folder while its listing hangs aborts the request; expanding again lists it', async () => {
    const proxy = await startFaultProxy(env!.endpoint);
    const id = `${PROFILE_ID}-cxl`;
    try {
      await hooks.profiles.add(s3Profile(env!, id, `Cancel ${id}`, { endpoint: proxy.url, buckets: [env!.bucket] }), {
        secret: env!.secretKey,
      });
      const profile = (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === id)!;
      const bucket = (await hooks.tree.getChildren(profile)).find((n) => n.kind === 'bucket')!;
      hooks.tree.setFilter(bucket as Extract<TreeNode, { kind: 'bucket' }>, FOLDER);
      proxy.inject((r) => r.query.get('list-type') === '2', { kind: 'slow-headers', delayMs: 20_000 }, { times: 1 });

      const started = Date.now();
      const pending = hooks.tree.getChildren(bucket);
      await waitFor(() => proxy.requests.some((r) => r.fault === 'slow-headers'), 10_000, 'the hanging list request');
      hooks.tree.cancelLoad(bucket);
      const children = listing(await pending);
      const cancelledAfter = Date.now() - started;
      assert.ok(
        cancelledAfter < 10_000,
        `getChildren returned ${cancelledAfter} ms after the request started: the abort did not end it`,
      );
      assert.deepEqual(
        children.map((n) => [n.kind, n.kind === 'message' && n.message]),
        [['message', 'Listing cancelled. Click to list again.']],
      );

      const again = await hooks.tree.getChildren(bucket);
      assert.ok(
        again.length > 0 && again.every((n) => n.kind !== 'message'),
        `listing again gave ${again.map((n) => n.kind).join(', ')}`,
      );
    } finally {
      if (hooks.profiles.get(id)) await hooks.profiles.remove({ id });
      await proxy.close();
    }
  });

  test('a secret typed into settings is refused with a visible message, and workspaces cannot set profiles', async () => {
    const config = () => vscode.workspace.getConfiguration('ossPresign');
    const saved = config().inspect<unknown[]>('profiles')?.globalValue;
    const bad = {
      id: `${PROFILE_ID}-bad`,
      name: 'Hand-edited',
      provider: 's3',
      endpoint: env!.endpoint,
      accessKeyId: env!.accessKey,
      accessKeySecret: 'typed-into-settings',
    };
    try {
      await config().update('profiles', [...(saved ?? []), bad], vscode.ConfigurationTarget.Global);
      const roots = await waitFor(
        async () => {
          const r = await hooks.tree.getChildren();
          return r.some((n) => n.kind === 'message') ? r : undefined;
        },
        10_000,
        'the message node of the refused profile',
      );
      const message = roots.find((n): n is Extract<TreeNode, { kind: 'message' }> => n.kind === 'message')!;
      assert.match(message.message, /accessKeySecret.*Set Secret/);
      assert.ok(!message.message.includes('typed-into-settings'), 'the message repeats the secret');
      assert.equal(hooks.profiles.get(bad.id), undefined, 'the profile with a secret in settings was used');

      // Application scope: VS Code itself refuses a workspace value, so a checked-out repo cannot redirect keys.
      await assert.rejects(Promise.resolve(config().update('profiles', [bad], vscode.ConfigurationTarget.Workspace)));
    } finally {
      await config().update('profiles', saved, vscode.ConfigurationTarget.Global);
    }
  });

  test('removing the profile deletes its secret', async () => {
    await hooks.profiles.remove({ id: PROFILE_ID });
    assert.equal(await hooks.context.secrets.get(`ossPresign.profile.${PROFILE_ID}.secret`), undefined);
    assert.equal(hooks.profiles.get(PROFILE_ID), undefined);
    const roots = await hooks.tree.getChildren();
    assert.ok(!roots.some((n) => n.profileId === PROFILE_ID), 'the removed profile is still in the tree');
  });
});

suite('Import Profiles', () => {
  const SECRET = `importedSecret${randomBytes(6).toString('hex')}`;
  let home: vscode.Uri;
  let savedHome: string | undefined;
  let hooks: TestHooks;
  let imported: string[] = [];

  suiteSetup(async () => {
    hooks = await testHooks();
    home = vscode.Uri.joinPath(hooks.context.globalStorageUri, '..', `import-home-${randomBytes(3).toString('hex')}`);
    const tag = randomBytes(3).toString('hex');
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(home, '.aws', 'credentials'),
      new TextEncoder().encode(
        `[imp${tag}]\naws_access_key_id = AKIAIMPORT${tag}\naws_secret_access_key = ${SECRET}\n`,
      ),
    );
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(home, '.aws', 'config'),
      new TextEncoder().encode(`[profile imp${tag}]\nregion = eu-west-1\n`),
    );
    savedHome = process.env.HOME;
    // The extension runs in this same process: importProfiles reads HOME when it runs.
    process.env.HOME = home.fsPath;
  });

  suiteTeardown(async () => {
    process.env.HOME = savedHome;
    for (const id of imported) if (hooks.profiles.get(id)) await hooks.profiles.remove({ id });
    await vscode.workspace.fs.delete(home, { recursive: true }).then(undefined, () => undefined);
  });

  test('imports the picked profiles with their secrets in SecretStorage only', async () => {
    const before = new Set(hooks.profiles.list().map((p) => p.id));
    const running = vscode.commands.executeCommand('ossPresign.importProfiles');
    // Accept the multi-select as offered (new profiles are pre-selected); poll until the pick list is up.
    const added = await waitFor(
      async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        const now = hooks.profiles.list().filter((p) => !before.has(p.id));
        return now.length > 0 ? now : undefined;
      },
      15_000,
      'the imported profile',
    );
    await running;
    imported = added.map((p) => p.id);
    assert.equal(added.length, 1);
    assert.equal(added[0].endpoint, 'https://s3.eu-west-1.amazonaws.com');
    assert.equal(await hooks.context.secrets.get(`ossPresign.profile.${added[0].id}.secret`), SECRET);
    const settings = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(
        vscode.Uri.joinPath(hooks.context.globalStorageUri, '..', '..', 'settings.json'),
      ),
    );
    assert.ok(settings.includes(added[0].id));
    assert.ok(!settings.includes(SECRET), 'the imported secret is in settings.json');
  });
});
