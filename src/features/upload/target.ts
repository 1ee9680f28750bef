import type * as vscode from 'vscode';
import { resolveHeaderSet, type HeaderSet, type ResolvedHeaders } from '../../app/headerSets';
import type { Profile } from '../../app/profiles';
import type { ConnectionOptions, Provider } from '../../core/index';
import { findHeaderSet, objectKeys, pickBucket, pickProfile, templateVariablesFor } from '../../vscode/prompts';
import { commandOptions, commandTarget, type BucketPlace } from '../../vscode/targets';
import { askUploadQuestions, objectHeadCheck } from '../../vscode/uploadWizard';
import type { Services } from '../services';

/** Answers given as the command's second argument (tests, other extensions); whatever is missing is asked. */
export interface UploadCommandOptions {
  profileId?: string;
  bucket?: string;
  /** The object key (one file only). */
  key?: string;
  /** Folder of the bucket the keys go below. */
  prefix?: string;
  /** Name of the header set (`ossPresign.headerSets`) whose headers and metadata the objects get. */
  headerSet?: string;
}

/** More files than this (from folders) asks before uploading them all. */
const CONFIRM_FILE_COUNT = 50;

/** What an upload with no header set given sends, as before header sets applied to uploads: the detected type. */
const CONTENT_TYPE_ONLY: HeaderSet = { name: 'Content-Type only', contentType: 'auto' };

/** The answers "Upload to Bucket..." and the kit offer first next time (global state: no secret in them). */
interface LastUpload {
  profileId: string;
  bucket: string;
  headerSet: string;
}
const LAST_UPLOAD_KEY = 'ossPresign.lastUpload';

/** Where the files of an upload (or a kit) go, and how to reach that bucket. */
export interface UploadTarget {
  files: vscode.Uri[];
  profile: Profile;
  bucket: string;
  keys: string[];
  /** The headers and metadata the objects get. */
  set: HeaderSet;
  conn: ConnectionOptions;
  /** The Buckets view node the command was run on. */
  place?: BucketPlace | undefined;
  interactive: boolean;
  /** Set when `expiry` was asked. */
  expirySeconds?: number;
}

/**
 * The headers and metadata a header set gives one file's object on upload, resolved as presign does. Content-MD5
 * is left out: the upload sends a checksum of each part (or of the whole file) itself.
 */
export function uploadHeaders(set: HeaderSet, provider: Provider, file: vscode.Uri, now = new Date()): ResolvedHeaders {
  return resolveHeaderSet({ ...set, contentMd5: undefined }, provider, { vars: templateVariablesFor(file, now) });
}

/**
 * The files, profile, bucket, header set and keys of an upload command: from its arguments (Explorer selection, a
 * Buckets view node, the palette) and the presign wizard's questions; when the second argument is an options object,
 * from it without asking anything. `expiry` asks how long URLs stay valid too (the kit).
 */
export async function uploadTarget<T extends UploadCommandOptions>(
  services: Services,
  title: string,
  arg0: unknown,
  arg1: unknown,
  optionNames: ReadonlyArray<keyof T>,
  expiry?: { placeHolder: string },
): Promise<UploadTarget & { options: Partial<T> }> {
  const options = commandOptions<T>(arg1, optionNames);
  const interactive = !options;
  const { files, place } = await commandTarget(arg0, interactive ? arg1 : undefined, {
    title,
    verb: 'upload',
    openLabel: 'Upload',
    confirmAbove: CONFIRM_FILE_COUNT,
    confirm: (n) => `Upload ${n} Files`,
    interactive,
  });
  const { profiles, log, context } = services;
  const profileId = options?.profileId ?? place?.profileId;
  const overwrite = place?.kind === 'object' ? place.key : undefined;
  const fixedKey = options?.key ?? overwrite;
  const prefix = options?.prefix ?? (overwrite === undefined ? place?.prefix : undefined);
  const now = new Date();
  const vars = files.map((uri) => ({ vars: templateVariablesFor(uri, now) }));
  const given = {
    profile: profileId ? profiles.require(profileId) : undefined,
    bucket: options?.bucket ?? place?.bucket,
    headerSet: options?.headerSet ? findHeaderSet(options.headerSet) : undefined,
  };
  let answers: { profile: Profile; bucket: string; set: HeaderSet; keys: string[]; expirySeconds?: number };
  if (interactive) {
    answers = await askUploadQuestions({
      title,
      profiles,
      log,
      files: vars,
      ...given,
      fixedKey,
      prefix,
      last: context.globalState.get<LastUpload>(LAST_UPLOAD_KEY),
      ...(expiry ? { expiry } : {}),
      head: objectHeadCheck(profiles, log),
    });
    await context.globalState.update(LAST_UPLOAD_KEY, {
      profileId: answers.profile.id,
      bucket: answers.bucket,
      headerSet: answers.set.name,
    } satisfies LastUpload);
  } else {
    // Options without a profile or bucket still ask for them, as before (nothing else).
    const profile = given.profile ?? (await pickProfile(profiles, { title }));
    const bucket = given.bucket ?? (await pickBucket(profiles, profile, { title, log }));
    answers = {
      profile,
      bucket,
      set: given.headerSet ?? CONTENT_TYPE_ONLY,
      keys: objectKeys(profile.provider, vars, { fixedKey, prefix }),
    };
  }
  const { profile, bucket } = answers;
  // A node of the tree knows its bucket's region, which may differ from the profile's endpoint.
  const conn = await profiles.connection(profile.id, place?.bucket === bucket ? place : bucket);
  return { files, ...answers, conn, place, interactive, options: options ?? {} };
}
