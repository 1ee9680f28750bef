import * as vscode from 'vscode';
import { Views } from '../ids';
import type { BucketTreeProvider } from '../tree/bucketTreeProvider';
import type { TreeNode } from '../tree/nodes';

/** Load More: fetches the next page of a folder (one request; a second click while it runs is ignored). */
export async function loadMore(tree: BucketTreeProvider, node?: TreeNode): Promise<void> {
  if (node?.kind !== 'loadMore') return;
  await vscode.window.withProgress({ location: { viewId: Views.buckets } }, () => tree.loadMore(node));
}
