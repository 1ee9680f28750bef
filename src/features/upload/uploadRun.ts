import * as vscode from 'vscode';
import {
  CancelledError,
  DEFAULT_MULTIPART_THRESHOLD,
  isCancelled,
  type ConnectionOptions,
  type RestartReason,
  uploadFile,
} from '../../core/index';
import type { BucketLocation } from '../../app/profiles';
import { CombinedProgress, formatBytes } from '../../app/progressText';
import { reportError } from '../../vscode/errors';
import { withCancellableProgress } from '../../vscode/progress';
import { settings } from '../../vscode/settings';
import type { Services } from '../services';
import { storedBytes, UploadCheckpoints, type SavedUpload, type UploadRef } from './checkpointStore';
import { abortSaved } from './incompleteUploads';
import { UploadProgressReporter } from './progressReporter';
import type { UploadStatusBar } from './statusBar';

/** Files uploaded at the same time in a folder upload (each one also sends its parts in parallel). */
const PARALLEL_FILES = 3;

export interface UploadItem {
  filePath: string;
  key: string;
  size: number;
  /** Headers the object gets (Content-Type, Cache-Control, storage class, ...); default: the detected Content-Type. */
  headers?: Record<string, string>;
  /** User metadata (name -> value). */
  metadata?: Record<string, string>;
}

/** The bucket the items go to, through which profile. */
export interface UploadDestination {
  profileId: string;
  bucket: string;
  conn: ConnectionOptions;
  /** The bucket's region and endpoint host when a Buckets view node named them. */
  location?: BucketLocation | undefined;
}

export interface UploadOutcome {
  key: string;
  bytes: number;
  etag: string;
  /** Set when it resumed an interrupted upload: the bytes that one had stored, not sent again. */
  resumedBytes?: number;
  /** Set when a saved upload could not be resumed and this one started over: why. */
  restarted?: RestartReason;
}

export interface UploadRun {
  done: UploadOutcome[];
  failed: Array<{ key: string; error: unknown }>;
}

/**
 * Uploads the items, a few at a time, under one cancellable progress notification (percent, bytes, speed, time
 * left) and the status-bar item. A multipart-sized file keeps a checkpoint in globalState: an upload of the same
 * file to the same object that was interrupted (cancel, a lost connection, a closed window) resumes, sending only
 * the parts the service lacks. Cancelling stops every upload and throws `CancelledError`; other failures are
 * collected per file. Either way, an upload that keeps parts on the service for a resume is announced, with
 * Discard.
 */
export async function runUploads(
  services: Services,
  statusBar: UploadStatusBar,
  dest: UploadDestination,
  items: UploadItem[],
): Promise<UploadRun> {
  const { bucket, conn } = dest;
  const multipartThreshold = settings.multipartThreshold();
  const concurrency = settings.uploadConcurrency();
  const checkpoints = new UploadCheckpoints(services.context.globalState);
  const refOf = (item: UploadItem): UploadRef => ({
    filePath: item.filePath,
    profileId: dest.profileId,
    bucket,
    key: item.key,
    location: dest.location,
  });
  const total = items.reduce((n, i) => n + i.size, 0);
  const label = items.length === 1 ? items[0].key : `${items.length} files`;
  const resuming = items.some((i) => checkpoints.get(refOf(i)));
  const title = `${resuming ? 'Resuming the upload of' : 'Uploading'} ${label} to ${bucket} (${formatBytes(total)})`;
  const status = statusBar.start(`${bucket}/${label}`);
  const run: UploadRun = { done: [], failed: [] };
  try {
    await withCancellableProgress(title, async (signal, progress) => {
      const reporter = new UploadProgressReporter(
        progress,
        total,
        items.length === 1 ? 'Sent' : `${items.length} files`,
        (p) => status.update(p),
      );
      const combined = new CombinedProgress(total, (sent) => reporter.update(sent));
      let next = 0;
      const worker = async () => {
        while (next < items.length && !signal.aborted) {
          const item = items[next++];
          const ref = refOf(item);
          // Small files go up in one PUT: nothing to resume. A saved upload resumes even if the threshold changed.
          const resumable = item.size >= (multipartThreshold || DEFAULT_MULTIPART_THRESHOLD) || !!checkpoints.get(ref);
          try {
            const result = await uploadFile({
              ...conn,
              bucket,
              key: item.key,
              filePath: item.filePath,
              ...(item.headers ? { headers: item.headers } : {}),
              ...(item.metadata ? { metadata: item.metadata } : {}),
              signal,
              log: services.log,
              onProgress: combined.for(item.key),
              multipartThreshold: multipartThreshold || undefined,
              concurrency,
              checkpoint: resumable ? checkpoints.store(ref) : undefined,
            });
            run.done.push({
              key: item.key,
              bytes: result.bytes,
              etag: result.etag,
              ...(result.resumedBytes > 0 && { resumedBytes: result.resumedBytes }),
              ...(result.restarted && { restarted: result.restarted }),
            });
            if (result.restarted) {
              const why = restartText(item, bucket, result.restarted);
              services.log.warn(`[upload] ${why}`);
              void vscode.window.showWarningMessage(why);
            }
          } catch (error) {
            if (isCancelled(error)) return;
            services.log.error(`[upload] ${item.filePath} -> ${bucket}/${item.key} failed`, error);
            run.failed.push({ key: item.key, error });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, items.length) }, worker));
      if (signal.aborted) throw new CancelledError();
    });
  } finally {
    status.done();
    const kept = items.map((i) => checkpoints.get(refOf(i))).filter((s) => s !== undefined);
    if (kept.length > 0) announceKept(services, checkpoints, dest, kept);
  }
  return run;
}

/** Why a saved upload started over, as the warning the user reads. */
function restartText(item: UploadItem, bucket: string, reason: RestartReason): string {
  const what = `${item.filePath} -> ${bucket}/${item.key}`;
  switch (reason) {
    case 'file-changed':
      return `${what}: the file changed since its upload was interrupted, so the upload started over (the parts stored before were deleted).`;
    case 'upload-gone':
      return `${what}: the interrupted upload was no longer on the server (aborted, completed or expired), so the upload started over.`;
    case 'target-changed':
      return `${what}: the interrupted upload went to another endpoint or region, so the upload started over.`;
    case 'corrupt-checkpoint':
      return `${what}: the saved state of the interrupted upload could not be read, so the upload started over.`;
  }
}

/**
 * Says that stopped uploads keep their parts on the server to resume later (billed meanwhile), and offers to
 * discard them instead.
 */
function announceKept(
  services: Services,
  checkpoints: UploadCheckpoints,
  dest: UploadDestination,
  kept: SavedUpload[],
): void {
  const stored = kept.reduce((n, s) => n + storedBytes(s), 0);
  const what = kept.length === 1 ? `The upload of ${kept[0].key}` : `${kept.length} uploads`;
  const discard = 'Discard';
  void vscode.window
    .showInformationMessage(
      `${what} stopped with ${formatBytes(stored)} stored in ${dest.bucket}. Run "Upload to Bucket..." on the same file again to resume (VS Code also offers it when it starts), or discard the stored parts.`,
      discard,
    )
    .then(async (choice) => {
      if (choice !== discard) return;
      try {
        await abortSaved(services, checkpoints, kept);
      } catch (err) {
        reportError(err, services.log, '[upload]');
      }
    });
}
