/** Feeds VS Code's proxy settings (`http.proxy`, `http.noProxy`) to the core transport, and follows their changes. */
import * as vscode from 'vscode';
import { configureTransport } from '../core/http/transport';
import type { Services } from '../services';

/** VS Code's own settings (not ours): the proxy every extension is expected to honour. */
const HTTP_SECTION = 'http';

function apply(services: Services): void {
  const http = vscode.workspace.getConfiguration(HTTP_SECTION);
  const proxy = http.get<string>('proxy')?.trim() || undefined;
  const noProxy = http.get<string[]>('noProxy') ?? [];
  try {
    // Without http.proxy the transport falls back to HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
    configureTransport({ ...(proxy ? { proxy } : {}), ...(noProxy.length ? { noProxy: noProxy.join(',') } : {}) });
  } catch (err) {
    // The previous proxy configuration stays in effect.
    services.log.warn(`[http] ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function registerProxySettings(services: Services): void {
  apply(services);
  services.context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${HTTP_SECTION}.proxy`) || e.affectsConfiguration(`${HTTP_SECTION}.noProxy`)) apply(services);
    }),
  );
}
