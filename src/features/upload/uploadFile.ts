import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { formatBytes } from '../../app/progressText';
import { clockFor, presignGet, type ConnectionOptions } from '../../core/index';
import { Commands } from '../../vscode/ids';
import { reportError } from '../../vscode/errors';
import type { Services } from '../services';
import type { UploadStatusBar } from './statusBar';
import { runUploads, type UploadOutcome, type UploadRun } from './uploadRun';
import { uploadHeaders, uploadTarget, type UploadCommandOptions } from './target';

const TITLE = 'Upload to Bucket';
/** Validity of the link behind "Copy Presigned GET". */
const GET_LINK_SECONDS = 3600;

/**
 * "Upload to Bucket...": explorer files and folders, a bucket or folder node of the Buckets view, or the palette.
 * The objects get the chosen header set's headers and metadata, as a presigned URL would make the uploader send.
 * A second argument `{ profileId, bucket, key?, prefix?, headerSet? }` answers the questions instead (then nothing is
 * asked). Returns the uploaded objects.
 */
export async function uploadFileCommand(
  services: Services,
  statusBar: UploadStatusBar,
  arg0: unknown,
  arg1: unknown,
): Promise<UploadOutcome[]> {
  const { files, profile, bucket, keys, set, conn, place } = await uploadTarget<UploadCommandOptions>(
    services,
    TITLE,
    arg0,
    arg1,
    ['profileId', 'bucket', 'key', 'prefix', 'headerSet'],
  );
  const node = place && place.kind !== 'object' ? place : undefined;
  const now = new Date();
  const items = await Promise.all(
    files.map(async (uri, i) => ({
      filePath: uri.fsPath,
      key: keys[i],
      size: (await fsp.stat(uri.fsPath)).size,
      ...uploadHeaders(set, profile.provider, uri, now),
    })),
  );
  // The same place as the connection: a resume after a restart reaches the bucket the same way.
  const location =
    place?.bucket === bucket ? { bucketRegion: place.bucketRegion, bucketEndpoint: place.bucketEndpoint } : undefined;

  const run = await runUploads(services, statusBar, { profileId: profile.id, bucket, conn, location }, items);
  // The tree shows the new objects: the node the upload came from, or everything.
  await vscode.commands.executeCommand(node ? Commands.refreshNode : Commands.refresh, ...(node ? [node] : []));
  if (run.done.length === 0 && run.failed.length === 1) throw run.failed[0].error;
  reportRun(services, run, items.length, bucket, conn);
  return run.done;
}

/** Tells how a run went: the files that failed (see the log), then the uploaded ones with their actions. */
export function reportRun(
  services: Services,
  run: UploadRun,
  count: number,
  bucket: string,
  conn: ConnectionOptions,
): void {
  if (run.failed.length > 0) {
    const names = run.failed.map((f) => f.key);
    reportError(
      new Error(
        `${run.failed.length} of ${count} files failed to upload (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}): see the "OSS Presign" output for each reason, then upload those again.`,
      ),
      services.log,
      '[upload]',
    );
  }
  if (run.done.length > 0)
    announce(
      services,
      run.done,
      bucket,
      conn,
      // Signed with the server's time, which the upload's own requests just taught the endpoint's clock.
      () =>
        presignGet({
          ...conn,
          bucket,
          key: run.done[0].key,
          expiresSeconds: GET_LINK_SECONDS,
          date: clockFor(conn).now(),
        }).url,
    );
}

function announce(
  services: Services,
  done: UploadOutcome[],
  bucket: string,
  conn: ConnectionOptions,
  getUrl: () => string,
): void {
  const copyKey = done.length === 1 ? 'Copy Key' : 'Copy Keys';
  const copyGet = 'Copy Presigned GET';
  const reveal = 'Reveal in Tree';
  const bytes = done.reduce((n, d) => n + d.bytes, 0);
  const resumed = done.reduce((n, d) => n + (d.resumedBytes ?? 0), 0);
  const what =
    done.length === 1 ? `${done[0].key} (${formatBytes(bytes)})` : `${done.length} files (${formatBytes(bytes)})`;
  const how =
    resumed > 0 ? ` Resumed: ${formatBytes(resumed)} were already stored, ${formatBytes(bytes - resumed)} sent.` : '';
  const actions = done.length === 1 ? [copyKey, copyGet, reveal] : [copyKey, reveal];
  void vscode.window.showInformationMessage(`Uploaded ${what} to ${bucket}.${how}`, ...actions).then(async (choice) => {
    try {
      if (choice === copyKey) await vscode.env.clipboard.writeText(done.map((d) => d.key).join('\n'));
      if (choice === copyGet) {
        await vscode.env.clipboard.writeText(getUrl());
        void vscode.window.showInformationMessage(
          `Copied a presigned GET link to ${done[0].key}, valid for 1 hour. Anyone holding it can download the object until then.`,
        );
      }
      if (choice === reveal)
        await vscode.commands.executeCommand(Commands.revealObject, { bucket, key: done[0].key, conn });
    } catch (err) {
      reportError(err, services.log, '[upload]');
    }
  });
}
