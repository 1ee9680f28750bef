/**
 * Dropping incomplete multipart uploads, whose stored parts are billed until then: one upload of the Buckets view
 * ("Abort Upload"), every upload of a bucket older than an age ("Abort All Older Than..."), or the interrupted
 * uploads of this machine that the user discards instead of resuming.
 */
import * as vscode from 'vscode';
import {
  abortMultipartUpload,
  CancelledError,
  listMultipartUploads,
  type ConnectionOptions,
  type MultipartUploadInfo,
} from '../../core/index';
import { formatBytes } from '../../app/progressText';
import { reportError } from '../../vscode/errors';
import { Commands } from '../../vscode/ids';
import { withCancellableProgress } from '../../vscode/progress';
import { commandOptions } from '../../vscode/targets';
import type { Services } from '../services';
import { storedBytes, UploadCheckpoints, type SavedUpload } from './checkpointStore';

/** The core calls used here, injectable so the flows can run without a server. */
export interface MultipartApi {
  listMultipartUploads: typeof listMultipartUploads;
  abortMultipartUpload: typeof abortMultipartUpload;
}

const coreMultipart: MultipartApi = {
  listMultipartUploads: (...args) => listMultipartUploads(...args),
  abortMultipartUpload: (...args) => abortMultipartUpload(...args),
};

/** An incomplete upload's node of the Buckets view, as it carries one (structurally: features share no code). */
export interface IncompleteUploadNode {
  kind: 'upload';
  profileId: string;
  bucket: string;
  key: string;
  uploadId: string;
  initiated?: Date;
  bucketRegion?: string | undefined;
  bucketEndpoint?: string | undefined;
}

/** A bucket's "Incomplete Uploads" node. */
export interface IncompleteUploadsNode {
  kind: 'uploads';
  profileId: string;
  bucket: string;
  bucketRegion?: string | undefined;
  bucketEndpoint?: string | undefined;
}

function isUploadNode(value: unknown): value is IncompleteUploadNode {
  const v = value as Partial<IncompleteUploadNode> | undefined;
  return (
    !!v &&
    v.kind === 'upload' &&
    [v.profileId, v.bucket, v.key, v.uploadId].every((f) => typeof f === 'string' && f !== '')
  );
}

function isUploadsNode(value: unknown): value is IncompleteUploadsNode {
  const v = value as Partial<IncompleteUploadsNode> | undefined;
  return !!v && v.kind === 'uploads' && typeof v.profileId === 'string' && typeof v.bucket === 'string';
}

const utc = (date: Date) =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

export interface AbortUploadOptions {
  /** False: abort without the modal question (tests, other extensions). */
  confirm?: boolean;
}

/**
 * "Abort Upload" on an incomplete upload: after a modal confirmation, the service drops it with its parts, a saved
 * resume of it is forgotten, and its bucket's Incomplete Uploads are listed again. Returns whether it was aborted.
 */
export async function abortUploadCommand(
  services: Services,
  node: unknown,
  arg: unknown,
  api: MultipartApi = coreMultipart,
): Promise<boolean> {
  if (!isUploadNode(node)) return false;
  const options = commandOptions<AbortUploadOptions>(arg, ['confirm']);
  if (options?.confirm !== false) {
    const abort = 'Abort Upload';
    const answer = await vscode.window.showWarningMessage(
      `Abort the incomplete upload of "${node.key}" in bucket "${node.bucket}"?`,
      {
        modal: true,
        detail: `${node.initiated instanceof Date ? `Started ${utc(node.initiated)}. ` : ''}The parts it stored are deleted on the server and it can no longer be completed nor resumed. This cannot be undone.`,
      },
      abort,
    );
    if (answer !== abort) return false;
  }
  const conn = await services.profiles.connection(node.profileId, node);
  await api.abortMultipartUpload(
    { ...conn, bucket: node.bucket, key: node.key, uploadId: node.uploadId },
    { log: services.log },
  );
  services.log.info(
    `[upload] aborted multipart upload ${node.uploadId} of ${node.bucket}/${node.key} (profile ${node.profileId})`,
  );
  await new UploadCheckpoints(services.context.globalState).forgetUpload(node.profileId, node.bucket, node.uploadId);
  await vscode.commands.executeCommand(Commands.refreshNode, node);
  vscode.window.setStatusBarMessage(`Aborted the upload of ${node.key}`, 3000);
  return true;
}

