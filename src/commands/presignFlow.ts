import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, ConfigError } from '../core/errors';
import { effectiveExpiry, type EffectiveExpiry } from '../core/expiry';
import { needsContentMd5, resolveHeaderSet, type HeaderSet } from '../core/headerSets';
import { DEFAULT_KEY_TEMPLATE, objectKeyFor, templateVariables, type TemplateVariables } from '../core/keyTemplate';
import { LEDGER_MAX_ENTRIES, urlLocation, type LedgerEntry } from '../core/ledger';
import { redact } from '../core/log';
import { md5File } from '../core/md5File';
import { presignPut } from '../core/presign';
import type { Profile } from '../core/profiles';
import type { SnippetFormat } from '../core/snippets';
import { objectKeyProblem, validateExpiry } from '../core/validate';
import { Settings } from '../ids';
import type { Services } from '../services';
import { handOver } from './presignHandover';
import { confirmText, findHeaderSet, pickBucket, pickExpiry, pickHeaderSet, pickProfile } from './presignPickers';
import type { PresignTarget } from './presignTargets';

/** Answers given up front (a second command argument, tests, re-issue); whatever is missing is asked. */
export interface PresignOptions {
  profileId?: string;
  bucket?: string;
  headerSet?: string;
  expirySeconds?: number;
  /** The object key (one file only). */
  key?: string;
  /** What goes to the clipboard; default the `ossPresign.copyFormat` setting. */
  copyFormat?: SnippetFormat;
}

/** The choices "Presign PUT URL with Last Settings" reuses (global state: no secret in them). */
export interface LastSettings {
  profileId: string;
  bucket: string;
  headerSet: string;
  expirySeconds: number;
}

export const LAST_SETTINGS_KEY = 'ossPresign.lastPresign';

/** Files signed between two yields to the event loop (and two progress reports). */
const BATCH = 100;

/**
 * Presigns a PUT for each target file: asks for what is neither in the target, the options nor (with `useLast`)
 * the last settings, signs, logs, records in the ledger and hands the result over. Returns the ledger entries
 * as stored. `ask` false: never ask; take missing answers from the last settings.
 */
export async function runPresign(services: Services, target: PresignTarget, options: PresignOptions, ask: boolean): Promise<LedgerEntry[]> {
  const { profiles, context } = services;
  const last = context.globalState.get<LastSettings>(LAST_SETTINGS_KEY);
  const fromLast = <T>(value: T | undefined, what: string): T => {
    if (value !== undefined) return value;
    throw new ConfigError('lastPresign', 'NoLastSettings', `No ${what} to reuse yet: run "OSS Presign: Presign PUT URL..." once; "with Last Settings" then repeats its choices.`);
  };
  const profileId = options.profileId ?? target.profileId;
  const profile: Profile = profileId ? profiles.require(profileId) : ask ? await pickProfile(services, last?.profileId) : profiles.require(fromLast(last?.profileId, 'profile'));
  const sameProfile = last?.profileId === profile.id ? last : undefined;
  const bucket = options.bucket ?? target.bucket ?? (ask ? await pickBucket(services, profile, sameProfile?.bucket) : fromLast(sameProfile?.bucket, 'bucket'));
  const set = options.headerSet ? findHeaderSet(options.headerSet) : ask ? await pickHeaderSet(profile.provider, last?.headerSet) : findHeaderSet(fromLast(last?.headerSet, 'header set'));
  const expirySeconds = validateExpiry(options.expirySeconds ?? (ask ? await pickExpiry(last?.expirySeconds) : fromLast(last?.expirySeconds, 'expiry')));

  const now = new Date();
  const files = target.files.map((uri) => ({ uri, vars: variablesFor(uri, now) }));
  const keys = await objectKeys(profile, files, target, options, ask);

  const conn = await profiles.connection(profile.id);
  const signOne = async (file: { uri: vscode.Uri; vars: TemplateVariables }, key: string, signal?: AbortSignal) => {
    const contentMd5 = needsContentMd5(set) ? await md5File(localPath(file.uri), signal) : undefined;
    const { headers, metadata } = resolveHeaderSet(set, profile.provider, { vars: file.vars, ...(contentMd5 ? { contentMd5 } : {}) });
    const signed = presignPut({ ...conn, bucket, key, expiresSeconds: expirySeconds, headers, metadata });
    const expiry = effectiveExpiry({ urlExpiresAt: signed.expiresAt, signatureVersion: conn.signatureVersion ?? 'v4', hasSecurityToken: !!conn.securityToken });
    // A presigned URL is a bearer credential: only its redacted form is logged (whatever the Logger does).
    (files.length > BATCH ? services.log.debug : services.log.info)(`[presign] PUT ${bucket}/${key} (${profile.id}, set "${set.name}") headers ${JSON.stringify(signed.headers)}, expires ${expiry.effectiveExpiresAt.toISOString()}: ${redact(signed.url)}`);
    return { file, key, signed, expiry };
  };
  const issued: Awaited<ReturnType<typeof signOne>>[] = [];
  const signAll = async (signal?: AbortSignal, report?: (done: number) => void) => {
    for (const [i, file] of files.entries()) {
      if (signal?.aborted) throw new CancelledError();
      issued.push(await signOne(file, keys[i], signal));
      // Signing is synchronous CPU work: yield to the extension host's event loop between batches, and report
      // progress per batch rather than per file (each report is a message to the UI).
      if (i % BATCH === BATCH - 1) {
        report?.(i + 1);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };
  if (needsContentMd5(set) || files.length > 5) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Presigning', cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      await signAll(abort.signal, (done) => {
        progress.report({ message: `${done}/${files.length} files`, increment: ((done - reported) * 100) / files.length });
        reported = done;
      });
    });
  } else {
    await signAll();
  }
  if (files.length > 1) services.log.info(`[presign] ${files.length} URLs for ${bucket} (${profile.id}, set "${set.name}")`);

  // The ledger keeps the newest entries only: record just those, so a folder of thousands of files does not write
  // thousands of URLs to secret storage only to delete them again.
  const entries = await services.ledger.addMany(
    issued.slice(-LEDGER_MAX_ENTRIES).map(({ file, key, signed, expiry }) => ({ entry: ledgerEntry(profile, bucket, key, set, expirySeconds, signed, expiry, localPath(file.uri)), url: signed.url })),
  );
  await context.globalState.update(LAST_SETTINGS_KEY, { profileId: profile.id, bucket, headerSet: set.name, expirySeconds } satisfies LastSettings);

  const format = options.copyFormat ?? vscode.workspace.getConfiguration(Settings.section).get<SnippetFormat>(Settings.copyFormat, 'url');
  await handOver(services, {
    profile,
    bucket,
    keys: issued.map((i) => i.key),
    set,
    format,
    items: issued.map(({ file, signed }) => ({ url: signed.url, headers: signed.headers, filePath: localPath(file.uri), expiresAt: signed.expiresAt })),
    expiry: issued[0].expiry,
    ask,
  });
  return entries;
}

