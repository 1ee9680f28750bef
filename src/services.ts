import type * as vscode from 'vscode';
import type { Logger } from './core/log';
import type { ProfileStore } from './profileStore';
import type { LedgerStore } from './ledger/ledgerStore';

/** What every feature's `register*` function receives from `activate()`. Features add their own services here. */
export interface Services {
  context: vscode.ExtensionContext;
  log: Logger;
  profiles: ProfileStore;
  /** Issued presigned URLs (metadata in global state, URLs in SecretStorage). */
  ledger: LedgerStore;
}
