import type * as MimeTypes from 'mime-types';

let mimeTypes: typeof MimeTypes | undefined;

/** The Content-Type for a file name (mime-types), `application/octet-stream` when unknown. */
export function detectContentType(fileName: string): string {
  // mime-types parses its whole database when loaded: load it on first use, not when the extension activates.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  mimeTypes ??= require('mime-types') as typeof MimeTypes;
  return mimeTypes.lookup(fileName) || 'application/octet-stream';
}
