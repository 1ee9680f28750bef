/** What the Buckets view's commands do, each on the node it was invoked on. */
import * as vscode from 'vscode';
import { Views } from '../../vscode/ids';
import type { ProfileStore } from '../profiles/profileStore';
import type { BucketTreeProvider } from './treeProvider';
import { isFolderNode, storageUri, type TreeNode } from './nodes';

/** Refresh on a profile, bucket or folder node (also Retry on an error node): lists that node again. */
export function refreshNode(tree: BucketTreeProvider, node?: TreeNode): void {
  if (node?.kind) tree.refreshNode(node);
  else tree.refresh();
}

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

/** Load More: fetches the next page of a folder (one request; a second click while it runs is ignored). */
export async function loadMore(tree: BucketTreeProvider, node?: TreeNode): Promise<void> {
  if (node?.kind !== 'loadMore') return;
  await vscode.window.withProgress({ location: { viewId: Views.buckets } }, () => tree.loadMore(node));
}

/** Copy Key of an object or an incomplete upload (or the prefix of a folder) to the clipboard. */
export async function copyKey(node?: TreeNode): Promise<void> {
  const text =
    node?.kind === 'object' || node?.kind === 'upload' ? node.key : node?.kind === 'prefix' ? node.prefix : undefined;
  if (text === undefined) return;
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
}

/** Copy oss:// or s3:// URI of an object, folder or bucket (the form ossutil and the AWS CLI take). */
export async function copyUri(profiles: ProfileStore, node?: TreeNode): Promise<void> {
  if (!node?.bucket || (node.kind !== 'object' && node.kind !== 'prefix' && node.kind !== 'bucket')) return;
  const provider = profiles.require(node.profileId).provider;
  const uri = storageUri(provider, node.bucket, node.kind === 'object' ? node.key : node.prefix);
  await vscode.env.clipboard.writeText(uri);
  vscode.window.setStatusBarMessage(`Copied ${uri}`, 3000);
}
