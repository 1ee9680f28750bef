// Helpers for unit tests of the VS Code layer (src/vscode, src/features) compiled by tsc to out/src: a loader that
// answers `require('vscode')` with one fake for a whole module graph, a recording logger, spies on the fake's
// window (options and items of questions, open dialogs, the active editor), and the Services object that
// activate() builds, over the fake's settings, global state and secret storage.
import Module, { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type * as vscode from 'vscode';
import type { Profile } from '../../../src/app/profiles';
import type { Logger } from '../../../src/core/index';
import type { Services } from '../../../src/features/services';
import { createFakeVscode, fakeContext, type FakeVscodeOptions, Uri } from './vscode';

// Compiled to out/test/unit/fakes/: the repository root is four levels up, tsc's output of src/ is out/src.
export const ROOT = resolve(__dirname, '../../../..');
export const OUT_SRC = resolve(__dirname, '../../../src');

export interface Manifest {
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}
export const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** Setting defaults by full key, as package.json declares them (what VS Code answers for unset settings). */
export function manifestDefaults(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(manifest.contributes.configuration.properties).map(([key, p]) => [key, p.default]),
  );
}

type FakeVscode = ReturnType<typeof createFakeVscode>;

/**
 * A loader of modules of out/src whose `require('vscode')` (also in the modules they require) answers `vscode`.
 * Each loader has its own copy of the out/src module graph: modules loaded by one loader share module state
 * (and class identities) with each other, never with another loader's, nor with a plain import of the test.
 */
export function createLoader(vscodeModule: object): <T>(relativePath: string) => T {
  const own = new Map<string, NodeJS.Module>();
  const load = createRequire(__filename);
  const ours = (key: string) => key.startsWith(OUT_SRC + sep);
  return <T>(relativePath: string): T => {
    const cache = load.cache;
    const saved = new Map<string, NodeJS.Module>();
    for (const key of Object.keys(cache)) {
      if (!ours(key)) continue;
      saved.set(key, cache[key]!);
      delete cache[key];
    }
    for (const [key, m] of own) cache[key] = m;
    const loader = Module as unknown as { _load(this: unknown, request: string, ...rest: unknown[]): unknown };
    const original = loader._load;
    loader._load = function (request, ...rest) {
      return request === 'vscode' ? vscodeModule : original.call(this, request, ...rest);
    };
    try {
      return load(join(OUT_SRC, relativePath)) as T;
    } finally {
      loader._load = original;
      for (const key of Object.keys(cache)) {
        if (!ours(key)) continue;
        own.set(key, cache[key]!);
        delete cache[key];
      }
      for (const [key, m] of saved) cache[key] = m;
    }
  };
}

