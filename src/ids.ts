/** Every command, view, context key and setting id of the extension, in one place (checked against package.json by a unit test). */
export const EXTENSION_ID = 'oss-presign.oss-presign';

export const Commands = {
} as const;

export const Views = {
  container: 'ossPresign',
} as const;

export const Settings = {
  section: 'ossPresign',
} as const;
