import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, ConfigError } from '../core/errors';
import { multipartKitManifest, multipartKitScript } from '../core/upload/kitScript';
import { abortMultipart } from '../core/upload/multipart';
import { presignMultipart } from '../core/upload/presignMultipart';
import { reportError } from '../reportError';
import type { Services } from '../services';
import { isUploadOptions, objectKeysFor, pickBucketFor, pickProfileFor, uploadFiles, type UploadCommandOptions } from './uploadTargets';

const TITLE = 'Create Presigned Multipart Kit';

export interface KitCommandOptions extends UploadCommandOptions {
  /** Validity of the URLs, seconds. */
  expiresSeconds?: number;
  partSize?: number;
  /** Folder to write the script and manifest to (no save dialog). */
  outputDir?: string;
}

export interface KitFiles {
  scriptPath: string;
  manifestPath: string;
  uploadId: string;
  parts: number;
}

const EXPIRY_CHOICES = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 604_800, description: 'the longest a V4 signature allows' },
];

/**
 * Starts a multipart upload of a local file and writes a kit next to it: `<file>.upload.sh` (bash + curl, no
 * credentials needed) and `<file>.multipart-kit.json` (every presigned request), for someone else to upload it.
 */
export async function createMultipartKitCommand(services: Services, arg0: unknown, arg1: unknown): Promise<KitFiles> {
  const options: KitCommandOptions = isUploadOptions(arg1) ? arg1 : {};
  const interactive = !isUploadOptions(arg1);
  const files = await uploadFiles(arg0, undefined, `${TITLE}: file`, interactive);
  if (files.length !== 1) throw new ConfigError('file', 'OneFileOnly', `A kit is for one file, and ${files.length} were chosen: create one kit per file.`);
  const file = files[0];
  const profile = await pickProfileFor(services, TITLE, options.profileId);
  const bucket = options.bucket ?? (await pickBucketFor(services, profile, TITLE));
  const [key] = await objectKeysFor(profile, files, { ...(options.key !== undefined ? { key: options.key } : {}), ...(options.prefix ? { prefix: options.prefix } : {}), interactive, title: TITLE });
  const expiresSeconds = options.expiresSeconds ?? (await pickExpiry());
  const base = path.basename(file.fsPath);
  const scriptPath = options.outputDir ? path.join(options.outputDir, `${base}.upload.sh`) : await pickScriptPath(file, base);
  const manifestPath = scriptPath.replace(/(\.upload)?\.sh$/i, '') + '.multipart-kit.json';
  const { size } = await fsp.stat(file.fsPath);
  const conn = await services.profiles.connection(profile.id);

  const kit = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${TITLE}: starting the upload of ${key}` }, () =>
    presignMultipart({ ...conn, bucket, key, fileSize: size, expiresSeconds, ...(options.partSize ? { partSize: options.partSize } : {}) }, { log: services.log }),
  );
  const manifest = multipartKitManifest(kit, { provider: profile.provider, bucket, key, fileName: base, fileSize: size, partSize: kit.partSize });
  await fsp.writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  await fsp.writeFile(scriptPath, multipartKitScript(manifest), { mode: 0o700 });
  services.log.info(`[kit] ${bucket}/${key}: upload ${kit.uploadId}, ${kit.parts.length} parts of ${kit.partSize} bytes, URLs valid until ${kit.expiresAt.toISOString()}; wrote ${scriptPath} and ${manifestPath}`);

  const open = 'Open Script';
  const abort = 'Abort Upload';
  void vscode.window
    .showInformationMessage(
      `Kit for ${key}: ${kit.parts.length} parts, URLs valid until ${kit.expiresAt.toLocaleString()}. Its two files are bearer credentials: give them only to the person who uploads the file (they run "bash ${path.basename(scriptPath)}" next to ${base}).`,
      open,
      abort,
    )
    .then(async (choice) => {
      try {
        if (choice === open) await vscode.window.showTextDocument(vscode.Uri.file(scriptPath));
        if (choice === abort) {
          await abortMultipart(conn, bucket, key, kit.uploadId, { log: services.log });
          void vscode.window.showInformationMessage(`Aborted the multipart upload of ${key}: the kit no longer works.`);
        }
      } catch (err) {
        reportError(err, services.log, '[kit]');
      }
    });
  return { scriptPath, manifestPath, uploadId: kit.uploadId, parts: kit.parts.length };
}

async function pickExpiry(): Promise<number> {
  const choice = await vscode.window.showQuickPick(EXPIRY_CHOICES, { title: `${TITLE}: URLs valid for`, placeHolder: 'Anyone holding the kit can upload this file until then', ignoreFocusOut: true });
  if (!choice) throw new CancelledError();
  return choice.seconds;
}

async function pickScriptPath(file: vscode.Uri, base: string): Promise<string> {
  const target = await vscode.window.showSaveDialog({
    title: `${TITLE}: save the script (the manifest goes next to it)`,
    defaultUri: vscode.Uri.joinPath(file, '..', `${base}.upload.sh`),
    filters: { 'Shell script': ['sh'] },
  });
  if (!target) throw new CancelledError();
  return target.fsPath;
}
