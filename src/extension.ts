import * as vscode from 'vscode';
import * as core from './core/index';
import { createOutputLogger } from './adapters/outputLogger';
import type { Services } from './services';
import { VsCodeSecretStore } from './adapters/secretStore';
import { ProfileStore } from './profileStore';
import { registerProfiles } from './registerProfiles';
import { registerTree } from './tree/registerTree';
import { registerDiagnose } from './commands/diagnose';
import { LedgerStore } from './ledger/ledgerStore';
import { registerLedger } from './ledger/ledgerView';
import { registerPresign } from './commands/presign';
import { registerUpload } from './commands/upload';
import { registerProxySettings } from './adapters/proxySettings';

export type OssPresignApi = typeof core;

/** Wires adapters, the tree and the commands (a table of contents; no logic here). Returns the programmatic API. */
export function activate(context: vscode.ExtensionContext): OssPresignApi {
  const channel = vscode.window.createOutputChannel('OSS Presign', { log: true });
  context.subscriptions.push(channel);
  const log = createOutputLogger(channel);
  try {
    const profiles = new ProfileStore(new VsCodeSecretStore(context.secrets), log);
    context.subscriptions.push(profiles);
    const ledger = new LedgerStore(context.globalState, context.secrets);
    context.subscriptions.push(ledger);
    const services: Services = { context, log, profiles, ledger };
    // Feature registrations (each pushes its disposables into context.subscriptions):
    registerProxySettings(services);
    registerProfiles(services);
    registerTree(services);
    registerDiagnose(services);
    registerLedger(services);
    registerPresign(services);
    registerUpload(services);
  } catch (err) {
    log.error('activation failed', err);
    void vscode.window.showErrorMessage(`OSS Presign failed to start: ${err instanceof Error ? err.message : String(err)}. See the "OSS Presign" output for details.`);
  }
  return core;
}

export function deactivate(): void {}
