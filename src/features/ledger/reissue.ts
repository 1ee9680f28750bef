import * as vscode from 'vscode';
import { ConfigError } from '../../core/index';
import type { LedgerEntry } from '../../app/ledger';
import type { Services } from '../services';
import { runPresign } from '../presign/flow';

/** "Re-issue": a fresh URL for a ledger entry's file and key, with the same profile, header set and expiry. */
export async function reissue(services: Services, entry: LedgerEntry): Promise<LedgerEntry[]> {
  if (!entry.filePath) {
    throw new ConfigError(
      'ledger',
      'NoFile',
      `The entry for ${entry.bucket}/${entry.key} does not name a local file: presign the file again from the explorer.`,
    );
  }
  return runPresign(
    services,
    { files: [vscode.Uri.file(entry.filePath)] },
    {
      profileId: entry.profileId,
      bucket: entry.bucket,
      headerSet: entry.headerSet,
      expirySeconds: entry.expirySeconds,
      key: entry.key,
    },
    false,
  );
}