function variablesFor(uri: vscode.Uri, now: Date): TemplateVariables {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const relativePath = folder ? vscode.workspace.asRelativePath(uri, false) : path.basename(uri.fsPath);
  return templateVariables({ relativePath, now, ...(folder ? { workspaceFolder: folder.name } : {}) });
}

function localPath(uri: vscode.Uri): string {
  if (uri.scheme !== 'file') throw new ConfigError('file', 'NotALocalFile', `${uri.toString()} is not a local file: open or copy it to the local disk to presign an upload of it.`);
  return uri.fsPath;
}

/** One key per file: given, the object node's, or the template's (previewed and editable unless `ask` is false). */
async function objectKeys(profile: Profile, files: { vars: TemplateVariables }[], target: PresignTarget, options: PresignOptions, ask: boolean): Promise<string[]> {
  const check = (key: string) => objectKeyProblem(profile.provider, key);
  const fixed = options.key ?? target.fixedKey;
  if (fixed !== undefined) {
    if (files.length !== 1) throw new ConfigError('key', 'OneKeyManyFiles', `One object key was given for ${files.length} files: presign them one at a time, or let the key template name them.`);
    const problem = check(fixed);
    if (problem) throw new ConfigError('key', 'InvalidObjectKey', problem);
    return [fixed];
  }
  const setting = vscode.workspace.getConfiguration(Settings.section).get<string>(Settings.keyTemplate) || DEFAULT_KEY_TEMPLATE;
  const expand = (template: string) => files.map((f) => objectKeyFor(template, f.vars, target.prefix));
  const problemOf = (template: string) => {
    try {
      return expand(template).map(check).find((p) => p);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
  if (!ask) {
    const problem = problemOf(setting);
    if (problem) throw new ConfigError('keyTemplate', 'InvalidObjectKey', `${problem} (from the key template "${setting}" in ossPresign.keyTemplate)`);
    return expand(setting);
  }
  if (files.length === 1) {
    const key = await confirmText('Presign PUT: object key', expand(setting)[0], `From the template ${setting}${target.prefix ? ` below ${target.prefix}` : ''}; edit the key if needed`, check);
    return [key];
  }
  const sample = (t: string) => expand(t).slice(0, 3).join(', ') + (files.length > 3 ? ', ...' : '');
  const template = await confirmText('Presign PUT: key template', setting, `Keys for ${files.length} files, e.g. ${sample(setting)}. Variables: \${relativePath} \${fileName} \${fileBasename} \${ext} \${date} \${uuid} \${workspaceFolder}`, problemOf);
  return expand(template);
}

function ledgerEntry(
  profile: Profile,
  bucket: string,
  key: string,
  set: HeaderSet,
  expirySeconds: number,
  signed: { url: string; headers: Record<string, string>; expiresAt: Date },
  expiry: EffectiveExpiry,
  filePath: string,
): LedgerEntry {
  return {
    id: crypto.randomUUID(),
    profileId: profile.id,
    provider: profile.provider,
    bucket,
    key,
    method: 'PUT',
    headerSet: set.name,
    headers: signed.headers,
    expirySeconds,
    createdAt: new Date().toISOString(),
    urlExpiresAt: signed.expiresAt.toISOString(),
    effectiveExpiresAt: expiry.effectiveExpiresAt.toISOString(),
    ...(expiry.tokenExpiryUnknown ? { tokenExpiryUnknown: true } : {}),
    location: urlLocation(signed.url),
    filePath,
  };
}
