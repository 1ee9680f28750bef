import * as vscode from 'vscode';
import { describeRemaining, type EffectiveExpiry } from '../../app/expiry';
import type { HeaderSet } from '../../app/headerSets';
import type { Profile } from '../../app/profiles';
import { buildSnippet, type SnippetFormat, type SnippetInput } from '../../core/index';
import { Views } from '../../vscode/ids';
import type { Services } from '../services';
import { checkBrowserUpload } from './checkCors';

export const FORMAT_LABELS: Record<SnippetFormat, string> = {
  url: 'URL',
  curl: 'curl',
  fetch: 'fetch (browser)',
  python: 'Python requests',
  powershell: 'PowerShell',
};

/** The snippets of every item in one text, for the clipboard (a blank line between files). */
function snippetText(format: SnippetFormat, items: readonly SnippetInput[]): string {
  return items.map((i) => buildSnippet(format, i)).join('\n');
}

export async function copySnippets(format: SnippetFormat, items: readonly SnippetInput[]): Promise<void> {
  await vscode.env.clipboard.writeText(snippetText(format, items));
}

/**
 * After signing: the chosen format to the clipboard at once, then a notification offering the other formats and
 * the ledger; expiry warnings (STS token, V1); and for browser header sets the CORS preflight check.
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
    ask: boolean;
  },
): Promise<void> {
  const { items, format, expiry } = input;
  await copySnippets(format, items);
  const what = items.length === 1 ? `"${input.bucket}/${input.keys[0]}"` : `${items.length} files`;
  const copyUrl = 'Copy URL';
  const copyCurl = 'Copy as curl';
  const copyFetch = 'Copy as fetch';
  const openLedger = 'Open Ledger';
  void vscode.window
    .showInformationMessage(
      `Presigned PUT for ${what} copied as ${FORMAT_LABELS[format]} (${describeRemaining(expiry.effectiveExpiresAt, new Date())}).`,
      copyUrl,
      copyCurl,
      copyFetch,
      openLedger,
    )
    .then(async (choice) => {
      if (choice === copyUrl) await copySnippets('url', items);
      else if (choice === copyCurl) await copySnippets('curl', items);
      else if (choice === copyFetch) await copySnippets('fetch', items);
      else if (choice === openLedger) await vscode.commands.executeCommand(`${Views.ledger}.focus`);
    });
  if (expiry.warnings.length) void vscode.window.showWarningMessage(expiry.warnings.join(' '));
  if (input.set.browser) {
    void checkBrowserUpload(services, {
      profile: input.profile,
      bucket: input.bucket,
      headers: items[0].headers,
      askOrigin: input.ask,
      afterSigning: true,
    });
  }
}
