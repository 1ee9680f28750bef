import * as vscode from 'vscode';
import { Views } from '../../vscode/ids';
import { settings } from '../../vscode/settings';
import type { Services } from '../services';
import type { UploadStatusBar } from '../upload/statusBar';
import { BucketDropController } from './dragAndDrop';
import { OBJECT_SCHEME, ObjectFileSystem } from './objectFileSystem';
import { BucketTreeProvider } from './treeProvider';

/** The Buckets view's provider and drop controller, for the view's commands. */
export interface BucketsView {
  tree: BucketTreeProvider;
  dropController: BucketDropController;
}

/**
 * The Buckets view: profiles -> buckets -> folders -> objects; files dropped on a bucket or folder upload there (their
 * uploads show in `uploads`).
 */
export function createBucketsView(services: Services, uploads: UploadStatusBar): BucketsView {
  const { context, log, profiles } = services;
  const tree = new BucketTreeProvider(profiles, log, settings.pageSize);
  const dragAndDropController = new BucketDropController(services, tree, uploads);
  const view = vscode.window.createTreeView(Views.buckets, {
    treeDataProvider: tree,
    showCollapseAll: true,
    canSelectMany: true,
    dragAndDropController,
  });
  tree.attachView(view);
  // Objects open read-only in editors through the ossPresign: scheme.
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(OBJECT_SCHEME, new ObjectFileSystem(profiles), {
      isReadonly: true,
      isCaseSensitive: true,
    }),
  );
  // Collapsing a folder whose listing is still running stops that request (long listings stay cancellable).
  context.subscriptions.push(
    tree,
    view,
    view.onDidCollapseElement((e) => tree.cancelLoad(e.element)),
  );
  return { tree, dropController: dragAndDropController };
}
