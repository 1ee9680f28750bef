import * as vscode from 'vscode';
import {
  ConfigError,
  ServiceError,
  getBucketLocation,
  isCancelled,
  type BucketInfo,
  type ConnectionOptions,
  type Logger,
} from '../../core/index';
import { BucketLocations } from '../../app/bucketLocations';
import {
  connectionForBucket,
  connectionOptions,
  credentialsFromEnv,
  locatesBuckets,
  validateProfile,
  type BucketLocation,
  type BucketRef,
  type Profile,
} from '../../app/profiles';
import type { ProfileSecret, SecretStore } from './secretStore';
import { Settings } from '../../vscode/ids';
import { settings } from '../../vscode/settings';

/** How long a bucket's location is looked up before the profile's own endpoint is used instead. */
const LOOKUP_TIMEOUT_MS = 10_000;

/** A profile with the secret to store for it. */
export interface NewProfile {
  profile: Profile;
  secret?: ProfileSecret | undefined;
}

/**
 * The profiles of the user setting `ossPresign.profiles` (application scope: a workspace cannot redirect keys)
 * and their secrets in SecretStorage. Settings never hold a secret.
 */
export class ProfileStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a profile or a secret changes, in this window or another one. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private cache: { profiles: Profile[]; problems: string[] } | undefined;
  private readonly locations = new BucketLocations();
  /** Lookups in flight, so that parallel operations on one bucket ask once. */
  private readonly lookups = new Map<string, Promise<BucketLocation>>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly log: Logger,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!settings.affects(e, Settings.profiles)) return;
        this.cache = undefined;
        this.locations.clear();
        this.emitter.fire();
      }),
      secrets.onDidChange(() => {
        // A lookup refused for a wrong key is worth asking again with the new one.
        this.locations.clear();
        this.emitter.fire();
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The valid profiles, in settings order. Invalid entries are logged and listed by `problems()`. */
  list(): Profile[] {
    return this.read().profiles;
  }

  /** Why entries of the setting were skipped (one message each; safe to show). */
  problems(): string[] {
    return this.read().problems;
  }

  get(id: string): Profile | undefined {
    return this.list().find((p) => p.id === id);
  }

  /** Like `get`, but a missing profile is a ConfigError that says what to do. */
  require(id: string): Profile {
    const profile = this.get(id);
    if (!profile)
      throw new ConfigError(
        'profile',
        'UnknownProfile',
        `There is no profile "${id}" (any more): pick another one or run "OSS Presign: Add Profile".`,
      );
    return profile;
  }

  async add(profile: Profile, secret?: ProfileSecret): Promise<Profile> {
    return (await this.addAll([{ profile, secret }]))[0];
  }

  /**
   * Adds profiles with their secrets, all or nothing: the secrets are stored first and removed again when
   * a later step fails, and settings are written once.
   */
  async addAll(entries: NewProfile[]): Promise<Profile[]> {
    const current = this.rawEntries();
    const taken = new Set(this.list().map((p) => p.id));
    const valid = entries.map((e) => {
      const profile = validateProfile(e.profile);
      if (taken.has(profile.id))
        throw new ConfigError(
          'id',
          'DuplicateProfileId',
          `A profile with the id "${profile.id}" exists already: choose another name.`,
        );
      taken.add(profile.id);
      return { profile, secret: e.secret };
    });
    const stored: string[] = [];
    try {
      for (const { profile, secret } of valid) {
        if (!secret) continue;
        await this.secrets.set(profile.id, secret);
        stored.push(profile.id);
      }
      await this.write([...current, ...valid.map((v) => toSetting(v.profile))]);
    } catch (err) {
      for (const id of stored) await this.secrets.delete(id).catch(() => undefined);
      throw err;
    }
    this.log.info(
      `[profiles] added ${valid.map((v) => `${v.profile.id} (${v.profile.provider} ${new URL(v.profile.endpoint).host})`).join(', ')}`,
    );
    return valid.map((v) => v.profile);
  }

  /** Replaces the profile with the same id; `secret` (when given) replaces its secret too. */
  async update(profile: Profile, secret?: ProfileSecret): Promise<Profile> {
    const valid = validateProfile(profile);
    const entries = this.rawEntries();
    const index = entries.findIndex((e) => (e as { id?: unknown })?.id === valid.id);
    if (index < 0)
      throw new ConfigError(
        'profile',
        'UnknownProfile',
        `There is no profile "${valid.id}" to update: it was removed, perhaps in another window. Add it again with "OSS Presign: Add Profile".`,
      );
    if (secret) await this.secrets.set(valid.id, secret);
    entries[index] = toSetting(valid);
    await this.write(entries);
    this.log.info(`[profiles] updated ${valid.id}`);
    return valid;
  }

  /** Removes the profile and deletes its secrets. */
  async remove(profile: Pick<Profile, 'id'>): Promise<void> {
    const entries = this.rawEntries();
    await this.write(entries.filter((e) => (e as { id?: unknown })?.id !== profile.id));
    await this.secrets.delete(profile.id);
    this.log.info(`[profiles] removed ${profile.id} and its secrets`);
  }

  async setSecret(id: string, secret: string, token?: string): Promise<void> {
    this.require(id);
    if (!secret)
      throw new ConfigError(
        'accessKeySecret',
        'MissingCredentials',
        'The secret is empty: paste the access key secret.',
      );
    await this.secrets.set(id, token ? { secret, token } : { secret });
    this.log.info(`[profiles] secret of ${id} set${token ? ' (with a session token)' : ''}`);
  }

  /**
   * What the core API needs to talk to the profile's store: the profile plus its secret from SecretStorage or
   * the environment. Given a bucket (a name, or a tree node that names it), the connection is that bucket's: its
   * own endpoint and region when it lives in another region than the profile's endpoint. The location comes from the
   * node (a listing named it), else from what this session learnt, else from asking the service once
   * (GetBucketLocation, or the region error it answers); custom endpoints and domains are used as they are.
   * @throws ConfigError when the secret is missing, saying how to set it.
   */
  async connection(id: string, bucket?: BucketRef): Promise<ConnectionOptions> {
    const conn = await this.profileConnection(id);
    if (bucket === undefined) return conn;
    const ref = typeof bucket === 'string' ? { bucket } : bucket;
    if (ref.bucketRegion) {
      if (ref.bucket) this.locations.remember(id, ref.bucket, ref);
      return connectionForBucket(conn, ref);
    }
    if (!ref.bucket || !locatesBuckets(conn)) return conn;
    return connectionForBucket(conn, await this.locate(id, ref.bucket, conn));
  }

  /** Remembers where the buckets of a listing live, so that connections to them need no lookup. */
  rememberBuckets(id: string, buckets: readonly BucketInfo[]): void {
    this.locations.rememberListing(id, buckets);
  }

  private async locate(id: string, bucket: string, conn: ConnectionOptions): Promise<BucketLocation> {
    const known = this.locations.get(id, bucket);
    if (known) return known;
    const key = `${id}\u0000${bucket}`;
    let pending = this.lookups.get(key);
    if (!pending) {
      pending = this.lookUp(id, bucket, conn).finally(() => this.lookups.delete(key));
      this.lookups.set(key, pending);
    }
    return pending;
  }

  private async lookUp(id: string, bucket: string, conn: ConnectionOptions): Promise<BucketLocation> {
    try {
      const where = await getBucketLocation(
        { ...conn, bucket, signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) },
        { log: this.log },
      );
      const location = { bucketRegion: where.region, bucketEndpoint: where.endpoint };
      this.locations.remember(id, bucket, location);
      this.log.info(`[profiles] bucket ${bucket} (profile ${id}) is in ${where.region}`);
      return location;
    } catch (err) {
      const why = isCancelled(err)
        ? `no answer within ${LOOKUP_TIMEOUT_MS / 1000} s`
        : err instanceof Error
          ? err.message
          : String(err);
      // Refused (no permission, no such bucket): asking again with the same key would be refused again.
      if (err instanceof ServiceError && (err.status === 403 || err.status === 404))
        this.locations.remember(id, bucket, {});
      this.log.warn(
        `[profiles] could not find the region of bucket ${bucket} (profile ${id}), using the profile's endpoint: ${why}`,
      );
      return {};
    }
  }

  private async profileConnection(id: string): Promise<ConnectionOptions> {
    const profile = this.require(id);
    if (profile.credentialSource === 'env')
      return connectionOptions(profile, credentialsFromEnv(profile.provider, this.env, profile.accessKeyId));
    const stored = await this.secrets.get(id);
    if (!stored) {
      throw new ConfigError(
        'accessKeySecret',
        'MissingCredentials',
        `Profile "${profile.name}" has no secret key in VS Code's secret storage (new window, or removed in another one): run "OSS Presign: Set Secret".`,
      );
    }
    return connectionOptions(profile, {
      accessKeyId: profile.accessKeyId ?? '',
      accessKeySecret: stored.secret,
      securityToken: stored.token || undefined,
    });
  }

  private read(): { profiles: Profile[]; problems: string[] } {
    if (this.cache) return this.cache;
    const profiles: Profile[] = [];
    const problems: string[] = [];
    const seen = new Set<string>();
    this.rawEntries().forEach((entry, i) => {
      try {
        const p = validateProfile(entry);
        if (seen.has(p.id))
          throw new ConfigError(
            'id',
            'DuplicateProfileId',
            `Profile id "${p.id}" is used twice: give one of them another id.`,
          );
        seen.add(p.id);
        profiles.push(p);
      } catch (err) {
        const message = `ossPresign.profiles[${i}] is skipped: ${err instanceof Error ? err.message : String(err)}`;
        problems.push(message);
        this.log.warn(`[profiles] ${message}`);
      }
    });
    this.cache = { profiles, problems };
    return this.cache;
  }

  private rawEntries(): unknown[] {
    return settings.profileEntries();
  }

  private async write(entries: unknown[]): Promise<void> {
    await settings.writeProfileEntries(entries);
    this.cache = undefined;
  }
}

/** The settings form of a profile: no undefined fields, never a secret. */
function toSetting(p: Profile): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}
