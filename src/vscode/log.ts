import * as vscode from 'vscode';
import { redact, type Logger } from '../core/index';

/** Core `Logger` over a LogOutputChannel; every line is redacted before it reaches the channel. */
export function createOutputLogger(channel: vscode.LogOutputChannel): Logger & { show(): void } {
  const fmt = (message: string | Error, args: unknown[]) => {
    const text = message instanceof Error ? `${message.name}: ${message.message}${causeChain(message)}` : message;
    return redact(
      args.length
        ? `${text} ${args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}${causeChain(a)}` : typeof a === 'string' ? a : JSON.stringify(a, hideSecretFields))).join(' ')}`
        : text,
    );
  };
  return {
    trace: (m, ...a) => channel.trace(fmt(m, a)),
    debug: (m, ...a) => channel.debug(fmt(m, a)),
    info: (m, ...a) => channel.info(fmt(m, a)),
    warn: (m, ...a) => channel.warn(fmt(m, a)),
    error: (m, ...a) => channel.error(fmt(m, a)),
    /** For the "Show Log" action of error messages (reportError). */
    show: () => channel.show(true),
  };
}

/** Objects logged as arguments may be connection options: blank their secret fields (redact() sees only text). */
function hideSecretFields(key: string, value: unknown): unknown {
  return typeof value === 'string' && /secret|securitytoken|sessiontoken|ststoken|password/i.test(key) ? '***' : value;
}

function causeChain(err: Error): string {
  let out = '';
  let cause = err.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++, cause = cause.cause)
    out += ` <- ${cause.name}: ${cause.message}`;
  return out;
}
