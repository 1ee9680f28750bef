import type { Command } from '../../vscode/commands';
import { Commands } from '../../vscode/ids';
import type { Services } from '../services';
import { diagnoseCommand } from './diagnose';

/** "Diagnose a Failed Upload...". */
export function doctorCommands(services: Services): Command[] {
  return [{ id: Commands.diagnose, run: (arg) => diagnoseCommand(services, arg) }];
}