export interface AbortOlderThanOptions {
  /** Abort the uploads started more than this many days ago (0: all of them); without it, asked. */
  olderThanDays?: number;
  /** False: abort without the modal question (tests, other extensions). */
  confirm?: boolean;
}

const DAY_MS = 86_400_000;
const AGES = [
  { label: '1 day', days: 1 },
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
];
/** Aborts in flight at once. */
const PARALLEL_ABORTS = 4;

/**
 * "Abort All Older Than..." on a bucket's Incomplete Uploads: asks for an age (1, 7 or 30 days, or typed), lists
 * every incomplete upload of the bucket, and after a modal confirmation with their count aborts those started
 * before then, then lists the node again. Uploads without a start time are kept. Returns how many were aborted.
 */
export async function abortOlderThanCommand(
  services: Services,
  node: unknown,
  arg: unknown,
  api: MultipartApi = coreMultipart,
  now: () => Date = () => new Date(),
): Promise<number> {
  if (!isUploadsNode(node)) return 0;
  const { bucket, profileId } = node;
  const options = commandOptions<AbortOlderThanOptions>(arg, ['olderThanDays', 'confirm']);
  const title = `Abort Incomplete Uploads in ${bucket}`;
  const days = options?.olderThanDays ?? (await pickAge(title));
  const cutoff = new Date(now().getTime() - days * DAY_MS);
  const age = ageText(days);
  const conn = await services.profiles.connection(profileId, node);
  const all = await withCancellableProgress(`${title}: listing them`, (signal) =>
    listAll(api, conn, bucket, signal, services),
  );
  const old = all.filter((u) => u.initiated !== undefined && Date.parse(u.initiated) < cutoff.getTime());
  if (old.length === 0) {
    void vscode.window.showInformationMessage(
      `No incomplete upload in ${bucket} started more than ${age} ago (${all.length} incomplete in all).`,
    );
    return 0;
  }
  const count = `${old.length} incomplete upload${old.length === 1 ? '' : 's'}`;
  if (options?.confirm !== false) {
    const abort = `Abort ${old.length} Upload${old.length === 1 ? '' : 's'}`;
    const sample = old.slice(0, 5).map((u) => u.key);
    const answer = await vscode.window.showWarningMessage(
      `Abort ${count} in bucket "${bucket}" started more than ${age} ago?`,
      {
        modal: true,
        detail: `${old.length} of the bucket's ${all.length} incomplete uploads started before ${utc(cutoff)}: ${sample.join(', ')}${old.length > sample.length ? ', ...' : ''}. The parts they stored are deleted on the server. This cannot be undone.`,
      },
      abort,
    );
    if (answer !== abort) return 0;
  }

  const aborted: MultipartUploadInfo[] = [];
  const failed: Array<{ upload: MultipartUploadInfo; error: unknown }> = [];
  let stopped = false;
  try {
    await withCancellableProgress(`${title}: aborting ${count}`, async (signal, progress) => {
      let next = 0;
      const worker = async () => {
        while (next < old.length && !signal.aborted) {
          const upload = old[next++];
          try {
            await api.abortMultipartUpload(
              { ...conn, bucket, key: upload.key, uploadId: upload.uploadId },
              { log: services.log },
            );
            aborted.push(upload);
          } catch (error) {
            services.log.error(`[upload] could not abort upload ${upload.uploadId} of ${bucket}/${upload.key}`, error);
            failed.push({ upload, error });
          }
          progress.report({
            increment: 100 / old.length,
            message: `${aborted.length + failed.length} of ${old.length}`,
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_ABORTS, old.length) }, worker));
      if (signal.aborted) throw new CancelledError();
    });
  } catch (err) {
    if (!(err instanceof CancelledError)) throw err;
    stopped = true;
  }
  const checkpoints = new UploadCheckpoints(services.context.globalState);
  for (const u of aborted) await checkpoints.forgetUpload(profileId, bucket, u.uploadId);
  services.log.info(
    `[upload] ${bucket}: aborted ${aborted.length} of ${old.length} incomplete uploads started before ${cutoff.toISOString()}`,
  );
  await vscode.commands.executeCommand(Commands.refreshNode, node);
  if (failed.length > 0) {
    const first = failed[0].error;
    reportError(
      new Error(
        `Aborted ${aborted.length} of ${old.length} incomplete uploads in ${bucket}; ${failed.length} could not be aborted (${first instanceof Error ? first.message : String(first)}). See the "OSS Presign" output.`,
      ),
      services.log,
      '[upload]',
    );
  } else {
    void vscode.window.showInformationMessage(
      `Aborted ${aborted.length} of ${old.length} incomplete uploads in ${bucket}${stopped ? ' (stopped)' : ''}.`,
    );
  }
  return aborted.length;
}

