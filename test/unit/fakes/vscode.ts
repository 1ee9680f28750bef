// A recording, in-memory stand-in for the part of the `vscode` API the extension uses, to run the shipped bundle
// (dist/extension.js) in plain Node. It records what the extension shows, asks and logs, and answers questions
// from scripted queues. Anything it does not implement throws "fake vscode: ... not implemented" when used, so a
// test cannot pass because a call silently did nothing.
import { promises as fsp } from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';

function fail(message: string): never {
  throw new Error(`fake vscode: ${message}`);
}

function notImplemented(what: string): never {
  return fail(`${what} not implemented`);
}

/** Read by `await` and JSON.stringify on any object: absent means what it means for a plain object. */
const PROBED = new Set<string | symbol>(['then', 'toJSON']);

/** `target`, except that reading a property it lacks throws. */
function strict<T extends object>(what: string, target: T): T {
  return new Proxy(target, {
    get: (t, key, receiver) =>
      typeof key === 'symbol' || PROBED.has(key) || key in t
        ? Reflect.get(t, key, receiver)
        : notImplemented(`${what}.${key}`),
  });
}

/**
 * A name the fake lacks. The bundle copies every `vscode.X` its sources mention (type names too) when it loads,
 * so reading the name must work; calling, constructing or reading a property of it throws.
 */
function missing(name: string): unknown {
  // A function expression, not an arrow: only a constructible target lets `new` reach the construct trap.
  const use = function (): never {
    return notImplemented(`vscode.${name}`);
  };
  return new Proxy(use, { apply: use, construct: use, get: use });
}

type Listener<T> = (e: T) => unknown;

export class Disposable {
  constructor(private readonly callOnDispose: () => unknown) {}
  dispose(): void {
    this.callOnDispose();
  }
}

/** Where listener errors go (VS Code logs them instead of throwing them into `fire`): the newest fake's record. */
let onListenerError: (err: unknown) => void = (err) => {
  throw err;
};

