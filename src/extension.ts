import * as vscode from 'vscode';
import * as core from './core/index';

export type OssPresignApi = typeof core;

/** Wires adapters, the tree and the commands; no logic lives here. Returns the programmatic API. */
export function activate(context: vscode.ExtensionContext): OssPresignApi {
  const log = vscode.window.createOutputChannel('OSS Presign', { log: true });
  context.subscriptions.push(log);
  return core;
}

export function deactivate(): void {}
