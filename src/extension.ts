import * as vscode from 'vscode';
import * as core from './core/index';
import { bucketCommands } from './features/buckets/commands';
import { createBucketsView } from './features/buckets/view';
import { doctorCommands } from './features/doctor/commands';
import { ledgerCommands } from './features/ledger/commands';
import { LedgerStore } from './features/ledger/ledgerStore';
import { createLedgerView } from './features/ledger/view';
import { presignCommands } from './features/presign/commands';
import { profileCommands } from './features/profiles/commands';
import { ProfileStore } from './features/profiles/profileStore';
import { VsCodeSecretStore } from './features/profiles/secretStore';
import type { Services } from './features/services';
import { uploadCommands } from './features/upload/commands';
import { offerResumeAtStartup } from './features/upload/resume';
import { UploadStatusBar } from './features/upload/statusBar';
import { registerCommands } from './vscode/commands';
import { ReadOnlyDocuments } from './vscode/documents';
import { createOutputLogger } from './vscode/log';
import { followTransportSettings } from './vscode/transportSettings';

/** What `activate()` returns to other extensions: the programmatic API of `dist/core.js`. */
export type OssPresignApi = typeof core;

/** Builds the services, creates the views and registers every feature's command table. */
export function activate(context: vscode.ExtensionContext): OssPresignApi {
  const channel = vscode.window.createOutputChannel('OSS Presign', { log: true });
  context.subscriptions.push(channel);
  const log = createOutputLogger(channel);
  try {
    const profiles = new ProfileStore(new VsCodeSecretStore(context.secrets), log);
    const ledger = new LedgerStore(context.globalState, context.secrets);
    const documents = new ReadOnlyDocuments();
    const uploads = new UploadStatusBar();
    context.subscriptions.push(profiles, ledger, documents, uploads);
    const services: Services = { context, log, profiles, ledger, documents };
    followTransportSettings(context, log);

    const bucketsView = createBucketsView(services, uploads);
    const ledgerView = createLedgerView(services);
    registerCommands(context, log, [
      ...profileCommands(services),
      ...bucketCommands(services, bucketsView.tree, bucketsView.dropController),
      ...presignCommands(services),
      ...uploadCommands(services, uploads),
      ...ledgerCommands(services, ledgerView),
      ...doctorCommands(services),
    ]);
    void offerResumeAtStartup(services, uploads);
  } catch (err) {
    log.error('activation failed', err);
    void vscode.window.showErrorMessage(
      `OSS Presign failed to start: ${err instanceof Error ? err.message : String(err)}. See the "OSS Presign" output for details.`,
    );
  }
  return core;
}

export function deactivate(): void {}
