import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, ConfigError } from '../core/index';

/**
 * The files an action applies to: each selected file, and every file below each selected folder with
 * `files.exclude` applied as the explorer does; local files only. Asks first when there are more than
 * `confirmAbove` (interactive only); cancelling throws CancelledError.
 */
export async function filesBelow(
  uris: vscode.Uri[],
  action: { verb: string; confirm: (count: number) => string; confirmAbove: number; interactive: boolean },
): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const uri of uris) {
    if (uri.scheme !== 'file')
      throw new ConfigError(
        'file',
        'NotALocalFile',
        `${uri.toString()} is not on the local disk: copy it to a local folder to ${action.verb} it.`,
      );
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) {
      // No exclude argument: findFiles then applies files.exclude, as the explorer does.
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, '**/*'));
      out.push(...found.sort((a, b) => a.path.localeCompare(b.path)));
    } else {
      out.push(uri);
    }
  }
  const unique = [...new Map(out.map((u) => [u.toString(), u])).values()];
  if (unique.length === 0) {
    throw new ConfigError(
      'files',
      'NoFiles',
      `No files to ${action.verb} in ${uris.map((u) => path.basename(u.fsPath)).join(', ')} (files.exclude may hide some): pick a folder that has files.`,
    );
  }
  if (action.interactive && unique.length > action.confirmAbove) {
    const go = action.confirm(unique.length);
    if ((await vscode.window.showWarningMessage(`${go}?`, { modal: true }, go)) !== go) throw new CancelledError();
  }
  return unique;
}
