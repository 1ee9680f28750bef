import * as vscode from 'vscode';
import type { Services } from '../services';
import { runProfileWizard } from './profileWizard';

/** Add Profile: the multi-step wizard, then the profile goes to settings and its secret to SecretStorage. */
export async function addProfile({ profiles }: Services): Promise<void> {
  const result = await runProfileWizard(profiles);
  if (!result) return;
  const saved = await profiles.add(result.profile, result.secret);
  void vscode.window.showInformationMessage(`Profile "${saved.name}" added. Its secret is in VS Code's secret storage.`);
}
