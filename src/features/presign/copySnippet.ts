import * as vscode from 'vscode';
import { buildSnippet, CancelledError, ConfigError, type SnippetFormat } from '../../core/index';
import { describeRemaining } from '../../app/expiry';
import { headersSentence } from '../../app/handover';
import { isExpired, isLedgerEntry, type LedgerEntry } from '../../app/ledger';
import { reportError } from '../../vscode/errors';
import { isBucketPlace, type BucketPlace, type CommandTarget } from '../../vscode/targets';
import type { Services } from '../services';
import { presignTarget, runPresign } from './flow';
import { FORMAT_LABELS } from './handover';
import { copyPostEntry } from './postForm';

/** A ledger URL with less time left than this is not reused: it would expire before anyone could use it. */
const REUSE_MIN_SECONDS = 60;

/**
 * "Copy Presigned URL" / "Copy as curl" / "... fetch" / "... Python requests" / "... PowerShell": on a ledger
 * entry, copies its URL (from secret storage) in that format again (a POST entry: its form). On a file or an object
 * node, copies the live URL the ledger holds for it, if any (saying so, with "Presign a Fresh URL..."), else presigns
 * it; an object node can be presigned without a local file. Folders and bucket nodes are presigned.
 */
export async function copySnippet(
  services: Services,
  format: SnippetFormat,
  arg0: unknown,
  arg1: unknown,
): Promise<unknown> {
  if (isLedgerEntry(arg0)) return copyEntry(services, format, services.ledger.get(arg0.id) ?? arg0);
  const fresh = (target: CommandTarget) => runPresign(services, target, { copyFormat: format }, true);
  if (isBucketPlace(arg0) && arg0.kind === 'object') {
    const live = liveEntry(services, (e) => sameObject(e, arg0));
    if (live) return copyLive(services, format, live, () => objectTarget(arg0).then(fresh));
    return fresh(await objectTarget(arg0));
  }
  const target = await presignTarget(arg0, arg1, true);
  const [file] = target.files;
  if (target.files.length === 1 && !target.place) {
    const live = liveEntry(services, (e) => e.filePath === file.fsPath);
    if (live) return copyLive(services, format, live, () => fresh(target));
  }
  return fresh(target);
}

function sameObject(entry: LedgerEntry, place: BucketPlace): boolean {
  return entry.profileId === place.profileId && entry.bucket === place.bucket && entry.key === place.key;
}

/** The newest PUT entry matching `matches` with time left to use it. */
function liveEntry(services: Services, matches: (e: LedgerEntry) => boolean): LedgerEntry | undefined {
  const soon = new Date(Date.now() + REUSE_MIN_SECONDS * 1000);
  return services.ledger
    .list()
    .filter((e) => e.method === 'PUT' && matches(e) && !isExpired(e, soon))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
}

/**
 * What presigning an object node is about: its key, for an upload of any file (Content-Type from the key), or a
 * local file to upload over it.
 */
async function objectTarget(place: BucketPlace): Promise<CommandTarget> {
  const withoutFile = 'Presign the Key (No Local File)';
  const choice = await vscode.window.showQuickPick(
    [
      { label: withoutFile, description: 'headers from the key (Content-Type detected from its name)' },
      { label: 'Choose a Local File...', description: 'headers from the file, which is then uploaded over the key' },
    ],
    {
      title: `Presign PUT for ${place.bucket}/${place.key}`,
      placeHolder: 'Presign for which upload?',
      ignoreFocusOut: true,
    },
  );
  if (!choice) throw new CancelledError();
  return choice.label === withoutFile ? { files: [], place } : presignTarget(place, undefined, true);
}

/** Copies a live ledger URL instead of issuing a new one, and says so, offering a fresh one. */
async function copyLive(
  services: Services,
  format: SnippetFormat,
  entry: LedgerEntry,
  fresh: () => Promise<unknown>,
): Promise<unknown> {
  const copied = await copyEntry(services, format, entry, true);
  if (!copied) return fresh();
  const freshLabel = 'Presign a Fresh URL...';
  const issued = new Date(entry.createdAt).toLocaleTimeString();
  void vscode.window
    .showInformationMessage(
      `Copied the live URL for ${entry.bucket}/${entry.key} from Presigned URLs (issued ${issued}, ${describeRemaining(new Date(entry.effectiveExpiresAt), new Date())}) as ${FORMAT_LABELS[format]}. ${headersSentence([entry.headers])}`,
      freshLabel,
    )
    .then(async (choice) => {
      if (choice !== freshLabel) return;
      try {
        await fresh();
      } catch (err) {
        reportError(err, services.log, '[presign]');
      }
    });
  return entry;
}

/**
 * Copies a ledger entry's URL in `format`. `quietly` (reusing a live URL): says nothing and returns undefined when
 * the URL is gone from secret storage, so that the caller presigns instead.
 */
async function copyEntry(
  services: Services,
  format: SnippetFormat,
  entry: LedgerEntry,
  quietly = false,
): Promise<LedgerEntry | undefined> {
  // A form has a curl and a fetch of its own; for the other formats the user picks one of the form's.
  if (entry.method === 'POST')
    return copyPostEntry(services, entry, format === 'curl' || format === 'fetch' ? format : undefined);
  const url = await services.ledger.url(entry.id);
  if (!url) {
    if (quietly) return undefined;
    throw new ConfigError(
      'ledger',
      'UrlGone',
      `The URL for ${entry.bucket}/${entry.key} is no longer in VS Code's secret storage (removed in another window?): re-issue it from the Presigned URLs view.`,
    );
  }
  // A download link is handed over as the link itself (the snippets send an upload).
  if (entry.method === 'GET') {
    await vscode.env.clipboard.writeText(url);
    if (!quietly)
      void vscode.window.showInformationMessage(`Copied the download link to ${entry.bucket}/${entry.key}.`);
    return entry;
  }
  await vscode.env.clipboard.writeText(
    buildSnippet(format, {
      url,
      headers: entry.headers,
      filePath: entry.filePath ?? entry.key.split('/').pop() ?? entry.key,
      expiresAt: new Date(entry.urlExpiresAt),
    }),
  );
  if (quietly) return entry;
  const note = isExpired(entry, new Date()) ? ' It has expired: re-issue it for a working URL.' : '';
  // A bare URL does not say which headers were signed (an OSS V4 URL does not even show its Content-Type).
  void vscode.window.showInformationMessage(
    `Copied ${entry.bucket}/${entry.key} as ${FORMAT_LABELS[format]}.${note} ${headersSentence([entry.headers])}`,
  );
  return entry;
}
