// src/features/profiles: Add Profile's failed connection test offers "Back to <the step the error is about>" as the
// dialog's default (first) button, before "Save Anyway", and Back reopens that step; Import Profiles with nothing
// to import offers Add Profile.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as vscode from 'vscode';
import { createHarness, type Harness } from '../fakes/services';

type Wizard = typeof import('../../../src/features/profiles/wizard');
type Core = typeof import('../../../src/core/index');

/** A store that answers ListBuckets with `status` and an S3 error `code`. */
async function failingStore(status: number, code: string) {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>${code} from the test store</Message></Error>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Add Profile: a failed connection test', () => {
  let h: Harness;
  /** The step numbers of the QuickPicks and InputBoxes the wizard showed, in order. */
  const steps: number[] = [];

  beforeEach(() => {
    h = createHarness();
    steps.length = 0;
    const window = h.fake.vscode.window as unknown as Record<string, () => { show(): void; step?: number }>;
    for (const name of ['createQuickPick', 'createInputBox'] as const) {
      const create = window[name];
      window[name] = () => {
        const input = create();
        const show = input.show.bind(input);
        input.show = () => {
          steps.push(input.step ?? 0);
          show();
        };
        return input;
      };
    }
  });
  afterEach(() => h.dispose());

  /** Answers the seven steps for an S3 profile on `endpoint`. */
  const answerAll = (endpoint: string) => {
    h.fake.answers.quickPicks.push('S3-compatible', endpoint, 'Path style');
    h.fake.answers.inputBoxes.push('us-east-1', 'AKIDTEST', 'wrong-secret', 'Test store');
  };
  const runWizard = () => {
    const { runProfileWizard } = h.load<Wizard>('features/profiles/wizard.js');
    return runProfileWizard(h.services().profiles);
  };

  it('an endpoint that does not answer: "Back to Endpoint" is the default button and reopens the endpoint step', async () => {
    answerAll('http://127.0.0.1:9');
    // Back, then Escape on the endpoint step.
    h.fake.answers.messages.push('Back to Endpoint');
    h.fake.answers.quickPicks.push(undefined);
    assert.equal(await runWizard(), undefined);
    const dialog = h.fake.record.messages.find((m) => m.text.startsWith('Test connection failed'));
    assert.deepEqual(dialog?.items, ['Back to Endpoint', 'Save Anyway']);
    assert.equal(h.spy.messages.find((m) => m.text === dialog?.text)?.options?.modal, true);
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7, 2]);
  });

  it('a wrong secret (SignatureDoesNotMatch): Back goes to the secret step', async (t) => {
    const store = await failingStore(403, 'SignatureDoesNotMatch');
    t.after(store.close);
    answerAll(store.endpoint);
    h.fake.answers.messages.push('Back to Secret');
    h.fake.answers.inputBoxes.push(undefined);
    assert.equal(await runWizard(), undefined);
    assert.equal(
      h.fake.record.messages.find((m) => m.text.startsWith('Test connection failed'))?.items[0],
      'Back to Secret',
    );
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7, 6]);
  });

  it('names the step each failure is about', () => {
    const { stepOfFailure } = h.load<Wizard>('features/profiles/wizard.js');
    const { ServiceError, NetworkError } = h.load<Core>('core/index.js');
    const service = (code: string) => new ServiceError({ status: 403, code, message: code });
    assert.equal(stepOfFailure(new NetworkError('ECONNREFUSED', 'refused')), 2);
    assert.equal(stepOfFailure(service('InvalidAccessKeyId')), 5);
    assert.equal(stepOfFailure(service('SignatureDoesNotMatch')), 6);
    assert.equal(stepOfFailure(service('AuthorizationHeaderMalformed')), 3);
    assert.equal(stepOfFailure(service('SomethingElse')), 2);
  });
});

describe('Import Profiles with nothing to import', () => {
  let h: Harness;
  const home = process.env.HOME;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => {
    process.env.HOME = home;
    h.dispose();
  });

  const importProfiles = async () => {
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { profileCommands } = h.load<typeof import('../../../src/features/profiles/commands')>(
      'features/profiles/commands.js',
    );
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, profileCommands(h.services()));
    h.fake.answers.messages.push('Add Profile');
    // Escape on the wizard's first step.
    h.fake.answers.quickPicks.push(undefined);
    await h.fake.vscode.commands.executeCommand('ossPresign.importProfiles');
    assert.deepEqual(h.fake.record.questions, ['Add Profile'], 'the wizard did not start');
    return h.fake.record.messages;
  };
  const homeWith = (files: Record<string, string>) => {
    const home = join(h.dir, 'home');
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(home, name)), { recursive: true });
      writeFileSync(join(home, name), text);
    }
    mkdirSync(home, { recursive: true });
    process.env.HOME = home;
  };

  it('no credentials file at all: says which files it looked for and offers Add Profile, which starts the wizard', async () => {
    homeWith({});
    const [message, ...more] = await importProfiles();
    assert.match(message?.text ?? '', /^Found none of ~\/\.aws\/credentials/);
    assert.equal(message?.level, 'info');
    assert.deepEqual(message?.items, ['Add Profile']);
    assert.deepEqual(more, []);
  });

  it('files without static keys: says so and offers Add Profile', async () => {
    homeWith({ '.aws/config': '[profile sso]\nsso_start_url = https://example.awsapps.com/start\n' });
    const [message] = await importProfiles();
    assert.match(message?.text ?? '', /^No profile with static access keys found/);
    assert.deepEqual(message?.items, ['Add Profile']);
  });
});
