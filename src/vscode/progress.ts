import * as vscode from 'vscode';

export type ProgressReport = { message?: string; increment?: number };

/**
 * A cancellable progress notification whose Cancel button aborts the returned work's AbortSignal: core operations
 * take a signal, so cancelling stops their requests (and aborts their multipart uploads).
 */
export function withCancellableProgress<T>(
  title: string,
  work: (signal: AbortSignal, progress: vscode.Progress<ProgressReport>) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return work(abort.signal, progress);
    },
  );
}
