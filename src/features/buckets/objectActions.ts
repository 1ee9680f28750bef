/** Open, Download and Delete on object and folder nodes of the Buckets view (one node or a multi-selection). */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../app/progressText';
import {
  CancelledError,
  deleteObjects as deleteRemoteObjects,
  downloadObject,
  listObjects,
  isCancelled,
} from '../../core/index';
import { Settings } from '../../vscode/ids';
import { reportError } from '../../vscode/errors';
import { withCancellableProgress } from '../../vscode/progress';
import type { Services } from '../services';
import { baseName } from './downloadLink';
import { commonFolder, planLocalPaths, type LocalTarget } from './localPaths';
import { isFolderNode, isObjectNode, type FolderNode, type ObjectNode } from './nodes';
import { objectRefOf, objectUri } from './objectFileSystem';

const DEFAULT_OPEN_LIMIT_MB = 10;

/** `ossPresign.openSizeLimitMB` in bytes: larger objects are opened only after a question. */
function openSizeLimit(): number {
  const mb = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.openSizeLimit);
  return (typeof mb === 'number' && mb > 0 ? mb : DEFAULT_OPEN_LIMIT_MB) * 1024 * 1024;
}

/**
 * The objects a command acts on: VS Code passes the clicked node and, with several selected, the whole selection
 * (which includes the clicked node).
 */
export function selectedObjects(node: unknown, selection: unknown): ObjectNode[] {
  const all = Array.isArray(selection) && selection.includes(node) ? selection : [node];
  return all.filter(isObjectNode);
}

/**
 * "Open" (and a click on an object): read-only in an editor through the `ossPresign:` file system; images open
 * in the image preview. Above ossPresign.openSizeLimitMB it asks first (the whole object is read into memory).
 */
export async function openObject(node: unknown): Promise<vscode.Uri | undefined> {
  if (!isObjectNode(node)) return undefined;
  const limit = openSizeLimit();
  if (node.size > limit) {
    const open = 'Open Anyway';
    const download = 'Download...';
    const answer = await vscode.window.showWarningMessage(
      `${node.key} is ${formatBytes(node.size)}, more than the ${formatBytes(limit)} that open without asking (ossPresign.openSizeLimitMB).`,
      { modal: true, detail: 'Opening reads the whole object into memory. Downloading streams it to a file.' },
      open,
      download,
    );
    if (answer === download) {
      await vscode.commands.executeCommand('ossPresign.downloadObject', node);
      return undefined;
    }
    if (answer !== open) return undefined;
  }
  const uri = objectUri(objectRefOf(node));
  await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
  return uri;
}

/** Answers instead of the dialogs (tests, other commands). */
export interface DownloadOptions {
  /** Single object: the file to write. Several objects or a folder: the folder to write into. */
  target?: string;
  /** Aborts like the notification's Cancel button. */
  signal?: AbortSignal;
}

/** "Download...": one object to a chosen file, or a multi-selection into a chosen folder. Returns the files written. */
export async function downloadObjects(
  services: Services,
  node: unknown,
  selection: unknown,
  options: DownloadOptions = {},
): Promise<string[]> {
  const objects = selectedObjects(node, selection);
  if (objects.length === 0) return [];
  if (objects.length === 1) {
    const [object] = objects;
    const filePath = options.target ?? (await askFile(object));
    if (!filePath) return [];
    return runDownloads(services, `Downloading ${baseName(object.key)}`, [{ object, filePath }], options.signal);
  }
  const root = options.target ?? (await askFolder(`Download ${objects.length} objects into this folder`));
  if (!root) return [];
  // Several objects keep their layout below the folder they share (two a.txt of different folders do not collide).
  const plan = planLocalPaths(
    root,
    commonFolder(objects.map((o) => o.key)),
    objects.map((o) => o.key),
  );
  return downloadPlanned(services, `Downloading ${objects.length} objects`, objects, plan, options.signal);
}

/**
 * "Download Folder...": every object below a folder (or bucket), into `<chosen folder>/<folder name>/`, keys
 * mapped to relative paths; a key that would escape the folder (`..`, absolute, empty segments) is skipped and
 * reported.
 */
export async function downloadFolder(
  services: Services,
  node: unknown,
  options: DownloadOptions = {},
): Promise<string[]> {
  if (!isFolderNode(node)) return [];
  const where = `${node.bucket}/${node.prefix}`;
  const parent = options.target ?? (await askFolder(`Download ${where} into this folder`));
  if (!parent) return [];
  const name = node.prefix ? baseName(node.prefix.slice(0, -1)) : node.bucket;
  const objects = await withCancellableProgress(`Listing ${where}`, (signal) =>
    listAll(services, node, anySignal(signal, options.signal)),
  );
  const plan = planLocalPaths(
    path.join(parent, name),
    node.prefix,
    objects.map((o) => o.key),
  );
  if (plan.targets.length === 0 && plan.skipped.length === 0) {
    void vscode.window.showInformationMessage(`${where} holds no objects.`);
    return [];
  }
  return downloadPlanned(services, `Downloading ${where}`, objects, plan, options.signal);
}

