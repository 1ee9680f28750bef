/** Logging port of the core, and the redaction every log line goes through. */

export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export const nullLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Query parameters whose values are bearer credentials or identify them. */
const SENSITIVE_PARAM =
  /([?&](?:[^=&#\s]*(?:signature|credential|security-token|accessKeyId|OSSAccessKeyId)[^=&#\s]*)=)[^&#\s"']*/gi;
/** `Authorization: ...` header values in any dialect (they contain spaces; their fields end at a comma). */
const AUTH_HEADER = /(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi;
/** Session tokens as headers or JSON fields; a query parameter of the same name ends at `&`. */
const TOKEN_HEADER = /(x-(?:oss|amz)-security-token["']?\s*[:=]\s*["']?)[^"'\s,}&]+/gi;
const AUTH_FIELDS = /\b(Credential|Signature|AdditionalHeaders)=[^,\s"'&]+/g;

/**
 * Blanks signature, credential and token values in URLs, query strings and Authorization headers, so a
 * presigned URL (a bearer credential) can be logged. Host, bucket, key and the other params stay readable.
 */
export function redact(text: string): string {
  return text
    .replace(SENSITIVE_PARAM, '$1***')
    .replace(AUTH_HEADER, '$1***')
    .replace(TOKEN_HEADER, '$1***')
    .replace(AUTH_FIELDS, '$1=***');
}

/** Redacts and also removes the given secrets wherever they appear (defence in depth for error chains). */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = redact(text);
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}
