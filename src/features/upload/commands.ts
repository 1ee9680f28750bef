import type { Command } from '../../vscode/commands';
import { Commands } from '../../vscode/ids';
import type { Services } from '../services';
import { abortOlderThanCommand, abortUploadCommand } from './incompleteUploads';
import { createMultipartKitCommand } from './multipartKit';
import { resumeUploadsCommand } from './resume';
import type { UploadStatusBar } from './statusBar';
import { uploadFileCommand } from './uploadFile';

/**
 * "Upload to Bucket...", "Create Presigned Multipart Kit...", "Resume Interrupted Uploads...", and the aborts of
 * incomplete uploads on the Buckets view's nodes; running uploads show in `statusBar`.
 */
export function uploadCommands(services: Services, statusBar: UploadStatusBar): Command[] {
  return [
    { id: Commands.uploadFile, run: (arg0, arg1) => uploadFileCommand(services, statusBar, arg0, arg1) },
    { id: Commands.createMultipartKit, run: (arg0, arg1) => createMultipartKitCommand(services, arg0, arg1) },
    { id: Commands.resumeUploads, run: (arg) => resumeUploadsCommand(services, statusBar, arg) },
    { id: Commands.abortUpload, run: (node, arg) => abortUploadCommand(services, node, arg) },
    { id: Commands.abortUploadsOlderThan, run: (node, arg) => abortOlderThanCommand(services, node, arg) },
  ];
}