/** A core Logger that keeps its lines, with the `show()` of the output logger ("Show Log"). */
export function recordingLogger() {
  const lines: { level: string; text: string }[] = [];
  let revealed: () => void = () => undefined;
  const text = (a: unknown) =>
    a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : JSON.stringify(a);
  const line =
    (level: string) =>
    (message: string | Error, ...args: unknown[]) =>
      void lines.push({ level, text: [message, ...args].map(text).join(' ') });
  const logger = {
    trace: line('trace'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    shows: 0,
    show() {
      logger.shows++;
      revealed();
    },
    lines,
    /** Resolves when show() is called. */
    shown: new Promise<void>((done) => (revealed = done)),
    /** The lines of one level. */
    at: (level: string) => lines.filter((l) => l.level === level).map((l) => l.text),
  };
  return logger satisfies Logger;
}

type Item = string | { label: string; description?: string };

/**
 * Records what the fake's window does not: the options and items of QuickPicks, InputBoxes and messages, and
 * adds the open dialog (answered from `dialogAnswers`) and an active editor.
 */
export function spyOnWindow(fake: FakeVscode) {
  const window = fake.vscode.window as unknown as Record<string, unknown>;
  const original = {
    showQuickPick: window.showQuickPick as (items: Item[], opts?: object) => Promise<unknown>,
    showInputBox: window.showInputBox as (opts?: object) => Promise<string | undefined>,
    showInformationMessage: window.showInformationMessage as (...a: unknown[]) => Promise<unknown>,
    showWarningMessage: window.showWarningMessage as (...a: unknown[]) => Promise<unknown>,
    showErrorMessage: window.showErrorMessage as (...a: unknown[]) => Promise<unknown>,
  };
  const spy = {
    picks: [] as {
      title?: string | undefined;
      placeHolder?: string | undefined;
      labels: string[];
      descriptions: (string | undefined)[];
    }[],
    inputs: [] as {
      title?: string;
      prompt?: string;
      value?: string;
      password?: boolean;
      validateInput?: (v: string) => unknown;
    }[],
    /** Every message shown, with its options object (modal, detail) when it had one. */
    messages: [] as { level: string; text: string; options: { modal?: boolean; detail?: string } | undefined }[],
    dialogs: [] as { title?: string; canSelectMany?: boolean; canSelectFolders?: boolean; openLabel?: string }[],
    /** Answers of the open dialog, in order: the picked files, or undefined for Cancel. */
    dialogAnswers: [] as (Uri[] | undefined)[],
    /** Makes `uri` the active text editor's document (undefined: no editor). */
    setActiveEditor(uri: Uri | undefined, untitled = false) {
      window.activeTextEditor = uri && { document: { uri, isUntitled: untitled, fileName: uri.fsPath } };
    },
  };
  const message =
    (level: string, show: (...a: unknown[]) => Promise<unknown>) =>
    (text: string, ...rest: unknown[]) => {
      const first = rest[0];
      const options =
        typeof first === 'object' && first !== null && !('title' in first)
          ? (first as { modal?: boolean; detail?: string })
          : undefined;
      spy.messages.push({ level, text, options });
      return show(text, ...rest);
    };
  Object.assign(window, {
    async showQuickPick(items: Item[] | Promise<Item[]>, opts?: { title?: string; placeHolder?: string }) {
      const offered = await items;
      spy.picks.push({
        title: opts?.title,
        placeHolder: opts?.placeHolder,
        labels: offered.map((i) => (typeof i === 'string' ? i : i.label)),
        descriptions: offered.map((i) => (typeof i === 'string' ? undefined : i.description)),
      });
      return original.showQuickPick(offered, opts);
    },
    showInputBox(opts: (typeof spy.inputs)[number] = {}) {
      spy.inputs.push(opts);
      return original.showInputBox(opts);
    },
    showInformationMessage: message('info', original.showInformationMessage),
    showWarningMessage: message('warning', original.showWarningMessage),
    showErrorMessage: message('error', original.showErrorMessage),
    async showOpenDialog(opts: (typeof spy.dialogs)[number]) {
      spy.dialogs.push(opts);
      if (spy.dialogAnswers.length === 0) throw new Error('fake vscode: no scripted answer for the open dialog');
      return spy.dialogAnswers.shift();
    },
  });
  return spy;
}

/** A profile of the loopback server (or any endpoint), with every field the store needs. */
export function profile(id: string, extra: Partial<Profile> = {}): Profile {
  return {
    id,
    name: `Profile ${id}`,
    provider: 's3',
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    addressing: 'path',
    accessKeyId: `AKID${id.toUpperCase()}`,
    credentialSource: 'secretStorage',
    ...extra,
  };
}

export interface HarnessOptions extends FakeVscodeOptions {
  extensionMode?: number;
  /** The environment profiles with `credentialSource: "env"` read their keys from (none by default). */
  env?: Record<string, string | undefined>;
}

/**
 * A fake vscode with package.json's setting defaults and a temporary workspace folder, an ExtensionContext over
 * in-memory state and secrets, a loader of out/src bound to that fake, a spy on its window, a recording logger,
 * and (on first use) the Services that activate() would build over them.
 */
export function createHarness(options: HarnessOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'oss-presign-unit-'));
  const fake = createFakeVscode({ defaults: manifestDefaults(), workspaceFolders: [dir], ...options });
  const { context, state, secrets } = fakeContext({
    extensionPath: ROOT,
    globalStoragePath: join(dir, '.globalStorage'),
    ...(options.extensionMode ? { extensionMode: options.extensionMode } : {}),
  });
  const load = createLoader(fake.vscode);
  const spy = spyOnWindow(fake);
  const log = recordingLogger();
  let services: Services | undefined;
  const harness = {
    dir,
    fake,
    context,
    state,
    secrets,
    load,
    spy,
    log,
    /** The services of activate(): ProfileStore over VsCodeSecretStore, LedgerStore, ReadOnlyDocuments, `log`. */
    services(): Services {
      if (services) return services;
      const { ProfileStore } = load<typeof import('../../../src/features/profiles/profileStore')>(
        'features/profiles/profileStore.js',
      );
      const { VsCodeSecretStore } = load<typeof import('../../../src/features/profiles/secretStore')>(
        'features/profiles/secretStore.js',
      );
      const { LedgerStore } = load<typeof import('../../../src/features/ledger/ledgerStore')>(
        'features/ledger/ledgerStore.js',
      );
      const { ReadOnlyDocuments } = load<typeof import('../../../src/vscode/documents')>('vscode/documents.js');
      const ctx = context as unknown as vscode.ExtensionContext;
      const built: Services = {
        context: ctx,
        log,
        profiles: new ProfileStore(new VsCodeSecretStore(ctx.secrets), log, options.env ?? {}),
        ledger: new LedgerStore(ctx.globalState, ctx.secrets),
        documents: new ReadOnlyDocuments(),
      };
      context.subscriptions.push(built.profiles, built.ledger, built.documents);
      services = built;
      return built;
    },
    /** Writes `ossPresign.profiles` (as the user would: the store hears the change) and their secrets. */
    async setProfiles(profiles: Profile[], secret: string | undefined = 'test-secret'): Promise<void> {
      await fake.vscode.workspace.getConfiguration('ossPresign').update('profiles', profiles, 1);
      if (secret) for (const p of profiles) secrets.set(`ossPresign.profile.${p.id}.secret`, secret);
    },
    /** A file of the workspace folder, as a Uri. */
    file: (relativePath: string) => Uri.file(join(dir, relativePath)),
    /** Disposes what the test registered; throws the errors the fake caught (listener errors, script mistakes). */
    dispose(): void {
      for (const d of context.subscriptions.splice(0)) d.dispose();
      rmSync(dir, { recursive: true, force: true });
      if (fake.record.errors.length > 0)
        throw new AggregateError(fake.record.errors, `the fake vscode caught ${fake.record.errors.length} error(s)`);
    },
  };
  return harness;
}

export type Harness = ReturnType<typeof createHarness>;

/** A fake Uri where the sources expect VS Code's. */
export const asUri = (uri: Uri): vscode.Uri => uri as unknown as vscode.Uri;
