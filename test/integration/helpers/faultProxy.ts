// A loopback reverse proxy for integration tests that injects network faults between the code under
// test and a real origin (radosgw, or a tiny node:http server). Requests that match no injected fault
// are forwarded unchanged, Host header included, so SigV4 signatures computed for the proxy's address
// stay valid at the origin.
//
//   const proxy = await startFaultProxy(s3.endpoint);
//   proxy.inject((r) => r.method === 'PUT' && r.query.has('partNumber'), { kind: 'unavailable' }, { times: 1 });
//   ... point the client at proxy.url ...
//   assert.equal(proxy.requests.filter((r) => r.fault === 'unavailable').length, 1);
//   await proxy.close();
import http from 'node:http';
import type { Socket } from 'node:net';

export type Fault =
  /** Reset the connection (TCP RST) once `afterBytes` (default 1) of the request body have arrived. Not forwarded. */
  | { kind: 'reset-request'; afterBytes?: number }
  /** Forward, send the response headers and `afterBytes` (default 1) body bytes, then reset (RST). */
  | { kind: 'reset-response'; afterBytes?: number }
  /** Forward, send the headers (with the origin's Content-Length) and `afterBytes` (default 1) body bytes, then close cleanly (FIN). */
  | { kind: 'close-response'; afterBytes?: number }
  /** Forward, but hold the response headers back for `delayMs`. */
  | { kind: 'slow-headers'; delayMs: number }
  /** Forward; send the headers at once, then the body in `chunkBytes` (default 1024) pieces every `intervalMs`. */
  | { kind: 'slow-body'; intervalMs: number; chunkBytes?: number }
  /** Answer 503 with an S3 XML error (code ServiceUnavailable unless given, e.g. SlowDown). Not forwarded. */
  | { kind: 'unavailable'; code?: string }
  /** Answer this status and body (application/xml unless headers say otherwise). Not forwarded. */
  | { kind: 'respond'; status: number; body?: string; headers?: Record<string, string> };

/** What a fault predicate sees. `path` and `query` are as the client sent them (not decoded). */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface SeenRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The fault applied to this request, if any. */
  fault?: Fault['kind'] | undefined;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Requests seen, oldest first (the last 1,000). */
  readonly requests: SeenRequest[];
  /** Apply `fault` to requests for which `when` returns true, the first `times` of them (default: all). Earlier rules win. */
  inject(when: (r: ProxiedRequest) => boolean, fault: Fault, opts?: { times?: number }): void;
  clearFaults(): void;
  /** Stops listening and drops every open connection; pending faults are abandoned. */
  close(): Promise<void>;
}

const MAX_RECORDED = 1000;
const MAX_CONNECTIONS = 64;
const ORIGIN_TIMEOUT_MS = 60_000;
// Connection-scoped headers describe one hop; the proxy speaks for itself on each side.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

