/**
 * Drag and drop onto the Buckets view: files and folders dropped from the Explorer or the OS onto a bucket or folder
 * node (or an object, meaning its folder) upload there with the header set asked, through the same run as "Upload to
 * Bucket..." (progress, cancel, resume, the status bar), after a modal confirmation when objects would be overwritten.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CancelledError,
  ConfigError,
  headObject,
  objectKeyProblem,
  type ConnectionOptions,
  type Logger,
} from '../../core/index';
import { reportError } from '../../vscode/errors';
import { filesBelow } from '../../vscode/filesBelow';
import { pickHeaderSet } from '../../vscode/prompts';
import type { Services } from '../services';
import type { UploadStatusBar } from '../upload/statusBar';
import { uploadHeaders } from '../upload/target';
import { reportRun } from '../upload/uploadFile';
import { runUploads } from '../upload/uploadRun';
import { isFolderNode, isObjectNode, type TreeNode } from './nodes';
import type { BucketTreeProvider } from './treeProvider';

const URI_LIST = 'text/uri-list';
/** More files than this (from folders) asks first, as "Upload to Bucket..." does. */
const CONFIRM_FILE_COUNT = 50;
/** HEAD requests in flight while looking for objects a drop would overwrite. */
const PARALLEL_HEADS = 8;
/** Keys named in a message before "...". */
const NAMED_KEYS = 3;

/** The URIs of a `text/uri-list` (RFC 2483): one per line (CRLF, LF tolerated), `#` lines are comments. */
export function parseUriList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * The object key of each file of a drop: `prefix`, then its path from the folder holding the dropped item it came
 * from (a dropped file keeps its name, a dropped folder its name and tree). With nested drops the outermost wins.
 */
export function dropKeys(prefix: string, dropped: readonly string[], files: readonly string[]): string[] {
  const outermostFirst = [...dropped].sort((a, b) => a.length - b.length);
  return files.map((file) => {
    const root = outermostFirst.find((d) => file === d || file.startsWith(d.endsWith(path.sep) ? d : d + path.sep));
    const relative = path.relative(path.dirname(root ?? file), file);
    return prefix + relative.split(path.sep).join('/');
  });
}

/** Where a drop on `target` goes: a bucket or folder node, or the folder of an object node. */
function destination(target: TreeNode | undefined): { node: TreeNode; bucket: string; prefix: string } | undefined {
  if (isFolderNode(target)) return { node: target, bucket: target.bucket, prefix: target.prefix };
  if (isObjectNode(target))
    return { node: target, bucket: target.bucket, prefix: target.key.slice(0, target.key.lastIndexOf('/') + 1) };
  return undefined;
}

/** The URIs a drop carries: its `text/uri-list`, and the files of an OS drop that name their path. */
async function droppedUris(dataTransfer: vscode.DataTransfer): Promise<vscode.Uri[]> {
  const uris: vscode.Uri[] = [];
  const list = dataTransfer.get(URI_LIST);
  if (list) {
    for (const line of parseUriList(await list.asString())) {
      try {
        uris.push(vscode.Uri.parse(line, true));
      } catch {
        // Not a URI: nothing to upload from it.
      }
    }
  }
  for (const [, item] of dataTransfer) {
    const uri = item.asFile()?.uri;
    if (uri) uris.push(uri);
  }
  return [...new Map(uris.map((u) => [u.toString(), u])).values()];
}

/**
 * The keys among `keys` that name an existing object, a few HEAD requests at a time. A key whose HEAD fails (a key
 * allowed to write but not to read) counts as new, as in "Upload to Bucket...": the upload itself says what is wrong.
 */
