import * as vscode from 'vscode';
import type { Profile } from '../core/profiles';
import type { ProfileStore } from '../profileStore';

/**
 * The profile a command is about: the tree node's (or any argument with a `profileId`), else a quick pick.
 * Undefined when the user cancels or there is no profile (then offers Add Profile).
 */
export async function pickProfile(store: ProfileStore, arg: unknown, placeHolder: string): Promise<Profile | undefined> {
  const id = (arg as { profileId?: unknown } | undefined)?.profileId;
  if (typeof id === 'string' && id) return store.require(id);
  const profiles = store.list();
  if (profiles.length === 0) {
    const add = 'Add Profile';
    if ((await vscode.window.showInformationMessage('There is no storage profile yet: add one first.', add)) === add) await vscode.commands.executeCommand('ossPresign.addProfile');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    profiles.map((p) => ({ label: p.name, description: `${p.provider === 'oss' ? 'OSS' : 'S3'} · ${new URL(p.endpoint).host}`, profile: p })),
    { placeHolder, ignoreFocusOut: true },
  );
  return picked?.profile;
}
