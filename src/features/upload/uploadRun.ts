import { CancelledError, isCancelled, type ConnectionOptions, uploadFile } from '../../core/index';
import { CombinedProgress, formatBytes } from '../../app/progressText';
import { withCancellableProgress } from '../../vscode/progress';
import { settings } from '../../vscode/settings';
import type { Services } from '../services';
import { UploadProgressReporter } from './progressReporter';
import type { UploadStatusBar } from './statusBar';

/** Files uploaded at the same time in a folder upload (each one also sends its parts in parallel). */
const PARALLEL_FILES = 3;

export interface UploadItem {
  filePath: string;
  key: string;
  size: number;
}

export interface UploadOutcome {
  key: string;
  bytes: number;
  etag: string;
}

export interface UploadRun {
  done: UploadOutcome[];
  failed: Array<{ key: string; error: unknown }>;
}

/**
 * Uploads the items, a few at a time, under one cancellable progress notification (percent, bytes, speed, time
 * left) and the status-bar item. Cancelling stops every upload (their multipart uploads are aborted) and throws
 * `CancelledError`; other failures are collected per file.
 */
export async function runUploads(
  services: Services,
  statusBar: UploadStatusBar,
  conn: ConnectionOptions,
  bucket: string,
  items: UploadItem[],
): Promise<UploadRun> {
  const multipartThreshold = settings.multipartThreshold();
  const concurrency = settings.uploadConcurrency();
  const total = items.reduce((n, i) => n + i.size, 0);
  const label = items.length === 1 ? items[0].key : `${items.length} files`;
  const title = `Uploading ${label} to ${bucket} (${formatBytes(total)})`;
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
          try {
            const result = await uploadFile({
              ...conn,
              bucket,
              key: item.key,
              filePath: item.filePath,
              signal,
              log: services.log,
              onProgress: combined.for(item.key),
              multipartThreshold: multipartThreshold || undefined,
              concurrency,
            });
            run.done.push({ key: item.key, bytes: result.bytes, etag: result.etag });
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
  }
  return run;
}
