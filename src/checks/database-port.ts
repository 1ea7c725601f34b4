// `database-port`: the usual database ports on the host are closed or filtered from here.
import { connect } from 'node:net';
import { assertLiteralAllowed, findRefusal } from './guard.js';
import { numberList, numberOption } from './options.js';
import type { AddressPolicy, Check, CheckOutcome } from './types.js';

export const DEFAULT_DATABASE_PORTS = [5432, 3306, 6379, 27017];

type PortState = 'open' | 'closed' | 'filtered';

interface PortProbe {
  port: number;
  state: PortState;
  detail?: string;
}

function probe(host: string, port: number, policy: AddressPolicy, timeoutMs: number, signal: AbortSignal): Promise<PortProbe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, lookup: policy.lookup });
    const done = (result: PortProbe | Error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    // No answer within the short timeout: a firewall is dropping packets, which counts as not exposed.
    const timer = setTimeout(() => done({ port, state: 'filtered', detail: `no answer in ${timeoutMs} ms` }), timeoutMs);
    const onAbort = () => done(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ port, state: 'open' }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (findRefusal(error)) return done(error);
      if (error.code === 'ECONNREFUSED') return done({ port, state: 'closed' });
      done({ port, state: 'filtered', detail: error.code ?? error.message });
    });
  });
}

export const databasePort: Check = async (ctx, options): Promise<CheckOutcome> => {
  const host = ctx.target.url.hostname.replace(/^\[|\]$/g, '');
  const ports = numberList(options, 'ports', DEFAULT_DATABASE_PORTS);
  const timeoutMs = numberOption(options, 'connect_timeout_ms', Math.min(1500, Math.floor(ctx.timeoutMs / 2)));
  // net.connect skips lookup for literal IPs, so judge those first: a refused target gets no connection.
  assertLiteralAllowed(ctx.policy, host);
  const probes = await Promise.all(ports.map((port) => probe(host, port, ctx.policy, timeoutMs, ctx.signal)));
  const evidence = { host, ports: probes };
  const open = probes.filter((p) => p.state === 'open').map((p) => p.port);
  if (open.length > 0) {
    return { status: 'fail', summary: `port ${open.join(', ')} open on ${host} (want ${ports.join(', ')} closed or filtered)`, evidence };
  }
  const states = probes.map((p) => `${p.port} ${p.state}`).join(', ');
  return { status: 'pass', summary: `${states} (want closed or filtered)`, evidence };
};
