/** I/O around the doctor: send the uploader's exact request once, and diagnose from a server error body. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { diagnose, type DiagnoseInput, type Diagnosis } from './doctor';
import { readBody } from './http/client';
import { request } from './http/transport';
import { parseError, type ParsedError } from './xml';

/** `diagnose()` taking the server's raw error XML instead of parsed fields. */
export function diagnoseFromErrorXml(
  input: Omit<DiagnoseInput, 'server'> & { errorXml?: string | undefined },
): Diagnosis & { serverError?: ParsedError } {
  const { errorXml, ...rest } = input;
  const parsed = errorXml ? parseError(errorXml) : undefined;
  const server: DiagnoseInput['server'] = parsed
    ? {
        code: parsed.code,
        stringToSign: parsed.stringToSign,
        canonicalRequest: parsed.canonicalRequest,
      }
    : undefined;
  return { ...diagnose({ ...rest, ...(server ? { server } : {}) }), ...(parsed ? { serverError: parsed } : {}) };
}

export interface TrialResult {
  status: number;
  /** The server's `Date` header (clock skew). */
  serverDate?: string;
  /** The raw error body when the status is an error. */
  errorXml?: string;
}

/**
 * Sends the presigned request once, exactly as an uploader would (the URL unchanged, the given headers, the file
 * as the body), and returns the status, the server's Date and its error body. A 2xx means the object was written.
 */
export async function tryPresignedUpload(options: {
  url: string;
  method?: string;
  headers: Record<string, string>;
  filePath: string;
  signal?: AbortSignal;
}): Promise<TrialResult> {
  const size = (await stat(options.filePath)).size;
  const res = await request({
    method: options.method ?? 'PUT',
    url: options.url,
    headers: options.headers,
    body: createReadStream(options.filePath),
    contentLength: size,
    signal: options.signal,
  });
  const body = await readBody(res, { limit: 1024 * 1024 });
  return {
    status: res.status,
    ...(res.headers.date ? { serverDate: res.headers.date } : {}),
    ...(res.status >= 300 ? { errorXml: body } : {}),
  };
}
