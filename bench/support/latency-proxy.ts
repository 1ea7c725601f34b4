// A TCP proxy on 127.0.0.1 that makes loopback behave like a target `rttMs` away: every chunk waits rttMs/2 in
// each direction (order kept), and the client's first bytes wait one more RTT, as for a real TCP handshake
// (the client sees its connect at once on loopback, but a real one could only send after SYN/SYN-ACK).
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface LatencyProxy {
  port: number;
  close(): Promise<void>;
}

// One direction of a connection: chunks are written in order, each no earlier than its due time.
function delayedPipe(from: Socket, to: Socket, delayMs: number, notBefore: number): void {
  const queue: Array<{ due: number; chunk: Buffer | null }> = [];
  let timer: NodeJS.Timeout | undefined;
  const drain = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.due ?? Infinity) <= now) {
      const { chunk } = queue.shift() as { chunk: Buffer | null };
      if (to.destroyed) return;
      if (chunk === null) to.end();
      else to.write(chunk);
    }
    schedule();
  };
  const schedule = (): void => {
    const next = queue[0];
    if (timer || !next) return;
    timer = setTimeout(drain, Math.max(0, next.due - performance.now()));
  };
  const push = (chunk: Buffer | null): void => {
    // Later chunks never overtake earlier ones, whatever the timer granularity.
    const last = queue[queue.length - 1]?.due ?? 0;
    queue.push({ due: Math.max(performance.now(), notBefore, last) + delayMs, chunk });
    schedule();
  };
  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push(null));
  from.on('close', () => {
    // A reset reaches the other side like data would, after what was already sent.
    const due = Math.max(queue[queue.length - 1]?.due ?? 0, performance.now() + delayMs);
    setTimeout(() => to.destroy(), due - performance.now() + 1).unref();
  });
}

/** Listens on 127.0.0.1 (port 0) and forwards every connection to 127.0.0.1:targetPort with `rttMs` of round trip. */
export function startLatencyProxy(targetPort: number, rttMs: number): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  // Half-open kept: a client's FIN must not cut off the answers still on their way to it.
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const acceptedAt = performance.now();
    const upstream = connect({ host: '127.0.0.1', port: targetPort, noDelay: true, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // Either side failing ends the pair; errors are the bench's business only through the checks' results.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    delayedPipe(client, upstream, rttMs / 2, acceptedAt + rttMs);
    delayedPipe(upstream, client, rttMs / 2, 0);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}
