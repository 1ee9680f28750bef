/**
 * Interrupted multipart uploads (a closed window, a crash, a lost connection, Cancel) keep their parts on the
 * service and a checkpoint in globalState. When VS Code starts, and on "Resume Interrupted Uploads...", they are
 * offered: Resume sends only the parts the service lacks, Discard aborts them.
 */
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { formatBytes } from '../../app/progressText';
import { isCancelled } from '../../core/index';
import { reportError } from '../../vscode/errors';
import { Commands } from '../../vscode/ids';
import { commandOptions } from '../../vscode/targets';
import type { Services } from '../services';
import { storedBytes, UploadCheckpoints, type SavedUpload } from './checkpointStore';
import { abortSaved, type MultipartApi } from './incompleteUploads';
import type { UploadStatusBar } from './statusBar';
import { reportRun } from './uploadFile';
import { runUploads, type UploadItem, type UploadOutcome } from './uploadRun';

export interface ResumeOptions {
  /** Answers the offer without asking (tests, other extensions). */
  action?: 'resume' | 'discard';
}

/** Keys named in the offer before "and N more". */
const NAMED = 3;

/** The offer: how many uploads can resume, which, and how much of them is stored. */
export function resumeOfferText(saved: readonly SavedUpload[]): string {
  const stored = formatBytes(saved.reduce((n, s) => n + storedBytes(s), 0));
  if (saved.length === 1) {
    const [s] = saved;
    const size = s.checkpoint?.fileSize;
    return `1 upload can resume: ${s.key} to ${s.bucket} (${stored}${typeof size === 'number' ? ` of ${formatBytes(size)}` : ''} already stored). Resume sends only the rest; Discard deletes the stored parts.`;
  }
  const keys = saved.slice(0, NAMED).map((s) => s.key);
  const more = saved.length > NAMED ? `, and ${saved.length - NAMED} more` : '';
  return `${saved.length} uploads can resume: ${keys.join(', ')}${more} (${stored} already stored). Resume sends only the rest; Discard deletes the stored parts.`;
}

/** At activation: offers to resume the uploads an earlier session left interrupted. Never throws. */
export async function offerResumeAtStartup(services: Services, statusBar: UploadStatusBar): Promise<void> {
  try {
    const saved = new UploadCheckpoints(services.context.globalState).list();
    if (saved.length === 0) return;
    services.log.info(`[upload] ${saved.length} interrupted upload(s) can resume`);
    await resumeUploadsCommand(services, statusBar, undefined);
  } catch (err) {
    reportError(err, services.log, '[upload] resume');
  }
}

/**
 * "Resume Interrupted Uploads...": offers to resume or discard every interrupted upload of this machine; a second
 * argument `{ action }` answers without asking. Returns the uploads completed.
 */
export async function resumeUploadsCommand(
  services: Services,
  statusBar: UploadStatusBar,
  arg: unknown,
  api?: MultipartApi,
): Promise<UploadOutcome[]> {
  const checkpoints = new UploadCheckpoints(services.context.globalState);
  const saved = checkpoints.list();
  if (saved.length === 0) {
    void vscode.window.showInformationMessage('No interrupted uploads to resume.');
    return [];
  }
  let action = commandOptions<ResumeOptions>(arg, ['action'])?.action;
  if (!action) {
    const resume = 'Resume';
    const discard = 'Discard';
    const choice = await vscode.window.showInformationMessage(resumeOfferText(saved), resume, discard);
    action = choice === resume ? 'resume' : choice === discard ? 'discard' : undefined;
  }
  if (action === 'discard') await abortSaved(services, checkpoints, saved, api);
  return action === 'resume' ? resumeSaved(services, statusBar, saved) : [];
}

/** Resumes the saved uploads, one run per profile and bucket; a file that is gone is named and left as it is. */
async function resumeSaved(
  services: Services,
  statusBar: UploadStatusBar,
  saved: readonly SavedUpload[],
): Promise<UploadOutcome[]> {
  const groups = new Map<string, SavedUpload[]>();
  for (const s of saved) {
    const id = JSON.stringify([s.profileId, s.bucket, s.location ?? null]);
    groups.set(id, [...(groups.get(id) ?? []), s]);
  }
  const done: UploadOutcome[] = [];
  try {
    for (const group of groups.values()) {
      const { profileId, bucket, location } = group[0];
      const items: UploadItem[] = [];
      for (const s of group) {
        const size = await fsp.stat(s.filePath).then(
          (st) => st.size,
          () => undefined,
        );
        if (size !== undefined) items.push({ filePath: s.filePath, key: s.key, size });
        else {
          services.log.warn(`[upload] ${s.filePath} is gone: its upload to ${bucket}/${s.key} cannot resume`);
          void vscode.window.showWarningMessage(
            `${s.filePath} no longer exists, so its upload to ${bucket}/${s.key} cannot resume: run "Resume Interrupted Uploads..." and choose Discard to delete the parts it stored.`,
          );
        }
      }
      if (items.length === 0) continue;
      try {
        const conn = await services.profiles.connection(profileId, { ...location, bucket });
        const run = await runUploads(services, statusBar, { profileId, bucket, conn, location }, items);
        reportRun(services, run, items.length, bucket, conn);
        done.push(...run.done);
      } catch (err) {
        // Cancel stops every resume; another failure (a removed profile, a missing secret) only this bucket's.
        if (isCancelled(err)) throw err;
        reportError(err, services.log, `[upload] resume ${bucket}`);
      }
    }
  } finally {
    await vscode.commands.executeCommand(Commands.refresh);
  }
  return done;
}
