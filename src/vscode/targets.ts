/**
 * What a command is about, from the arguments VS Code passes it: the Explorer (the clicked file and the whole
 * multi-selection), an editor title (its file, plus `{ groupId, editorIndex }`), a Buckets view node, or nothing
 * (the palette: the active editor's file, else a file dialog). Folders become every file below them.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../core/index';
import { filesBelow } from './filesBelow';

/** A bucket, folder or object of the Buckets view, as its nodes carry it (structurally: the kit knows no feature). */
export interface BucketPlace {
  kind: 'bucket' | 'prefix' | 'object';
  profileId: string;
  bucket: string;
  /** Bucket and folder nodes: the folder (`''` for the bucket root). */
  prefix?: string;
  /** Object nodes. */
  key?: string;
  bucketRegion?: string;
  bucketEndpoint?: string;
}

export function isBucketPlace(value: unknown): value is BucketPlace {
  const v = value as Partial<BucketPlace> | undefined;
  return (
    !!v &&
    typeof v === 'object' &&
    typeof v.profileId === 'string' &&
    typeof v.bucket === 'string' &&
    (v.kind === 'bucket' || v.kind === 'prefix' || v.kind === 'object')
  );
}

/**
 * The options object a caller passes as the second argument (tests, other extensions, re-issue): an object with
 * at least one of `names`. Not the Explorer's selection array, a Uri, nor the editor title's `{ groupId, editorIndex }`.
 */
export function commandOptions<T extends object>(value: unknown, names: ReadonlyArray<keyof T>): T | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof vscode.Uri) return undefined;
  return names.some((n) => n in value) ? (value as T) : undefined;
}

export interface CommandTarget {
  files: vscode.Uri[];
  /** When a Buckets view node was the target: where the files go. */
  place?: BucketPlace;
}

export interface TargetQuestion {
  /** Title of the file dialog, e.g. "Presign PUT: files". */
  title: string;
  /** "presign", "upload": in messages. */
  verb: string;
  /** Label of the file dialog's button. */
  openLabel: string;
  /** Ask before acting on more files than this (from folders). */
  confirmAbove: number;
  confirm: (count: number) => string;
  /** False: never ask (a caller gave every answer). */
  interactive: boolean;
}

/** The local files (and destination) of a command's arguments. Cancelling a dialog throws CancelledError. */
export async function commandTarget(arg0: unknown, arg1: unknown, question: TargetQuestion): Promise<CommandTarget> {
  const expand = (uris: vscode.Uri[]) =>
    filesBelow(uris, {
      verb: question.verb,
      confirm: question.confirm,
      confirmAbove: question.confirmAbove,
      interactive: question.interactive,
    });
  if (isBucketPlace(arg0)) {
    const overwrite = arg0.kind === 'object';
    const title = overwrite
      ? `${question.title} over ${arg0.key}`
      : `${question.title} into ${arg0.bucket}/${arg0.prefix ?? ''}`;
    return { files: await expand(await pickLocalFiles(title, question.openLabel, !overwrite)), place: arg0 };
  }
  if (arg0 instanceof vscode.Uri) {
    const selection =
      Array.isArray(arg1) && arg1.length > 0 && arg1.every((u) => u instanceof vscode.Uri)
        ? (arg1 as vscode.Uri[])
        : [arg0];
    return { files: await expand(selection) };
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && !active.isUntitled && active.uri.scheme === 'file') return { files: [active.uri] };
  return { files: await expand(await pickLocalFiles(question.title, question.openLabel, true)) };
}

async function pickLocalFiles(title: string, openLabel: string, many: boolean): Promise<vscode.Uri[]> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const picked = await vscode.window.showOpenDialog({
    title,
    openLabel,
    canSelectFiles: true,
    canSelectFolders: many,
    canSelectMany: many,
    ...(folder ? { defaultUri: folder.uri } : {}),
  });
  if (!picked?.length) throw new CancelledError();
  return picked;
}
