import * as vscode from 'vscode';
import type { Services } from '../services';
import { pickProfile } from './pickProfile';
import { runProfileWizard } from './profileWizard';

/** Edit Profile: the Add Profile wizard pre-filled; an empty secret keeps the stored one. */
export async function editProfile({ profiles }: Services, arg?: unknown): Promise<void> {
  const existing = await pickProfile(profiles, arg, 'Profile to edit');
  if (!existing) return;
  const result = await runProfileWizard(profiles, existing);
  if (!result) return;
  await profiles.update(result.profile, result.secret);
  void vscode.window.showInformationMessage(`Profile "${result.profile.name}" saved.`);
}
