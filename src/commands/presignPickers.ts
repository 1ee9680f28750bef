import * as vscode from 'vscode';
import { CancelledError, ConfigError } from '../core/errors';
import { EXPIRY_PRESETS, parseDuration } from '../core/expiry';
import { headerSetPreview, parseHeaderSets, type HeaderSet } from '../core/headerSets';
import { listBuckets } from '../core/index';
import type { Profile } from '../core/profiles';
import type { Provider } from '../core/types';
import { Commands, Settings } from '../ids';
import type { Services } from '../services';

/** The questions of the presign flow, each one QuickPick or InputBox; Escape is a CancelledError. */

function cancelled(): never {
  throw new CancelledError();
}

export function headerSetsSetting(): HeaderSet[] {
  return parseHeaderSets(vscode.workspace.getConfiguration(Settings.section).get<unknown>(Settings.headerSets));
}

export async function pickProfile(services: Services, preferred?: string): Promise<Profile> {
  const profiles = services.profiles.list();
  if (profiles.length === 0) {
    const add = 'Add Profile';
    void vscode.window.showErrorMessage('No storage profile yet: add one (endpoint, region and keys) to presign URLs.', add).then((c) => {
      if (c === add) void vscode.commands.executeCommand(Commands.addProfile);
    });
    cancelled();
  }
  if (profiles.length === 1) return profiles[0];
  const items = profiles.map((p) => ({ label: p.name, description: `${p.provider.toUpperCase()} · ${new URL(p.endpoint).host}`, profile: p }));
  items.sort((a, b) => Number(b.profile.id === preferred) - Number(a.profile.id === preferred));
  const choice = await vscode.window.showQuickPick(items, { title: 'Presign PUT: profile', placeHolder: 'Which storage profile signs the URL?', ignoreFocusOut: true });
  return choice?.profile ?? cancelled();
}

export async function pickBucket(services: Services, profile: Profile, preferred?: string): Promise<string> {
  let buckets = profile.buckets ?? [];
  if (buckets.length === 0) {
    try {
      const conn = await services.profiles.connection(profile.id);
      buckets = (await listBuckets(conn)).buckets.map((b) => b.name);
    } catch (err) {
      // Keys limited to one bucket often may not list buckets: fall back to typing the name.
      services.log.warn(`[presign] could not list the buckets of ${profile.id}; asking for a name`, err);
    }
  }
  if (buckets.length === 1) return buckets[0];
  const typeIt = '$(edit) Enter a bucket name...';
  if (buckets.length > 0) {
    const items = [...buckets].sort((a, b) => Number(b === preferred) - Number(a === preferred)).map((label) => ({ label }));
    const choice = await vscode.window.showQuickPick([...items, { label: typeIt }], { title: 'Presign PUT: bucket', placeHolder: `Bucket of ${profile.name}`, ignoreFocusOut: true });
    if (!choice) cancelled();
    if (choice.label !== typeIt) return choice.label;
  }
  const name = await vscode.window.showInputBox({ title: 'Presign PUT: bucket', prompt: `Bucket of ${profile.name}`, value: preferred ?? '', ignoreFocusOut: true });
  return name?.trim() || cancelled();
}

export async function pickHeaderSet(provider: Provider, preferred?: string): Promise<HeaderSet> {
  const sets = headerSetsSetting();
  const edit = '$(gear) Edit Header Sets...';
  const items = sets.map((s) => ({ label: s.name, detail: headerSetPreview(s, provider), set: s as HeaderSet | undefined }));
  items.sort((a, b) => Number(b.label === preferred) - Number(a.label === preferred));
  const choice = await vscode.window.showQuickPick([...items, { label: edit, detail: 'Open the ossPresign.headerSets setting', set: undefined }], {
    title: 'Presign PUT: headers to sign',
    placeHolder: 'The uploader must send exactly these headers',
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!choice) cancelled();
  if (!choice.set) {
    await vscode.commands.executeCommand(Commands.editHeaderSets);
    cancelled();
  }
  return choice.set;
}

export function findHeaderSet(name: string): HeaderSet {
  const set = headerSetsSetting().find((s) => s.name === name);
  if (!set) throw new ConfigError('headerSet', 'UnknownHeaderSet', `There is no header set named "${name}" (any more): run "OSS Presign: Presign PUT URL..." and pick one, or add it with "OSS Presign: Edit Header Sets".`);
  return set;
}

export async function pickExpiry(preferred?: number): Promise<number> {
  const custom = '$(edit) Custom...';
  const items = EXPIRY_PRESETS.map((p) => ({ label: p.label, seconds: p.seconds as number | undefined, description: p.seconds === preferred ? 'last used' : '' }));
  items.sort((a, b) => Number(b.seconds === preferred) - Number(a.seconds === preferred));
  const choice = await vscode.window.showQuickPick([...items, { label: custom, seconds: undefined, description: 'up to 7 days' }], {
    title: 'Presign PUT: valid for',
    placeHolder: 'Anyone holding the URL can upload until it expires',
    ignoreFocusOut: true,
  });
  if (!choice) cancelled();
  if (choice.seconds !== undefined) return choice.seconds;
  const text = await vscode.window.showInputBox({
    title: 'Presign PUT: custom expiry',
    prompt: 'Seconds, or a number with s, m, h or d (90m, 12h, 2d); at most 7 days',
    value: preferred ? String(preferred) : '',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        parseDuration(v);
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
  return text === undefined ? cancelled() : parseDuration(text);
}

/** Lets the user confirm or edit a value (key or key template), re-validated on every keystroke. */
export async function confirmText(title: string, value: string, prompt: string, validate: (v: string) => string | undefined): Promise<string> {
  const text = await vscode.window.showInputBox({ title, value, prompt, ignoreFocusOut: true, validateInput: validate });
  return text ?? cancelled();
}
