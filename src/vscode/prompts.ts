/**
 * The questions commands ask, one QuickPick or InputBox each, the same for every feature. Escape throws
 * CancelledError, which the command guard passes over silently.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPIRY_PRESETS, parseDuration } from '../app/expiry';
import { headerSetPreview, type HeaderSet } from '../app/headerSets';
import { objectKeyFor, templateVariables, type TemplateVariables } from '../app/keyTemplate';
import type { BucketRef, Profile } from '../app/profiles';
import {
  bucketNameProblem,
  CancelledError,
  ConfigError,
  listBuckets,
  objectKeyProblem,
  type BucketInfo,
  type ConnectionOptions,
  type Logger,
  type Provider,
} from '../core/index';
import { Commands } from './ids';
import { settings } from './settings';

/** What the prompts need of the profile store. */
export interface ProfileLookup {
  list(): Profile[];
  require(id: string): Profile;
  /** Given a bucket, the connection to that bucket's own endpoint and region. */
  connection(id: string, bucket?: BucketRef): Promise<ConnectionOptions>;
  /** Keeps the regions a listing named, so that the bucket picked needs no lookup. */
  rememberBuckets(id: string, buckets: readonly BucketInfo[]): void;
}

function cancelled(): never {
  throw new CancelledError();
}

/** The message of a validator that throws, or undefined when it accepts the value. */
export function problemOf(validate: () => unknown): string | undefined {
  try {
    validate();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The profile to use: the only one, else a pick (`preferred` first). With none, offers Add Profile and cancels. */
export async function pickProfile(
  profiles: ProfileLookup,
  question: { title: string; preferred?: string | undefined; placeHolder?: string },
): Promise<Profile> {
  const all = profiles.list();
  if (all.length === 0) {
    const add = 'Add Profile';
    void vscode.window
      .showErrorMessage('There is no storage profile yet: add one (endpoint, region and keys) first.', add)
      .then((c) => {
        if (c === add) void vscode.commands.executeCommand(Commands.addProfile);
      });
    cancelled();
  }
  if (all.length === 1) return all[0];
  const items = all.map((p) => ({
    label: p.name,
    description: `${p.provider.toUpperCase()} · ${new URL(p.endpoint).host}`,
    profile: p,
  }));
  items.sort((a, b) => Number(b.profile.id === question.preferred) - Number(a.profile.id === question.preferred));
  const choice = await vscode.window.showQuickPick(items, {
    title: `${question.title}: profile`,
    placeHolder: question.placeHolder ?? 'Which storage profile?',
    ignoreFocusOut: true,
  });
  return choice?.profile ?? cancelled();
}

/**
 * A bucket of the profile: its fixed list, else ListBuckets; the only one is taken, several are picked from, and a
 * name can always be typed (keys limited to one bucket often may not list buckets: the prompt then says why).
 */
export async function pickBucket(
  profiles: ProfileLookup,
  profile: Profile,
  question: { title: string; preferred?: string | undefined; log: Logger },
): Promise<string> {
  let buckets = profile.buckets ?? [];
  let listProblem: string | undefined;
  if (buckets.length === 0) {
    try {
      const listed = (await listBuckets(await profiles.connection(profile.id))).buckets;
      profiles.rememberBuckets(profile.id, listed);
      buckets = listed.map((b) => b.name);
      if (buckets.length === 0) listProblem = 'ListBuckets returned none; the key may see only buckets it is given';
    } catch (err) {
      listProblem = err instanceof Error ? err.message : String(err);
      question.log.warn(`[prompts] could not list the buckets of ${profile.id}; asking for a name`, err);
    }
  }
  if (buckets.length === 1) return buckets[0];
  const title = `${question.title}: bucket`;
  const typeIt = '$(edit) Enter a bucket name...';
  if (buckets.length > 0) {
    const items = [...buckets]
      .sort((a, b) => Number(b === question.preferred) - Number(a === question.preferred))
      .map((label) => ({ label }));
    const choice = await vscode.window.showQuickPick([...items, { label: typeIt }], {
      title,
      placeHolder: `Bucket of ${profile.name}`,
      ignoreFocusOut: true,
    });
    if (!choice) cancelled();
    if (choice.label !== typeIt) return choice.label;
  }
  const name = await vscode.window.showInputBox({
    // The title says why this is a text box and not a list; the prompt gives the reason in full.
    title: listProblem ? `${title} name (no bucket list to pick from)` : title,
    prompt: listProblem
      ? `Bucket of ${profile.name} (the buckets could not be listed: ${listProblem})`
      : `Bucket of ${profile.name}`,
    value: question.preferred ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? bucketNameProblem(profile.provider, v.trim()) : 'Enter the bucket name.'),
  });
  return name?.trim() || cancelled();
}

/** One of the `ossPresign.headerSets` (the last used first), or "Edit Header Sets..." which opens the setting. */
export async function pickHeaderSet(
  provider: Provider,
  question: { title: string; preferred?: string | undefined },
): Promise<HeaderSet> {
  const edit = '$(gear) Edit Header Sets...';
  const items = settings
    .headerSets()
    .map((s) => ({ label: s.name, detail: headerSetPreview(s, provider), set: s as HeaderSet | undefined }));
  items.sort((a, b) => Number(b.label === question.preferred) - Number(a.label === question.preferred));
  const choice = await vscode.window.showQuickPick(
    [...items, { label: edit, detail: 'Open the ossPresign.headerSets setting', set: undefined }],
    {
      title: `${question.title}: headers to sign`,
      placeHolder: 'The uploader must send exactly these headers',
      matchOnDetail: true,
      ignoreFocusOut: true,
    },
  );
  if (!choice) cancelled();
  if (!choice.set) {
    await vscode.commands.executeCommand(Commands.editHeaderSets);
    cancelled();
  }
  return choice.set;
}

/** The header set of that name in the setting. */
export function findHeaderSet(name: string): HeaderSet {
  const set = settings.headerSets().find((s) => s.name === name);
  if (!set)
    throw new ConfigError(
      'headerSet',
      'UnknownHeaderSet',
      `There is no header set named "${name}" (any more): run "OSS Presign: Presign PUT URL..." and pick one, or add it with "OSS Presign: Edit Header Sets".`,
    );
  return set;
}

/** How long presigned URLs stay valid: a preset (the last used first) or a typed duration, at most 7 days. */
export async function pickExpiry(question: {
  title: string;
  preferred?: number | undefined;
  placeHolder?: string;
}): Promise<number> {
  const custom = '$(edit) Custom...';
  const { preferred } = question;
  const items = EXPIRY_PRESETS.map((p) => ({
    label: p.label,
    seconds: p.seconds as number | undefined,
    description: p.seconds === preferred ? 'last used' : '',
  }));
  items.sort((a, b) => Number(b.seconds === preferred) - Number(a.seconds === preferred));
  const choice = await vscode.window.showQuickPick(
    [...items, { label: custom, seconds: undefined, description: 'up to 7 days' }],
    {
      title: `${question.title}: valid for`,
      placeHolder: question.placeHolder ?? 'Anyone holding the URL can use it until it expires',
      ignoreFocusOut: true,
    },
  );
  if (!choice) cancelled();
  if (choice.seconds !== undefined) return choice.seconds;
  const text = await vscode.window.showInputBox({
    title: `${question.title}: custom expiry`,
    prompt: 'Seconds, or a number with s, m, h or d (90m, 12h, 2d); at most 7 days',
    value: preferred ? String(preferred) : '',
    ignoreFocusOut: true,
    validateInput: (v) => problemOf(() => parseDuration(v)),
  });
  return text === undefined ? cancelled() : parseDuration(text);
}

/** Key template variables of a local file: its path relative to its workspace folder (else its name). */
export function templateVariablesFor(uri: vscode.Uri, now: Date): TemplateVariables {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const relativePath = folder ? vscode.workspace.asRelativePath(uri, false) : path.basename(uri.fsPath);
  return templateVariables({ relativePath, now, workspaceFolder: folder?.name });
}

/**
 * The key template for `files` below `prefix`: `expand` makes their keys, `problem` says what is wrong with a
 * template (it does not parse, or a key it makes is invalid), `check` checks one key.
 */
export function keyTemplateFor(
  provider: Provider,
  files: ReadonlyArray<{ vars: TemplateVariables }>,
  prefix: string | undefined,
): {
  check(key: string): string | undefined;
  expand(template: string): string[];
  problem(template: string): string | undefined;
} {
  const check = (key: string) => objectKeyProblem(provider, key);
  const expand = (template: string) => files.map((f) => objectKeyFor(template, f.vars, prefix));
  // An invalid template throws while expanding; a valid one can still make an invalid key.
  const problem = (template: string): string | undefined => {
    try {
      return expand(template)
        .map(check)
        .find((p) => p);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
  return { check, expand, problem };
}

/**
 * One object key per file, without asking: `fixedKey` (one file only), else `ossPresign.keyTemplate` below `prefix`.
 * (The upload wizard, src/vscode/uploadWizard.ts, is where keys are asked.)
 */
export function objectKeys(
  provider: Provider,
  files: ReadonlyArray<{ vars: TemplateVariables }>,
  question: { fixedKey?: string | undefined; prefix?: string | undefined },
): string[] {
  const { fixedKey, prefix } = question;
  const template = keyTemplateFor(provider, files, prefix);
  if (fixedKey !== undefined) {
    if (files.length !== 1)
      throw new ConfigError(
        'key',
        'OneKeyManyFiles',
        `One object key was given for ${files.length} files: do them one at a time, or let the key template name them.`,
      );
    const problem = template.check(fixedKey);
    if (problem) throw new ConfigError('key', 'InvalidObjectKey', problem);
    return [fixedKey];
  }
  const setting = settings.keyTemplate();
  const problem = template.problem(setting);
  if (problem)
    throw new ConfigError(
      'keyTemplate',
      'InvalidObjectKey',
      `${problem} (from the key template "${setting}" in ossPresign.keyTemplate)`,
    );
  return template.expand(setting);
}
