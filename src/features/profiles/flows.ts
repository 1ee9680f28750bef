import * as os from 'node:os';
import * as vscode from 'vscode';
import { importFromHome, withFreshIds } from '../../app/profileImport';
import { parseTokenExpiry, type Profile } from '../../app/profiles';
import { ConfigError } from '../../core/index';
import { pickProfile } from '../../vscode/prompts';
import type { Services } from '../services';
import { runProfileWizard } from './wizard';

/** The profile a command is about: a Buckets view node's (or any argument with a `profileId`), else a pick. */
async function profileOf({ profiles }: Services, arg: unknown, title: string): Promise<Profile> {
  const id = (arg as { profileId?: unknown } | undefined)?.profileId;
  return typeof id === 'string' && id ? profiles.require(id) : pickProfile(profiles, { title });
}

/** Add Profile: the multi-step wizard, then the profile goes to settings and its secret to SecretStorage. */
export async function addProfile({ profiles }: Services): Promise<void> {
  const result = await runProfileWizard(profiles);
  if (!result) return;
  const saved = await profiles.add(result.profile, result.secret);
  void vscode.window.showInformationMessage(
    `Profile "${saved.name}" added. Its secret is in VS Code's secret storage.`,
  );
}

/** Edit Profile: the Add Profile wizard pre-filled; an empty secret keeps the stored one. */
export async function editProfile(services: Services, arg?: unknown): Promise<void> {
  const { profiles } = services;
  const existing = await profileOf(services, arg, 'Edit Profile');
  const result = await runProfileWizard(profiles, existing);
  if (!result) return;
  await profiles.update(result.profile, result.secret);
  void vscode.window.showInformationMessage(`Profile "${result.profile.name}" saved.`);
}

/** Remove Profile: after a modal confirmation, deletes it from settings and its secrets from SecretStorage. */
export async function removeProfile(services: Services, arg?: unknown): Promise<void> {
  const profile = await profileOf(services, arg, 'Remove Profile');
  const remove = 'Remove';
  const answer = await vscode.window.showWarningMessage(
    `Remove profile "${profile.name}"?`,
    {
      modal: true,
      detail:
        "Its secret key and session token are deleted from VS Code's secret storage. Buckets and objects are not touched.",
    },
    remove,
  );
  if (answer !== remove) return;
  await services.profiles.remove(profile);
}

/**
 * Set Secret: stores (or rotates) the access key secret and optional STS token of a profile in SecretStorage, and
 * the token's expiry (not secret) in the profile's `tokenExpiresAt`, so presigned URLs show when they really end.
 */
export async function setSecret(services: Services, arg?: unknown): Promise<void> {
  const profile = await profileOf(services, arg, 'Set Secret');
  const title = `Set Secret of "${profile.name}"`;
  const secret = await vscode.window.showInputBox({
    title,
    password: true,
    ignoreFocusOut: true,
    prompt: `Access key secret for ${profile.accessKeyId ?? 'the profile'} (kept in VS Code secret storage, never in settings)`,
    validateInput: (t) => (t ? undefined : 'Paste the access key secret.'),
  });
  if (!secret) return;
  const token = await vscode.window.showInputBox({
    title,
    password: true,
    ignoreFocusOut: true,
    prompt: 'STS session token, if the key is temporary (leave empty for a permanent key)',
  });
  if (token === undefined) return;
  let tokenExpiresAt: string | undefined;
  if (token) {
    const expiry = await vscode.window.showInputBox({
      title,
      ignoreFocusOut: true,
      prompt: 'When does the token expire? (ISO 8601, optional)',
      placeHolder: 'e.g. 2026-05-01T12:00:00Z or 2026-05-01T20:00:00+08:00; empty if unknown',
      validateInput: (t) => {
        if (!t.trim()) return undefined;
        const time = parseTokenExpiry(t);
        if (!time) return 'Write the time as ISO 8601 with a zone, e.g. 2026-05-01T12:00:00Z, or leave it empty.';
        return time.getTime() <= Date.now()
          ? 'That time has passed: an expired token signs nothing. Paste a fresh token (Escape), or correct the time.'
          : undefined;
      },
    });
    if (expiry === undefined) return;
    tokenExpiresAt = parseTokenExpiry(expiry)?.toISOString();
  }
  await services.profiles.setSecret(profile.id, secret, token || undefined);
  // The expiry belongs to the token: a new token (or none) replaces the old one's.
  if (profile.tokenExpiresAt !== tokenExpiresAt) await services.profiles.update({ ...profile, tokenExpiresAt });
  void vscode.window.showInformationMessage(`Secret of "${profile.name}" saved in VS Code's secret storage.`);
}

/**
 * Import Profiles: reads ~/.aws/credentials + config, ~/.ossutilconfig and ~/.aliyun/config.json, lets the user
 * pick, and adds the picked profiles with their secrets copied into SecretStorage (never into settings), all
 * or nothing. HOME overrides the home directory (tests).
 */
export async function importProfiles(services: Services): Promise<void> {
  const { profiles, log } = services;
  const home = process.env.HOME || os.homedir();
  const offerAddProfile = async (message: string) => {
    const add = 'Add Profile';
    if ((await vscode.window.showInformationMessage(message, add)) === add) await addProfile(services);
  };
  let found: Awaited<ReturnType<typeof importFromHome>>;
  try {
    found = await importFromHome(home);
  } catch (err) {
    // No credentials file at all is no failure: the way on is Add Profile.
    if (err instanceof ConfigError && err.code === 'NothingToImport') return offerAddProfile(err.message);
    throw err;
  }
  const { candidates, skipped } = found;
  for (const s of skipped) log.info(`[import] skipped ${s.source}: ${s.reason}`);
  const fresh = withFreshIds(
    candidates,
    profiles.list().map((p) => p.id),
  );
  if (fresh.length === 0) {
    return offerAddProfile(
      `No profile with static access keys found${skipped.length ? ` (${skipped.length} skipped: ${skipped.map((s) => `${s.source}: ${s.reason}`).join('; ')})` : ''}.`,
    );
  }
  const existing = new Set(profiles.list().map((p) => `${p.endpoint} ${p.accessKeyId}`));
  const picked = await vscode.window.showQuickPick(
    fresh.map((c) => {
      const duplicate = existing.has(`${c.profile.endpoint} ${c.profile.accessKeyId}`);
      return {
        label: c.profile.name,
        description: `${new URL(c.profile.endpoint).host} · ${c.profile.accessKeyId}${c.token ? ' · STS token' : ''}`,
        detail: `${c.source}${duplicate ? ' (a profile with this endpoint and key exists already)' : ''}`,
        picked: !duplicate,
        candidate: c,
      };
    }),
    {
      canPickMany: true,
      ignoreFocusOut: true,
      title: 'Import Profiles',
      placeHolder: 'Profiles to import (secrets go to VS Code secret storage)',
    },
  );
  if (!picked?.length) return;
  const added = await profiles.addAll(
    picked.map(({ candidate: c }) => ({ profile: c.profile, secret: { secret: c.secret, token: c.token } })),
  );
  void vscode.window.showInformationMessage(
    `Imported ${added.length} profile(s): ${added.map((p) => p.name).join(', ')}.`,
  );
}