export class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>, thisArgs?: unknown, disposables?: Disposable[]): Disposable => {
    const bound: Listener<T> = (e) => listener.call(thisArgs, e);
    this.listeners.add(bound);
    const d = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        onListenerError(err);
      }
    }
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** Local paths are POSIX paths (the unit tests run on Linux and macOS). */
export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}
  static file(fsPath: string): Uri {
    return new Uri('file', '', path.resolve(fsPath), '', '');
  }
  static parse(value: string): Uri {
    const u = new URL(value);
    return new Uri(u.protocol.slice(0, -1), u.host, decodeURIComponent(u.pathname), u.search.slice(1), u.hash.slice(1));
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? '', c.fragment ?? '');
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, base.authority, path.posix.join(base.path, ...segments), base.query, base.fragment);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    const authority = this.authority || this.scheme === 'file' ? `//${this.authority}` : '';
    return `${this.scheme}:${authority}${encodeURI(this.path)}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 } as const;

export class TreeItem {
  label?: string;
  resourceUri?: Uri;
  constructor(
    labelOrUri: string | Uri,
    public collapsibleState: number = TreeItemCollapsibleState.None,
  ) {
    if (labelOrUri instanceof Uri) this.resourceUri = labelOrUri;
    else this.label = labelOrUri;
  }
}

export class MarkdownString {
  constructor(public value = '') {}
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendCodeblock(code: string, language = ''): this {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

export class RelativePattern {
  readonly baseUri: Uri;
  constructor(
    base: Uri | string,
    readonly pattern: string,
  ) {
    this.baseUri = typeof base === 'string' ? Uri.file(base) : base;
  }
}

export class CancellationTokenSource {
  private readonly cancelled = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.cancelled.event };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.cancelled.fire();
  }
  dispose(): void {
    this.cancelled.dispose();
  }
}

export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;
export const StatusBarAlignment = { Left: 1, Right: 2 } as const;
export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 } as const;
export const ExtensionMode = { Production: 1, Development: 2, Test: 3 } as const;
export const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 } as const;
export const QuickInputButtons = { Back: { iconPath: new ThemeIcon('arrow-left') } } as const;
export const InputBoxValidationSeverity = { Info: 1, Warning: 2, Error: 3 } as const;

/** A scripted answer to a QuickPick or InputBox that presses its Back button. */
export const BACK = Symbol('back');
/** A scripted answer: a label (QuickPick), labels (canPickMany), a value (InputBox), BACK, or undefined for Escape. */
export type Answer = string | string[] | typeof BACK | undefined;

/** VS Code's default `files.exclude`, which findFiles applies when no exclude is given. */
const DEFAULT_EXCLUDES = new Set(['.git', '.svn', '.hg', 'CVS', '.DS_Store', 'Thumbs.db']);

async function walk(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => !DEFAULT_EXCLUDES.has(e.name))
      .map((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])),
  );
  return nested.flat();
}

const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

type Item = string | { label: string };
const labelOf = (item: Item) => (typeof item === 'string' ? item : item.label);

export interface FakeVscodeOptions {
  /** Setting defaults by full key, as package.json `contributes.configuration` declares them. */
  defaults?: Record<string, unknown>;
  /** Folders of the open workspace (none: `workspaceFolders` is undefined). */
  workspaceFolders?: string[];
}

/** A fresh fake `vscode` module (`vscode`) with what it recorded (`record`) and the answers it will give (`answers`). */
export function createFakeVscode(options: FakeVscodeOptions = {}) {
  const record = {
    executed: [] as { id: string; args: unknown[] }[],
    messages: [] as { level: 'info' | 'warning' | 'error'; text: string; items: string[] }[],
    /** Titles (or placeholders) of the QuickPicks and InputBoxes shown. */
    questions: [] as (string | undefined)[],
    progress: [] as { title?: string | undefined; reports: { message?: string; increment?: number }[] }[],
    log: [] as { channel: string; level: string; text: string }[],
    documentsShown: [] as string[],
    statusBarMessages: [] as string[],
    /** Errors thrown by event listeners (VS Code logs and swallows them) and script mistakes: a test asserts none. */
    errors: [] as unknown[],
    /** Context keys set with the built-in `setContext` command. */
    contexts: {} as Record<string, unknown>,
  };
  onListenerError = (err) => record.errors.push(err);
  const answers = { messages: [] as (string | undefined)[], quickPicks: [] as Answer[], inputBoxes: [] as Answer[] };
  /** User (global) setting values by full key. */
  const settings = new Map<string, unknown>();
  const defaults = options.defaults ?? {};
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const contentProviders = new Map<string, { provideTextDocumentContent(uri: Uri): string | undefined }>();
  /** What the extension created or registered and has not disposed yet. */
  const live = new Set<string>();
  const running = new Set<CancellationTokenSource>();
  const configurationChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
  const folders = options.workspaceFolders?.map((f, index) => ({ uri: Uri.file(f), name: path.basename(f), index }));
  let clipboard = '';
  let ids = 0;

  const track = (what: string, onDispose?: () => void) => {
    const name = `${what} #${++ids}`;
    live.add(name);
    return () => {
      live.delete(name);
      onDispose?.();
    };
  };
  const event = () => new EventEmitter<never>().event;

  const message =
    (level: 'info' | 'warning' | 'error') =>
    async (text: string, ...rest: unknown[]) => {
      const items = (
        typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? rest.slice(1) : rest
      ) as (string | { title: string })[];
      const titles = items.map((i) => (typeof i === 'string' ? i : i.title));
      record.messages.push({ level, text, items: titles });
      const answer = answers.messages.shift();
      if (answer === undefined) return undefined;
      const index = titles.indexOf(answer);
      return index >= 0
        ? items[index]
        : fail(`the scripted answer "${answer}" to "${text}" is none of ${JSON.stringify(titles)}`);
    };

  /**
   * createQuickPick / createInputBox: on show() the next scripted answer is typed and accepted (a QuickPick selects
   * the item with that label), BACK presses Back, undefined hides it (Escape). An answer that names no item, or that
   * leaves the input open (rejected by validation), is a script mistake: recorded in `record.errors`, then hidden.
   */
  const quickInput = (kind: 'QuickPick' | 'InputBox') => {
    const accepted = new EventEmitter<void>();
    const hidden = new EventEmitter<void>();
    const button = new EventEmitter<unknown>();
    const valueChanged = new EventEmitter<string>();
    let open = true;
    const untrack = track(kind);
    const answer = (value: Answer) => {
      if (value === undefined) return hidden.fire();
      if (value === BACK) return button.fire(QuickInputButtons.Back);
      if (typeof value !== 'string') return fail(`several answers to ${kind} "${input.title}"`);
      input.value = value;
      valueChanged.fire(value);
      if (kind === 'QuickPick') {
        input.selectedItems = input.items.filter((i) => labelOf(i) === value);
        if (input.selectedItems.length === 0)
          fail(
            `the scripted answer "${value}" to "${input.title}" is none of ${JSON.stringify(input.items.map(labelOf))}`,
          );
      }
      accepted.fire();
      if (open)
        fail(
          `the scripted answer "${value}" to "${input.title}" did not close it${input.validationMessage ? `: ${JSON.stringify(input.validationMessage)}` : ''}`,
        );
    };
    const input = {
      title: undefined as string | undefined,
      value: '',
      items: [] as Item[],
      activeItems: [] as Item[],
      selectedItems: [] as Item[],
      buttons: [] as unknown[],
      validationMessage: undefined as string | { message: string; severity: number } | undefined,
      onDidAccept: accepted.event,
      onDidHide: hidden.event,
      onDidTriggerButton: button.event,
      onDidChangeValue: valueChanged.event,
      show() {
        record.questions.push(input.title);
        const value = (kind === 'QuickPick' ? answers.quickPicks : answers.inputBoxes).shift();
        // Answered after show() returns, as a user would.
        setImmediate(() => {
          try {
            answer(value);
          } catch (err) {
            record.errors.push(err);
            hidden.fire();
          }
        });
      },
      hide: () => hidden.fire(),
      dispose() {
        open = false;
        untrack();
      },
    };
    return input;
  };

  const window = {
    activeTextEditor: undefined,
    showInformationMessage: message('info'),
    showWarningMessage: message('warning'),
    showErrorMessage: message('error'),
    async showQuickPick(
      items: Item[] | Promise<Item[]>,
      opts?: { title?: string; placeHolder?: string; canPickMany?: boolean },
    ) {
      const offered = await items;
      record.questions.push(opts?.title ?? opts?.placeHolder);
      const answer = answers.quickPicks.shift();
      if (answer === undefined) return undefined;
      const labels =
        typeof answer === 'string'
          ? [answer]
          : answer === BACK
            ? fail('showQuickPick has no Back button to press')
            : answer;
      const chosen = labels.map(
        (l) =>
          offered.find((i) => labelOf(i) === l) ??
          fail(`the scripted answer "${l}" to "${opts?.title}" is none of ${JSON.stringify(offered.map(labelOf))}`),
      );
      return opts?.canPickMany ? chosen : chosen[0];
    },
    async showInputBox(opts: { title?: string; prompt?: string; validateInput?: (v: string) => unknown } = {}) {
      record.questions.push(opts.title ?? opts.prompt);
      const answer = answers.inputBoxes.shift();
      if (answer === undefined) return undefined;
      if (typeof answer !== 'string') return fail(`the scripted answer to "${opts.title}" is not text`);
      const problem = await opts.validateInput?.(answer);
      // VS Code does not let the user accept a value the validator rejects: the script is wrong.
      return problem
        ? fail(`the scripted answer "${answer}" to "${opts.title}" fails its validation: ${JSON.stringify(problem)}`)
        : answer;
    },
    createQuickPick: () => quickInput('QuickPick'),
    createInputBox: () => quickInput('InputBox'),
    async withProgress<R>(
      opts: { title?: string },
      task: (
        progress: { report(v: { message?: string; increment?: number }): void },
        token: CancellationTokenSource['token'],
      ) => Promise<R>,
    ) {
      const entry = { title: opts.title, reports: [] as { message?: string; increment?: number }[] };
      record.progress.push(entry);
      const source = new CancellationTokenSource();
      running.add(source);
      try {
        return await task({ report: (v) => entry.reports.push({ ...v }) }, source.token);
      } finally {
        running.delete(source);
        source.dispose();
      }
    },
    createOutputChannel(name: string, opts?: { log?: boolean }) {
      if (!opts?.log) notImplemented('window.createOutputChannel without { log: true }');
      const line =
        (level: string) =>
        (text: unknown, ...args: unknown[]) =>
          void record.log.push({ channel: name, level, text: [text, ...args].map(String).join(' ') });
      return strict(`LogOutputChannel(${name})`, {
        name,
        trace: line('trace'),
        debug: line('debug'),
        info: line('info'),
        warn: line('warn'),
        error: line('error'),
        appendLine: line('info'),
        show: () => undefined,
        dispose: track(`output channel ${name}`),
      });
    },
    createStatusBarItem(id: string, alignment?: number, priority?: number) {
      return strict(`StatusBarItem(${id})`, {
        id,
        alignment,
        priority,
        name: undefined as string | undefined,
        text: '',
        tooltip: undefined as unknown,
        visible: false,
        show() {
          this.visible = true;
        },
        hide() {
          this.visible = false;
        },
        dispose: track(`status bar item ${id}`),
      });
    },
    createTreeView(viewId: string) {
      return strict(`TreeView(${viewId})`, {
        visible: false,
        selection: [] as unknown[],
        onDidCollapseElement: event(),
        onDidExpandElement: event(),
        onDidChangeSelection: event(),
        onDidChangeVisibility: event(),
        dispose: track(`tree view ${viewId}`),
      });
    },
    registerTreeDataProvider: (viewId: string) => new Disposable(track(`tree data provider ${viewId}`)),
    registerFileDecorationProvider: () => new Disposable(track('file decoration provider')),
    async showTextDocument(doc: Uri | { uri: Uri }) {
      record.documentsShown.push((doc instanceof Uri ? doc : doc.uri).toString());
    },
    setStatusBarMessage(text: string) {
      record.statusBarMessages.push(text);
      return new Disposable(() => undefined);
    },
  };

  const workspace = {
    workspaceFolders: folders,
    onDidChangeConfiguration: configurationChanged.event,
    getConfiguration(section?: string) {
      const full = (key: string) => (section ? `${section}.${key}` : key);
      const value = (key: string) => (settings.has(full(key)) ? settings.get(full(key)) : defaults[full(key)]);
      return strict(`WorkspaceConfiguration(${section ?? ''})`, {
        get: (key: string, fallback?: unknown) => clone(value(key)) ?? fallback,
        has: (key: string) => value(key) !== undefined,
        inspect: (key: string) => ({
          key: full(key),
          defaultValue: clone(defaults[full(key)]),
          globalValue: clone(settings.get(full(key))),
        }),
        async update(key: string, newValue: unknown, target?: number | boolean) {
          if (target !== ConfigurationTarget.Global && target !== true)
            notImplemented(`WorkspaceConfiguration.update to target ${String(target)} (only Global)`);
          const changed = full(key);
          if (newValue === undefined) settings.delete(changed);
          else settings.set(changed, clone(newValue));
          configurationChanged.fire({ affectsConfiguration: (s) => changed === s || changed.startsWith(`${s}.`) });
        },
      });
    },
    fs: strict('workspace.fs', {
      async stat(uri: Uri) {
        const st = await fsp.stat(uri.fsPath);
        return {
          type: st.isDirectory() ? FileType.Directory : FileType.File,
          ctime: st.ctimeMs,
          mtime: st.mtimeMs,
          size: st.size,
        };
      },
    }),
    async findFiles(include: RelativePattern, exclude?: unknown) {
      if (!(include instanceof RelativePattern) || include.pattern !== '**/*' || exclude !== undefined)
        notImplemented('workspace.findFiles other than (new RelativePattern(folder, "**/*"))');
      return (await walk(include.baseUri.fsPath)).map((f) => Uri.file(f));
    },
    getWorkspaceFolder: (uri: Uri) =>
      folders?.find(
        (f) => uri.scheme === 'file' && (uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(f.uri.fsPath + path.sep)),
      ),
    asRelativePath(pathOrUri: string | Uri, includeWorkspaceFolder?: boolean) {
      const fsPath = typeof pathOrUri === 'string' ? pathOrUri : pathOrUri.fsPath;
      const folder = workspace.getWorkspaceFolder(Uri.file(fsPath));
      if (!folder) return fsPath;
      const relative = path.relative(folder.uri.fsPath, fsPath);
      return (includeWorkspaceFolder ?? folders!.length > 1) ? `${folder.name}/${relative}` : relative;
    },
    registerFileSystemProvider: (scheme: string) => new Disposable(track(`file system provider ${scheme}`)),
    registerTextDocumentContentProvider(
      scheme: string,
      provider: { provideTextDocumentContent(uri: Uri): string | undefined },
    ) {
      contentProviders.set(scheme, provider);
      return new Disposable(track(`content provider ${scheme}`, () => contentProviders.delete(scheme)));
    },
    async openTextDocument(uri: Uri) {
      const provider = contentProviders.get(uri.scheme);
      const text = provider
        ? (provider.provideTextDocumentContent(uri) ?? '')
        : uri.scheme === 'file'
          ? await fsp.readFile(uri.fsPath, 'utf8')
          : notImplemented(`openTextDocument of ${uri.toString()}`);
      return strict('TextDocument', { uri, fileName: uri.fsPath, isUntitled: false, getText: () => text });
    },
  };

  const api = {
    commands: strict('commands', {
      registerCommand(id: string, handler: (...args: unknown[]) => unknown, thisArg?: unknown) {
        if (commands.has(id)) throw new Error(`command '${id}' already exists`);
        commands.set(id, (...args) => handler.apply(thisArg, args));
        return new Disposable(track(`command ${id}`, () => commands.delete(id)));
      },
      async executeCommand<T = unknown>(id: string, ...args: unknown[]): Promise<T> {
        record.executed.push({ id, args });
        if (id === 'setContext') return void (record.contexts[String(args[0])] = args[1]) as T;
        const handler = commands.get(id);
        if (!handler) throw new Error(`command '${id}' not found`);
        return (await handler(...args)) as T;
      },
    }),
    window: strict('window', window),
    workspace: strict('workspace', workspace),
    env: strict('env', {
      clipboard: strict('env.clipboard', {
        readText: async () => clipboard,
        writeText: async (text: string) => void (clipboard = text),
      }),
    }),
    Uri,
    EventEmitter,
    Disposable,
    ThemeIcon,
    ThemeColor,
    TreeItem,
    TreeItemCollapsibleState,
    MarkdownString,
    ProgressLocation,
    StatusBarAlignment,
    ConfigurationTarget,
    ExtensionMode,
    FileType,
    QuickInputButtons,
    InputBoxValidationSeverity,
    RelativePattern,
    CancellationTokenSource,
  };
  const vscode = new Proxy(api, {
    get: (t, key) => (typeof key === 'symbol' || key in t ? Reflect.get(t, key) : missing(key)),
  });

  return {
    vscode,
    record,
    answers,
    settings,
    /** Ids of the commands registered now. */
    commandIds: () => [...commands.keys()],
    /** What the extension created or registered and has not disposed. */
    undisposed: () => [...live],
    /** Presses Cancel on every running `withProgress` notification. */
    cancelProgress: () => running.forEach((s) => s.cancel()),
  };
}

