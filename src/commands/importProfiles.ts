import * as os from 'node:os';
import * as vscode from 'vscode';
import { importFromHome, withFreshIds } from '../core/profileImport';
import type { Services } from '../services';

/**
 * Import Profiles: reads ~/.aws/credentials + config, ~/.ossutilconfig and ~/.aliyun/config.json, lets the user
 * pick, and adds the picked profiles with their secrets copied into SecretStorage (never into settings), all
 * or nothing. HOME overrides the home directory (tests).
 */
export async function importProfiles({ profiles, log }: Services): Promise<void> {
  const home = process.env.HOME || os.homedir();
  const { candidates, skipped } = await importFromHome(home);
  for (const s of skipped) log.info(`[import] skipped ${s.source}: ${s.reason}`);
  const fresh = withFreshIds(candidates, profiles.list().map((p) => p.id));
  if (fresh.length === 0) {
    void vscode.window.showInformationMessage(`No profile with static access keys found${skipped.length ? ` (${skipped.length} skipped: ${skipped.map((s) => `${s.source}: ${s.reason}`).join('; ')})` : ''}.`);
    return;
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
    { canPickMany: true, ignoreFocusOut: true, title: 'Import Profiles', placeHolder: 'Profiles to import (secrets go to VS Code secret storage)' },
  );
  if (!picked?.length) return;
  const added = await profiles.addAll(picked.map(({ candidate: c }) => ({ profile: c.profile, secret: { secret: c.secret, ...(c.token ? { token: c.token } : {}) } })));
  void vscode.window.showInformationMessage(`Imported ${added.length} profile(s): ${added.map((p) => p.name).join(', ')}.`);
}
