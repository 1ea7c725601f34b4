// `dns`: the host resolves; optional expected addresses match; every configured resolver gives the same answer.
import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { describeError } from './errors.js';
import { isNoSuchName } from './guard.js';
import { stringList } from './options.js';
import type { Check, CheckOutcome } from './types.js';

interface ResolverAnswer {
  resolver: string;
  addresses: string[];
  error?: string;
  /** True when the resolver gave no answer at all (timeout, refused, SERVFAIL): nothing was observed. */
  unanswered?: boolean;
}

// c-ares codes that are an answer about the name (it has no such record), not a resolver that could not be asked.
const NAME_ANSWERS = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

const sorted = (addresses: Iterable<string>): string[] => [...new Set(addresses)].sort();
const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function unanswered(server: string, error: unknown): ResolverAnswer {
  const raw = (error as { code?: unknown } | undefined)?.code;
  const code = typeof raw === 'string' ? raw : '';
  return {
    resolver: server,
    addresses: [],
    error: describeError(error),
    ...(NAME_ANSWERS.has(code) ? {} : { unanswered: true }),
  };
}

async function askResolver(
  server: string,
  hostname: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ResolverAnswer> {
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
    if (addresses.length === 0 && failure) return unanswered(server, failure.reason);
    return { resolver: server, addresses: sorted(addresses) };
  } catch (error) {
    return unanswered(server, error);
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

export const dns: Check = async (ctx, options): Promise<CheckOutcome> => {
  const hostname = ctx.target.url.hostname.replace(/^\[|\]$/g, '');
  const expected = sorted(stringList(options, 'expected', []));
  const resolvers = stringList(options, 'resolvers', []);
  if (isIP(hostname)) {
    // An address has no DNS records to look at: the item is a person's to judge.
    return {
      status: 'error',
      summary: `${hostname} is an IP address, no DNS name to check (want a URL with a host name)`,
      evidence: { hostname },
    };
  }
  let system: string[];
  try {
    // The run's resolver: the same answer every other check of the run connected with.
    system = sorted((await ctx.policy.resolve(hostname)).map((a) => a.address));
  } catch (error) {
    // Only an answer saying the name has no address is a finding; a resolver that did not answer observed nothing.
    if (!isNoSuchName(error)) throw error;
    return {
      status: 'fail',
      summary: `${hostname} does not resolve: ${describeError(error)} (want ≥ 1 address)`,
      evidence: { hostname, error: describeError(error) },
    };
  }
  if (system.length === 0) {
    return {
      status: 'fail',
      summary: `${hostname} does not resolve: no address (want ≥ 1 address)`,
      evidence: { hostname, addresses: [] },
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
  const disagreeing = perResolver.filter(
    (r) => !r.unanswered && (r.error !== undefined || !same(r.addresses, reference)),
  );
  if (disagreeing.length > 0) {
    const first = disagreeing[0];
    const said = first?.error ?? (first?.addresses.join(', ') || 'nothing');
    return {
      status: 'fail',
      summary: `resolver ${first?.resolver} says ${said} (want ${reference.join(', ')}, as ${disagreeing.length === perResolver.length ? 'the system resolver' : 'the others'})`,
      evidence,
    };
  }
  const silent = perResolver.filter((r) => r.unanswered);
  if (silent.length > 0) {
    // A resolver that could not be asked has not agreed: the check cannot say they all give the same answer.
    const first = silent[0];
    return {
      status: 'error',
      summary: `resolver ${first?.resolver} did not answer: ${first?.error ?? 'no answer'} (want ${reference.join(', ')} from every resolver)`,
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
