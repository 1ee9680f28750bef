import type { BucketTreeProvider } from '../tree/bucketTreeProvider';
import type { TreeNode } from '../tree/nodes';

/** Refresh on a profile, bucket or folder node (also Retry on an error node): lists that node again. */
export function refreshNode(tree: BucketTreeProvider, node?: TreeNode): void {
  if (node?.kind) tree.refreshNode(node);
  else tree.refresh();
}
