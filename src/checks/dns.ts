// `dns`: the host resolves; optional expected addresses match; every configured resolver gives the same answer.
import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { describeError } from './errors.js';
import { stringList } from './options.js';
import type { Check, CheckOutcome } from './types.js';

interface ResolverAnswer {
  resolver: string;
  addresses: string[];
  error?: string;
}

const sorted = (addresses: Iterable<string>): string[] => [...new Set(addresses)].sort();
const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

async function askResolver(server: string, hostname: string, timeoutMs: number, signal: AbortSignal): Promise<ResolverAnswer> {
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 1 });
  const cancel = () => resolver.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    resolver.setServers([server]);
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
    const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    const failure = [v4, v6].find(
      (r): r is PromiseRejectedResult => r.status === 'rejected' && (r.reason as { code?: string }).code !== 'ENODATA',
    );
    if (addresses.length === 0 && failure) return { resolver: server, addresses: [], error: describeError(failure.reason) };
    return { resolver: server, addresses: sorted(addresses) };
  } catch (error) {
    return { resolver: server, addresses: [], error: describeError(error) };
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

export const dns: Check = async (ctx, options): Promise<CheckOutcome> => {
  const hostname = ctx.target.url.hostname.replace(/^\[|\]$/g, '');
  const expected = sorted(stringList(options, 'expected', []));
  const resolvers = stringList(options, 'resolvers', []);
  if (isIP(hostname)) {
    return { status: 'pass', summary: `${hostname} is an IP address, nothing to resolve (want a resolving name)`, evidence: { hostname } };
  }
  let system: string[];
  try {
    system = sorted((await dnsPromises.lookup(hostname, { all: true })).map((a) => a.address));
  } catch (error) {
    return {
      status: 'fail',
      summary: `${hostname} does not resolve: ${describeError(error)} (want ≥ 1 address)`,
      evidence: { hostname, error: describeError(error) },
    };
  }
  const perResolver = await Promise.all(
    resolvers.map((server) => askResolver(server, hostname, Math.min(ctx.timeoutMs, 2000), ctx.signal)),
  );
  const evidence = { hostname, addresses: system, expected, resolvers: perResolver };
  if (expected.length > 0 && !same(system, expected)) {
    return { status: 'fail', summary: `${hostname} → ${system.join(', ')} (want ${expected.join(', ')})`, evidence };
  }
  const reference = expected.length > 0 ? expected : system;
  const disagreeing = perResolver.filter((r) => r.error !== undefined || !same(r.addresses, reference));
  if (disagreeing.length > 0) {
    const first = disagreeing[0];
    const said = first?.error ?? (first?.addresses.join(', ') || 'nothing');
    return {
      status: 'fail',
      summary: `resolver ${first?.resolver} says ${said} (want ${reference.join(', ')}, as ${disagreeing.length === perResolver.length ? 'the system resolver' : 'the others'})`,
      evidence,
    };
  }
  const agreed = resolvers.length > 0 ? `, ${resolvers.length} resolvers agree` : '';
  return {
    status: 'pass',
    summary: `${hostname} → ${system.join(', ')}${agreed} (want ${expected.length ? expected.join(', ') : '≥ 1 address'})`,
    evidence,
  };
};
