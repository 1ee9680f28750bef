import * as vscode from 'vscode';
import { isLedgerEntry, urlLocation, type LedgerEntry } from '../../app/ledger';
import {
  CancelledError,
  ConfigError,
  diagnoseFromErrorXml,
  parsePresignedUrl,
  tryPresignedUpload,
} from '../../core/index';
import type { Services } from '../services';
import { askErrorBody } from './errorBody';
import { isVerified, reportText, summaryText, type DoctorResult, type ErrorSource } from './report';

/** Optional inputs for tests and other commands (skips the questions that they answer). */
export interface DiagnoseArgs {
  url?: string;
  sentHeaders?: Record<string, string>;
  signedHeaderValues?: Record<string, string>;
  errorXml?: string;
  /** Send the request once with this file as the body and diagnose the answer. */
  file?: vscode.Uri;
}

/** What the questions gathered, beside the diagnosis: what the report says about its inputs. */
interface Gathered {
  url: string;
  sentHeaders: Record<string, string>;
  signedHeaderValues?: Record<string, string> | undefined;
  entry?: LedgerEntry | undefined;
  /** The URL as the entry issued it (secret storage), to tell an edited URL from a changed secret. */
  issuedUrl?: string | undefined;
  errorXml?: string | undefined;
  errorSource?: ErrorSource | undefined;
  trialStatus?: number | undefined;
  /** The trial upload's answer `Date` (clock skew). */
  serverDate?: string | undefined;
  /** Whether the user answered a question (then the result is shown). */
  asked: boolean;
}

/** Parses `Name: value` pairs separated by newlines or `;`. */
function parseHeaderList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[\n;]/)) {
    const i = part.indexOf(':');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function headerList(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([n, v]) => `${n}: ${v}`)
    .join('; ');
}

/**
 * "Diagnose a Failed Upload...": a presigned URL (a Presigned URLs entry, the clipboard or an input), the headers
 * the uploader sent and the server's error XML (clipboard or a pasted editor), or a trial upload of a workspace
 * file; shows the cause in plain words, a report and a side-by-side diff of what was signed and what the server
 * verified. Arguments answer questions instead; when they answer all of them nothing is shown (the result is
 * returned), else the result is shown as for the palette.
 */
export async function diagnoseCommand(services: Services, arg: unknown): Promise<DoctorResult | undefined> {
  const entry = isLedgerEntry(arg) ? arg : undefined;
  if (entry && entry.method !== 'PUT')
    throw new ConfigError(
      'entry',
      'NotPresignedPut',
      `"${entry.bucket}/${entry.key}" is an HTML form upload (${entry.method}): the doctor reads presigned PUT URLs. Compare the server's error message with what the form's policy allows (the entry's tooltip).`,
    );
  const args: DiagnoseArgs =
    arg instanceof vscode.Uri
      ? { file: arg }
      : entry
        ? // The URL lives in secret storage; when it is gone from there, the question asks for it.
          { url: (await services.ledger.url(entry.id)) ?? '', signedHeaderValues: entry.headers }
        : ((arg as DiagnoseArgs | undefined) ?? {});
  const gathered = await gather(services, args, entry);
  const result = diagnoseFromErrorXml({
    url: gathered.url,
    issuedUrl: gathered.issuedUrl,
    sentHeaders: gathered.sentHeaders,
    signedHeaderValues: gathered.signedHeaderValues,
    errorXml: gathered.errorXml,
    bucket: gathered.entry?.bucket,
    ...(await credentialsFor(services, gathered.url, gathered.entry)),
    serverDate: gathered.serverDate,
    now: new Date(),
  });
  const report = reportText({
    result,
    url: gathered.url,
    sentHeaders: gathered.sentHeaders,
    signedHeaderValues: gathered.signedHeaderValues,
    entry: gathered.entry,
    errorSource: gathered.errorSource,
    trialStatus: gathered.trialStatus,
  });
  const signed = services.documents.set('/doctor/signed.txt', result.signed ?? '');
  const server = services.documents.set('/doctor/server.txt', result.server ?? '');
  const reportUri = services.documents.set('/doctor/report.md', report);
  services.log.info(
    `[doctor] ${result.dialect}: ${isVerified(result) ? 'verifies' : result.causes.map((c) => c.code).join(', ')}`,
  );
  if (gathered.asked) await show(result, signed, server, reportUri);
  return result;
}

