import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';

/** Copy Key of an object (or the prefix of a folder) to the clipboard. */
export async function copyKey(node?: TreeNode): Promise<void> {
  const text = node?.kind === 'object' ? node.key : node?.kind === 'prefix' ? node.prefix : undefined;
  if (text === undefined) return;
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
}