/** An S3-style error document, as radosgw and AWS send them. */
export function s3ErrorXml(code: string, message: string, requestId = 'fault-proxy'): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`
  );
}

/** Starts a proxy on 127.0.0.1 (random port) in front of `target`, which must be a loopback http:// origin. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const origin = new URL(target);
  if (origin.protocol !== 'http:' || !/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(origin.hostname)) {
    throw new Error(`fault proxy: target must be a loopback http:// origin, got ${target}`);
  }
  const originHost = origin.hostname === 'localhost' ? '127.0.0.1' : origin.hostname.replace(/^\[|\]$/g, '');
  const originPort = Number(origin.port || 80);

  const rules: { when: (r: ProxiedRequest) => boolean; fault: Fault; left: number }[] = [];
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_CONNECTIONS });
  let requestCount = 0;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const pickFault = (req: http.IncomingMessage): Fault | undefined => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const info: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
      headers: req.headers,
    };
    const rule = rules.find((r) => r.left > 0 && r.when(info));
    if (!rule) return undefined;
    rule.left--;
    return rule.fault;
  };

  const withoutHopByHop = (raw: string[]): string[] => {
    const out: string[] = [];
    for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
    return out;
  };

  /** Forwards the request and hands the origin's response to `onResponse`; answers 502 if the origin fails. */
  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    onResponse: (o: http.IncomingMessage) => void,
  ): void => {
    const out = http.request(
      {
        host: originHost,
        port: originPort,
        method: req.method,
        path: req.url,
        headers: withoutHopByHop(req.rawHeaders),
        setHost: false,
        agent,
        timeout: ORIGIN_TIMEOUT_MS,
      },
      onResponse,
    );
    out.on('timeout', () => out.destroy(new Error('origin timed out')));
    out.on('error', (err) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`fault proxy: origin failed: ${err.message}`);
      } else {
        res.destroy();
      }
    });
    req.pipe(out);
  };

  const sendHead = (res: http.ServerResponse, o: http.IncomingMessage): void => {
    res.writeHead(o.statusCode ?? 502, o.statusMessage, withoutHopByHop(o.rawHeaders));
  };

  /** Passes the origin's body through until `afterBytes` have gone out, then cuts the connection. */
  const cutResponse = (
    res: http.ServerResponse,
    o: http.IncomingMessage,
    afterBytes: number,
    how: 'reset' | 'close',
  ): void => {
    sendHead(res, o);
    const socket = res.socket;
    let left = afterBytes;
    let cut = false;
    const doCut = (): void => {
      if (cut) return;
      cut = true;
      o.destroy();
      // Let the bytes already written reach the client before the connection goes.
      res.write('', () =>
        later(20, () => {
          if (!socket) return;
          if (how === 'reset') socket.resetAndDestroy();
          else socket.end();
        }),
      );
    };
    o.on('data', (chunk: Buffer) => {
      if (cut) return;
      const part = chunk.subarray(0, left);
      left -= part.length;
      if (part.length) res.write(part);
      if (left <= 0) doCut();
    });
    o.on('end', doCut);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const fault = pickFault(req);
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, fault: fault?.kind });
    if (requests.length > MAX_RECORDED) requests.shift();
    const requestId = `fault-proxy-${++requestCount}`;

    if (!fault) {
      forward(req, res, (o) => {
        sendHead(res, o);
        o.pipe(res);
      });
      return;
    }
    switch (fault.kind) {
      case 'reset-request': {
        const limit = fault.afterBytes ?? 1;
        let seen = 0;
        const reset = (): void => {
          if (!req.socket.destroyed) req.socket.resetAndDestroy();
        };
        req.on('data', (c: Buffer) => {
          seen += c.length;
          if (seen >= limit) reset();
        });
        req.on('end', reset);
        return;
      }
      case 'reset-response':
      case 'close-response':
        forward(req, res, (o) =>
          cutResponse(res, o, fault.afterBytes ?? 1, fault.kind === 'reset-response' ? 'reset' : 'close'),
        );
        return;
      case 'slow-headers':
        forward(req, res, (o) => {
          o.pause();
          later(fault.delayMs, () => {
            sendHead(res, o);
            o.pipe(res);
          });
        });
        return;
      case 'slow-body':
        forward(req, res, (o) => {
          sendHead(res, o);
          res.flushHeaders();
          const chunks: Buffer[] = [];
          o.on('data', (c: Buffer) => chunks.push(c));
          o.on('end', () => {
            const body = Buffer.concat(chunks);
            const size = Math.max(1, fault.chunkBytes ?? 1024);
            const step = (at: number): void => {
              if (res.destroyed) return;
              if (at >= body.length) {
                res.end();
                return;
              }
              res.write(body.subarray(at, at + size));
              later(fault.intervalMs, () => step(at + size));
            };
            step(0);
          });
        });
        return;
      case 'unavailable':
      case 'respond': {
        const status = fault.kind === 'unavailable' ? 503 : fault.status;
        const body =
          fault.kind === 'unavailable'
            ? s3ErrorXml(fault.code ?? 'ServiceUnavailable', 'Please reduce your request rate.', requestId)
            : (fault.body ?? '');
        const headers = fault.kind === 'respond' ? fault.headers : undefined;
        // Read the whole request first, as a server would, so the client never sees EPIPE instead of the answer.
        req.resume();
        req.on('end', () => {
          res.writeHead(status, {
            'content-type': 'application/xml',
            'x-amz-request-id': requestId,
            ...headers,
            'content-length': String(Buffer.byteLength(body)),
          });
          res.end(body);
        });
        return;
      }
    }
  };

  const server = http.createServer(handle);
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A reset we injected shows up here as a client error on the socket; it is expected.
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    inject(when, fault, opts) {
      rules.push({ when, fault, left: opts?.times ?? Infinity });
    },
    clearFaults() {
      rules.length = 0;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      agent.destroy();
      return closed;
    },
  };
}