async function gather(services: Services, args: DiagnoseArgs, entry: LedgerEntry | undefined): Promise<Gathered> {
  let asked = false;
  let url = args.url?.trim();
  if (!url) {
    const clip = (await vscode.env.clipboard.readText()).trim();
    const typed = await vscode.window.showInputBox({
      title: 'Diagnose a Failed Upload (1/3): the presigned URL',
      prompt: 'Paste the presigned URL the uploader used.',
      value: isPresigned(clip) ? clip : '',
      ignoreFocusOut: true,
      validateInput: (v) =>
        isPresigned(v.trim()) ? undefined : 'Paste a whole presigned OSS or S3 URL (with its signature parameters).',
    });
    if (!typed) throw new CancelledError();
    url = typed.trim();
    asked = true;
  }
  // A row's URL comes from secret storage; when it was gone and had to be asked for, nothing says how it was issued.
  const issued = entry ? { entry, url: await services.ledger.url(entry.id) } : await ledgerEntryOf(services, url);
  const matched = issued?.entry;
  const issuedUrl = issued?.url;
  const signedHeaderValues = args.signedHeaderValues ?? matched?.headers;

  if (args.file) {
    const sentHeaders = args.sentHeaders ?? signedHeaderValues ?? {};
    const trial = await tryPresignedUpload({ url, headers: sentHeaders, filePath: args.file.fsPath });
    if (trial.status < 300)
      void vscode.window.showInformationMessage(
        `The upload succeeded (HTTP ${trial.status}): this URL works with these headers.`,
      );
    return {
      url,
      sentHeaders,
      signedHeaderValues,
      entry: matched,
      issuedUrl,
      errorXml: trial.errorXml,
      errorSource: 'trial',
      trialStatus: trial.status,
      serverDate: trial.serverDate,
      asked: true,
    };
  }
  let sentHeaders = args.sentHeaders;
  let errorXml = args.errorXml || undefined;
  let errorSource: ErrorSource | undefined = errorXml ? 'argument' : undefined;
  if (!sentHeaders) {
    const typed = await vscode.window.showInputBox({
      title: 'Diagnose a Failed Upload (2/3): headers the uploader sent',
      prompt: signedHeaderValues
        ? 'Headers sent with the PUT, as "Name: value" separated by ";". Prefilled with the signed ones: change what the uploader sent differently, remove what it did not send.'
        : 'Headers sent with the PUT, as "Name: value" separated by ";" (leave empty if none or unknown).',
      value: signedHeaderValues ? headerList(signedHeaderValues) : '',
      placeHolder: 'Content-Type: image/png; x-oss-meta-owner: ana',
      ignoreFocusOut: true,
    });
    if (typed === undefined) throw new CancelledError();
    sentHeaders = parseHeaderList(typed);
    asked = true;
    if (!errorXml) {
      const body = await askErrorBody();
      errorXml = body?.xml;
      errorSource = body?.source;
    }
  }
  return { url, sentHeaders, signedHeaderValues, entry: matched, issuedUrl, errorXml, errorSource, asked };
}

/**
 * The Presigned URLs entry a pasted URL was issued as, with the URL it issued: the same location and the same
 * signature or signing moment (so an edited expiry or a damaged signature still matches, which is what the doctor
 * then reports).
 */
