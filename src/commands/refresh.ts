import type { BucketTreeProvider } from '../tree/bucketTreeProvider';

/** Refresh (view title): forgets every listing and lists the profiles again. */
export function refresh(tree: BucketTreeProvider): void {
  tree.refresh();
}
