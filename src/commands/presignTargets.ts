import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import type { TreeNode } from '../tree/nodes';
import { filesBelow } from './filesBelow';

/** What to presign: local files, and where in which bucket they go when a tree node says so. */
export interface PresignTarget {
  files: vscode.Uri[];
  /** From a tree node. */
  profileId?: string;
  bucket?: string;
  /** Prefix/bucket node: every key goes below this prefix. */
  prefix?: string;
  /** Object node: the file overwrites exactly this key. */
  fixedKey?: string;
}

/** More files than this from a folder asks before signing them all. */
const CONFIRM_FILE_COUNT = 20;

export function isTreeNode(value: unknown): value is TreeNode & { kind: 'bucket' | 'prefix' | 'object' } {
  const v = value as Partial<TreeNode> | undefined;
  return !!v && typeof v === 'object' && typeof v.profileId === 'string' && typeof v.bucket === 'string' && (v.kind === 'bucket' || v.kind === 'prefix' || v.kind === 'object');
}

/**
 * The files and destination for the command's arguments as VS Code passes them: explorer (clicked Uri plus the
 * multi-selection), editor title (Uri), a Buckets-view node, or nothing (palette: the active editor's file or a
 * file picker). Folders become every file below them, `files.exclude` respected.
 */
export async function presignTarget(arg0: unknown, arg1: unknown, interactive: boolean): Promise<PresignTarget> {
  if (isTreeNode(arg0)) {
    const node = arg0;
    const one = node.kind === 'object';
    const files = await pickFiles(one ? `Upload over ${node.key}` : `Presign into ${node.bucket}/${node.prefix ?? ''}`, !one);
    return one
      ? { files, profileId: node.profileId, bucket: node.bucket, fixedKey: node.key }
      : { files, profileId: node.profileId, bucket: node.bucket, prefix: node.prefix ?? '' };
  }
  if (arg0 instanceof vscode.Uri) {
    const selection = Array.isArray(arg1) && arg1.length > 0 && arg1.every((u) => u instanceof vscode.Uri) ? (arg1 as vscode.Uri[]) : [arg0];
    return { files: await expandFolders(selection, interactive) };
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && !active.isUntitled && active.uri.scheme === 'file') return { files: [active.uri] };
  return { files: await pickFiles('Presign PUT: file to upload', true) };
}

async function pickFiles(title: string, many: boolean): Promise<vscode.Uri[]> {
  const files = await vscode.window.showOpenDialog({
    title,
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: many,
    openLabel: 'Presign',
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  if (!files || files.length === 0) throw new CancelledError();
  return files;
}

function expandFolders(uris: vscode.Uri[], interactive: boolean): Promise<vscode.Uri[]> {
  return filesBelow(uris, { verb: 'presign', confirm: (n) => `Presign ${n} URLs`, confirmAbove: CONFIRM_FILE_COUNT, interactive });
}
