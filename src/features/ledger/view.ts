import * as vscode from 'vscode';
import { describeRemaining, expiryLimitOf, expiryReason, formatDuration } from '../../app/expiry';
import { isExpired, type LedgerEntry } from '../../app/ledger';
import { describePostLimits } from '../../app/postForm';
import { Views } from '../../vscode/ids';
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
    const now = new Date();
    const expired = isExpired(e, now);
    const limit = expiryLimitOf(e);
    const item = new vscode.TreeItem(e.key, vscode.TreeItemCollapsibleState.None);
    item.id = e.id;
    // The countdown first: a narrow sidebar truncates the end of the description.
    item.description = `${describeRemaining(new Date(e.effectiveExpiresAt), now)}${limit === 'token' ? ' (STS token)' : e.tokenExpiryUnknown ? ' (or earlier: STS token)' : ''} · ${e.bucket} · ${e.headerSet}`;
    item.contextValue = expired ? 'ledgerExpired' : 'ledgerEntry';
    item.iconPath = expired
      ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'))
      : new vscode.ThemeIcon('link');
    item.resourceUri = vscode.Uri.from({ scheme: SCHEME, path: `/${e.id}` });
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${e.method}** \`${e.bucket}/${e.key}\`\n\n`);
    tip.appendMarkdown(`Header set: ${e.headerSet} · profile ${e.profileId}\n\n`);
    tip.appendMarkdown(`Created ${e.createdAt} · valid ${formatDuration(e.expirySeconds)}\n\n`);
    tip.appendMarkdown(
      `Works until ${e.effectiveExpiresAt}: ${expiryReason(limit, e.tokenExpiryUnknown)}${limit === 'token' ? ` (the URL says ${e.urlExpiresAt})` : ''}\n\n`,
    );
    // The contract of the URL, stated even when empty: the uploader must send exactly these headers.
    const headers = Object.entries(e.headers);
    if (e.post) {
      // A form's contract is its policy: what the uploader may choose.
      tip.appendMarkdown(`HTML form upload: ${describePostLimits(e.key, e.post).join(', ')}.`);
    } else if (headers.length) {
      tip.appendMarkdown('Send exactly these headers:\n');
      tip.appendCodeblock(headers.map(([n, v]) => `${n}: ${v}`).join('\n'), 'http');
    } else {
      tip.appendMarkdown('Send no extra headers.');
    }
    item.tooltip = tip;
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
    }),
    vscode.window.registerFileDecorationProvider(tree),
  );
  return view;
}