async function ledgerEntryOf(
  services: Services,
  url: string,
): Promise<{ entry: LedgerEntry; url: string } | undefined> {
  const pasted = issuanceOf(url);
  if (!pasted) return undefined;
  const location = urlLocation(url);
  const candidates: Array<{ entry: LedgerEntry; url: string; issued: Issuance }> = [];
  for (const entry of services.ledger.list().filter((e) => e.location === location && e.method === 'PUT')) {
    const stored = await services.ledger.url(entry.id);
    const issued = stored ? issuanceOf(stored) : undefined;
    if (stored && issued) candidates.push({ entry, url: stored, issued });
  }
  const bySignature = candidates.find((c) => pasted.signature && c.issued.signature === pasted.signature);
  // Only one URL for this object signed at that moment: the same issuance, its signature or expiry edited.
  const byTime = candidates.filter((c) => pasted.signedAt && c.issued.signedAt === pasted.signedAt);
  const match = bySignature ?? (byTime.length === 1 ? byTime[0] : undefined);
  return match && { entry: match.entry, url: match.url };
}

interface Issuance {
  signature?: string | undefined;
  signedAt?: string | undefined;
}

/** What identifies one issuance of a URL: its signature, and the signing time (V4) or absolute expiry (V1). */
function issuanceOf(url: string): Issuance | undefined {
  try {
    const parsed = parsePresignedUrl(url);
    const [signature, signedAt] =
      parsed.dialect === 's3-v4'
        ? ['X-Amz-Signature', 'X-Amz-Date']
        : parsed.dialect === 'oss-v4'
          ? ['x-oss-signature', 'x-oss-date']
          : ['Signature', 'Expires'];
    return { signature: parsed.get(signature) || undefined, signedAt: parsed.get(signedAt) || undefined };
  } catch {
    return undefined;
  }
}

/** The keys of the profile that issued the entry, else of the profile whose access key id signed the URL. */
async function credentialsFor(
  services: Services,
  url: string,
  entry: LedgerEntry | undefined,
): Promise<{ credentials?: { accessKeyId: string; accessKeySecret: string } }> {
  const parsed = parsePresignedUrl(url);
  const keyId =
    parsed.dialect === 'oss-v1'
      ? parsed.get('OSSAccessKeyId')
      : (parsed.get(parsed.dialect === 's3-v4' ? 'X-Amz-Credential' : 'x-oss-credential') ?? '').split('/')[0];
  // The entry's own profile first. A profile that reads its keys from the environment names no key id in settings:
  // its connection tells which key it signs with.
  const profiles = [...services.profiles.list()].sort(
    (a, b) => Number(b.id === entry?.profileId) - Number(a.id === entry?.profileId),
  );
  for (const profile of profiles) {
    if (profile.accessKeyId !== undefined && profile.accessKeyId !== keyId) continue;
    const connection = await services.profiles.connection(profile.id).catch(() => undefined);
    if (connection && connection.accessKeyId === keyId)
      return { credentials: { accessKeyId: connection.accessKeyId, accessKeySecret: connection.accessKeySecret } };
  }
  return {};
}

function isPresigned(text: string): boolean {
  try {
    parsePresignedUrl(text);
    return true;
  } catch {
    return false;
  }
}

async function show(d: DoctorResult, signed: vscode.Uri, server: vscode.Uri, report: vscode.Uri): Promise<void> {
  const openReport = 'Open Report';
  if (isVerified(d)) {
    const action = await vscode.window.showInformationMessage(summaryText(d), openReport);
    if (action === openReport) await vscode.commands.executeCommand('markdown.showPreview', report);
    return;
  }
  // Lines to compare only when the signed and the verified request differ (an expired URL's are the same).
  if (d.diff.length)
    await vscode.commands.executeCommand('vscode.diff', signed, server, 'Signed ↔ Verified by the server');
  const action = await vscode.window.showWarningMessage(summaryText(d), openReport);
  if (action === openReport) await vscode.commands.executeCommand('markdown.showPreview', report);
}
