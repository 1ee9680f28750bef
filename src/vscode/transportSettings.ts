/**
 * Feeds VS Code's proxy settings (`http.proxy`, `http.noProxy`) and our request timeouts (`ossPresign.timeouts.*`)
 * to the core transport, and follows their changes.
 */
import * as vscode from 'vscode';
import { configureTransport, DEFAULT_TIMEOUTS, type Logger } from '../core/index';
import { settings } from './settings';

/** VS Code's own settings (not ours): the proxy every extension is expected to honour. */
const HTTP_SECTION = 'http';

function apply(log: Logger, initial: boolean): void {
  const http = vscode.workspace.getConfiguration(HTTP_SECTION);
  const proxy = http.get<string>('proxy')?.trim() || undefined;
  const noProxy = http.get<string[]>('noProxy') ?? [];
  const timeouts = settings.timeouts();
  // Left at their defaults, the transport's own (the environment's proxy, the same timeouts) already apply.
  const allDefault =
    !proxy &&
    noProxy.length === 0 &&
    (Object.keys(timeouts) as Array<keyof typeof timeouts>).every((k) => timeouts[k] === DEFAULT_TIMEOUTS[k]);
  if (initial && allDefault) return;
  try {
    // Without http.proxy the transport falls back to HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
    configureTransport({ proxy, ...(noProxy.length ? { noProxy: noProxy.join(',') } : {}), timeouts });
  } catch (err) {
    // The previous proxy configuration stays in effect.
    log.warn(`[http] ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function followTransportSettings(context: vscode.ExtensionContext, log: Logger): void {
  apply(log, true);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (
        e.affectsConfiguration(`${HTTP_SECTION}.proxy`) ||
        e.affectsConfiguration(`${HTTP_SECTION}.noProxy`) ||
        settings.affects(e, 'timeouts')
      )
        apply(log, false);
    }),
  );
}
