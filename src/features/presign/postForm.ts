import * as path from 'node:path';
import * as vscode from 'vscode';
import { expiryOfSigned, describeRemaining } from '../../app/expiry';
import { objectKeyFor } from '../../app/keyTemplate';
import { isExpired, issuedTimes, urlLocation, type LedgerEntry } from '../../app/ledger';
import {
  describePostLimits,
  parsePostKey,
  parseSize,
  parseStoredPost,
  POST_FORMAT_LABELS,
  POST_FORMATS,
  POST_SIZE_PRESETS,
  postSnippet,
  storedPostText,
  type PostFormat,
  type PostKey,
  type PostLimits,
} from '../../app/postForm';
import type { Profile } from '../../app/profiles';
import {
  CancelledError,
  ConfigError,
  endpointWarnings,
  presignPost,
  validateExpiry,
  validateHeader,
  type PresignedPost,
} from '../../core/index';
import { reportError } from '../../vscode/errors';
import { Views } from '../../vscode/ids';
import { pickBucket, pickExpiry, pickProfile, problemOf, templateVariablesFor } from '../../vscode/prompts';
import { settings } from '../../vscode/settings';
import { isBucketPlace, type BucketPlace } from '../../vscode/targets';
import type { Services } from '../services';
import { signingClock } from './flow';

const TITLE = 'Presign POST Form';
/** What curl sends when the form was not made for one local file. */
const FILE_PLACEHOLDER = 'path/to/file';
/** The key offered when nothing suggests one. */
const DEFAULT_PREFIX = 'uploads/';

/** Answers given up front (a second command argument, tests); whatever is missing is asked. */
export interface PostFormOptions {
  profileId?: string;
  bucket?: string;
  /** One exact key (`${filename}` in it stands for the uploaded file's name). */
  key?: string;
  /** Instead of `key`: any key under this prefix. */
  keyPrefix?: string;
  /** Largest file in bytes (at most 5 GB). */
  maxBytes?: number;
  /** The Content-Type must start with this; `''` for any type. */
  contentTypePrefix?: string;
  expirySeconds?: number;
  format?: PostFormat;
}

export const POST_OPTION_NAMES: ReadonlyArray<keyof PostFormOptions> = [
  'profileId',
  'bucket',
  'key',
  'keyPrefix',
  'maxBytes',
  'contentTypePrefix',
  'expirySeconds',
  'format',
];

function cancelled(): never {
  throw new CancelledError();
}

/** A local file or folder the form is for: the Explorer's, else the active editor's file. */
function localTarget(arg0: unknown): vscode.Uri | undefined {
  if (arg0 instanceof vscode.Uri) return arg0.scheme === 'file' ? arg0 : undefined;
  const active = vscode.window.activeTextEditor?.document;
  return active && !active.isUntitled && active.uri.scheme === 'file' ? active.uri : undefined;
}

async function isFolder(uri: vscode.Uri): Promise<boolean> {
  return (await vscode.workspace.fs.stat(uri)).type === vscode.FileType.Directory;
}

/** The folder the key template puts a local file in (a folder: itself), as a prefix ending with `/`. */
function keyTemplateDir(uri: vscode.Uri, folder: boolean): string {
  let key: string;
  try {
    key = objectKeyFor(settings.keyTemplate(), templateVariablesFor(uri, new Date()));
  } catch {
    // A broken template is reported where it is used for keys; here it only suggests a default.
    return DEFAULT_PREFIX;
  }
  const dir = folder ? key : path.posix.dirname(key);
  return dir === '.' || dir === '' ? DEFAULT_PREFIX : `${dir.replace(/\/+$/, '')}/`;
}

async function askKey(provider: Profile['provider'], value: string): Promise<PostKey> {
  const text = await vscode.window.showInputBox({
    title: `${TITLE}: key`,
    value,
    prompt:
      'Ending with "/": the uploader picks any file name under it. Otherwise one exact key, where ${filename} stands for the uploaded file\'s name.',
    ignoreFocusOut: true,
    validateInput: (v) => problemOf(() => parsePostKey(provider, v)),
  });
  return parsePostKey(provider, text ?? cancelled());
}

