import * as vscode from 'vscode';
import { deleteObject as deleteRemoteObject } from '../core/api/objects';
import type { Services } from '../services';
import type { BucketTreeProvider } from '../tree/bucketTreeProvider';
import { isObjectNode } from '../tree/nodes';

/** Delete Object: after a modal confirmation naming bucket and key, deletes it and refreshes its folder. */
export async function deleteObject({ profiles, log }: Services, tree: BucketTreeProvider, node?: unknown): Promise<void> {
  if (!isObjectNode(node)) return;
  const profile = profiles.require(node.profileId);
  const remove = 'Delete';
  const answer = await vscode.window.showWarningMessage(
    `Delete "${node.key}" from bucket "${node.bucket}"?`,
    { modal: true, detail: `Profile "${profile.name}". This cannot be undone unless the bucket keeps versions.` },
    remove,
  );
  if (answer !== remove) return;
  const conn = await profiles.connection(node.profileId, node);
  await deleteRemoteObject({ ...conn, bucket: node.bucket, key: node.key });
  log.info(`[tree] deleted ${node.bucket}/${node.key} (profile ${node.profileId})`);
  const parent = tree.getParent(node);
  if (parent) tree.refreshNode(parent);
  vscode.window.setStatusBarMessage(`Deleted ${node.key}`, 3000);
}
