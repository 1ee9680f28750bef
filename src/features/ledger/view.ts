import * as vscode from 'vscode';
import { isExpired, ledgerRow, type LedgerEntry } from '../../app/ledger';
import { Contexts, Views } from '../../vscode/ids';
import type { Services } from '../services';

/** Countdown refresh while the view is visible (sooner when an entry expires before the next tick). */
const TICK_MS = 30_000;
/** Tree items carry this scheme as resourceUri so a FileDecorationProvider can grey out expired entries. */
const SCHEME = 'ossPresign-ledger';

class LedgerTree implements vscode.TreeDataProvider<LedgerEntry>, vscode.FileDecorationProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly decorationsChanged = new vscode.EventEmitter<undefined>();
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;

  constructor(private readonly services: Services) {}

  refresh(): void {
    this.changed.fire();
    this.decorationsChanged.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
    this.decorationsChanged.dispose();
  }

  getChildren(element?: LedgerEntry): LedgerEntry[] {
    return element ? [] : this.services.ledger.list();
  }

  getTreeItem(e: LedgerEntry): vscode.TreeItem {
    const row = ledgerRow(e, new Date(), this.services.profiles.get(e.profileId)?.name);
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = e.id;
    item.description = row.description;
    item.contextValue = row.expired ? 'ledgerExpired' : 'ledgerEntry';
    item.iconPath = row.expired
      ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'))
      : new vscode.ThemeIcon('link');
    item.resourceUri = vscode.Uri.from({ scheme: SCHEME, path: `/${e.id}` });
    item.tooltip = new vscode.MarkdownString(row.tooltip);
    return item;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== SCHEME) return undefined;
    const entry = this.services.ledger.get(uri.path.slice(1));
    if (!entry || !isExpired(entry, new Date())) return undefined;
    return { color: new vscode.ThemeColor('disabledForeground'), tooltip: 'Expired' };
  }
}

/**
 * The "Presigned URLs" view: every issued URL with its header set and a live countdown (one 30 s timer, running
 * only while the view is visible), expired ones greyed. Returns the view (its selection is what Remove acts on).
 */
export function createLedgerView(services: Services): vscode.TreeView<LedgerEntry> {
  const tree = new LedgerTree(services);
  const view = vscode.window.createTreeView(Views.ledger, { treeDataProvider: tree, canSelectMany: true });
  // One timer, re-armed after each refresh, and only while the view is visible.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!view.visible) return;
    const now = Date.now();
    const nextExpiry = Math.min(
      ...services.ledger
        .list()
        .map((e) => Date.parse(e.effectiveExpiresAt))
        .filter((t) => t > now),
    );
    timer = setTimeout(
      () => {
        tree.refresh();
        schedule();
      },
      Math.max(1000, Math.min(TICK_MS, nextExpiry - now + 500)),
    );
  };
  // The walkthrough's steps tick when their work is done, also in an earlier session: a profile exists (the
  // sandbox's comes from settings), the ledger holds a URL.
  const updateContext = () => {
    void vscode.commands.executeCommand('setContext', Contexts.hasProfiles, services.profiles.list().length > 0);
    void vscode.commands.executeCommand('setContext', Contexts.hasPresignedUrls, services.ledger.list().length > 0);
  };
  updateContext();
  schedule();
  services.context.subscriptions.push(
    tree,
    view,
    { dispose: () => timer && clearTimeout(timer) },
    view.onDidChangeVisibility(() => {
      if (view.visible) tree.refresh();
      schedule();
    }),
    services.ledger.onDidChange(() => {
      tree.refresh();
      schedule();
      updateContext();
    }),
    // Rows name their profile.
    services.profiles.onDidChange(() => {
      tree.refresh();
      updateContext();
    }),
    vscode.window.registerFileDecorationProvider(tree),
  );
  return view;
}
