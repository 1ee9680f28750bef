/** "Copy Download Link...": a presigned GET of an object, into the clipboard and the Presigned URLs view. */
import * as vscode from 'vscode';
import { describeRemaining, expiryOfSigned } from '../../app/expiry';
import { issuedTimes, urlLocation, type LedgerEntry } from '../../app/ledger';
import type { Profile } from '../../app/profiles';
import { attachmentDisposition, clockFor, detectContentType, presignGet, redact } from '../../core/index';
import { pickExpiry } from '../../vscode/prompts';
import type { Services } from '../services';
import type { ObjectRef } from './objectFileSystem';

/** What the server answers the link with instead of the stored headers (both signed into the URL). */
export interface ResponseOverrides {
  /** `response-content-disposition`. */
  disposition?: string | undefined;
  /** `response-content-type`. */
  contentType?: string | undefined;
}

/** Answers instead of the questions (tests, other commands): nothing is asked. */
export interface DownloadLinkOptions extends ResponseOverrides {
  expirySeconds?: number;
}

const cancelled = () => undefined;

/** The file name part of a key. */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1) || key;
}

/** Asks how the browser should treat the link: shown (stored headers), saved under the key's name, or another name. */
async function askOverrides(key: string, title: string): Promise<ResponseOverrides | undefined> {
  const name = baseName(key);
  const stored = { label: 'Show in the browser', detail: 'The stored Content-Type and Content-Disposition' };
  const save = { label: `Save as ${name}`, detail: 'response-content-disposition: attachment' };
  const rename = { label: 'Save as another name...', detail: 'response-content-disposition: attachment' };
  const retype = {
    label: 'Show with another Content-Type...',
    detail: 'response-content-type, e.g. text/plain to show a file the browser would save',
  };
  const choice = await vscode.window.showQuickPick([stored, save, rename, retype], {
    title: `${title}: when the link is opened`,
    placeHolder: 'The server answers with these headers; the choice is signed into the link',
    ignoreFocusOut: true,
  });
  if (!choice) return cancelled();
  if (choice === stored) return {};
  if (choice === save) return { disposition: attachmentDisposition(name) };
  if (choice === rename) {
    const typed = await vscode.window.showInputBox({
      title: `${title}: file name`,
      prompt: 'The name the browser saves the download under',
      value: name,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() && !/[\r\n]/.test(v) ? undefined : 'Type a file name, such as report.pdf.'),
    });
    return typed === undefined ? cancelled() : { disposition: attachmentDisposition(typed.trim()) };
  }
  const type = await vscode.window.showInputBox({
    title: `${title}: Content-Type`,
    prompt: 'The Content-Type the server answers with',
    value: detectContentType(name),
    ignoreFocusOut: true,
    validateInput: (v) =>
      /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(v.trim()) ? undefined : 'Type a media type, such as text/plain.',
  });
  return type === undefined ? cancelled() : { contentType: type.trim() };
}

/**
 * Signs a download link with the endpoint's server time and records it in the ledger (the URL in secret storage).
 * Returns the entry and the URL.
 */
export async function issueDownloadLink(
  services: Services,
  profile: Profile,
  ref: ObjectRef,
  expirySeconds: number,
  overrides: ResponseOverrides,
): Promise<{ entry: LedgerEntry; url: string }> {
  const conn = await services.profiles.connection(profile.id, ref);
  const date = clockFor(conn).now();
  const signed = presignGet({
    ...conn,
    bucket: ref.bucket,
    key: ref.key,
    expiresSeconds: expirySeconds,
    date,
    responseContentDisposition: overrides.disposition,
    responseContentType: overrides.contentType,
  });
  const expiry = expiryOfSigned(profile, conn, signed.expiresAt, date);
  const entry: LedgerEntry = {
    id: crypto.randomUUID(),
    profileId: profile.id,
    provider: profile.provider,
    bucket: ref.bucket,
    key: ref.key,
    method: 'GET',
    headerSet: overrides.disposition
      ? 'download (attachment)'
      : overrides.contentType
        ? `download as ${overrides.contentType}`
        : 'download',
    headers: {},
    ...(overrides.disposition || overrides.contentType ? { download: { ...overrides } } : {}),
    expirySeconds,
    ...issuedTimes(expiry),
    location: urlLocation(signed.url),
  };
  await services.ledger.add(entry, signed.url);
  services.log.info(
    `[buckets] GET link ${ref.bucket}/${ref.key} (${profile.id}), expires ${expiry.effectiveExpiresAt.toISOString()}: ${redact(signed.url)}`,
  );
  return { entry, url: signed.url };
}

/** "Copy Download Link..." on an object node: expiry, then how the browser treats it; copies the URL. */
export async function copyDownloadLink(
  services: Services,
  ref: ObjectRef,
  options: DownloadLinkOptions = {},
): Promise<LedgerEntry | undefined> {
  const profile = services.profiles.require(ref.profileId);
  const title = `Download Link · ${ref.bucket}/${ref.key}`;
  const expirySeconds = options.expirySeconds ?? (await pickExpiry({ title }));
  const answered = options.expirySeconds !== undefined;
  const overrides = answered
    ? { disposition: options.disposition, contentType: options.contentType }
    : await askOverrides(ref.key, title);
  if (!overrides) return undefined;
  const { entry, url } = await issueDownloadLink(services, profile, ref, expirySeconds, overrides);
  await vscode.env.clipboard.writeText(url);
  const how = overrides.disposition
    ? ' It downloads as a file.'
    : overrides.contentType
      ? ` It opens as ${overrides.contentType}.`
      : '';
  void vscode.window.showInformationMessage(
    `Copied a download link to ${ref.bucket}/${ref.key} (${describeRemaining(new Date(entry.effectiveExpiresAt), new Date())}).${how} Anyone holding it can download the object until then.`,
  );
  return entry;
}
