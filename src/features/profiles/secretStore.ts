import type * as vscode from 'vscode';

/** The secrets of one profile. */
export interface ProfileSecret {
  secret: string;
  token?: string | undefined;
}

/** Port for the profile secrets; the VS Code implementation is over `context.secrets`. */
export interface SecretStore {
  get(profileId: string): Promise<ProfileSecret | undefined>;
  set(profileId: string, value: ProfileSecret): Promise<void>;
  delete(profileId: string): Promise<void>;
  /** Fires with the profile id when a secret changes, also from another window. */
  readonly onDidChange: vscode.Event<string>;
}

const PREFIX = 'ossPresign.profile.';
export const secretKey = (profileId: string): string => `${PREFIX}${profileId}.secret`;
const tokenKey = (profileId: string): string => `${PREFIX}${profileId}.token`;

/** SecretStore over VS Code SecretStorage: keys `ossPresign.profile.<id>.secret` and `.token`. */
export class VsCodeSecretStore implements SecretStore {
  readonly onDidChange: vscode.Event<string>;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.onDidChange = (listener, thisArgs, disposables) =>
      secrets.onDidChange(
        (e) => {
          const m = /^ossPresign\.profile\.(.+)\.(?:secret|token)$/.exec(e.key);
          if (m) listener.call(thisArgs, m[1]);
        },
        undefined,
        disposables,
      );
  }

  async get(profileId: string): Promise<ProfileSecret | undefined> {
    const secret = await this.secrets.get(secretKey(profileId));
    if (!secret) return undefined;
    const token = await this.secrets.get(tokenKey(profileId));
    return token ? { secret, token } : { secret };
  }

  async set(profileId: string, value: ProfileSecret): Promise<void> {
    await this.secrets.store(secretKey(profileId), value.secret);
    // A rotated key without a token must not keep the old key's session token.
    if (value.token) await this.secrets.store(tokenKey(profileId), value.token);
    else await this.secrets.delete(tokenKey(profileId));
  }

  async delete(profileId: string): Promise<void> {
    await this.secrets.delete(secretKey(profileId));
    await this.secrets.delete(tokenKey(profileId));
  }
}
