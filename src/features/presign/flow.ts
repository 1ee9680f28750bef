import * as vscode from 'vscode';
import { expiryOfSigned, type EffectiveExpiry } from '../../app/expiry';
import { needsContentMd5, resolveHeaderSet, type HeaderSet } from '../../app/headerSets';
import { templateVariables, type TemplateVariables } from '../../app/keyTemplate';
import { issuedTimes, LEDGER_MAX_ENTRIES, urlLocation, type LedgerEntry } from '../../app/ledger';
import type { Profile } from '../../app/profiles';
import {
  CancelledError,
  ConfigError,
  clockFor,
  clockKey,
  md5File,
  measureClock,
  presignPut,
  redact,
  validateExpiry,
  type Clock,
  type ConnectionOptions,
  type SnippetFormat,
} from '../../core/index';
import { withCancellableProgress } from '../../vscode/progress';
import { findHeaderSet, objectKeys, templateVariablesFor } from '../../vscode/prompts';
import { askUploadQuestions, objectHeadCheck } from '../../vscode/uploadWizard';
import { settings } from '../../vscode/settings';
import { commandTarget, type CommandTarget } from '../../vscode/targets';
import type { Services } from '../services';
import { rememberedOrigin, rememberOrigin } from './checkCors';
import { handOver } from './handover';

/** Title of the presign questions. */
const TITLE = 'Presign PUT';

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

const LAST_SETTINGS_KEY = 'ossPresign.lastPresign';

/** More files than this from a folder asks before signing them all. */
const CONFIRM_FILE_COUNT = 20;

/** The files to presign for a command's arguments (`interactive` false: never ask). */
export function presignTarget(arg0: unknown, arg1: unknown, interactive: boolean): Promise<CommandTarget> {
  return commandTarget(arg0, arg1, {
    title: 'Presign PUT',
    verb: 'presign',
    openLabel: 'Presign',
    confirmAbove: CONFIRM_FILE_COUNT,
    confirm: (n) => `Presign ${n} URLs`,
    interactive,
  });
}

/** How long presign waits for the one request that checks an endpoint's clock. */
const CLOCK_CHECK_MS = 5_000;

/** Endpoints (clock keys) whose clock could not be checked in this session: presign does not wait on them again. */
const uncheckedClocks = new Set<string>();

/**
 * The clock to sign with: the endpoint's skew-corrected one, which API requests teach. A URL signed by a clock more
 * than 15 minutes off is rejected, so when no request has taught it yet, one cheap request does (a few seconds at
 * most). Presigning needs no network: if the check fails, the local clock signs and the log says so.
 */
export async function signingClock(services: Services, conn: ConnectionOptions, bucket: string): Promise<Clock> {
  const clock = clockFor(conn, services.log);
  const key = clockKey(conn);
  if (clock.hasServerTime || uncheckedClocks.has(key)) return clock;
  const host = new URL(key).host;
  let problem: string | undefined;
  try {
    // In the status bar, not a notification: it takes a moment on a reachable endpoint and is bounded by the timeout.
    const offset = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Checking the clock of ${host}` },
      () => measureClock({ ...conn, bucket, timeoutMs: CLOCK_CHECK_MS }, { log: services.log }),
    );
    if (offset === undefined) problem = 'its answer had no Date header';
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  if (problem) {
    uncheckedClocks.add(key);
    services.log.warn(
      `[presign] Could not check this computer's clock against ${host} (${problem}): signing with the local clock. If it is more than 15 minutes off, the server rejects the URLs (RequestTimeTooSkewed).`,
    );
  }
  return clock;
}

/** Files signed between two yields to the event loop (and two progress reports). */
const BATCH = 100;

/** What is signed for: a local file, or (presigning an object's key without one) just the key's name. */
interface SignedFile {
  uri?: vscode.Uri;
  vars: TemplateVariables;
}

/**
 * Presigns a PUT for each target file: asks for what is neither in the target, the options nor (with `useLast`)
 * the last settings, signs, logs, records in the ledger and hands the result over. Returns the ledger entries
 * as stored. `ask` false: never ask; take missing answers from the last settings. A target without files but with
 * an object node presigns that key for an upload from anywhere (Content-Type from the key).
 */