async function listAll(services: Services, node: FolderNode, signal: AbortSignal): Promise<ObjectNode[]> {
  const conn = await services.profiles.connection(node.profileId, node);
  const out: ObjectNode[] = [];
  let token: string | undefined;
  do {
    const page = await listObjects({
      ...conn,
      bucket: node.bucket,
      prefix: node.prefix || undefined,
      continuationToken: token,
      signal,
    });
    for (const o of page.objects)
      out.push({
        kind: 'object',
        id: `o:${node.profileId}/${node.bucket}/${o.key}`,
        profileId: node.profileId,
        bucket: node.bucket,
        key: o.key,
        size: o.size,
        bucketRegion: node.bucketRegion,
        bucketEndpoint: node.bucketEndpoint,
      });
    token = page.nextToken;
  } while (token);
  return out;
}

async function downloadPlanned(
  services: Services,
  title: string,
  objects: readonly ObjectNode[],
  plan: { targets: LocalTarget[]; skipped: Array<{ key: string; reason: string }> },
  signal?: AbortSignal,
): Promise<string[]> {
  for (const s of plan.skipped) services.log.warn(`[buckets] not downloaded: ${s.key}: ${s.reason}`);
  if (plan.skipped.length > 0) {
    const first = plan.skipped[0];
    void vscode.window.showWarningMessage(
      `${plan.skipped.length} object${plan.skipped.length === 1 ? ' was' : 's were'} not downloaded: "${first.key}" because ${first.reason}${plan.skipped.length > 1 ? ' (the others: see the "OSS Presign" output)' : ''}.`,
    );
  }
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const jobs = plan.targets.map((t) => ({ object: byKey.get(t.key)!, filePath: t.filePath }));
  return runDownloads(services, title, jobs, signal);
}

/**
 * Downloads one object after the other under one cancellable notification. Each file is written whole or not at
 * all (core writes a temporary file and renames it); on cancel the files already complete stay.
 */
async function runDownloads(
  services: Services,
  title: string,
  jobs: ReadonlyArray<{ object: ObjectNode; filePath: string }>,
  signal?: AbortSignal,
): Promise<string[]> {
  const total = jobs.reduce((n, j) => n + j.object.size, 0);
  const written: string[] = [];
  const failed: Array<{ key: string; error: unknown }> = [];
  try {
    await withCancellableProgress(title, async (progressSignal, progress) => {
      const abort = anySignal(progressSignal, signal);
      let done = 0;
      let shown = 0;
      const report = (bytes: number, index: number) => {
        const percent = total > 0 ? (bytes * 100) / total : ((index + 1) * 100) / jobs.length;
        progress.report({
          message: `${jobs.length > 1 ? `${index + 1}/${jobs.length} · ` : ''}${formatBytes(bytes)} of ${formatBytes(total)}`,
          increment: percent - shown,
        });
        shown = percent;
      };
      for (const [index, { object, filePath }] of jobs.entries()) {
        if (abort.aborted) throw new CancelledError();
        try {
          await fsp.mkdir(path.dirname(filePath), { recursive: true });
          const conn = await services.profiles.connection(object.profileId, object);
          await downloadObject({
            ...conn,
            bucket: object.bucket,
            key: object.key,
            filePath,
            signal: abort,
            onProgress: (received) => report(done + received, index),
          });
          written.push(filePath);
          services.log.info(`[buckets] downloaded ${object.bucket}/${object.key} to ${filePath}`);
        } catch (err) {
          if (isCancelled(err) || jobs.length === 1) throw err;
          failed.push({ key: object.key, error: err });
          services.log.warn(`[buckets] download of ${object.bucket}/${object.key} failed`, err);
        }
        done += object.size;
      }
    });
  } catch (err) {
    if (!isCancelled(err)) throw err;
    services.log.info(`[buckets] download cancelled after ${written.length} of ${jobs.length} files`);
    if (written.length === 0) return written;
  }
  if (failed.length > 0)
    reportError(
      new Error(
        `${failed.length} of ${jobs.length} objects failed to download (${failed
          .slice(0, 3)
          .map((f) => f.key)
          .join(', ')}${failed.length > 3 ? ', ...' : ''}): see the "OSS Presign" output for each reason.`,
      ),
      services.log,
      '[buckets]',
    );
  if (written.length > 0) announce(written, jobs.length);
  return written;
}

