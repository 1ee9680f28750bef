/** Tree items of a bucket's Incomplete Uploads: the node, each upload, and the parts an upload has stored. */
import * as vscode from 'vscode';
import { formatSize, formatUtc, md } from './format';
import type { PartNode, UploadNode, UploadsNode } from './nodes';

/** What has been listed below a node: undefined until its first page arrived (or when that failed). */
export interface Listed<T> {
  items: readonly T[];
  /** The server has more pages. */
  more: boolean;
}

const plus = (listed: Listed<unknown>) => (listed.more ? '+' : '');

/** Description: the count once listed (`none`, `3`, `200+`); before that nothing, as nothing was asked yet. */
export function uploadsItem(node: UploadsNode, listed: Listed<UploadNode> | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem('Incomplete Uploads', vscode.TreeItemCollapsibleState.Collapsed);
  item.iconPath = new vscode.ThemeIcon('cloud-upload');
  if (listed) item.description = listed.items.length === 0 ? 'none' : `${listed.items.length}${plus(listed)}`;
  item.tooltip = new vscode.MarkdownString(
    `**Incomplete uploads** of ${md(node.bucket)}\n\n` +
      'Multipart uploads that were started and never completed nor aborted. The parts they stored stay on the ' +
      'server, and are billed, until each upload is aborted (or a lifecycle rule removes it).\n\n' +
      'Expand to list them; **Abort All Older Than...** in the context menu.',
  );
  return item;
}

/** Label: the key; description: when it started and, once listed, how many parts it stored and their size. */
export function uploadItem(node: UploadNode, parts: Listed<PartNode> | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(node.key, vscode.TreeItemCollapsibleState.Collapsed);
  item.iconPath = vscode.ThemeIcon.File;
  // The file name decides the file-icon theme's icon; the scheme is never opened.
  item.resourceUri = vscode.Uri.from({ scheme: 'oss-presign', path: '/' + node.key });
  const stored = parts && storedText(parts);
  item.description = [node.initiated && `started ${formatUtc(node.initiated)}`, stored].filter(Boolean).join(' · ');
  const rows = [
    '| | |',
    '|---|---|',
    `| Key | ${md(node.key)} |`,
    `| Upload id | ${md(node.uploadId)} |`,
    node.initiated ? `| Started | ${formatUtc(node.initiated)} |` : undefined,
    node.storageClass ? `| Storage class | ${md(node.storageClass)} |` : undefined,
    stored ? `| Stored | ${stored} |` : undefined,
  ];
  item.tooltip = new vscode.MarkdownString(
    rows.filter(Boolean).join('\n') + '\n\nIncomplete: its parts are stored (and billed) until it is aborted.',
  );
  return item;
}

function storedText(parts: Listed<PartNode>): string {
  const n = parts.items.length;
  const bytes = parts.items.reduce((sum, p) => sum + p.size, 0);
  return `${n}${plus(parts)} part${n === 1 && !parts.more ? '' : 's'}, ${formatSize(bytes)}${plus(parts)}`;
}

export function partItem(node: PartNode): vscode.TreeItem {
  const item = new vscode.TreeItem(`Part ${node.partNumber}`, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon('symbol-numeric');
  item.description = [formatSize(node.size), node.lastModified && formatUtc(node.lastModified)]
    .filter(Boolean)
    .join(' · ');
  const rows = [
    '| | |',
    '|---|---|',
    `| Part | ${node.partNumber} of ${md(node.key)} |`,
    `| Size | ${formatSize(node.size)} (${node.size.toLocaleString('en-US')} bytes) |`,
    node.lastModified ? `| Stored | ${formatUtc(node.lastModified)} |` : undefined,
    `| ETag | ${md(node.etag)} |`,
  ];
  item.tooltip = new vscode.MarkdownString(rows.filter(Boolean).join('\n'));
  return item;
}
