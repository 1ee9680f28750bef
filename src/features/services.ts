import type * as vscode from 'vscode';
import type { ShowableLogger } from '../vscode/errors';
import type { ReadOnlyDocuments } from '../vscode/documents';
import type { LedgerStore } from './ledger/ledgerStore';
import type { ProfileStore } from './profiles/profileStore';

/** What `activate()` builds once and every feature's command table receives. */
export interface Services {
  context: vscode.ExtensionContext;
  log: ShowableLogger;
  profiles: ProfileStore;
  /** Issued presigned URLs (metadata in global state, URLs in SecretStorage). */
  ledger: LedgerStore;
  /** Generated read-only documents (doctor diff and report, CORS report). */
  documents: ReadOnlyDocuments;
}