async function askMaxBytes(): Promise<number> {
  const custom = '$(edit) Custom...';
  const choice = await vscode.window.showQuickPick(
    [
      ...POST_SIZE_PRESETS.map((p) => ({ label: p.label, bytes: p.bytes as number | undefined })),
      { label: custom, bytes: undefined, description: 'up to 5 GB' },
    ],
    { title: `${TITLE}: largest file`, placeHolder: 'The server refuses a larger file', ignoreFocusOut: true },
  );
  if (!choice) cancelled();
  if (choice.bytes !== undefined) return choice.bytes;
  const text = await vscode.window.showInputBox({
    title: `${TITLE}: largest file`,
    prompt: 'Bytes, or a number with KB, MB or GB (500 MB, 2 GB); at most 5 GB',
    ignoreFocusOut: true,
    validateInput: (v) => problemOf(() => parseSize(v)),
  });
  return parseSize(text ?? cancelled());
}

async function askContentTypePrefix(): Promise<string> {
  const text = await vscode.window.showInputBox({
    title: `${TITLE}: Content-Type`,
    prompt: 'Only files whose Content-Type starts with this, e.g. image/ (empty: any type)',
    ignoreFocusOut: true,
    validateInput: (v) =>
      v.trim() ? problemOf(() => validateHeader('Content-Type', v, 'contentTypePrefix')) : undefined,
  });
  return (text ?? cancelled()).trim();
}

/** The format to copy a form in; `question` names what it is for. */
async function pickPostFormat(question: string): Promise<PostFormat> {
  const details: Record<PostFormat, string> = {
    form: 'A page anyone can open in a browser to upload a file',
    curl: 'A shell command that sends the fields, then the file',
    fetch: 'JavaScript for a web page: the object type is a form field, so no Content-Type header to get wrong',
  };
  const choice = await vscode.window.showQuickPick(
    POST_FORMATS.map((format) => ({ label: POST_FORMAT_LABELS[format], detail: details[format], format })),
    { title: `${TITLE}: copy as`, placeHolder: question, ignoreFocusOut: true },
  );
  return choice?.format ?? cancelled();
}

/**
 * "Presign POST Form...": from a bucket or folder node, an Explorer file or folder, or the palette. Asks what the
 * options do not answer (profile, bucket, key or prefix, largest file, Content-Type prefix, expiry, format), signs
 * the policy, copies the form in the chosen format, offers the others and records it in the ledger (the form's
 * fields only in secret storage). Returns the ledger entry.
 */
