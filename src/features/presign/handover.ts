import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { EffectiveExpiry } from '../../app/expiry';
import { batchCsv, batchJson, batchText, presignedMessage, type HandedOverUrl } from '../../app/handover';
import type { HeaderSet } from '../../app/headerSets';
import type { Profile } from '../../app/profiles';
import { buildSnippet, endpointWarnings, type SnippetFormat, type SnippetInput } from '../../core/index';
import { reportError } from '../../vscode/errors';
import { Commands, Views } from '../../vscode/ids';
import type { Services } from '../services';
import { checkBrowserUpload } from './checkCors';

export const FORMAT_LABELS: Record<SnippetFormat, string> = {
  url: 'URL',
  curl: 'curl',
  fetch: 'fetch (browser)',
  python: 'Python requests',
  powershell: 'PowerShell',
};

type HandOverItem = HandedOverUrl & SnippetInput;

/**
 * What goes to the clipboard. Several bare URLs would lose which headers go with which, so each is paired with
 * its headers; one URL stays bare (pasteable) and the message names its headers. Snippets send them already.
 */
function clipboardText(format: SnippetFormat, items: readonly HandOverItem[]): string {
  if (format === 'url' && items.length > 1) return batchText(items);
  return items.map((i) => buildSnippet(format, i)).join('\n');
}

/** The label of what was copied, for the message. */
function copiedLabel(format: SnippetFormat, count: number): string {
  return format === 'url' && count > 1 ? 'URLs with their headers' : FORMAT_LABELS[format];
}

/**
 * After signing: the chosen format to the clipboard at once, then a notification naming the headers to send and
 * offering the other formats, the ledger and (several files) a JSON or CSV file; expiry warnings (STS token, V1);
 * and for browser header sets the CORS check for the page's `origin`: only one the user gave (the wizard asks it
 * before signing), never one assumed, so a re-issue or "Last Settings" without one checks nothing.
 */
export async function handOver(
  services: Services,
  input: {
    profile: Profile;
    bucket: string;
    keys: string[];
    set: HeaderSet;
    format: SnippetFormat;
    items: SnippetInput[];
    expiry: EffectiveExpiry;
    origin?: string | undefined;
  },
): Promise<void> {
  const { format, expiry } = input;
  const tokenExpiresAt = expiry.tokenExpiresAt;
  const items: HandOverItem[] = input.items.map((item, i) => {
    const urlExpiresAt = item.expiresAt ?? expiry.urlExpiresAt;
    return {
      ...item,
      key: input.keys[i],
      method: 'PUT',
      // What the file states is when the URL stops working: an STS token may end it before its signature does.
      expiresAt: tokenExpiresAt && tokenExpiresAt < urlExpiresAt ? tokenExpiresAt : urlExpiresAt,
    };
  });
  await vscode.env.clipboard.writeText(clipboardText(format, items));
  const several = items.length > 1;
  const copyUrl = several ? 'Copy URLs' : 'Copy URL';
  const copyCurl = 'Copy as curl';
  const copyFetch = 'Copy as fetch';
  const saveJson = 'Save as JSON...';
  const saveCsv = 'Save as CSV...';
  const openLedger = 'Open Ledger';
  const diagnose = 'Diagnose';
  // A browser fetch per file is rarely what a folder is for; the files are, and a notification has little room.
  const actions = several
    ? [saveJson, saveCsv, copyUrl, copyCurl, openLedger]
    : [copyUrl, copyCurl, copyFetch, diagnose, openLedger];
  const message = presignedMessage({
    bucket: input.bucket,
    urls: items,
    formatLabel: copiedLabel(format, items.length),
    expiresAt: expiry.effectiveExpiresAt,
    now: new Date(),
  });
  void vscode.window.showInformationMessage(message, ...actions).then(async (choice) => {
    try {
      if (choice === copyUrl) await vscode.env.clipboard.writeText(clipboardText('url', items));
      else if (choice === copyCurl) await vscode.env.clipboard.writeText(clipboardText('curl', items));
      else if (choice === copyFetch) await vscode.env.clipboard.writeText(clipboardText('fetch', items));
      else if (choice === saveJson) await saveBatch(services, 'json', input.bucket, items);
      else if (choice === saveCsv) await saveBatch(services, 'csv', input.bucket, items);
      else if (choice === openLedger) await vscode.commands.executeCommand(`${Views.ledger}.focus`);
      // For when the upload fails: the doctor starts from this URL and the headers it was signed with.
      else if (choice === diagnose)
        await vscode.commands.executeCommand(Commands.diagnose, {
          url: items[0].url,
          signedHeaderValues: items[0].headers,
        });
    } catch (err) {
      reportError(err, services.log, '[presign]');
    }
  });
  // The URL's own host is what its receiver must reach (an internal endpoint only from inside the cloud).
  const warnings = [...expiry.warnings, ...endpointWarnings(input.profile.provider, items[0].url)];
  if (warnings.length) void vscode.window.showWarningMessage(warnings.join(' '));
  if (input.set.browser && input.origin) {
    void checkBrowserUpload(services, {
      profile: input.profile,
      bucket: input.bucket,
      headers: items[0].headers,
      afterSigning: true,
      origin: input.origin,
    });
  } else if (input.set.browser) {
    services.log.info(
      `[presign] no page origin given yet: the CORS check of ${input.bucket} is skipped (run "Check Browser Upload (CORS)..." for it)`,
    );
  }
}

/**
 * "Save as JSON/CSV...": the URLs with their headers, in a file only its owner can read (the URLs are bearer
 * credentials).
 */
async function saveBatch(
  services: Services,
  kind: 'json' | 'csv',
  bucket: string,
  items: readonly HandOverItem[],
): Promise<void> {
  const target = await vscode.window.showSaveDialog({
    title: `Save ${items.length} presigned URLs as ${kind.toUpperCase()}: they are bearer URLs, anyone with the file can upload`,
    // Not the workspace: a file of bearer URLs there is one `git add` away from a repository.
    defaultUri: vscode.Uri.file(join(homedir(), `presigned-${bucket}.${kind}`)),
    filters: kind === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
  });
  if (!target) return;
  const file = await fsp.open(target.fsPath, 'w', 0o600);
  try {
    // The mode of open() applies to a new file only: an existing one keeps its own unless changed.
    await file.chmod(0o600);
    await file.writeFile(kind === 'json' ? batchJson(items) : batchCsv(items));
  } finally {
    await file.close();
  }
  services.log.info(`[presign] saved ${items.length} URLs of ${bucket} to ${target.fsPath}`);
  void vscode.window.showInformationMessage(
    `Saved ${items.length} presigned URLs with their headers to ${target.fsPath}.`,
  );
}
