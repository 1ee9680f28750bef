import * as vscode from 'vscode';
import { reportError, type ShowableLogger } from './errors';

/** One entry of a feature's command table: the id contributed in package.json and what it runs. */
export interface Command {
  id: string;
  /** Receives the arguments VS Code (or a caller of executeCommand) passes; its result is the command's result. */
  run: (...args: unknown[]) => unknown;
}

/**
 * Registers the commands of every table under one error guard: a failure is reported once (log and message, see
 * reportError) and the command resolves to undefined instead of rejecting at the caller.
 */
export function registerCommands(
  context: vscode.ExtensionContext,
  log: ShowableLogger,
  commands: readonly Command[],
): void {
  for (const { id, run } of commands) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await run(...args);
        } catch (err) {
          reportError(err, log, id);
          return undefined;
        }
      }),
    );
  }
}
