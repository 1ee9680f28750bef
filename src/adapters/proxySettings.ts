/**
 * Feeds VS Code's proxy settings (`http.proxy`, `http.noProxy`) and our request timeouts (`ossPresign.timeouts.*`)
 * to the core transport, and follows their changes.
 */
import * as vscode from 'vscode';
import { configureTransport, DEFAULT_TIMEOUTS } from '../core/http/transport';
import { Settings } from '../ids';
import type { Services } from '../services';

/** VS Code's own settings (not ours): the proxy every extension is expected to honour. */
const HTTP_SECTION = 'http';

function apply(services: Services, initial: boolean): void {
  const http = vscode.workspace.getConfiguration(HTTP_SECTION);
  const proxy = http.get<string>('proxy')?.trim() || undefined;
  const noProxy = http.get<string[]>('noProxy') ?? [];
  const ours = vscode.workspace.getConfiguration(Settings.section);
  const seconds = (setting: string, fallback: number) => Math.max(1, ours.get<number>(setting, fallback)) * 1000;
  const timeouts = { connectMs: seconds(Settings.connectTimeout, 10), headersMs: seconds(Settings.responseTimeout, 30), idleBodyMs: seconds(Settings.idleTimeout, 60) };
  // Left at their defaults, the transport's own (the environment's proxy, the same timeouts) already apply: leaving
  // core alone keeps it from loading on activation.
  const allDefault = !proxy && noProxy.length === 0 && (Object.keys(timeouts) as Array<keyof typeof timeouts>).every((k) => timeouts[k] === DEFAULT_TIMEOUTS[k]);
  if (initial && allDefault) return;
  try {
    // Without http.proxy the transport falls back to HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
    configureTransport({ ...(proxy ? { proxy } : {}), ...(noProxy.length ? { noProxy: noProxy.join(',') } : {}), timeouts });
  } catch (err) {
    // The previous proxy configuration stays in effect.
    services.log.warn(`[http] ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function registerProxySettings(services: Services): void {
  apply(services, true);
  services.context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${HTTP_SECTION}.proxy`) || e.affectsConfiguration(`${HTTP_SECTION}.noProxy`) || e.affectsConfiguration(`${Settings.section}.timeouts`)) apply(services, false);
    }),
  );
}
