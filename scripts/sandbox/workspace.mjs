// The sandbox's VS Code side: a demo workspace to presign and upload from, and user settings with a
// throwaway profile that points at the embedded s3rver.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { publisher, name } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
/** The Getting Started walkthrough, as `workbench.action.openWalkthrough` names it. */
const WALKTHROUGH_ID = `${publisher}.${name}#ossPresign.gettingStarted`;
/** The demo file the doctor's example uploads, and the example's page in the workspace. */
const DOCTOR_FILE = 'hello.txt';
export const DOCTOR_EXAMPLE = 'try-the-doctor.md';

/**
 * `.vscode/tasks.json`: a task that runs when the folder opens and does nothing but resolve its command variable,
 * which opens the walkthrough (VS Code has no setting that opens an extension's walkthrough at startup). It runs
 * only while `task.allowAutomaticTasks` is on, which writeUserSettings sets for the sandbox's first start.
 */
const OPEN_WALKTHROUGH_TASKS = {
  version: '2.0.0',
  tasks: [
    {
      label: 'Open the OSS Presign walkthrough',
      type: 'shell',
      command: '${input:openWalkthrough}',
      runOptions: { runOn: 'folderOpen' },
      presentation: { reveal: 'never', close: true },
    },
  ],
  inputs: [
    { id: 'openWalkthrough', type: 'command', command: 'workbench.action.openWalkthrough', args: WALKTHROUGH_ID },
  ],
};

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
  const tasks = path.join(dir, '.vscode', 'tasks.json');
  if (!existsSync(tasks)) {
    mkdirSync(path.dirname(tasks), { recursive: true });
    writeFileSync(tasks, JSON.stringify(OPEN_WALKTHROUGH_TASKS, null, 2) + '\n');
  }
}

/**
 * Writes try-the-doctor.md into the workspace (again on every start: the URL names this run's proxy port): a
 * presigned PUT URL for hello.txt signed with no Content-Type, and a curl command that sends one anyway, as a
 * browser's fetch of a Blob does, so a store that checks signatures (the OSS gateway) answers 403
 * SignatureDoesNotMatch and the doctor has a real failure to diagnose from a pasted URL. `connection` is presignPut's
 * connection options (dist/core.js) for that store; `proxy` the HTTP proxy curl must go through to reach it.
 */
export function writeDoctorExample(dir, { connection, bucket, proxy }) {
  const { presignPut } = createRequire(import.meta.url)(path.join(REPO, 'dist', 'core.js'));
  const key = `doctor/${DOCTOR_FILE}`;
  const signed = presignPut({ ...connection, bucket, key, expiresSeconds: 86400 });
  const quote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;
  const added = 'Content-Type: application/octet-stream';
  const curl = [
    `curl${proxy ? ` -x ${quote(proxy)}` : ''} -T ${DOCTOR_FILE}`,
    `  -H ${quote(added)}`,
    `  -w ${quote('\\nHTTP %{http_code}\\n')}`,
    `  ${quote(signed.url)}`,
  ].join(' \\\n');
  const page = `# Try the doctor: an upload that fails on purpose

This presigned PUT URL for \`${bucket}/${key}\` (the sandbox's OSS profile) was signed with no Content-Type.
The command below sends \`${added}\` anyway, as a browser's \`fetch\` of a file does, and the store
refuses it: \`403 SignatureDoesNotMatch\`.

1. Open a terminal in this folder (**Terminal > New Terminal**) and run:

   \`\`\`sh
${curl
  .split('\n')
  .map((line) => `   ${line}`)
  .join('\n')}
   \`\`\`

2. Select the whole XML answer (\`<?xml ... </Error>\`) and copy it.
3. Run **OSS Presign: Diagnose a Failed Upload...** (Command Palette) and paste the URL:

   \`\`\`text
   ${signed.url}
   \`\`\`

4. For the headers the uploader sent, type \`${added}\`. The error XML is read from the clipboard.

The doctor names the cause: a Content-Type was sent that the URL did not sign. Run the command again without the
\`-H\` line and the upload succeeds (\`HTTP 200\`).

The URL is valid for one day; \`npm start\` writes a fresh one each time it starts.
`;
  writeFileSync(path.join(dir, DOCTOR_EXAMPLE), page);
}

/**
 * Merges the sandbox profile into `<userDataDir>/User/settings.json`, keeping any other setting there.
 * The profile carries no secret: credentialSource 'env' makes the extension read AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY from the environment the sandbox starts VS Code with.
 */
export function writeUserSettings(userDataDir, endpoint, { firstStart = false } = {}) {
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
  // s3rver and the gateway listen on loopback ports: code-server's "Your application running on port ... is
  // available" notification about them is noise in the sandbox.
  settings['remote.autoForwardPorts'] = false;
  // The workspace's folder-open task opens the walkthrough; on the first start only.
  settings['task.allowAutomaticTasks'] = firstStart ? 'on' : 'off';
  writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}
