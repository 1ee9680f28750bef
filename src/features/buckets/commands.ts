import * as vscode from 'vscode';
import type { Command } from '../../vscode/commands';
import { Commands } from '../../vscode/ids';
import type { Services } from '../services';
import { clearFilter, copyKey, copyUri, deleteObject, filterPrefix, loadMore, refreshNode } from './actions';
import type { TreeNode } from './nodes';
import type { BucketTreeProvider } from './treeProvider';

/** Command of the extension-host tests (not contributed in package.json). */
const TEST_HOOKS_COMMAND = '_ossPresign.testHooks';

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
    // The extension-host tests reach the tree, the profile store and the extension's storage through this (to prove
    // no secret lands in settings or globalState); it exists only when VS Code runs the extension's tests.
    ...(services.context.extensionMode === vscode.ExtensionMode.Test
      ? [{ id: TEST_HOOKS_COMMAND, run: () => ({ tree, profiles: services.profiles, context: services.context }) }]
      : []),
  ];
}