function announce(written: readonly string[], planned: number): void {
  const reveal = 'Reveal in File Explorer';
  const open = 'Open';
  const what = written.length === 1 ? path.basename(written[0]) : `${written.length} of ${planned} files`;
  const actions = written.length === 1 ? [open, reveal] : [reveal];
  void vscode.window
    .showInformationMessage(`Downloaded ${what} to ${path.dirname(written[0])}.`, ...actions)
    .then(async (choice) => {
      const uri = vscode.Uri.file(written[0]);
      if (choice === open) await vscode.commands.executeCommand('vscode.open', uri);
      if (choice === reveal) await vscode.commands.executeCommand('revealFileInOS', uri);
    });
}

async function askFile(object: ObjectNode): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = baseName(object.key);
  const uri = await vscode.window.showSaveDialog({
    title: `Download ${object.bucket}/${object.key}`,
    saveLabel: 'Download',
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
  return uri?.fsPath;
}

async function askFolder(title: string): Promise<string | undefined> {
  const uris = await vscode.window.showOpenDialog({
    title,
    openLabel: 'Download Here',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return uris?.[0]?.fsPath;
}

/** A signal that aborts when either does (the notification's Cancel, or a caller's). */
function anySignal(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  if (!b) return a;
  const controller = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) controller.abort();
    else s.addEventListener('abort', () => controller.abort(), { once: true });
  }
  return controller.signal;
}

/**
 * "Delete" on one object or a multi-selection: one modal confirmation with the count, then a batch delete per
 * bucket (DeleteObjects); refused keys are reported. Returns the keys deleted.
 */
export async function deleteSelected(
  services: Services,
  node: unknown,
  selection: unknown,
  onDeleted: (objects: readonly ObjectNode[]) => void,
): Promise<string[]> {
  const objects = selectedObjects(node, selection);
  if (objects.length === 0) return [];
  const buckets = new Map<string, ObjectNode[]>();
  for (const o of objects) {
    const id = `${o.profileId}/${o.bucket}`;
    buckets.set(id, [...(buckets.get(id) ?? []), o]);
  }
  const remove = 'Delete';
  const names = objects.slice(0, 10).map((o) => `${o.bucket}/${o.key}`);
  const profiles = [...new Set(objects.map((o) => services.profiles.require(o.profileId).name))];
  const question =
    objects.length === 1
      ? `Delete "${objects[0].key}" from bucket "${objects[0].bucket}"?`
      : `Delete ${objects.length} objects${buckets.size === 1 ? ` from bucket "${objects[0].bucket}"` : ` from ${buckets.size} buckets`}?`;
  const answer = await vscode.window.showWarningMessage(
    question,
    {
      modal: true,
      detail:
        (objects.length > 1
          ? `${names.join('\n')}${objects.length > names.length ? `\n... and ${objects.length - names.length} more` : ''}\n\n`
          : '') +
        `Profile${profiles.length > 1 ? 's' : ''} ${profiles.map((p) => `"${p}"`).join(', ')}. This cannot be undone unless the bucket keeps versions.`,
    },
    remove,
  );
  if (answer !== remove) return [];
  const deleted: ObjectNode[] = [];
  const failed: Array<{ key: string; message: string }> = [];
  for (const group of buckets.values()) {
    const [first] = group;
    const conn = await services.profiles.connection(first.profileId, first);
    const result = await deleteRemoteObjects({ ...conn, bucket: first.bucket, keys: group.map((o) => o.key) });
    const gone = new Set(result.deleted);
    deleted.push(...group.filter((o) => gone.has(o.key)));
    failed.push(...result.failed.map((f) => ({ key: `${first.bucket}/${f.key}`, message: `${f.code}: ${f.message}` })));
    services.log.info(
      `[tree] deleted ${result.deleted.length} of ${group.length} objects from ${first.bucket} (profile ${first.profileId})`,
    );
  }
  onDeleted(deleted);
  if (failed.length > 0)
    reportError(
      new Error(
        `${failed.length} of ${objects.length} objects were not deleted: ${failed
          .slice(0, 3)
          .map((f) => `${f.key} (${f.message})`)
          .join(', ')}${failed.length > 3 ? ', ...' : ''}.`,
      ),
      services.log,
      '[tree]',
    );
  vscode.window.setStatusBarMessage(
    deleted.length === 1 ? `Deleted ${deleted[0].key}` : `Deleted ${deleted.length} objects`,
    3000,
  );
  return deleted.map((o) => o.key);
}
