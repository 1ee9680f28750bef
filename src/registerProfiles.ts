import * as vscode from 'vscode';
import { addProfile } from './commands/addProfile';
import { editProfile } from './commands/editProfile';
import { importProfiles } from './commands/importProfiles';
import { removeProfile } from './commands/removeProfile';
import { setSecret } from './commands/setSecret';
import { Commands } from './ids';
import { reportError } from './reportError';
import type { Services } from './services';

/** Profile commands: add, edit, remove, set secret, import. */
export function registerProfiles(services: Services): void {
  const commands: [string, (arg?: unknown) => Promise<void>][] = [
    [Commands.addProfile, () => addProfile(services)],
    [Commands.editProfile, (arg) => editProfile(services, arg)],
    [Commands.removeProfile, (arg) => removeProfile(services, arg)],
    [Commands.setSecret, (arg) => setSecret(services, arg)],
    [Commands.importProfiles, () => importProfiles(services)],
  ];
  for (const [id, run] of commands) {
    services.context.subscriptions.push(
      vscode.commands.registerCommand(id, async (arg?: unknown) => {
        try {
          await run(arg);
        } catch (err) {
          reportError(err, services.log, `[profiles] ${id}`);
        }
      }),
    );
  }
}