/** An ExtensionContext over in-memory global state and secret storage, with the stores for inspection. */
export function fakeContext(options: { extensionPath: string; globalStoragePath: string; extensionMode?: number }) {
  const state = new Map<string, string>();
  const secrets = new Map<string, string>();
  const secretChanged = new EventEmitter<{ key: string }>();
  const context = strict('ExtensionContext', {
    subscriptions: [] as { dispose(): unknown }[],
    extensionMode: options.extensionMode ?? ExtensionMode.Production,
    extensionUri: Uri.file(options.extensionPath),
    globalStorageUri: Uri.file(options.globalStoragePath),
    // Stored as JSON, as VS Code does: a value that does not survive JSON would not survive a restart.
    globalState: strict('Memento', {
      get: (key: string, fallback?: unknown) => (state.has(key) ? JSON.parse(state.get(key)!) : fallback),
      keys: () => [...state.keys()],
      async update(key: string, value: unknown) {
        if (value === undefined) state.delete(key);
        else state.set(key, JSON.stringify(value));
      },
    }),
    secrets: strict('SecretStorage', {
      get: async (key: string) => secrets.get(key),
      async store(key: string, value: string) {
        secrets.set(key, value);
        secretChanged.fire({ key });
      },
      async delete(key: string) {
        if (secrets.delete(key)) secretChanged.fire({ key });
      },
      onDidChange: secretChanged.event,
    }),
  });
  return { context, state, secrets };
}

/** Loads a CommonJS module (fresh, not from the cache) with its `require('vscode')` answered by `vscode`. */
export function loadWithFakeVscode<T>(modulePath: string, vscode: object): T {
  const loader = Module as unknown as { _load(this: unknown, request: string, ...rest: unknown[]): unknown };
  const original = loader._load;
  const load = createRequire(__filename);
  const resolved = load.resolve(modulePath);
  loader._load = function (request, ...rest) {
    return request === 'vscode' ? vscode : original.call(this, request, ...rest);
  };
  delete load.cache[resolved];
  try {
    return load(resolved) as T;
  } finally {
    loader._load = original;
    // The module holds this fake's objects: another load must not get it from the cache.
    delete load.cache[resolved];
  }
}
