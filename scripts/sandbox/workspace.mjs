// The sandbox's VS Code side: a demo workspace to presign and upload from, and user settings with a
// throwaway profile that points at the embedded s3rver.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const SANDBOX_PROFILE_ID = 'sandbox';

const DEMO_FILES = [
  ['hello.txt', 'Hello from the OSS Presign sandbox.\nRight-click me in the Explorer to presign or upload.\n'],
  ['notes with spaces.md', '# Notes\n\nA file name with spaces, to see how the key is encoded in the URL.\n'],
  ['données.csv', 'ville,pays\nHangzhou,Chine\nSeattle,États-Unis\n'],
  ['site/index.html', '<!doctype html>\n<title>Sandbox</title>\n<p>Upload me with Content-Type text/html.</p>\n'],
];

/** Creates the demo files that are missing; leaves files the user changed alone. */
export function writeDemoWorkspace(dir) {
  for (const [name, text] of DEMO_FILES) {
    const file = path.join(dir, name);
    if (existsSync(file)) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const png = path.join(dir, 'site', 'cloud.png');
  if (!existsSync(png)) copyFileSync(path.join(REPO, 'media', 'icon.png'), png);
}

/**
 * Merges the sandbox profile into `<userDataDir>/User/settings.json`, keeping any other setting there.
 * The profile carries no secret: credentialSource 'env' makes the extension read AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY from the environment the sandbox starts VS Code with.
 */
export function writeUserSettings(userDataDir, endpoint) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  let settings = {};
  try {
    if (existsSync(file)) settings = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(
      `cannot read ${file} as JSON (${err.message}): remove comments and trailing commas, or delete the file`,
      { cause: err },
    );
  }
  settings['ossPresign.profiles'] = [
    {
      id: SANDBOX_PROFILE_ID,
      name: 'Sandbox (local s3rver)',
      provider: 's3',
      endpoint,
      region: 'us-east-1',
      addressing: 'path',
      credentialSource: 'env',
    },
  ];
  writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}
