import * as vscode from 'vscode';
import { Views } from '../../vscode/ids';
import { settings } from '../../vscode/settings';
import type { Services } from '../services';
import { BucketTreeProvider } from './treeProvider';

/** The Buckets view: profiles -> buckets -> folders -> objects. Returns its provider for the view's commands. */
export function createBucketsView(services: Services): BucketTreeProvider {
  const { context, log, profiles } = services;
  const tree = new BucketTreeProvider(profiles, log, settings.pageSize);
  const view = vscode.window.createTreeView(Views.buckets, { treeDataProvider: tree, showCollapseAll: true });
  // Collapsing a folder whose listing is still running stops that request (long listings stay cancellable).
  context.subscriptions.push(
    tree,
    view,
    view.onDidCollapseElement((e) => tree.cancelLoad(e.element)),
  );
  return tree;
}
