import * as vscode from 'vscode';
import { Views } from '../../vscode/ids';
import { settings } from '../../vscode/settings';
import type { Services } from '../services';
import { BucketTreeProvider } from './treeProvider';

/**
 * Command the extension-host tests use to reach the tree, the profile store and the extension's storage (to prove
 * no secret lands in settings or globalState). Registered only when VS Code runs the extension's tests.
 */
export const TEST_HOOKS_COMMAND = '_ossPresign.testHooks';

/** The Buckets view: profiles -> buckets -> folders -> objects. Returns its provider for the view's commands. */
export function createBucketsView(services: Services): BucketTreeProvider {
  const { context, log, profiles } = services;
  const tree = new BucketTreeProvider(profiles, log, settings.pageSize);
  const view = vscode.window.createTreeView(Views.buckets, { treeDataProvider: tree, showCollapseAll: true });
  // Collapsing a folder whose listing is still running stops that request (long listings stay cancellable).
  context.subscriptions.push(tree, view, view.onDidCollapseElement((e) => tree.cancelLoad(e.element)));
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    context.subscriptions.push(vscode.commands.registerCommand(TEST_HOOKS_COMMAND, () => ({ tree, profiles, context })));
  }
  return tree;
}
