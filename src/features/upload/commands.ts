import type { Command } from '../../vscode/commands';
import { Commands } from '../../vscode/ids';
import type { Services } from '../services';
import { createMultipartKitCommand } from './multipartKit';
import type { UploadStatusBar } from './statusBar';
import { uploadFileCommand } from './uploadFile';

/** "Upload to Bucket..." and "Create Presigned Multipart Kit..."; running uploads show in `statusBar`. */
export function uploadCommands(services: Services, statusBar: UploadStatusBar): Command[] {
  return [
    { id: Commands.uploadFile, run: (arg0, arg1) => uploadFileCommand(services, statusBar, arg0, arg1) },
    { id: Commands.createMultipartKit, run: (arg0, arg1) => createMultipartKitCommand(services, arg0, arg1) },
  ];
}
