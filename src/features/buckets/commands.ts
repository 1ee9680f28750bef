import type { Command } from '../../vscode/commands';
import { Commands } from '../../vscode/ids';
import type { Services } from '../services';
import { clearFilter, copyKey, copyUri, deleteObject, filterPrefix, loadMore, refreshNode } from './actions';
import type { TreeNode } from './nodes';
import type { BucketTreeProvider } from './treeProvider';

/** The Buckets view's commands; each takes the node it was invoked on. */
export function bucketCommands(services: Services, tree: BucketTreeProvider): Command[] {
  const node = (arg: unknown) => arg as TreeNode | undefined;
  return [
    { id: Commands.refresh, run: () => tree.refresh() },
    { id: Commands.refreshNode, run: (arg) => refreshNode(tree, node(arg)) },
    { id: Commands.filterPrefix, run: (arg) => filterPrefix(tree, arg) },
    { id: Commands.clearFilter, run: (arg) => clearFilter(tree, arg) },
    { id: Commands.loadMore, run: (arg) => loadMore(tree, node(arg)) },
    { id: Commands.copyKey, run: (arg) => copyKey(node(arg)) },
    { id: Commands.copyUri, run: (arg) => copyUri(services.profiles, node(arg)) },
    { id: Commands.deleteObject, run: (arg) => deleteObject(services, tree, arg) },
  ];
}
