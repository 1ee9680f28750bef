import * as vscode from 'vscode';
import type { Services } from '../services';
import { pickProfile } from './pickProfile';

/** Set Secret: stores (or rotates) the access key secret and optional STS token of a profile in SecretStorage. */
export async function setSecret({ profiles }: Services, arg?: unknown): Promise<void> {
  const profile = await pickProfile(profiles, arg, 'Profile whose secret to set');
  if (!profile) return;
  const title = `Set Secret of "${profile.name}"`;
  const secret = await vscode.window.showInputBox({
    title, password: true, ignoreFocusOut: true,
    prompt: `Access key secret for ${profile.accessKeyId ?? 'the profile'} (kept in VS Code secret storage, never in settings)`,
    validateInput: (t) => (t ? undefined : 'Paste the access key secret.'),
  });
  if (!secret) return;
  const token = await vscode.window.showInputBox({
    title, password: true, ignoreFocusOut: true,
    prompt: 'STS session token, if the key is temporary (leave empty for a permanent key)',
  });
  if (token === undefined) return;
  await profiles.setSecret(profile.id, secret, token || undefined);
  void vscode.window.showInformationMessage(`Secret of "${profile.name}" saved in VS Code's secret storage.`);
}
