import type { Command } from '../../vscode/commands';
import { Commands } from '../../vscode/ids';
import type { Services } from '../services';
import { addProfile, editProfile, importProfiles, removeProfile, setSecret } from './flows';

/** Profile commands: add, edit, remove, set secret, import. */
export function profileCommands(services: Services): Command[] {
  return [
    { id: Commands.addProfile, run: () => addProfile(services) },
    { id: Commands.editProfile, run: (arg) => editProfile(services, arg) },
    { id: Commands.removeProfile, run: (arg) => removeProfile(services, arg) },
    { id: Commands.setSecret, run: (arg) => setSecret(services, arg) },
    { id: Commands.importProfiles, run: () => importProfiles(services) },
  ];
}
