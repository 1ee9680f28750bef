/**
 * Hand-over snippets for a presigned POST: an HTML form, a curl command and a browser `fetch` with `FormData`. Each
 * sends every field of `presignPost` as given, then the file last (the server ignores fields after it). A POST
 * needs no Content-Type header of its own: the body is multipart/form-data, and the object's type is a form field,
 * so the browser's own Content-Type cannot break it as it breaks a presigned PUT. The policy in a snippet is the
 * bearer credential the user asked to copy; no secret ever is.
 */
import { detectContentType } from './contentType';
import type { PresignedPost } from './presignPost';
import { CURL_WRITE_STATUS, shellQuote } from './snippets';

function htmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A one-line comment's text: a line break in a name must not end the comment. */
function commentSafe(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]/g, ' ');
}

const validUntil = (post: PresignedPost) => `valid until ${post.expiresAt.toISOString()}`;

/** The Content-Type prefix the uploader must match, when the policy leaves the exact type to them. */
const contentTypePrefix = (post: PresignedPost) =>
  post.fields['Content-Type'] === undefined ? post.startsWith['Content-Type'] : undefined;

/**
 * A self-contained HTML form: every field hidden, then the file input. With a Content-Type prefix the form shows a
 * text field for the type, pre-filled with the prefix (a plain form cannot read the chosen file's type).
 */
export function buildPostForm(post: PresignedPost): string {
  const prefix = contentTypePrefix(post);
  const lines = [
    `<!-- Presigned POST upload (${validUntil(post)}). Every hidden field is covered by the signed policy: change none. -->`,
    `<form action="${htmlEscape(post.url)}" method="post" enctype="multipart/form-data">`,
    ...Object.entries(post.fields).map(
      ([name, value]) => `  <input type="hidden" name="${htmlEscape(name)}" value="${htmlEscape(value)}">`,
    ),
  ];
  if (prefix !== undefined) {
    lines.push(
      `  <label>Content-Type (must start with ${htmlEscape(prefix)}) <input type="text" name="Content-Type" value="${htmlEscape(prefix)}" required></label>`,
    );
  }
  lines.push('  <input type="file" name="file" required>', '  <button type="submit">Upload</button>', '</form>', '');
  return lines.join('\n');
}

/** curl's `-F name=@"path"` with the quotes curl understands, when the path has a character its parser splits on. */
function curlFilePart(filePath: string): string {
  return /[;,"\\]/.test(filePath) ? `file=@"${filePath.replace(/[\\"]/g, '\\$&')}"` : `file=@${filePath}`;
}

/**
 * curl: every field with `--form-string` (the `-F` that takes the value literally: a leading `@` or `<`, or a
 * `;type=`, in a key or metadata value would otherwise make curl read a file or change the part), then
 * `-F file=@path` last; `--fail-with-body` makes an error status a failing exit while still printing the XML error,
 * and the status is printed last.
 */
export function buildPostCurl(post: PresignedPost, filePath: string): string {
  const prefix = contentTypePrefix(post);
  const head: string[] = [];
  const fields = Object.entries(post.fields);
  if (prefix !== undefined) {
    const detected = detectContentType(filePath);
    if (!detected.startsWith(prefix))
      head.push(`# Set Content-Type to the file's type: the policy accepts only types starting with "${prefix}".`);
    fields.push(['Content-Type', detected.startsWith(prefix) ? detected : prefix]);
  }
  const lines = [
    'curl --fail-with-body',
    ...fields.map(([name, value]) => `  --form-string ${shellQuote(`${name}=${value}`)}`),
    `  -F ${shellQuote(curlFilePart(filePath))}`,
    `  ${CURL_WRITE_STATUS}`,
    `  ${shellQuote(post.url)}`,
  ];
  return [...head, lines.join(' \\\n')].join('\n') + '\n';
}

/**
 * Browser fetch (also Node 18+): an `upload(file)` function taking a File or Blob. The fields go into a `FormData`
 * in order and the file last; with a Content-Type prefix the file's own type is sent, checked against it first.
 */
export function buildPostFetch(post: PresignedPost): string {
  const prefix = contentTypePrefix(post);
  const js = (value: string) => JSON.stringify(value);
  return [
    `// Presigned POST (HTML form upload), ${validUntil(post)}.`,
    '// - Every field below is covered by the signed policy: send them as they are, and the file last.',
    '// - Set no Content-Type header: fetch writes multipart/form-data with its boundary itself.',
    "// - From a web page, the bucket must allow POST from the page's origin by CORS.",
    ...(post.startsWith.key !== undefined
      ? [
          `// - ${commentSafe(`key may be changed to any name starting with ${js(post.startsWith.key)}; \${filename} is replaced by the file's name.`)}`,
        ]
      : []),
    'async function upload(file) {',
    '  const form = new FormData();',
    ...Object.entries(post.fields).map(([name, value]) => `  form.append(${js(name)}, ${js(value)});`),
    ...(prefix !== undefined
      ? [
          `  if (!file.type.startsWith(${js(prefix)})) throw new Error(${js(`Only files of type ${prefix}* may be uploaded here.`)});`,
          '  form.append("Content-Type", file.type);',
        ]
      : []),
    '  form.append("file", file);',
    `  const response = await fetch(${js(post.url)}, { method: "POST", body: form });`,
    '  if (!response.ok) throw new Error(`Upload failed: ${response.status} ${await response.text()}`);',
    '  return response;',
    '}',
    '',
  ].join('\n');
}
