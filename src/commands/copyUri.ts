import * as vscode from 'vscode';
import type { ProfileStore } from '../profileStore';
import { storageUri, type TreeNode } from '../tree/nodes';

/** Copy oss:// or s3:// URI of an object, folder or bucket (the form ossutil and the AWS CLI take). */
export async function copyUri(profiles: ProfileStore, node?: TreeNode): Promise<void> {
  if (!node?.bucket || (node.kind !== 'object' && node.kind !== 'prefix' && node.kind !== 'bucket')) return;
  const provider = profiles.require(node.profileId).provider;
  const uri = storageUri(provider, node.bucket, node.kind === 'object' ? node.key : node.prefix);
  await vscode.env.clipboard.writeText(uri);
  vscode.window.setStatusBarMessage(`Copied ${uri}`, 3000);
}
