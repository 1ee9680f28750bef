import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, ConfigError } from '../core/errors';
import { listBuckets } from '../core/index';
import { DEFAULT_KEY_TEMPLATE, objectKeyFor, templateVariables } from '../core/keyTemplate';
import type { Profile } from '../core/profiles';
import { objectKeyProblem } from '../core/validate';
import { Settings } from '../ids';
import type { Services } from '../services';
import type { FolderNode } from '../tree/nodes';
import { filesBelow } from './filesBelow';

/** Answers given as the command's second argument (tests, other extensions); whatever is missing is asked. */
export interface UploadCommandOptions {
  profileId?: string;
  bucket?: string;
  /** The object key (one file only). */
  key?: string;
  /** Folder of the bucket the keys go below. */
  prefix?: string;
}

/** More files than this (from folders) asks before uploading them all. */
const CONFIRM_FILE_COUNT = 50;

export function isUploadOptions(value: unknown): value is UploadCommandOptions {
  return !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof vscode.Uri);
}

export function isFolderTarget(value: unknown): value is FolderNode {
  const v = value as Partial<FolderNode> | undefined;
  return !!v && typeof v === 'object' && (v.kind === 'bucket' || v.kind === 'prefix') && typeof v.profileId === 'string' && typeof v.bucket === 'string';
}

/** Local files of the command's arguments: explorer selection (folders expanded, `files.exclude` respected), the active editor's file, or a picker. */
export async function uploadFiles(arg0: unknown, arg1: unknown, title: string, interactive: boolean): Promise<vscode.Uri[]> {
  if (arg0 instanceof vscode.Uri) {
    const selection = Array.isArray(arg1) && arg1.length > 0 && arg1.every((u) => u instanceof vscode.Uri) ? (arg1 as vscode.Uri[]) : [arg0];
    return expandFolders(selection, interactive);
  }
  if (!isFolderTarget(arg0)) {
    const active = vscode.window.activeTextEditor?.document;
    if (active && !active.isUntitled && active.uri.scheme === 'file') return [active.uri];
  }
  const picked = await vscode.window.showOpenDialog({ title, canSelectFiles: true, canSelectFolders: true, canSelectMany: true, openLabel: 'Upload' });
  if (!picked?.length) throw new CancelledError();
  return expandFolders(picked, interactive);
}

function expandFolders(uris: vscode.Uri[], interactive: boolean): Promise<vscode.Uri[]> {
  return filesBelow(uris, { verb: 'upload', confirm: (n) => `Upload ${n} Files`, confirmAbove: CONFIRM_FILE_COUNT, interactive });
}

export async function pickProfileFor(services: Services, title: string, preferred?: string): Promise<Profile> {
  if (preferred) return services.profiles.require(preferred);
  const profiles = services.profiles.list();
  if (profiles.length === 0) {
    throw new ConfigError('profile', 'NoProfile', 'There is no storage profile yet: run "OSS Presign: Add Profile" first.');
  }
  if (profiles.length === 1) return profiles[0];
  const choice = await vscode.window.showQuickPick(
    profiles.map((p) => ({ label: p.name, description: `${p.provider.toUpperCase()} · ${new URL(p.endpoint).host}`, profile: p })),
    { title: `${title}: profile`, ignoreFocusOut: true },
  );
  return choice?.profile ?? Promise.reject(new CancelledError());
}

export async function pickBucketFor(services: Services, profile: Profile, title: string): Promise<string> {
  let buckets = profile.buckets ?? [];
  if (buckets.length === 0) {
    try {
      buckets = (await listBuckets(await services.profiles.connection(profile.id))).buckets.map((b) => b.name);
    } catch (err) {
      // Keys limited to one bucket often may not list buckets: the name is typed instead.
      services.log.warn(`[upload] could not list the buckets of ${profile.id}; asking for a name`, err);
    }
  }
  if (buckets.length === 1) return buckets[0];
  if (buckets.length > 0) {
    const choice = await vscode.window.showQuickPick(buckets, { title: `${title}: bucket`, placeHolder: `Bucket of ${profile.name}`, ignoreFocusOut: true });
    if (!choice) throw new CancelledError();
    return choice;
  }
  const name = await vscode.window.showInputBox({ title: `${title}: bucket`, prompt: `Bucket of ${profile.name}`, ignoreFocusOut: true });
  if (!name?.trim()) throw new CancelledError();
  return name.trim();
}

/**
 * One key per file from `ossPresign.keyTemplate` below `prefix`; a single file's key is shown for editing when
 * `interactive`. A given `key` is used as it is (one file only).
 */
export async function objectKeysFor(profile: Profile, files: vscode.Uri[], opts: { key?: string; prefix?: string; interactive: boolean; title: string }): Promise<string[]> {
  const check = (key: string) => objectKeyProblem(profile.provider, key);
  if (opts.key !== undefined) {
    if (files.length !== 1) throw new ConfigError('key', 'OneKeyManyFiles', `One object key was given for ${files.length} files: upload them one at a time, or let the key template name them.`);
    const problem = check(opts.key);
    if (problem) throw new ConfigError('key', 'InvalidObjectKey', problem);
    return [opts.key];
  }
  const template = vscode.workspace.getConfiguration(Settings.section).get<string>(Settings.keyTemplate) || DEFAULT_KEY_TEMPLATE;
  const now = new Date();
  const keys = files.map((uri) => {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const relativePath = folder ? vscode.workspace.asRelativePath(uri, false) : path.basename(uri.fsPath);
    return objectKeyFor(template, templateVariables({ relativePath, now, ...(folder ? { workspaceFolder: folder.name } : {}) }), opts.prefix);
  });
  const bad = keys.map(check).find((p) => p);
  if (bad) throw new ConfigError('keyTemplate', 'InvalidObjectKey', `${bad} (from the key template "${template}" in ossPresign.keyTemplate)`);
  if (!opts.interactive || files.length !== 1) return keys;
  const key = await vscode.window.showInputBox({ title: `${opts.title}: object key`, value: keys[0], prompt: `From the template ${template}; edit the key if needed`, ignoreFocusOut: true, validateInput: check });
  if (key === undefined) throw new CancelledError();
  return [key];
}
