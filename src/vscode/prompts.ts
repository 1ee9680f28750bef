/**
 * The questions commands ask, one QuickPick or InputBox each, the same for every feature. Escape throws
 * CancelledError, which the command guard passes over silently.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPIRY_PRESETS, parseDuration } from '../app/expiry';
import { headerSetPreview, type HeaderSet } from '../app/headerSets';
import { DEFAULT_KEY_TEMPLATE, objectKeyFor, templateVariables, type TemplateVariables } from '../app/keyTemplate';
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

/** Lets the user confirm or edit a value (a key, a key template), validated on every keystroke. */
async function confirmText(
  title: string,
  value: string,
  prompt: string,
  validate: (v: string) => string | undefined,
): Promise<string> {
  const text = await vscode.window.showInputBox({
    title,
    value,
    prompt,
    ignoreFocusOut: true,
    validateInput: validate,
  });
  return text ?? cancelled();
}

/** Key template variables of a local file: its path relative to its workspace folder (else its name). */
export function templateVariablesFor(uri: vscode.Uri, now: Date): TemplateVariables {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const relativePath = folder ? vscode.workspace.asRelativePath(uri, false) : path.basename(uri.fsPath);
  return templateVariables({ relativePath, now, workspaceFolder: folder?.name });
}

/**
 * One object key per file: `fixedKey` (one file only), else `ossPresign.keyTemplate` below `prefix`. When `ask`,
 * one file's key, or several files' template, is shown to confirm or edit (with sample keys).
 */
export async function objectKeys(
  provider: Provider,
  files: ReadonlyArray<{ vars: TemplateVariables }>,
  question: { title: string; fixedKey?: string | undefined; prefix?: string | undefined; ask: boolean },
): Promise<string[]> {
  const check = (key: string) => objectKeyProblem(provider, key);
  const { fixedKey, prefix } = question;
  if (fixedKey !== undefined) {
    if (files.length !== 1)
      throw new ConfigError(
        'key',
        'OneKeyManyFiles',
        `One object key was given for ${files.length} files: do them one at a time, or let the key template name them.`,
      );
    const problem = check(fixedKey);
    if (problem) throw new ConfigError('key', 'InvalidObjectKey', problem);
    return [fixedKey];
  }
  const setting = settings.keyTemplate();
  const expand = (template: string) => files.map((f) => objectKeyFor(template, f.vars, prefix));
  // An invalid template throws while expanding; a valid one can still make an invalid key.
  const templateProblem = (template: string): string | undefined => {
    try {
      return expand(template)
        .map(check)
        .find((p) => p);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
  if (!question.ask) {
    const problem = templateProblem(setting);
    if (problem)
      throw new ConfigError(
        'keyTemplate',
        'InvalidObjectKey',
        `${problem} (from the key template "${setting}" in ossPresign.keyTemplate)`,
      );
    return expand(setting);
  }
  const below = prefix ? ` below ${prefix}` : '';
  // A broken setting must not stop the command before the box that lets the user fix it: say what is wrong there.
  const settingProblem = templateProblem(setting);
  const broken = settingProblem
    ? `The key template "${setting}" in ossPresign.keyTemplate is invalid (${settingProblem}). `
    : '';
  if (files.length === 1) {
    const start = settingProblem ? objectKeyFor(DEFAULT_KEY_TEMPLATE, files[0].vars, prefix) : expand(setting)[0];
    return [
      await confirmText(
        `${question.title}: object key`,
        start,
        `${broken}From the template ${settingProblem ? DEFAULT_KEY_TEMPLATE : setting}${below}; edit the key if needed`,
        check,
      ),
    ];
  }
  const sample = (t: string) =>
    templateProblem(t) ? '.' : `, e.g. ${expand(t).slice(0, 3).join(', ')}${files.length > 3 ? ', ...' : ''}.`;
  const template = await confirmText(
    `${question.title}: key template`,
    setting,
    `${broken}Keys for ${files.length} files${below}${sample(setting)} Variables: \${relativePath} \${fileName} \${fileBasename} \${ext} \${date} \${uuid} \${workspaceFolder}`,
    templateProblem,
  );
  return expand(template);
}
