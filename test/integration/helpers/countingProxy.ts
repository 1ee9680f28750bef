// A loopback HTTP proxy for CONNECT tunnels (what undici's ProxyAgent opens, also for http:// targets) that counts
// the bytes clients send through it and can cut every connection once a byte budget is spent: a lost network in
// the middle of an upload, as the client sees it.
//
//   const proxy = await startCountingProxy();
//   proxy.killAfter(15 * MiB);               // then every open tunnel is reset and new ones are refused
//   ... configureTransport({ proxy: proxy.url, noProxy: '' }) in the process under test ...
//   proxy.sentBytes; proxy.revive(); await proxy.close();
import net from 'node:net';

export interface CountingProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Bytes clients sent through the tunnels (request lines, headers and bodies) since the last reset. */
  readonly sentBytes: number;
  /** Tunnels opened since the last reset. */
  readonly tunnels: number;
  /** Whether the budget was spent (connections are being refused). */
  readonly dead: boolean;
  /** Cut every connection once this many bytes (counted from now on) have gone through, and refuse new ones. */
  killAfter(bytes: number): void;
  /** Accept connections again, with no budget, and count from zero. */
  revive(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(): Promise<CountingProxy> {
  const sockets = new Set<net.Socket>();
  let sent = 0;
  let tunnels = 0;
  let budget = Infinity;
  let dead = false;

  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const cutAll = (): void => {
    dead = true;
    for (const s of sockets) s.resetAndDestroy();
  };

  const server = net.createServer((client) => {
    track(client);
    if (dead) return void client.resetAndDestroy();
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onHead);
      client.pause();
      const m = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]\r\n/.exec(head.toString('latin1', 0, end + 2));
      if (!m) return void client.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\n\r\n');
      const rest = head.subarray(end + 4);
      const upstream = net.connect(Number(m[2]), m[1], () => {
        tunnels++;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const forward = (c: Buffer): void => {
          sent += c.length;
          if (!upstream.write(c)) client.pause();
          if (sent >= budget) cutAll();
        };
        upstream.on('drain', () => client.resume());
        if (rest.length) forward(rest);
        client.on('data', forward);
        upstream.pipe(client);
        client.resume();
      });
      track(upstream);
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onHead);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get sentBytes() {
      return sent;
    },
    get tunnels() {
      return tunnels;
    },
    get dead() {
      return dead;
    },
    killAfter(bytes) {
      budget = sent + bytes;
    },
    revive() {
      dead = false;
      budget = Infinity;
      sent = 0;
      tunnels = 0;
    },
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      return closed;
    },
  };
}
