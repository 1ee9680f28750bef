import * as vscode from 'vscode';
import { buildSnippet, ConfigError, type SnippetFormat } from '../../core/index';
import { headersSentence } from '../../app/handover';
import { isExpired, isLedgerEntry } from '../../app/ledger';
import type { Services } from '../services';
import { presignTarget, runPresign } from './flow';
import { FORMAT_LABELS } from './handover';
import { copyPostEntry } from './postForm';

/**
 * "Copy Presigned URL" / "Copy as curl" / "... fetch" / "... Python requests" / "... PowerShell": on a ledger
 * entry, copies its URL (from secret storage) in that format again (a POST entry: its form); on a file, folder or
 * tree node, presigns it and copies the result in that format.
 */
export async function copySnippet(
  services: Services,
  format: SnippetFormat,
  arg0: unknown,
  arg1: unknown,
): Promise<unknown> {
  if (!isLedgerEntry(arg0)) {
    return runPresign(services, await presignTarget(arg0, arg1, true), { copyFormat: format }, true);
  }
  const entry = services.ledger.get(arg0.id) ?? arg0;
  // A form has a curl and a fetch of its own; for the other formats the user picks one of the form's.
  if (entry.method === 'POST')
    return copyPostEntry(services, entry, format === 'curl' || format === 'fetch' ? format : undefined);
  const url = await services.ledger.url(entry.id);
  if (!url) {
    throw new ConfigError(
      'ledger',
      'UrlGone',
      `The URL for ${entry.bucket}/${entry.key} is no longer in VS Code's secret storage (removed in another window?): re-issue it from the Presigned URLs view.`,
    );
  }
  await vscode.env.clipboard.writeText(
    buildSnippet(format, {
      url,
      headers: entry.headers,
      filePath: entry.filePath ?? entry.key.split('/').pop() ?? entry.key,
      expiresAt: new Date(entry.urlExpiresAt),
    }),
  );
  const note = isExpired(entry, new Date()) ? ' It has expired: re-issue it for a working URL.' : '';
  // A bare URL does not say which headers were signed (an OSS V4 URL does not even show its Content-Type).
  void vscode.window.showInformationMessage(
    `Copied ${entry.bucket}/${entry.key} as ${FORMAT_LABELS[format]}.${note} ${headersSentence([entry.headers])}`,
  );
  return entry;
}
