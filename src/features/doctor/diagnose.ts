import * as vscode from 'vscode';
import { diagnoseFromErrorXml, parsePresignedUrl, tryPresignedUpload, type Diagnosis } from '../../core/index';
import type { Services } from '../services';

/** Optional inputs for tests and other commands (skips the questions that they answer). */
export interface DiagnoseArgs {
  url?: string;
  sentHeaders?: Record<string, string>;
  signedHeaderValues?: Record<string, string>;
  errorXml?: string;
  /** Send the request once with this file as the body and diagnose the answer. */
  file?: vscode.Uri;
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

/**
 * "Diagnose a Failed Upload...": a presigned URL (clipboard or input), the headers the uploader sent and the
 * server's error XML, or a trial upload of a workspace file; shows the cause in plain words and a side-by-side
 * diff of what was signed and what the server verified. A caller's arguments answer the questions instead (then
 * nothing is shown; the diagnosis is returned).
 */
export async function diagnoseCommand(services: Services, arg: unknown): Promise<Diagnosis | undefined> {
  const args: DiagnoseArgs = arg instanceof vscode.Uri ? { file: arg } : ((arg as DiagnoseArgs | undefined) ?? {});
  const result = await run(services, args);
  if (!result) return undefined;
  const signed = services.documents.set('/doctor/signed.txt', result.signed ?? '');
  const server = services.documents.set('/doctor/server.txt', result.server ?? '');
  const report = services.documents.set('/doctor/report.md', reportText(result));
  services.log.info(`[doctor] ${result.dialect}: ${result.causes.map((c) => c.code).join(', ')}`);
  if (!arg || arg instanceof vscode.Uri) await show(result, signed, server, report);
  return result;
}

async function run(services: Services, args: DiagnoseArgs): Promise<Diagnosis | undefined> {
  let url = args.url;
  if (!url) {
    const clip = (await vscode.env.clipboard.readText()).trim();
    const fromClipboard = isPresigned(clip) ? clip : undefined;
    url = await vscode.window.showInputBox({
      title: 'Diagnose a Failed Upload (1/3): the presigned URL',
      prompt: 'Paste the presigned URL the uploader used.',
      value: fromClipboard ?? '',
      ignoreFocusOut: true,
      validateInput: (v) =>
        isPresigned(v.trim()) ? undefined : 'Paste a whole presigned OSS or S3 URL (with its signature parameters).',
    });
    if (!url) return undefined;
  }
  url = url.trim();
  const parsed = parsePresignedUrl(url);
  const keyId =
    parsed.dialect === 'oss-v1'
      ? parsed.get('OSSAccessKeyId')
      : (parsed.get(parsed.dialect === 's3-v4' ? 'X-Amz-Credential' : 'x-oss-credential') ?? '').split('/')[0];
  const profile = services.profiles.list().find((p) => p.accessKeyId === keyId);
  const credentials = profile ? await services.profiles.connection(profile.id).catch(() => undefined) : undefined;

  let sentHeaders = args.sentHeaders;
  let errorXml = args.errorXml;
  let serverDate: string | undefined;
  if (args.file) {
    sentHeaders ??= args.signedHeaderValues ?? {};
    const trial = await tryPresignedUpload({ url, headers: sentHeaders, filePath: args.file.fsPath });
    if (trial.status < 300)
      void vscode.window.showInformationMessage(
        `The upload succeeded (HTTP ${trial.status}): this URL works with these headers.`,
      );
    errorXml = trial.errorXml;
    serverDate = trial.serverDate;
  } else if (!sentHeaders) {
    const typed = await vscode.window.showInputBox({
      title: 'Diagnose a Failed Upload (2/3): headers the uploader sent',
      prompt: 'Headers sent with the PUT, as "Name: value" separated by ";" (leave empty if none or unknown).',
      placeHolder: 'Content-Type: image/png; x-oss-meta-owner: ana',
      ignoreFocusOut: true,
    });
    if (typed === undefined) return undefined;
    sentHeaders = parseHeaderList(typed);
    errorXml ??= await vscode.window.showInputBox({
      title: "Diagnose a Failed Upload (3/3): the server's error (optional)",
      prompt:
        "Paste the XML error body of the 403 (it contains the server's StringToSign / CanonicalRequest), or leave empty.",
      ignoreFocusOut: true,
    });
  }
  return diagnoseFromErrorXml({
    url,
    sentHeaders: sentHeaders ?? {},
    signedHeaderValues: args.signedHeaderValues,
    errorXml: errorXml || undefined,
    ...(credentials
      ? { credentials: { accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret } }
      : {}),
    serverDate,
    now: new Date(),
  });
}

function isPresigned(text: string): boolean {
  try {
    parsePresignedUrl(text);
    return true;
  } catch {
    return false;
  }
}

function reportText(d: Diagnosis): string {
  const lines = [
    `# Why the upload failed (${d.dialect})`,
    '',
    ...d.causes.map((c) => `- **${c.code}**: ${c.message}`),
    '',
  ];
  if (d.diff.length) {
    lines.push('| line | signed | server verified |', '| ---: | --- | --- |');
    for (const l of d.diff)
      lines.push(`| ${l.line} | \`${l.signed.replace(/\|/g, '\\|')}\` | \`${l.server.replace(/\|/g, '\\|')}\` |`);
  }
  return lines.join('\n');
}

async function show(d: Diagnosis, signed: vscode.Uri, server: vscode.Uri, report: vscode.Uri): Promise<void> {
  await vscode.commands.executeCommand('vscode.diff', signed, server, 'Signed ↔ Verified by the server');
  const action = await vscode.window.showWarningMessage(d.causes.map((c) => c.message).join(' '), 'Open Report');
  if (action === 'Open Report') await vscode.commands.executeCommand('markdown.showPreview', report);
}
