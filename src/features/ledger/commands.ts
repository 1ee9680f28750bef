import * as vscode from 'vscode';
import { isLedgerEntry, type LedgerEntry } from '../../app/ledger';
import type { Command } from '../../vscode/commands';
import { Commands } from '../../vscode/ids';
import type { Services } from '../services';
import { reissue } from './reissue';

/** The Presigned URLs view's own commands (copying again is presign's Copy as ... on an entry). */
export function ledgerCommands(services: Services, view: vscode.TreeView<LedgerEntry>): Command[] {
  // The view passes the clicked entry and, with several selected, all of them.
  const selected = (arg: unknown, all: unknown): LedgerEntry[] =>
    Array.isArray(all) && all.length > 0 && all.every(isLedgerEntry)
      ? all
      : isLedgerEntry(arg)
        ? [arg]
        : [...view.selection];
  return [
    { id: Commands.reissue, run: (arg) => (isLedgerEntry(arg) ? reissue(services, arg) : undefined) },
    {
      id: Commands.removeLedgerEntry,
      run: async (arg, all) => {
        const entries = selected(arg, all);
        if (entries.length === 0) {
          void vscode.window.showInformationMessage(
            'Select the presigned URLs to remove in the Presigned URLs view first.',
          );
          return;
        }
        await services.ledger.remove(entries.map((e) => e.id));
        services.log.info(`[ledger] removed ${entries.length} URL(s)`);
      },
    },
    {
      id: Commands.clearExpired,
      run: async () => {
        const n = await services.ledger.clearExpired(new Date());
        services.log.info(`[ledger] cleared ${n} expired URL(s)`);
        return n;
      },
    },
  ];
}
