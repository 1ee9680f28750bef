import type { Command } from '../../vscode/commands';
import { Commands } from '../../vscode/ids';
import type { Services } from '../services';
import { diagnoseCommand } from './diagnose';

/** "Diagnose a Failed Upload...": from the palette, the Presigned URLs view (a row, or its title bar) and the walkthrough. */
export function doctorCommands(services: Services): Command[] {
  return [{ id: Commands.diagnose, run: (arg) => diagnoseCommand(services, arg) }];
}
