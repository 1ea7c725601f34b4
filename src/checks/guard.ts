// The SSRF guard: checks may only reach public addresses unless the operator allows more. The address
// judged is the one about to be connected, so DNS names, literal IPs and redirects are all covered.
import { promises as dnsPromises } from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { AddressPolicy } from './types.js';

export const TARGET_REFUSED = 'GOLIVE_TARGET_REFUSED';

/** A check tried to reach an address the policy forbids; no connection was attempted. */
export class TargetRefusedError extends Error {
  readonly code = TARGET_REFUSED;
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused ${hostname === address ? address : `${hostname} (${address})`}: ${reason}`);
    this.name = 'TargetRefusedError';
  }
}

export interface AddressPolicyOptions {
  /** Allow loopback, private, link-local and the other non-public ranges (CHECK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Host names (`*.suffix` for a domain), CIDRs or addresses checks may reach besides public ones (CHECK_ALLOWED_HOSTS). */
  allowedHosts: readonly string[];
}

// Cloud metadata endpoints: named apart so the reason says what was being reached.
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

// ipaddr.js range names that are not the public internet.
const REFUSED_RANGES: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  private: 'a private address',
  reserved: 'a reserved address',
  uniqueLocal: 'a unique-local address',
  deprecatedSiteLocal: 'a site-local address',
  discard: 'a discard-only address',
  benchmarking: 'a benchmarking address',
  amt: 'a reserved address',
  as112: 'a reserved address',
  as112v6: 'a reserved address',
};

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

function parseAddress(address: string): Parsed | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // Zone ids (fe80::1%eth0) are link-local anyway; strip them so the address parses.
  const noZone = bare.split('%')[0] ?? bare;
  if (!ipaddr.isValid(noZone)) return undefined;
  const parsed = ipaddr.parse(noZone);
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it really reaches.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

interface AllowedCidr {
  range: [Parsed, number];
}

function parseAllowed(entries: readonly string[]): { hosts: Set<string>; suffixes: string[]; cidrs: AllowedCidr[] } {
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  const cidrs: AllowedCidr[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.startsWith('*.') || entry.startsWith('.')) {
      suffixes.push(entry.slice(entry.indexOf('.')).replace(/\.$/, ''));
      continue;
    }
    if (entry.includes('/')) {
      try {
        cidrs.push({ range: ipaddr.parseCIDR(entry) });
      } catch {
        hosts.add(entry);
      }
      continue;
    }
    const address = parseAddress(entry);
    if (address) cidrs.push({ range: [address, address.kind() === 'ipv4' ? 32 : 128] });
    else hosts.add(entry.replace(/\.$/, ''));
  }
  return { hosts, suffixes, cidrs };
}

/** Why an address is not public ("a loopback address"), or undefined when it is. */
export function nonPublicReason(address: string): string | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return 'not an IP address';
  const normalized = parsed.toNormalizedString();
  if (METADATA_ADDRESSES.has(normalized) || METADATA_ADDRESSES.has(parsed.toString())) {
    return 'a cloud metadata address';
  }
  const range = parsed.range();
  return REFUSED_RANGES[range];
}

/** Every address of a name (unjudged), as getaddrinfo gives them: /etc/hosts, the system resolver… */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dnsPromises.lookup(hostname, { all: true });

/**
 * A resolver that asks once per name and hands every later caller the same answer (or the same error): a run's
 * checks open dozens of connections to one host, and a burst of identical queries is what a resolver drops
 * (each dropped query then costs the resolver's own 5 s retry).
 */
export function onceResolver(resolve: Resolve): Resolve {
  const answers = new Map<string, Promise<LookupAddress[]>>();
  return (hostname) => {
    const key = hostname.toLowerCase();
    let answer = answers.get(key);
    if (!answer) {
      answer = resolve(hostname);
      answers.set(key, answer);
    }
    return answer;
  };
}

/** Error codes of getaddrinfo that mean "the name has no address" (an answer), not "no answer". */
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA']);

/** True when a lookup error says the name does not exist or has no address (NXDOMAIN, NODATA). */
export function isNoSuchName(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && NO_SUCH_NAME.has(code);
}

function judgeFor(options: AddressPolicyOptions): AddressPolicy['judge'] {
  const allowed = parseAllowed(options.allowedHosts);
  return (address, hostname) => {
    const reason = nonPublicReason(address);
    if (reason === undefined) return { ok: true };
    if (options.allowPrivate) return { ok: true };
    const host = hostname
      .toLowerCase()
      .replace(/\.$/, '')
      .replace(/^\[|\]$/g, '');
    if (allowed.hosts.has(host)) return { ok: true };
    // `*.internal` (or `.internal`) allows every name under internal.
    for (const suffix of allowed.suffixes) if (host.endsWith(suffix)) return { ok: true };
    const parsed = parseAddress(address);
    if (parsed) {
      for (const { range } of allowed.cidrs) {
        if (range[0].kind() === parsed.kind() && parsed.match(range)) return { ok: true };
      }
    }
    return {
      ok: false,
      reason: `${address} is ${reason}; allow it with CHECK_ALLOW_PRIVATE, --allow-private or CHECK_ALLOWED_HOSTS`,
    };
  };
}

/** The policy `judge` with names resolved by `resolve` (a run passes its once-per-name resolver). */
export function guardedPolicy(judge: AddressPolicy['judge'], resolve: Resolve): AddressPolicy {
  // Resolves every address of the name and refuses the lot if any is forbidden: a name that mixes public
  // and private answers could otherwise be steered to the private one on a later connection.
  const lookup = ((
    hostname: string,
    opts: LookupOneOptions | LookupAllOptions | number | undefined,
    callback: unknown,
  ) => {
    const cb = (typeof opts === 'function' ? opts : callback) as (
      err: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void;
    const given = typeof opts === 'object' && opts !== null ? opts : typeof opts === 'number' ? { family: opts } : {};
    const family =
      given.family === 4 || given.family === 6
        ? given.family
        : given.family === 'IPv4'
          ? 4
          : given.family === 'IPv6'
            ? 6
            : 0;
    resolve(hostname).then(
      (all) => {
        for (const { address } of all) {
          const verdict = judge(address, hostname);
          if (!verdict.ok) return cb(new TargetRefusedError(hostname, address, verdict.reason), '', 0);
        }
        const addresses = family === 0 ? all : all.filter((a) => a.family === family);
        if ((given as LookupAllOptions).all) return cb(null, addresses);
        const first = addresses[0];
        if (!first) return cb(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        cb(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => cb(error, '', 0),
    );
  }) as LookupFunction;

  return { judge, lookup, resolve };
}

export function createAddressPolicy(options: AddressPolicyOptions, resolve: Resolve = systemResolve): AddressPolicy {
  return guardedPolicy(judgeFor(options), resolve);
}

/**
 * Node's net/tls skip `lookup` for literal IPs, so a connection to one must be judged before it is made.
 * Throws TargetRefusedError for a forbidden literal; names are left to `policy.lookup`.
 */
export function assertLiteralAllowed(policy: AddressPolicy, host: string): void {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 0) return;
  const verdict = policy.judge(bare, bare);
  if (!verdict.ok) throw new TargetRefusedError(bare, bare, verdict.reason);
}

/** Finds a TargetRefusedError in an error's cause chain (undici wraps connect errors). */
export function findRefusal(error: unknown): TargetRefusedError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof TargetRefusedError) return current;
    if (typeof current === 'object' && (current as { code?: unknown }).code === TARGET_REFUSED) {
      return current as TargetRefusedError;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
