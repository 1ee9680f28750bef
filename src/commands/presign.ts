import * as vscode from 'vscode';
import type { SnippetFormat } from '../core/snippets';
import { Commands, Settings } from '../ids';
import { reportError } from '../reportError';
import type { Services } from '../services';
import { copySnippet } from './copySnippet';
import { checkCorsCommand, registerCorsReports } from './presignCheckCors';
import { runPresign, type PresignOptions } from './presignFlow';
import { presignTarget } from './presignTargets';

const OPTION_NAMES: ReadonlyArray<keyof PresignOptions> = ['profileId', 'bucket', 'headerSet', 'expirySeconds', 'key', 'copyFormat'];

/**
 * A second argument that is an options object: not the explorer's multi-selection array, nor the editor title
 * menu's `{ groupId, editorIndex }`.
 */
function isOptions(value: unknown): value is PresignOptions {
  return !!value && typeof value === 'object' && !Array.isArray(value) && OPTION_NAMES.some((n) => n in value);
}

const COPY_COMMANDS: [string, SnippetFormat][] = [
  [Commands.copyUrl, 'url'],
  [Commands.copyCurl, 'curl'],
  [Commands.copyFetch, 'fetch'],
  [Commands.copyPython, 'python'],
  [Commands.copyPowerShell, 'powershell'],
];

/**
 * Presign commands: "Presign PUT URL..." (asks header set, expiry and key; options as a second argument answer
 * them instead), "... with Last Settings" (asks nothing), the Copy as ... commands, the CORS check and
 * "Edit Header Sets". Each returns what it produced (ledger entries, a CORS verdict), for tests and other callers.
 */
export function registerPresign(services: Services): void {
  const guarded = (context: string, fn: (...args: unknown[]) => Promise<unknown>) => async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (err) {
      reportError(err, services.log, context);
      return undefined;
    }
  };
  registerCorsReports(services.context);
  services.context.subscriptions.push(
    vscode.commands.registerCommand(
      Commands.presignPut,
      guarded('[presign]', async (arg0, arg1) => {
        const options = isOptions(arg1) ? arg1 : undefined;
        return runPresign(services, await presignTarget(arg0, options ? undefined : arg1, !options), options ?? {}, !options);
      }),
    ),
    vscode.commands.registerCommand(
      Commands.presignPutLast,
      guarded('[presign]', async (arg0, arg1) => runPresign(services, await presignTarget(arg0, arg1, false), {}, false)),
    ),
    ...COPY_COMMANDS.map(([id, format]) => vscode.commands.registerCommand(id, guarded('[presign]', (arg0, arg1) => copySnippet(services, format, arg0, arg1)))),
    vscode.commands.registerCommand(Commands.checkCors, (arg) => checkCorsCommand(services, arg)),
    vscode.commands.registerCommand(Commands.editHeaderSets, () => vscode.commands.executeCommand('workbench.action.openSettings', `${Settings.section}.${Settings.headerSets}`)),
  );
}
