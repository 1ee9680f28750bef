import * as vscode from 'vscode';
import { isCancelled, type Logger } from '../core/index';

/** A Logger that can also reveal its output channel (the output logger adapter can). */
export type ShowableLogger = Logger & { show?: () => void };

/**
 * The one way the VS Code layer reports a failure: logs the error with its whole cause chain, then shows its
 * message (safe to show: core errors never carry secrets) with a "Show Log" action. Silent for cancellation,
 * which the user asked for. `context` tags the log line, e.g. "[tree] list objects".
 */
export function reportError(err: unknown, log: ShowableLogger, context?: string): void {
  if (isCancelled(err)) {
    log.debug(`${context ? `${context}: ` : ''}cancelled`);
    return;
  }
  const error = err instanceof Error ? err : new Error(String(err));
  log.error(context ? `${context}: ${errorLine(error)}` : error);
  const showLog = 'Show Log';
  void vscode.window
    .showErrorMessage(error.message || 'Something went wrong; see the "OSS Presign" output for details.', showLog)
    .then((choice) => {
      if (choice === showLog) log.show?.();
    });
}

/** `Name: message <- Cause: message ...` for a log line. */
export function errorLine(err: Error): string {
  let out = `${err.name}: ${err.message}`;
  let cause = err.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++, cause = cause.cause)
    out += ` <- ${cause.name}: ${cause.message}`;
  return out;
}