async function existingKeys(
  conn: ConnectionOptions,
  bucket: string,
  keys: readonly string[],
  log: Logger,
): Promise<string[]> {
  const found = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++];
      try {
        if (await headObject({ ...conn, bucket, key }, { log })) found.add(key);
      } catch (err) {
        log.info(
          `[drop] could not tell whether ${bucket}/${key} exists: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_HEADS, keys.length) }, worker));
  return keys.filter((k) => found.has(k));
}

const named = (keys: readonly string[]) =>
  `${keys.slice(0, NAMED_KEYS).join(', ')}${keys.length > NAMED_KEYS ? ', ...' : ''}`;

export class BucketDropController implements vscode.TreeDragAndDropController<TreeNode> {
  /** Explorer and OS drops both carry `text/uri-list`; `files` also accepts OS files whose path it names. */
  readonly dropMimeTypes = [URI_LIST, 'files'];
  readonly dragMimeTypes = [];

  constructor(
    private readonly services: Services,
    private readonly tree: BucketTreeProvider,
    private readonly statusBar: UploadStatusBar,
  ) {}

  /** Uploads what was dropped on `target`; resolves when the upload has ended. Problems are shown, not thrown. */
  async handleDrop(target: TreeNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken) {
    try {
      await this.drop(target, dataTransfer, token);
    } catch (err) {
      reportError(err, this.services.log, '[drop]');
    }
  }

  private async drop(target: TreeNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken) {
    const { profiles, log } = this.services;
    const dest = destination(target);
    if (!dest) {
      void vscode.window.showInformationMessage(
        'To upload, drop files or folders onto a bucket or a folder of the Buckets view.',
      );
      return;
    }
    const uris = await droppedUris(dataTransfer);
    const local = uris.filter((u) => u.scheme === 'file');
    if (local.length === 0) {
      void vscode.window.showWarningMessage(
        uris.length === 0
          ? 'Nothing to upload: the drop held no files or folders.'
          : `Nothing to upload: ${named(uris.map((u) => u.toString()))} ${uris.length === 1 ? 'is' : 'are'} not on the local disk. Drop files or folders from the Explorer or your file manager.`,
      );
      return;
    }
    if (local.length < uris.length)
      log.warn(`[drop] skipped what is not on the local disk: ${uris.filter((u) => u.scheme !== 'file').join(', ')}`);
    if (token.isCancellationRequested) throw new CancelledError();

    const files = await filesBelow(local, {
      verb: 'upload',
      confirm: (n) => `Upload ${n} Files`,
      confirmAbove: CONFIRM_FILE_COUNT,
      interactive: true,
    });
    const profile = profiles.require(dest.node.profileId);
    const keys = dropKeys(
      dest.prefix,
      local.map((u) => u.fsPath),
      files.map((u) => u.fsPath),
    );
    for (const key of keys) {
      const problem = objectKeyProblem(profile.provider, key);
      if (problem) throw new ConfigError('key', 'InvalidObjectKey', problem);
    }
    const twice = keys.find((k, i) => keys.indexOf(k) !== i);
    if (twice !== undefined)
      throw new ConfigError(
        'key',
        'DuplicateKey',
        `Two of the dropped files would both be uploaded as ${twice}: drop them one at a time.`,
      );

    const set = await pickHeaderSet(profile.provider, {
      title: `Upload ${files.length === 1 ? keys[0] : `${files.length} files`} to ${dest.bucket}`,
    });

    const location = { bucketRegion: dest.node.bucketRegion, bucketEndpoint: dest.node.bucketEndpoint };
    const conn = await profiles.connection(profile.id, { bucket: dest.bucket, ...location });
    const existing = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Window,
        title: `Checking ${dest.bucket}/${dest.prefix} for existing objects`,
      },
      () => existingKeys(conn, dest.bucket, keys, log),
    );
    const now = new Date();
    let items = files.map((uri, i) => ({
      filePath: uri.fsPath,
      key: keys[i],
      ...uploadHeaders(set, profile.provider, uri, now),
    }));
    if (existing.length > 0) items = await confirmOverwrite(items, existing, `${dest.bucket}/${dest.prefix}`);
    if (token.isCancellationRequested) throw new CancelledError();

    const sized = await Promise.all(
      items.map(async (item) => ({
        ...item,
        size: (await vscode.workspace.fs.stat(vscode.Uri.file(item.filePath))).size,
      })),
    );
    const run = await runUploads(
      this.services,
      this.statusBar,
      { profileId: profile.id, bucket: dest.bucket, conn, location },
      sized,
    );
    this.tree.refreshNode(dest.node);
    if (run.done.length === 0 && run.failed.length === 1) throw run.failed[0].error;
    reportRun(this.services, run, sized.length, dest.bucket, conn);
  }
}

/**
 * Asks, modally, before replacing `existing` objects: all of them, only the new ones, or nothing (CancelledError).
 * Returns the items to upload.
 */
async function confirmOverwrite<T extends { key: string }>(
  items: T[],
  existing: readonly string[],
  where: string,
): Promise<T[]> {
  const overwrite = 'Overwrite';
  const skip = 'Skip Existing';
  const count = existing.length === 1 ? '1 object' : `${existing.length} objects`;
  const some = existing.length < items.length;
  const answer = await vscode.window.showWarningMessage(
    `Overwrite ${count} in ${where}?`,
    {
      modal: true,
      detail: `${existing.length} of ${items.length} dropped files would replace an existing object: ${named(existing)}.${some ? ' Skip Existing uploads only the others.' : ''}`,
    },
    ...(some ? [overwrite, skip] : [overwrite]),
  );
  if (answer === overwrite) return items;
  if (answer === skip) return items.filter((i) => !existing.includes(i.key));
  throw new CancelledError();
}