export async function runPresignPost(
  services: Services,
  arg0: unknown,
  options: PostFormOptions = {},
): Promise<LedgerEntry> {
  const { profiles } = services;
  const place: BucketPlace | undefined = isBucketPlace(arg0) ? arg0 : undefined;
  const local = place ? undefined : localTarget(arg0);
  const localIsFolder = local ? await isFolder(local) : false;
  const profileId = options.profileId ?? place?.profileId;
  const profile = profileId
    ? profiles.require(profileId)
    : await pickProfile(profiles, { title: TITLE, placeHolder: 'Which storage profile signs the form?' });
  const bucket =
    options.bucket ?? place?.bucket ?? (await pickBucket(profiles, profile, { title: TITLE, log: services.log }));
  // Both given: presignPost says they conflict.
  const key: { key?: string | undefined; keyPrefix?: string | undefined } =
    options.key !== undefined || options.keyPrefix !== undefined
      ? { key: options.key, keyPrefix: options.keyPrefix }
      : await askKey(
          profile.provider,
          place?.kind === 'object'
            ? (place.key ?? '')
            : place
              ? place.prefix || DEFAULT_PREFIX
              : local
                ? keyTemplateDir(local, localIsFolder)
                : DEFAULT_PREFIX,
        );
  const maxBytes = options.maxBytes ?? (await askMaxBytes());
  const contentTypePrefix = options.contentTypePrefix ?? (await askContentTypePrefix());
  const expirySeconds = validateExpiry(
    options.expirySeconds ??
      (await pickExpiry({ title: TITLE, placeHolder: 'Anyone holding the form can upload until it expires' })),
  );
  const format = options.format ?? (await pickPostFormat('What to copy (the notification offers the others)'));

  const conn = await profiles.connection(profile.id, place?.bucket === bucket ? place : bucket);
  // A policy signed by a clock more than 15 minutes off is refused, as a PUT URL is: sign with the server's time.
  const date = (await signingClock(services, conn, bucket)).now();
  const post = presignPost({
    ...conn,
    date,
    bucket,
    key: key.key,
    keyPrefix: key.keyPrefix,
    expiresSeconds: expirySeconds,
    contentLengthRange: [0, maxBytes],
    contentTypePrefix: contentTypePrefix || undefined,
  });
  const limits: PostLimits = {
    maxBytes,
    ...(key.keyPrefix !== undefined ? { keyPrefix: key.keyPrefix } : {}),
    ...(contentTypePrefix ? { contentTypePrefix } : {}),
  };
  const expiry = expiryOfSigned(profile, conn, post.expiresAt, date);
  const allows = describePostLimits(post.fields.key, limits).join(', ');
  // The form's fields (policy, signature, credential, token) are the bearer credential: none is logged.
  services.log.info(
    `[presign] POST form ${bucket}/${post.fields.key} (${profile.id}, ${post.dialect}): ${allows}; expires ${expiry.effectiveExpiresAt.toISOString()}; action ${post.url}`,
  );
  const entry: LedgerEntry = {
    id: crypto.randomUUID(),
    profileId: profile.id,
    provider: profile.provider,
    bucket,
    key: post.fields.key,
    method: 'POST',
    headerSet: 'POST form',
    headers: {},
    expirySeconds,
    ...issuedTimes(expiry),
    location: urlLocation(post.url),
    post: limits,
  };
  await services.ledger.add(entry, storedPostText(post));

  const filePath = local && !localIsFolder ? local.fsPath : FILE_PLACEHOLDER;
  await vscode.env.clipboard.writeText(postSnippet(format, post, filePath));
  const others = POST_FORMATS.filter((f) => f !== format);
  const copyAs = (f: PostFormat) => `Copy as ${POST_FORMAT_LABELS[f]}`;
  const openLedger = 'Open Ledger';
  void vscode.window
    .showInformationMessage(
      `Presigned POST form for "${bucket}/${post.fields.key}" copied as ${POST_FORMAT_LABELS[format]} (${describeRemaining(expiry.effectiveExpiresAt, new Date())}): ${allows}.`,
      ...others.map(copyAs),
      openLedger,
    )
    .then(async (choice) => {
      try {
        const other = others.find((f) => copyAs(f) === choice);
        if (other) await vscode.env.clipboard.writeText(postSnippet(other, post, filePath));
        else if (choice === openLedger) await vscode.commands.executeCommand(`${Views.ledger}.focus`);
      } catch (err) {
        reportError(err, services.log, '[presign]');
      }
    });
  const warnings = [...expiry.warnings, ...endpointWarnings(profile.provider, post.url)];
  if (warnings.length) void vscode.window.showWarningMessage(warnings.join(' '));
  return services.ledger.get(entry.id) ?? entry;
}

/**
 * Copy as ... on a POST entry of the ledger: its form (from secret storage) in `format`, or, for a format a form
 * has no equivalent of (a bare URL, Python, PowerShell), in one the user picks.
 */
export async function copyPostEntry(
  services: Services,
  entry: LedgerEntry,
  format: PostFormat | undefined,
): Promise<LedgerEntry> {
  const post: PresignedPost | undefined = parseStoredPost(await services.ledger.url(entry.id));
  if (!post) {
    throw new ConfigError(
      'ledger',
      'UrlGone',
      `The form for ${entry.bucket}/${entry.key} is no longer in VS Code's secret storage (removed in another window?): presign it again with "Presign POST Form...".`,
    );
  }
  const chosen = format ?? (await pickPostFormat('A POST form is copied as a form, a curl command or a fetch'));
  await vscode.env.clipboard.writeText(postSnippet(chosen, post, FILE_PLACEHOLDER));
  const note = isExpired(entry, new Date()) ? ' It has expired: presign a new one.' : '';
  void vscode.window.showInformationMessage(
    `Copied the POST form for ${entry.bucket}/${entry.key} as ${POST_FORMAT_LABELS[chosen]}.${note}`,
  );
  return entry;
}
