import * as vscode from 'vscode';
import { clearFilter, filterPrefix } from '../commands/filterPrefix';
import { copyKey } from '../commands/copyKey';
import { copyUri } from '../commands/copyUri';
import { deleteObject } from '../commands/deleteObject';
import { loadMore } from '../commands/loadMore';
import { refresh } from '../commands/refresh';
import { refreshNode } from '../commands/refreshNode';
import { Commands, Settings, Views } from '../ids';
import { reportError } from '../reportError';
import type { Services } from '../services';
import { BucketTreeProvider } from './bucketTreeProvider';
import type { TreeNode } from './nodes';

/**
 * Command the extension-host tests use to reach the tree, the profile store and the extension's storage (to prove
 * no secret lands in settings or globalState). Registered only when VS Code runs the extension's tests.
 */
export const TEST_HOOKS_COMMAND = '_ossPresign.testHooks';

/** The Buckets view and its node commands. */
export function registerTree(services: Services): void {
  const { context, log, profiles } = services;
  const pageSize = () => {
    const n = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.pageSize, 200);
    return Number.isInteger(n) && n >= 1 ? Math.min(n, 1000) : 200;
  };
  const tree = new BucketTreeProvider(profiles, log, pageSize);
  const view = vscode.window.createTreeView(Views.buckets, { treeDataProvider: tree, showCollapseAll: true });
  // Collapsing a folder whose listing is still running stops that request (long listings stay cancellable).
  context.subscriptions.push(tree, view, view.onDidCollapseElement((e) => tree.cancelLoad(e.element)));

  const commands: [string, (node?: TreeNode) => unknown][] = [
    [Commands.refresh, () => refresh(tree)],
    [Commands.refreshNode, (node) => refreshNode(tree, node)],
    [Commands.filterPrefix, (node) => filterPrefix(tree, node)],
    [Commands.clearFilter, (node) => clearFilter(tree, node)],
    [Commands.loadMore, (node) => loadMore(tree, node)],
    [Commands.copyKey, (node) => copyKey(node)],
    [Commands.copyUri, (node) => copyUri(profiles, node)],
    [Commands.deleteObject, (node) => deleteObject(services, tree, node)],
  ];
  for (const [id, run] of commands) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (node?: TreeNode) => {
        try {
          await run(node);
        } catch (err) {
          reportError(err, log, `[tree] ${id}`);
        }
      }),
    );
  }
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    context.subscriptions.push(vscode.commands.registerCommand(TEST_HOOKS_COMMAND, () => ({ tree, profiles, context })));
  }
}
