import type { LedgerEntry } from '../../app/ledger';
import { urlLocation } from '../../app/ledger';
import type { diagnoseFromErrorXml, Dialect } from '../../core/index';

/** What the doctor returns: the diagnosis, the server's parsed error and notes on how its text was read. */
export type DoctorResult = ReturnType<typeof diagnoseFromErrorXml>;

/** Where the server's error body came from, for the report. */
export type ErrorSource = 'clipboard' | 'editor' | 'argument' | 'trial';

export interface ReportInput {
  result: DoctorResult;
  /** The presigned URL (only its location is shown: the query holds the signature). */
  url: string;
  method?: string;
  sentHeaders: Record<string, string>;
  /** The values that were signed, when known (a ledger entry or the caller). */
  signedHeaderValues?: Record<string, string> | undefined;
  /** The Presigned URLs entry the URL belongs to, when it was found. */
  entry?: LedgerEntry | undefined;
  errorSource?: ErrorSource | undefined;
  /** HTTP status of a trial upload. */
  trialStatus?: number | undefined;
}

const DIALECT_NAMES: Record<Dialect, string> = {
  'oss-v4': 'OSS V4 (OSS4-HMAC-SHA256)',
  'oss-v1': 'OSS V1 (HMAC-SHA1)',
  's3-v4': 'AWS SigV4',
};

/** True when the request verifies with the profile's keys and nothing else was found wrong. */
export function isVerified(result: DoctorResult): boolean {
  return result.verified && result.causes.length === 0;
}

/**
 * One line for the notification: the causes, or what else to check when the signature is fine. Each part says
 * something even when the diagnosis lacks a field, so no line shows "undefined".
 */
export function summaryText(result: DoctorResult): string {
  if (isVerified(result)) return verifiedAdvice(result);
  const causes = result.causes.map((c) => c.message || c.code).join(' ');
  return result.verified ? `The signature is fine. ${causes}` : causes;
}

function verifiedAdvice(result: DoctorResult): string {
  const permission = result.dialect === 's3-v4' ? 's3:PutObject' : 'oss:PutObject';
  const said = result.serverError?.message?.replace(/\s+/g, ' ').trim();
  return `The signature is fine: the request verifies with this profile's keys. If the upload still fails, check the key's permission (${permission}, or a bucket policy that denies it), the bucket's region (the URL's endpoint), and the server's message${said ? ` ("${said}")` : ''}.`;
}

/** How far the signature itself was checked, in one sentence. */
function signatureNote(result: DoctorResult): string {
  if (result.verified)
    return result.serverError?.canonicalRequest || result.serverError?.stringToSign
      ? "The signature verifies with this profile's keys: the request the server received is the one the URL signs."
      : "The signature verifies with this profile's keys: the request as sent is the one the URL signs.";
  if (result.signatureChecked)
    return "The request does not verify with this profile's keys; each cause below was tested with them.";
  return "The signature could not be checked: no profile with the URL's access key id (or its secret) was available, so the doctor compared what was signed with what was sent.";
}

/** Markdown text: a value in backticks (or a word for an empty or absent one), safe inside a table cell. */
function code(value: string | undefined, absent = '(none)'): string {
  if (value === undefined) return absent;
  if (value === '') return '(empty)';
  const fence = value.includes('`') ? '``' : '`';
  return `${fence}${value.replace(/\|/g, '\\|')}${fence}`;
}

const lower = (headers: Record<string, string> | undefined) =>
  new Map(Object.entries(headers ?? {}).map(([n, v]) => [n.toLowerCase(), v]));

const SOURCES: Record<ErrorSource, string> = {
  clipboard: 'read from the clipboard',
  editor: 'pasted into the editor',
  argument: 'given by the caller',
  trial: 'answered to a trial upload',
};

/** The doctor's report as Markdown: verdict, causes, the server's answer, headers, line differences, notes. */
export function reportText(input: ReportInput): string {
  const { result } = input;
  const verified = isVerified(result);
  const lines = [
    verified ? '# The signature verifies' : '# Why the upload failed',
    '',
    `${input.method ?? 'PUT'} ${code(urlLocation(input.url))}, signed with ${DIALECT_NAMES[result.dialect]}.`,
  ];
  if (input.entry)
    lines.push(
      '',
      `The signed header values come from the Presigned URLs entry ${code(`${input.entry.bucket}/${input.entry.key}`)} (header set ${code(input.entry.headerSet)}).`,
    );

  lines.push('', signatureNote(result));
  lines.push('', verified ? '## What else to check' : result.causes.length > 1 ? '## Causes' : '## Cause', '');
  if (verified) lines.push(verifiedAdvice(result));
  for (const c of result.causes)
    lines.push(`- **${c.code}**${c.header ? ` (${code(c.header)})` : ''}: ${c.message || 'no details.'}`);

  lines.push('', "## The server's answer", '');
  const server = result.serverError;
  if (input.trialStatus !== undefined) lines.push(`- Trial upload: HTTP ${input.trialStatus}`);
  if (server) {
    lines.push(`- Error body: ${input.errorSource ? SOURCES[input.errorSource] : 'given'}`);
    lines.push(`- Code: ${code(server.code || undefined, '(no code)')}${server.ec ? `, EC ${code(server.ec)}` : ''}`);
    if (server.message) lines.push(`- Message: ${server.message.replace(/\s+/g, ' ')}`);
    if (server.requestId) lines.push(`- Request id: ${code(server.requestId)}`);
    if (server.recommendDoc) lines.push(`- Documentation: ${server.recommendDoc}`);
  } else if (input.trialStatus === undefined) {
    lines.push(
      "Not given: the server's side was rebuilt from the headers sent. Paste the XML body of the 403 for a closer look.",
    );
  }

  lines.push('', '## Headers', '');
  const signed = input.signedHeaderValues ? lower(input.signedHeaderValues) : undefined;
  const sent = lower(input.sentHeaders);
  const names = [...new Set([...(signed?.keys() ?? []), ...sent.keys()])].sort();
  if (names.length === 0) {
    lines.push(
      signed ? 'No header was signed or sent.' : 'No header was sent; the signed values are not known for this URL.',
    );
  } else {
    lines.push('| Header | Signed | Sent |', '| --- | --- | --- |');
    for (const name of names)
      lines.push(
        `| ${code(name)} | ${signed ? code(signed.get(name), '(not signed)') : '(not known)'} | ${code(sent.get(name), '(not sent)')} |`,
      );
  }

  const what = result.dialect === 'oss-v1' ? 'string to sign' : 'canonical request';
  lines.push('', `## Signed and verified ${what}`, '');
  if (result.diff.length === 0) {
    lines.push(
      result.signed === undefined
        ? `The ${what} could not be rebuilt from this URL.`
        : `The two ${what}s are the same, line by line.`,
    );
  } else {
    lines.push('| Line | Signed | Server verified |', '| ---: | --- | --- |');
    for (const l of result.diff) lines.push(`| ${l.line} | ${code(l.signed)} | ${code(l.server)} |`);
  }

  if (result.notes?.length) lines.push('', '## Notes', '', ...result.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
