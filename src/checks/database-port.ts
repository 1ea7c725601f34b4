// `database-port`: the usual database ports on the host are closed or filtered from here. "Filtered" (no answer)
// only means something when the host answers on its own port: otherwise nothing about the host was observed.
import { connect } from 'node:net';
import { assertLiteralAllowed, findRefusal } from './guard.js';
import { numberList, numberOption } from './options.js';
import type { AddressPolicy, Check, CheckOutcome } from './types.js';

export const DEFAULT_DATABASE_PORTS = [5432, 3306, 6379, 27017];

/** `unknown`: the probe could not tell (unreachable network, reset, a name with no address…). */
type PortState = 'open' | 'closed' | 'filtered' | 'unknown';

interface PortProbe {
  port: number;
  state: PortState;
  detail?: string;
}

function probe(
  host: string,
  port: number,
  policy: AddressPolicy,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PortProbe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, lookup: policy.lookup });
    const done = (result: PortProbe | Error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    // No answer within the short timeout: a firewall is dropping packets (judged against the control port).
    const timer = setTimeout(
      () => done({ port, state: 'filtered', detail: `no answer in ${timeoutMs} ms` }),
      timeoutMs,
    );
    const onAbort = () => done(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ port, state: 'open' }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (findRefusal(error)) return done(error);
      if (error.code === 'ECONNREFUSED') return done({ port, state: 'closed' });
      // Anything else (EHOSTUNREACH, ENETUNREACH, ENOTFOUND, ECONNRESET…) says nothing about the port itself.
      done({ port, state: 'unknown', detail: error.code ?? error.message });
    });
  });
}

/** The port the target's own URL is served on: the control that shows the host answers at all. */
function targetPort(url: URL): number {
  return url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port);
}

export const databasePort: Check = async (ctx, options): Promise<CheckOutcome> => {
  const host = ctx.target.url.hostname.replace(/^\[|\]$/g, '');
  const ports = numberList(options, 'ports', DEFAULT_DATABASE_PORTS);
  const timeoutMs = numberOption(options, 'connect_timeout_ms', Math.min(1500, Math.floor(ctx.timeoutMs / 2)));
  // net.connect skips lookup for literal IPs, so judge those first: a refused target gets no connection.
  assertLiteralAllowed(ctx.policy, host);
  const controlPort = targetPort(ctx.target.url);
  const [control, ...probes] = await Promise.all(
    [controlPort, ...ports].map((port) => probe(host, port, ctx.policy, timeoutMs, ctx.signal)),
  );
  const evidence = { host, ports: probes, control };
  const open = probes.filter((p) => p.state === 'open').map((p) => p.port);
  if (open.length > 0) {
    return {
      status: 'fail',
      summary: `port ${open.join(', ')} open on ${host} (want ${ports.join(', ')} closed or filtered)`,
      evidence,
    };
  }
  const states = probes
    .map((p) => `${p.port} ${p.state === 'unknown' ? `not observed (${p.detail ?? 'error'})` : p.state}`)
    .join(', ');
  const unknown = probes.filter((p) => p.state === 'unknown');
  if (unknown.length > 0) {
    return { status: 'error', summary: `${states} (want each port seen closed or filtered)`, evidence };
  }
  // Silence on every database port proves nothing if the host does not answer on its own port either.
  // (A refusal on the control port is an answer: the host is there.)
  const reachable = control?.state === 'open' || control?.state === 'closed';
  if (!reachable && probes.some((p) => p.state === 'filtered')) {
    return {
      status: 'error',
      summary: `${states}, but ${host}:${controlPort} gives no answer either (${control?.detail ?? 'no answer'}), so filtered cannot be told from unreachable (want the host reachable)`,
      evidence,
    };
  }
  return { status: 'pass', summary: `${states} (want closed or filtered)`, evidence };
};
