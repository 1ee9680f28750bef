import * as vscode from 'vscode';
import type { Services } from '../services';
import { pickProfile } from './pickProfile';

/** Remove Profile: after a modal confirmation, deletes it from settings and its secrets from SecretStorage. */
export async function removeProfile({ profiles }: Services, arg?: unknown): Promise<void> {
  const profile = await pickProfile(profiles, arg, 'Profile to remove');
  if (!profile) return;
  const remove = 'Remove';
  const answer = await vscode.window.showWarningMessage(
    `Remove profile "${profile.name}"?`,
    { modal: true, detail: 'Its secret key and session token are deleted from VS Code\'s secret storage. Buckets and objects are not touched.' },
    remove,
  );
  if (answer !== remove) return;
  await profiles.remove(profile);
}
