import * as vscode from 'vscode';
import type { Command } from '../../vscode/commands';
import { Commands } from '../../vscode/ids';
import type { Services } from '../services';
import type { BucketDropController } from './dragAndDrop';
import { clearFilter, copyKey, copyUri, filterPrefix, loadMore, refreshNode } from './actions';
import { copyDownloadLink, type DownloadLinkOptions } from './downloadLink';
import { deleteSelected, downloadFolder, downloadObjects, openObject, type DownloadOptions } from './objectActions';
import { objectRefOf } from './objectFileSystem';
import { revealObject, type RevealRequest } from './reveal';
import { isObjectNode, type TreeNode } from './nodes';
import type { BucketTreeProvider } from './treeProvider';

/** Command of the extension-host tests (not contributed in package.json). */
const TEST_HOOKS_COMMAND = '_ossPresign.testHooks';

/**
 * The Buckets view's commands; each takes the node it was invoked on and, where several may be selected, the
 * selection. A last options argument answers the questions instead (tests and other commands).
 */
export function bucketCommands(
  services: Services,
  tree: BucketTreeProvider,
  dropController?: BucketDropController,
): Command[] {
  const node = (arg: unknown) => arg as TreeNode | undefined;
  return [
    { id: Commands.refresh, run: () => tree.refresh() },
    { id: Commands.refreshNode, run: (arg) => refreshNode(tree, node(arg)) },
    { id: Commands.filterPrefix, run: (arg) => filterPrefix(tree, arg) },
    { id: Commands.clearFilter, run: (arg) => clearFilter(tree, arg) },
    { id: Commands.loadMore, run: (arg) => loadMore(tree, node(arg)) },
    { id: Commands.copyKey, run: (arg) => copyKey(node(arg)) },
    { id: Commands.copyUri, run: (arg) => copyUri(services.profiles, node(arg)) },
    {
      id: Commands.copyDownloadLink,
      run: (arg, _selection, options) =>
        isObjectNode(arg)
          ? copyDownloadLink(services, objectRefOf(arg), options as DownloadLinkOptions | undefined)
          : undefined,
    },
    { id: Commands.openObject, run: (arg) => openObject(arg) },
    {
      id: Commands.downloadObject,
      run: (arg, selection, options) => downloadObjects(services, arg, selection, options as DownloadOptions),
    },
    {
      id: Commands.downloadFolder,
      run: (arg, _selection, options) => downloadFolder(services, arg, options as DownloadOptions),
    },
    {
      id: Commands.deleteObject,
      run: (arg, selection) =>
        deleteSelected(services, arg, selection, (deleted) => {
          const folders = new Set(deleted.map((o) => tree.getParent(o)));
          for (const folder of folders) if (folder) tree.refreshNode(folder);
        }),
    },
    // Reveal in Tree of an upload's notification; hidden from the palette (it needs an object).
    { id: Commands.revealObject, run: (request) => revealObject(services, tree, request as RevealRequest) },
    // The extension-host tests reach the tree, the drop controller, the profile store and the extension's storage
    // through this (to prove no secret lands in settings or globalState); only when VS Code runs the extension's tests.
    ...(services.context.extensionMode === vscode.ExtensionMode.Test
      ? [
          {
            id: TEST_HOOKS_COMMAND,
            run: () => ({ tree, dropController, profiles: services.profiles, context: services.context }),
          },
        ]
      : []),
  ];
}
