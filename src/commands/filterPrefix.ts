import * as vscode from 'vscode';
import { isFolderNode } from '../tree/nodes';
import type { BucketTreeProvider } from '../tree/bucketTreeProvider';

/**
 * Filter by Prefix on a bucket or folder: lists only keys starting with the typed text (server side, so it works
 * on folders of any size). An empty value clears the filter.
 */
export async function filterPrefix(tree: BucketTreeProvider, node?: unknown): Promise<void> {
  if (!isFolderNode(node)) return;
  const where = `${node.bucket}/${node.prefix}`;
  const filter = await vscode.window.showInputBox({
    title: `Filter ${where}`,
    prompt: `Show only keys starting with ${where}… (case-sensitive; empty clears the filter)`,
    value: tree.filterOf(node) ?? '',
    ignoreFocusOut: true,
  });
  if (filter === undefined) return;
  tree.setFilter(node, filter);
}

/** Clear Prefix Filter on a bucket or folder. */
export function clearFilter(tree: BucketTreeProvider, node?: unknown): void {
  if (isFolderNode(node)) tree.setFilter(node, undefined);
}
