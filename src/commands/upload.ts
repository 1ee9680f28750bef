import * as vscode from 'vscode';
import { Commands } from '../ids';
import { reportError } from '../reportError';
import type { Services } from '../services';
import { UploadStatusBar } from '../upload/uploadStatusBar';
import { createMultipartKitCommand } from './createMultipartKit';
import { uploadFileCommand } from './uploadFile';

/** "Upload to Bucket..." and "Create Presigned Multipart Kit...", and the status-bar item of running uploads. */
export function registerUpload(services: Services): void {
  const statusBar = new UploadStatusBar();
  const guarded = (context: string, fn: (arg0: unknown, arg1: unknown) => Promise<unknown>) => async (arg0: unknown, arg1: unknown) => {
    try {
      return await fn(arg0, arg1);
    } catch (err) {
      reportError(err, services.log, context);
      return undefined;
    }
  };
  services.context.subscriptions.push(
    statusBar,
    vscode.commands.registerCommand(Commands.uploadFile, guarded('[upload]', (a, b) => uploadFileCommand(services, statusBar, a, b))),
    vscode.commands.registerCommand(Commands.createMultipartKit, guarded('[kit]', (a, b) => createMultipartKitCommand(services, a, b))),
  );
}
