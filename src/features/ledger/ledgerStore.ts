import * as vscode from 'vscode';
import {
  addLedgerEntry,
  ledgerUrlKey,
  partitionExpired,
  sanitizeLedger,
  urlLocation,
  type LedgerEntry,
} from '../../app/ledger';

const STATE_KEY = 'ossPresign.ledger';

/**
 * The issued URLs. Entries (metadata only: no query string, so no signature or credential) live in global state;
 * each URL, a bearer credential, lives only in SecretStorage under `ossPresign.ledger.<id>.url`.
 */
export class LedgerStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {
    // Another window may add or remove URLs.
    this.subscription = secrets.onDidChange((e) => {
      if (/^ossPresign\.ledger\..+\.url$/.test(e.key)) this.emitter.fire();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  list(): LedgerEntry[] {
    return sanitizeLedger(this.state.get<unknown>(STATE_KEY));
  }

  get(id: string): LedgerEntry | undefined {
    return this.list().find((e) => e.id === id);
  }

  /** Records an issued URL: the URL into SecretStorage first, so state never names an entry without its URL. */
  async add(entry: LedgerEntry, url: string): Promise<void> {
    if (entry.location !== urlLocation(entry.location))
      throw new Error('A ledger entry must not carry a query string: it would put the signature into global state.');
    await this.secrets.store(ledgerUrlKey(entry.id), url);
    const { entries, dropped } = addLedgerEntry(this.list(), entry);
    await this.state.update(STATE_KEY, entries);
    await Promise.all(dropped.map((id) => this.secrets.delete(ledgerUrlKey(id))));
    this.emitter.fire();
  }

  /**
   * Records several issued URLs at once (newest last): their URLs into SecretStorage, then one state update.
   * Returns the entries as stored.
   */
  async addMany(items: ReadonlyArray<{ entry: LedgerEntry; url: string }>): Promise<LedgerEntry[]> {
    for (const { entry } of items) {
      if (entry.location !== urlLocation(entry.location))
        throw new Error('A ledger entry must not carry a query string: it would put the signature into global state.');
    }
    await Promise.all(items.map(({ entry, url }) => this.secrets.store(ledgerUrlKey(entry.id), url)));
    let entries = this.list();
    const dropped: string[] = [];
    for (const { entry } of items) {
      const next = addLedgerEntry(entries, entry);
      entries = next.entries;
      dropped.push(...next.dropped);
    }
    await this.state.update(STATE_KEY, entries);
    await Promise.all(dropped.map((id) => this.secrets.delete(ledgerUrlKey(id))));
    this.emitter.fire();
    const added = new Set(items.map((i) => i.entry.id));
    return entries.filter((e) => added.has(e.id));
  }

  /** The URL of an entry, or undefined when secret storage no longer has it (e.g. cleared elsewhere). */
  url(id: string): Thenable<string | undefined> {
    return this.secrets.get(ledgerUrlKey(id));
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const gone = new Set(ids);
    await this.state.update(
      STATE_KEY,
      this.list().filter((e) => !gone.has(e.id)),
    );
    await Promise.all(ids.map((id) => this.secrets.delete(ledgerUrlKey(id))));
    this.emitter.fire();
  }

  /** Removes every entry expired at `now`; returns how many. */
  async clearExpired(now: Date): Promise<number> {
    const { expired } = partitionExpired(this.list(), now);
    await this.remove(expired);
    return expired.length;
  }
}