export async function runPresign(
  services: Services,
  target: CommandTarget,
  options: PresignOptions,
  ask: boolean,
): Promise<LedgerEntry[]> {
  const { profiles, context } = services;
  const last = context.globalState.get<LastSettings>(LAST_SETTINGS_KEY);
  const fromLast = <T>(value: T | undefined, what: string): T => {
    if (value !== undefined) return value;
    throw new ConfigError(
      'lastPresign',
      'NoLastSettings',
      `No ${what} to reuse yet: run "OSS Presign: Presign PUT URL..." once; "with Last Settings" then repeats its choices.`,
    );
  };
  const { place } = target;
  const now = new Date();
  const objectKey = place?.kind === 'object' ? place.key : undefined;
  const files: SignedFile[] =
    target.files.length === 0 && objectKey !== undefined
      ? [{ vars: templateVariables({ relativePath: objectKey, now }) }]
      : target.files.map((uri) => ({ uri, vars: templateVariablesFor(uri, now) }));
  const profileId = options.profileId ?? place?.profileId;
  const fixedKey = options.key ?? objectKey;
  const prefix = place?.kind === 'object' ? undefined : place?.prefix;
  let profile: Profile, bucket: string, set: HeaderSet, expirySeconds: number, keys: string[];
  let origin: string | undefined;
  if (ask) {
    const answers = await askUploadQuestions({
      title: TITLE,
      profiles,
      log: services.log,
      files,
      profile: profileId ? profiles.require(profileId) : undefined,
      bucket: options.bucket ?? place?.bucket,
      headerSet: options.headerSet ? findHeaderSet(options.headerSet) : undefined,
      expirySeconds: options.expirySeconds,
      fixedKey,
      prefix,
      last,
      expiry: { placeHolder: 'Anyone holding the URL can upload until it expires' },
      origin: { remembered: rememberedOrigin(services) },
      // Presigning over an object the user picked in the tree is meant: only a typed key is checked.
      head: objectHeadCheck(profiles, services.log),
    });
    ({ profile, bucket, set, keys } = answers);
    expirySeconds = validateExpiry(answers.expirySeconds);
    origin = answers.origin;
    if (origin) await rememberOrigin(services, origin);
  } else {
    profile = profiles.require(profileId ?? fromLast(last?.profileId, 'profile'));
    const sameProfile = last?.profileId === profile.id ? last : undefined;
    bucket = options.bucket ?? place?.bucket ?? fromLast(sameProfile?.bucket, 'bucket');
    set = findHeaderSet(options.headerSet ?? fromLast(last?.headerSet, 'header set'));
    expirySeconds = validateExpiry(options.expirySeconds ?? fromLast(last?.expirySeconds, 'expiry'));
    keys = objectKeys(profile.provider, files, { fixedKey, prefix });
    // Only an origin the user gave once: an assumed one would warn about a page nobody named.
    origin = rememberedOrigin(services);
  }

  const conn = await profiles.connection(profile.id, place?.bucket === bucket ? place : bucket);
  const clock = await signingClock(services, conn, bucket);
  const signOne = async (file: SignedFile, key: string, signal?: AbortSignal) => {
    const contentMd5 = needsContentMd5(set) ? await md5File(localPath(file.uri, set), signal) : undefined;
    const { headers, metadata } = resolveHeaderSet(set, profile.provider, { vars: file.vars, contentMd5 });
    const date = clock.now();
    const signed = presignPut({ ...conn, bucket, key, expiresSeconds: expirySeconds, headers, metadata, date });
    const expiry = expiryOfSigned(profile, conn, signed.expiresAt, date);
    // A presigned URL is a bearer credential: only its redacted form is logged (whatever the Logger does).
    (files.length > BATCH ? services.log.debug : services.log.info)(
      `[presign] PUT ${bucket}/${key} (${profile.id}, set "${set.name}") headers ${JSON.stringify(signed.headers)}, expires ${expiry.effectiveExpiresAt.toISOString()}: ${redact(signed.url)}`,
    );
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
    await withCancellableProgress('Presigning', async (signal, progress) => {
      let reported = 0;
      await signAll(signal, (done) => {
        progress.report({
          message: `${done}/${files.length} files`,
          increment: ((done - reported) * 100) / files.length,
        });
        reported = done;
      });
    });
  } else {
    await signAll();
  }
  if (files.length > 1)
    services.log.info(`[presign] ${files.length} URLs for ${bucket} (${profile.id}, set "${set.name}")`);

  // The ledger keeps the newest entries only: record just those, so a folder of thousands of files does not write
  // thousands of URLs to secret storage only to delete them again.
  const entries = await services.ledger.addMany(
    issued.slice(-LEDGER_MAX_ENTRIES).map(({ file, key, signed, expiry }) => ({
      entry: ledgerEntry(
        profile,
        bucket,
        key,
        set,
        expirySeconds,
        signed,
        expiry,
        file.uri && localPath(file.uri, set),
      ),
      url: signed.url,
    })),
  );
  await context.globalState.update(LAST_SETTINGS_KEY, {
    profileId: profile.id,
    bucket,
    headerSet: set.name,
    expirySeconds,
  } satisfies LastSettings);

  const format = options.copyFormat ?? settings.copyFormat();
  await handOver(services, {
    profile,
    bucket,
    keys: issued.map((i) => i.key),
    set,
    format,
    items: issued.map(({ file, key, signed }) => ({
      url: signed.url,
      headers: signed.headers,
      // Without a local file the snippet names one like the key, for the uploader to replace.
      filePath: file.uri ? localPath(file.uri, set) : (key.split('/').pop() ?? key),
      expiresAt: signed.expiresAt,
    })),
    expiry: issued[0].expiry,
    origin,
  });
  return entries;
}

function localPath(uri: vscode.Uri | undefined, set: HeaderSet): string {
  if (!uri)
    throw new ConfigError(
      'file',
      'NoLocalFile',
      `Header set "${set.name}" signs the file's Content-MD5: presign it from the local file, or pick a set without Content-MD5 "auto".`,
    );
  if (uri.scheme !== 'file')
    throw new ConfigError(
      'file',
      'NotALocalFile',
      `${uri.toString()} is not a local file: open or copy it to the local disk to presign an upload of it.`,
    );
  return uri.fsPath;
}

function ledgerEntry(
  profile: Profile,
  bucket: string,
  key: string,
  set: HeaderSet,
  expirySeconds: number,
  signed: { url: string; headers: Record<string, string>; expiresAt: Date },
  expiry: EffectiveExpiry,
  filePath: string | undefined,
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
    ...issuedTimes(expiry),
    location: urlLocation(signed.url),
    ...(filePath ? { filePath } : {}),
  };
}
