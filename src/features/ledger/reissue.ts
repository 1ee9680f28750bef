import * as vscode from 'vscode';
import { CancelledError, ConfigError } from '../../core/index';
import type { LedgerEntry } from '../../app/ledger';
import type { PostFormat } from '../../app/postForm';
import type { Profile } from '../../app/profiles';
import { pickProfile } from '../../vscode/prompts';
import { settings } from '../../vscode/settings';
import type { Services } from '../services';
import { runPresign } from '../presign/flow';
import { runPresignPost } from '../presign/postForm';
import { issueDownloadLink } from '../buckets/downloadLink';

/**
 * "Re-issue": a fresh URL (or POST form) for a ledger entry's file and key, with the same profile, header set (or
 * form limits) and expiry, asking nothing, unless the entry's profile is gone: then which profile signs. The new
 * entry replaces the old row (the old URL still works until it expires, but the list keeps one row per upload).
 */
export async function reissue(services: Services, entry: LedgerEntry): Promise<LedgerEntry[]> {
  const profile = services.profiles.get(entry.profileId) ?? (await pickReplacement(services, entry));
  const issued =
    entry.method === 'POST'
      ? [await reissuePost(services, entry, profile)]
      : entry.method === 'GET'
        ? [(await issueDownloadLink(services, profile, entry, entry.expirySeconds, entry.download ?? {})).entry]
        : await reissuePut(services, entry, profile);
  await services.ledger.remove([entry.id]);
  return issued;
}

function reissuePut(services: Services, entry: LedgerEntry, profile: Profile): Promise<LedgerEntry[]> {
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
      profileId: profile.id,
      bucket: entry.bucket,
      headerSet: entry.headerSet,
      expirySeconds: entry.expirySeconds,
      key: entry.key,
    },
    false,
  );
}

/** A form's copy format for the `ossPresign.copyFormat` setting (a form has no bare URL, Python or PowerShell). */
function postFormat(): PostFormat {
  const format = settings.copyFormat();
  return format === 'curl' || format === 'fetch' ? format : 'form';
}

function reissuePost(services: Services, entry: LedgerEntry, profile: Profile): Promise<LedgerEntry> {
  const limits = entry.post;
  if (!limits) {
    throw new ConfigError(
      'ledger',
      'NoPolicy',
      `The entry for ${entry.bucket}/${entry.key} does not record what its form allowed: presign a new form with "Presign POST Form...".`,
    );
  }
  // The bucket as the place: the form is for no local file, so no editor's file may suggest one.
  return runPresignPost(
    services,
    { kind: 'bucket', profileId: profile.id, bucket: entry.bucket, prefix: '' },
    {
      profileId: profile.id,
      bucket: entry.bucket,
      ...(limits.keyPrefix !== undefined ? { keyPrefix: limits.keyPrefix } : { key: entry.key }),
      maxBytes: limits.maxBytes,
      contentTypePrefix: limits.contentTypePrefix ?? '',
      expirySeconds: entry.expirySeconds,
      format: postFormat(),
    },
  );
}

/** The profile to sign with when the entry's own was removed: always a question, even with one profile left. */
async function pickReplacement(services: Services, entry: LedgerEntry): Promise<Profile> {
  const title = `Re-issue ${entry.bucket}/${entry.key}`;
  const placeHolder = 'The profile that signed this URL was removed: which profile signs the new one?';
  const all = services.profiles.list();
  // No profile at all: the shared prompt says so and offers Add Profile.
  if (all.length === 0) return pickProfile(services.profiles, { title, placeHolder });
  const choice = await vscode.window.showQuickPick(
    all.map((p) => ({
      label: p.name,
      description: `${p.provider.toUpperCase()} · ${new URL(p.endpoint).host}`,
      ...(p.provider === entry.provider
        ? {}
        : { detail: `A ${p.provider.toUpperCase()} profile: this URL was ${entry.provider.toUpperCase()}` }),
      profile: p,
    })),
    { title: `${title}: profile`, placeHolder, ignoreFocusOut: true },
  );
  if (!choice) throw new CancelledError();
  return choice.profile;
}
