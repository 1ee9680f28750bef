/**
 * Ready-to-run upload snippets for a presigned PUT: curl, browser fetch, Python requests and PowerShell. Each one
 * sends exactly the headers `presignPut` returned (a missing or changed signed header is a 403) and nothing that
 * would change them. The URL in a snippet is the bearer credential the user asked to copy; no secret ever is.
 */

export type SnippetFormat = 'url' | 'curl' | 'fetch' | 'python' | 'powershell';

export const SNIPPET_FORMATS: readonly SnippetFormat[] = ['url', 'curl', 'fetch', 'python', 'powershell'];

export interface SnippetInput {
  url: string;
  /** Exactly the headers to send (PresignResult.headers). */
  headers: Record<string, string>;
  /** Local path of the file to upload, as the snippet should name it. */
  filePath: string;
  /** When the URL stops working, stated in a comment. */
  expiresAt?: Date;
}

/** The snippet of one format; `url` is the bare URL. */
export function buildSnippet(format: SnippetFormat, input: SnippetInput): string {
  switch (format) {
    case 'url':
      return input.url;
    case 'curl':
      return buildCurl(input);
    case 'fetch':
      return buildFetch(input);
    case 'python':
      return buildPython(input);
    case 'powershell':
      return buildPowerShell(input);
  }
}

/** POSIX shell single quotes; a `'` inside becomes `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Whether the URL path has `.` or `..` segments, which curl would resolve away unless told `--path-as-is`. */
export function hasDotSegments(url: string): boolean {
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').split(/[?#]/)[0];
  return path.split('/').some((s) => s === '.' || s === '..' || /^(?:\.|%2e){1,2}$/i.test(s));
}

/**
 * curl's `-w` that prints the HTTP status on a line of its own after the answer, so a successful upload (whose
 * answer has no body) says so too.
 */
export const CURL_WRITE_STATUS = `-w ${shellQuote('\\nHTTP %{http_code}\\n')}`;

/**
 * curl: `-T file` streams the file as the PUT body with no Content-Type of its own (`--data-binary` would add
 * `application/x-www-form-urlencoded`), `--fail-with-body` makes a 403 a failing exit status while still printing
 * the XML error, every signed header is set with `-H`, and the status is printed last (`CURL_WRITE_STATUS`).
 */
export function buildCurl(input: SnippetInput): string {
  const lines = [
    `curl --fail-with-body${hasDotSegments(input.url) ? ' --path-as-is' : ''} -T ${shellQuote(input.filePath)}`,
  ];
  for (const [name, value] of Object.entries(input.headers)) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  lines.push(`  ${CURL_WRITE_STATUS}`, `  ${shellQuote(input.url)}`);
  return lines.join(' \\\n') + '\n';
}

/** A file path inside a one-line comment (a newline in a name must not end the comment). */
function commentSafe(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]/g, ' ');
}

function jsString(value: string): string {
  return `'${value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}'`;
}

/** Browser fetch (also runs in Node 18+): an `upload(file)` function taking a File, Blob or bytes. */
export function buildFetch(input: SnippetInput): string {
  const headerLines = Object.entries(input.headers).map(([n, v]) => `      ${jsString(n)}: ${jsString(v)},`);
  return [
    `// Presigned PUT for ${commentSafe(input.filePath)}${input.expiresAt ? ` (valid until ${input.expiresAt.toISOString()})` : ''}.`,
    '// - Pass the File/Blob itself as the body. A presigned PUT does not accept FormData: it would store the',
    '//   multipart form, with a Content-Type the signature does not cover.',
    "// - Keep the headers below exactly: a browser adds a Content-Type of its own (the Blob's type) when none is",
    '//   set, and any signed header that differs makes the upload fail with 403.',
    '// - From a web page, the bucket must allow this PUT by CORS ("OSS Presign: Check Browser Upload (CORS)").',
    'async function upload(file) {',
    `  const response = await fetch(${jsString(input.url)}, {`,
    "    method: 'PUT',",
    ...(headerLines.length ? ['    headers: {', ...headerLines, '    },'] : []),
    '    body: file,',
    '  });',
    '  if (!response.ok) throw new Error(`Upload failed: ${response.status} ${await response.text()}`);',
    '  return response;',
    '}',
    '',
  ].join('\n');
}

function pyString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r/g, '\\r').replace(/\n/g, '\\n')}'`;
}

/** Python requests: `data=f` streams the open file without adding a Content-Type. */
export function buildPython(input: SnippetInput): string {
  const headerLines = Object.entries(input.headers).map(([n, v]) => `    ${pyString(n)}: ${pyString(v)},`);
  return [
    'import requests',
    '',
    `url = ${pyString(input.url)}`,
    ...(headerLines.length ? ['headers = {', ...headerLines, '}'] : ['headers = {}']),
    `with open(${pyString(input.filePath)}, 'rb') as f:`,
    '    response = requests.put(url, data=f, headers=headers)',
    'print(response.status_code, response.text)',
    'response.raise_for_status()',
    '',
  ].join('\n');
}

function psString(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, "''")}'`;
}

/**
 * PowerShell: Invoke-WebRequest rejects Content-Type in -Headers for some bodies and sets its own, so the signed
 * Content-Type goes in -ContentType; the other headers in -Headers.
 */
export function buildPowerShell(input: SnippetInput): string {
  const entries = Object.entries(input.headers);
  const contentType = entries.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  const rest = entries.filter(([n]) => n.toLowerCase() !== 'content-type');
  const lines = [
    `# Presigned PUT for ${commentSafe(input.filePath)}${input.expiresAt ? ` (valid until ${input.expiresAt.toISOString()})` : ''}.`,
  ];
  if (contentType === undefined) {
    lines.push(
      '# No Content-Type was signed: Windows PowerShell 5.1 may add one of its own, which OSS checks; use PowerShell 7+.',
    );
  }
  if (rest.length) lines.push('$headers = @{', ...rest.map(([n, v]) => `  ${psString(n)} = ${psString(v)}`), '}');
  const args = [
    `-Method Put -Uri ${psString(input.url)}`,
    `-InFile ${psString(input.filePath)}`,
    ...(contentType !== undefined ? [`-ContentType ${psString(contentType)}`] : []),
    ...(rest.length ? ['-Headers $headers'] : []),
    '-UseBasicParsing',
  ];
  lines.push(`Invoke-WebRequest ${args.join(' `\n  ')}`, '');
  return lines.join('\n');
}
