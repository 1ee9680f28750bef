import * as vscode from 'vscode';
import type { SnippetFormat } from '../../core/index';
import type { Command } from '../../vscode/commands';
import { Commands, Settings } from '../../vscode/ids';
import { commandOptions } from '../../vscode/targets';
import type { Services } from '../services';
import { applyCorsRuleCommand, checkCorsCommand } from './checkCors';
import { copySnippet } from './copySnippet';
import { presignTarget, runPresign, type PresignOptions } from './flow';
import { POST_OPTION_NAMES, runPresignPost, type PostFormOptions } from './postForm';

const OPTION_NAMES: ReadonlyArray<keyof PresignOptions> = [
  'profileId',
  'bucket',
  'headerSet',
  'expirySeconds',
  'key',
  'copyFormat',
];

const COPY_COMMANDS: ReadonlyArray<[string, SnippetFormat]> = [
  [Commands.copyUrl, 'url'],
  [Commands.copyCurl, 'curl'],
  [Commands.copyFetch, 'fetch'],
  [Commands.copyPython, 'python'],
  [Commands.copyPowerShell, 'powershell'],
];

/**
 * "Presign PUT URL..." (asks profile, bucket, header set, expiry and key; an options object as the second argument
 * answers them instead), "... with Last Settings" (asks nothing), the Copy as ... commands, "Presign POST Form...",
 * the CORS check and "Apply Suggested CORS Rule...", and "Edit Header Sets". Each returns what it produced (ledger
 * entries, a CORS verdict or what applying a rule did), for tests and other callers.
 */
export function presignCommands(services: Services): Command[] {
  return [
    {
      id: Commands.presignPut,
      run: async (arg0, arg1) => {
        const options = commandOptions<PresignOptions>(arg1, OPTION_NAMES);
        return runPresign(
          services,
          await presignTarget(arg0, options ? undefined : arg1, !options),
          options ?? {},
          !options,
        );
      },
    },
    {
      id: Commands.presignPutLast,
      run: async (arg0, arg1) => runPresign(services, await presignTarget(arg0, arg1, false), {}, false),
    },
    ...COPY_COMMANDS.map(([id, format]): Command => ({
      id,
      run: (arg0, arg1) => copySnippet(services, format, arg0, arg1),
    })),
    {
      id: Commands.presignPost,
      run: (arg0, arg1) =>
        runPresignPost(services, arg0, commandOptions<PostFormOptions>(arg1, POST_OPTION_NAMES) ?? {}),
    },
    { id: Commands.checkCors, run: (arg0, arg1) => checkCorsCommand(services, arg0, arg1) },
    { id: Commands.applyCorsRule, run: (arg0, arg1) => applyCorsRuleCommand(services, arg0, arg1) },
    {
      id: Commands.editHeaderSets,
      run: () =>
        vscode.commands.executeCommand('workbench.action.openSettings', `${Settings.section}.${Settings.headerSets}`),
    },
  ];
}
