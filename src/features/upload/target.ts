import type { Profile } from '../../app/profiles';
import type { ConnectionOptions } from '../../core/index';
import { objectKeys, pickBucket, pickProfile, templateVariablesFor } from '../../vscode/prompts';
import { commandOptions, commandTarget, type BucketPlace } from '../../vscode/targets';
import type * as vscode from 'vscode';
import type { Services } from '../services';

/** Answers given as the command's second argument (tests, other extensions); whatever is missing is asked. */
export interface UploadCommandOptions {
  profileId?: string;
  bucket?: string;
  /** The object key (one file only). */
  key?: string;
  /** Folder of the bucket the keys go below. */
  prefix?: string;
}

/** More files than this (from folders) asks before uploading them all. */
const CONFIRM_FILE_COUNT = 50;

/** Where the files of an upload (or a kit) go, and how to reach that bucket. */
export interface UploadTarget {
  files: vscode.Uri[];
  profile: Profile;
  bucket: string;
  keys: string[];
  conn: ConnectionOptions;
  /** The Buckets view node the command was run on. */
  place?: BucketPlace | undefined;
  interactive: boolean;
}

/**
 * The files, profile, bucket and keys of an upload command: from its arguments (Explorer selection, a Buckets view
 * node, the palette) and, when the second argument is an options object, from it without asking anything.
 */
export async function uploadTarget<T extends UploadCommandOptions>(
  services: Services,
  title: string,
  arg0: unknown,
  arg1: unknown,
  optionNames: ReadonlyArray<keyof T>,
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
  const { profiles, log } = services;
  const profileId = options?.profileId ?? place?.profileId;
  const profile = profileId ? profiles.require(profileId) : await pickProfile(profiles, { title });
  const bucket = options?.bucket ?? place?.bucket ?? (await pickBucket(profiles, profile, { title, log }));
  const overwrite = place?.kind === 'object' ? place.key : undefined;
  const now = new Date();
  const keys = await objectKeys(
    profile.provider,
    files.map((uri) => ({ vars: templateVariablesFor(uri, now) })),
    {
      title,
      fixedKey: options?.key ?? overwrite,
      prefix: options?.prefix ?? (overwrite === undefined ? place?.prefix : undefined),
      ask: interactive,
    },
  );
  // A node of the tree knows its bucket's region, which may differ from the profile's endpoint.
  const conn = await profiles.connection(profile.id, place?.bucket === bucket ? place : undefined);
  return { files, profile, bucket, keys, conn, place, interactive, options: options ?? {} };
}