async function listAll(
  api: MultipartApi,
  conn: ConnectionOptions,
  bucket: string,
  signal: AbortSignal,
  services: Services,
): Promise<MultipartUploadInfo[]> {
  const uploads: MultipartUploadInfo[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await api.listMultipartUploads(
      { ...conn, bucket, keyMarker, uploadIdMarker, signal },
      { log: services.log },
    );
    uploads.push(...page.uploads);
    keyMarker = page.nextKeyMarker;
    uploadIdMarker = page.nextUploadIdMarker;
  } while (keyMarker !== undefined);
  return uploads;
}

async function pickAge(title: string): Promise<number> {
  const custom = '$(edit) Custom...';
  const choice = await vscode.window.showQuickPick(
    [
      ...AGES.map((a) => ({ label: a.label, days: a.days as number | undefined })),
      { label: custom, days: undefined, description: 'days or hours: 3, 0.5, 12h' },
    ],
    {
      title: `${title}: started more than ... ago`,
      placeHolder: 'Abort the uploads started before then',
      ignoreFocusOut: true,
    },
  );
  if (!choice) throw new CancelledError();
  if (choice.days !== undefined) return choice.days;
  const text = await vscode.window.showInputBox({
    title: `${title}: started more than ... ago`,
    prompt: 'Days (2, 0.5) or hours with h (12h); 0 aborts every incomplete upload of the bucket',
    ignoreFocusOut: true,
    validateInput: (v) =>
      parseAge(v) === undefined ? 'Write a number of days (2, 0.5) or of hours followed by h (12h).' : undefined,
  });
  const days = text === undefined ? undefined : parseAge(text);
  if (days === undefined) throw new CancelledError();
  return days;
}

/** An age typed as days (`2`, `0.5`, `3d`) or hours (`12h`), in days; undefined when it is neither. */
export function parseAge(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([dh]?)\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2].toLowerCase() === 'h' ? n / 24 : n;
}

function ageText(days: number): string {
  if (Number.isInteger(days) && days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.round(days * 24 * 10) / 10;
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/**
 * Discards interrupted uploads of this machine: aborts each on the server (its parts are deleted) and forgets
 * its checkpoint. One that cannot be aborted (a removed profile, no network) is forgotten too and named, so that
 * the user can abort it under Incomplete Uploads.
 */
export async function abortSaved(
  services: Services,
  checkpoints: UploadCheckpoints,
  saved: readonly SavedUpload[],
  api: MultipartApi = coreMultipart,
): Promise<void> {
  const { log } = services;
  const failed: string[] = [];
  let bytes = 0;
  for (const s of saved) {
    const uploadId = s.checkpoint?.uploadId;
    try {
      if (typeof uploadId === 'string' && uploadId !== '') {
        const conn = await services.profiles.connection(s.profileId, { ...s.location, bucket: s.bucket });
        await api.abortMultipartUpload({ ...conn, bucket: s.bucket, key: s.key, uploadId }, { log });
        log.info(`[upload] discarded interrupted upload ${uploadId} of ${s.filePath} -> ${s.bucket}/${s.key}`);
        bytes += storedBytes(s);
      }
    } catch (err) {
      log.error(`[upload] could not abort interrupted upload ${uploadId} of ${s.bucket}/${s.key}`, err);
      failed.push(`${s.bucket}/${s.key} (${err instanceof Error ? err.message : String(err)})`);
    } finally {
      await checkpoints.forget(s);
    }
  }
  if (failed.length > 0)
    void vscode.window.showWarningMessage(
      `Could not delete the stored parts of ${failed.join(', ')}: abort it under "Incomplete Uploads" of its bucket in the Buckets view.`,
    );
  else
    void vscode.window.showInformationMessage(
      `Discarded ${saved.length === 1 ? `the interrupted upload of ${saved[0].key}` : `${saved.length} interrupted uploads`}: ${formatBytes(bytes)} of stored parts deleted.`,
    );
}
