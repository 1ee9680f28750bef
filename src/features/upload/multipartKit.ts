import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CancelledError,
  ConfigError,
  multipartKitManifest,
  multipartKitScript,
  abortMultipartUpload,
  presignMultipart,
} from '../../core/index';
import { reportError } from '../../vscode/errors';
import type { Services } from '../services';
import { uploadHeaders, uploadTarget, type UploadCommandOptions } from './target';

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

/** Validity of the URLs when a caller gives every other answer but this one. */
const DEFAULT_KIT_SECONDS = 86_400;

/**
 * Starts a multipart upload of a local file and writes a kit next to it: `<file>.upload.sh` (bash + curl, no
 * credentials needed) and `<file>.multipart-kit.json` (every presigned request), for someone else to upload it.
 * The object gets the chosen header set's headers and metadata, sent when the upload starts.
 */
export async function createMultipartKitCommand(services: Services, arg0: unknown, arg1: unknown): Promise<KitFiles> {
  const { files, profile, bucket, keys, set, conn, options, expirySeconds } = await uploadTarget<KitCommandOptions>(
    services,
    TITLE,
    arg0,
    arg1,
    ['profileId', 'bucket', 'key', 'prefix', 'headerSet', 'expiresSeconds', 'partSize', 'outputDir'],
    { placeHolder: 'Anyone holding the kit can upload this file until then' },
  );
  if (files.length !== 1)
    throw new ConfigError(
      'file',
      'OneFileOnly',
      `A kit is for one file, and ${files.length} were chosen: create one kit per file.`,
    );
  const [file] = files;
  const [key] = keys;
  const expiresSeconds = options.expiresSeconds ?? expirySeconds ?? DEFAULT_KIT_SECONDS;
  const base = path.basename(file.fsPath);
  const scriptPath = options.outputDir
    ? path.join(options.outputDir, `${base}.upload.sh`)
    : await pickScriptPath(file, base);
  const manifestPath = scriptPath.replace(/(\.upload)?\.sh$/i, '') + '.multipart-kit.json';
  const { size } = await fsp.stat(file.fsPath);

  const kit = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${TITLE}: starting the upload of ${key}` },
    () =>
      presignMultipart(
        {
          ...conn,
          bucket,
          key,
          fileSize: size,
          expiresSeconds,
          partSize: options.partSize || undefined,
          // Sent with InitiateMultipartUpload: the object gets them, the recipient sends none.
          ...uploadHeaders(set, profile.provider, file),
        },
        { log: services.log },
      ),
  );
  const manifest = multipartKitManifest(kit, {
    provider: profile.provider,
    bucket,
    key,
    fileName: base,
    fileSize: size,
    partSize: kit.partSize,
  });
  await fsp.writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  await fsp.writeFile(scriptPath, multipartKitScript(manifest), { mode: 0o700 });
  services.log.info(
    `[kit] ${bucket}/${key}: upload ${kit.uploadId}, ${kit.parts.length} parts of ${kit.partSize} bytes, URLs valid until ${kit.expiresAt.toISOString()}; wrote ${scriptPath} and ${manifestPath}`,
  );

  const open = 'Open Script';
  const abort = 'Abort Upload';
  void vscode.window
    .showInformationMessage(
      `Kit for ${key}: ${kit.parts.length} parts, URLs valid until ${kit.expiresAt.toLocaleString()}. Its two files are bearer credentials: give them only to the person who uploads the file (they run "bash ${path.basename(scriptPath)}" next to ${base}, and run it again to resume if it is interrupted).`,
      open,
      abort,
    )
    .then(async (choice) => {
      try {
        if (choice === open) await vscode.window.showTextDocument(vscode.Uri.file(scriptPath));
        if (choice === abort) {
          await abortMultipartUpload({ ...conn, bucket, key, uploadId: kit.uploadId }, { log: services.log });
          void vscode.window.showInformationMessage(`Aborted the multipart upload of ${key}: the kit no longer works.`);
        }
      } catch (err) {
        reportError(err, services.log, '[kit]');
      }
    });
  return { scriptPath, manifestPath, uploadId: kit.uploadId, parts: kit.parts.length };
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
