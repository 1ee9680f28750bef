// Shared helpers for the Mocha suites that run inside the real VS Code extension host
// (scripts/vscode-host/run-tests.mjs starts it). Suites import from here instead of repeating the set-up.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { Profile } from '../../src/app/profiles';
import type { ConnectionOptions } from '../../src/core/types';
import type { OssPresignApi } from '../../src/extension';
import type { ProfileStore } from '../../src/features/profiles/profileStore';
import type { BucketTreeProvider } from '../../src/features/buckets/treeProvider';
import type { BucketDropController } from '../../src/features/buckets/dragAndDrop';

export const EXTENSION_ID = 'oss-presign.oss-presign';

/**
 * Files of the fixture workspace (scripts/vscode-host/workspace/) that run-tests.mjs copies and opens as the
 * workspace folder. Paths are relative to that folder, '/'-separated.
 */
export const FIXTURE = {
  text: 'hello.txt',
  json: 'data.json',
  nested: 'nested/deeper/report.csv',
  /** Spaces and non-ASCII: exercises URI encoding in explorer commands and object keys. */
  spacedUnicode: 'Überblick ünïcødé 名前.txt',
} as const;

export function getExtension(): vscode.Extension<OssPresignApi> {
  const ext = vscode.extensions.getExtension<OssPresignApi>(EXTENSION_ID);
  assert.ok(
    ext,
    `extension ${EXTENSION_ID} is not loaded: the payload's extensionDevelopmentPath must be the repo root`,
  );
  return ext;
}

/** Activates the extension (a no-op when already active) and returns the API that activate() returned. */
export async function getApi(): Promise<OssPresignApi> {
  return getExtension().activate();
}

export interface S3Env {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
}

const S3_VARS = {
  endpoint: 'S3_ENDPOINT',
  accessKey: 'S3_ACCESS_KEY',
  secretKey: 'S3_SECRET_KEY',
  region: 'S3_REGION',
  bucket: 'S3_BUCKET',
} as const;

/**
 * The real S3 server the suites talk to, from the S3_* variables that run-tests.mjs forwards to the extension
 * host. Outside CI a missing variable returns undefined so a suite can skip; under CI=true it throws, because a
 * CI run that silently skipped the server tests would prove nothing.
 */
export function s3Env(): S3Env | undefined {
  const missing = Object.values(S3_VARS).filter((name) => !process.env[name]);
  if (missing.length > 0) {
    if (process.env.CI === 'true') {
      throw new Error(
        `CI=true but ${missing.join(', ')} not set in the extension host: start the S3 server first and export ` +
          'S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION and S3_BUCKET before scripts/vscode-host/run-all.mjs.',
      );
    }
    return undefined;
  }
  const env = {} as S3Env;
  for (const [key, name] of Object.entries(S3_VARS) as [keyof S3Env, string][]) env[key] = process.env[name] as string;
  return env;
}

/**
 * Polls until predicate returns a truthy value and returns that value. For state the extension updates
 * asynchronously (tree refreshes, context keys, files written by an upload).
 */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Uri of a file in the opened fixture workspace, e.g. workspaceFile(FIXTURE.nested). */
export function workspaceFile(relPath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(
    folder,
    'no workspace folder is open: run the suites through scripts/vscode-host/run-tests.mjs, which opens one',
  );
  return vscode.Uri.joinPath(folder.uri, ...relPath.split('/'));
}

/** What the extension hands its own tests through the `_ossPresign.testHooks` command (registered in test runs). */
export interface TestHooks {
  tree: BucketTreeProvider;
  profiles: ProfileStore;
  context: vscode.ExtensionContext;
  /** The Buckets view's drag-and-drop controller. */
  dropController: BucketDropController;
}

/** Activates the extension and returns its test hooks. */
export async function testHooks(): Promise<TestHooks> {
  await getApi();
  const hooks = await vscode.commands.executeCommand<TestHooks>('_ossPresign.testHooks');
  assert.ok(
    hooks?.profiles && hooks.tree,
    'the _ossPresign.testHooks command returned nothing: is the extension running in test mode?',
  );
  return hooks;
}

/** A profile for the test S3 server (path style, secret in SecretStorage); `extra` adds or overrides fields. */
export function s3Profile(env: S3Env, id: string, name: string, extra: Partial<Profile> = {}): Profile {
  return {
    id,
    name,
    provider: 's3',
    endpoint: env.endpoint,
    region: env.region,
    addressing: 'path',
    accessKeyId: env.accessKey,
    credentialSource: 'secretStorage',
    ...extra,
  };
}

/** Connection options for calling core directly against the test S3 server (the profile's keys, path style). */
export function s3Connection(env: S3Env): ConnectionOptions {
  return {
    provider: 's3',
    endpoint: env.endpoint,
    region: env.region,
    addressing: 'path',
    accessKeyId: env.accessKey,
    accessKeySecret: env.secretKey,
  };
}

/** What setUpS3Suite() gives a suite that runs against the test S3 server. */
export interface S3Suite {
  env: S3Env;
  api: OssPresignApi;
  hooks: TestHooks;
}

/**
 * The start of every suite against the test S3 server: its environment (without a server the suite is skipped; under
 * CI s3Env() fails instead), the API, the test hooks and, given `profile`, that profile with its secret in
 * SecretStorage.
 */
export async function setUpS3Suite(mocha: Mocha.Context, profile?: (env: S3Env) => Profile): Promise<S3Suite> {
  const env = s3Env();
  if (!env) mocha.skip();
  const api = await getApi();
  const hooks = await testHooks();
  if (profile) await hooks.profiles.add(profile(env), { secret: env.secretKey });
  return { env, api, hooks };
}

/** The end of such a suite, if it was set up: deletes `keys` from the test bucket and removes the profile `profileId`. */
export async function tearDownS3Suite(
  suite: { [K in keyof S3Suite]?: S3Suite[K] | undefined },
  keys: readonly string[],
  profileId?: string,
): Promise<void> {
  const { env, api, hooks } = suite;
  if (!env || !api) return;
  for (const key of keys)
    await api.deleteObject({ ...s3Connection(env), bucket: env.bucket, key }).catch(() => undefined);
  if (profileId && hooks?.profiles.get(profileId)) await hooks.profiles.remove({ id: profileId });
}

/** Runs a bash script (a copied snippet, a kit script); its exit status and output, never a throw. */
export function runBash(
  script: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 60_000,
): { ok: boolean; output: string } {
  try {
    return {
      ok: true,
      output: execFileSync('bash', ['-c', script], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
        timeout: timeoutMs,
      }),
    };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}
