// tls-ciphers: offers one family of weak TLS ≤ 1.2 suites per handshake and lists what the server
// accepts (enumerated by excluding each accepted suite and asking again, over disjoint slices of the family in
// parallel). TLS 1.3 suites are all forward-secret AEAD, so only the negotiated default is recorded for them.
import { setMaxListeners } from 'node:events';
import { tlsHandshake, TlsConnectError } from './tls-connect.js';
import type { CheckStatus } from '../domain/check-kind.js';
import type { Check, CheckContext } from './types.js';

interface Family {
  id: 'rsa-kx' | 'null' | 'anon' | 'cbc' | 'sha1';
  label: string;
  severity: Extract<CheckStatus, 'fail' | 'warn'>;
  /** OpenSSL cipher string selecting exactly this family (without the security level). */
  ciphers: string;
}

export const CIPHER_FAMILIES: readonly Family[] = [
  { id: 'rsa-kx', label: 'RSA key exchange', severity: 'fail', ciphers: 'kRSA:!eNULL' },
  { id: 'null', label: 'NULL encryption', severity: 'fail', ciphers: 'eNULL' },
  { id: 'anon', label: 'anonymous', severity: 'fail', ciphers: 'aNULL:!eNULL' },
  // Forward-secret but not AEAD, with a SHA-2 MAC; the SHA-1 ones are the next family.
  {
    id: 'cbc',
    label: 'CBC',
    severity: 'warn',
    ciphers: 'kECDHE:kDHE:!aNULL:!eNULL:!AESGCM:!CHACHA20:!AESCCM:!ARIAGCM:!SHA1',
  },
  { id: 'sha1', label: 'SHA-1', severity: 'warn', ciphers: 'kECDHE+SHA1:kDHE+SHA1:!aNULL:!eNULL' },
];

// Enough to show the picture without turning one check into dozens of handshakes.
const MAX_SUITES_PER_FAMILY = 8;

// Once a family is known to be accepted, the rest of it is enumerated over these disjoint slices (by bulk cipher)
// at once: a legacy server then costs a few rounds of handshakes instead of one round trip chain per suite.
const SLICES = ['AESGCM', 'AESCCM8', 'AESCCM', 'AES128', 'AES256', 'CAMELLIA128', 'CAMELLIA256', 'ARIA128', 'ARIA256'];

/** The family's cipher string narrowed to slice `index` (past the last slice: whatever no slice holds). */
export function sliceCiphers(family: string, index: number): string {
  const terms = family.split(':');
  const includes = terms.filter((term) => !term.startsWith('!'));
  const excludes = terms.filter((term) => term.startsWith('!'));
  const slice = SLICES[index];
  const own = slice === undefined ? includes : includes.map((term) => `${term}+${slice}`);
  // Earlier slices are removed so that no suite belongs to two slices.
  return [...own, ...excludes, ...SLICES.slice(0, index).map((earlier) => `!${earlier}`)].join(':');
}

export interface FamilyProbe {
  family: Family['id'];
  label: string;
  /** False when the local OpenSSL cannot offer this family at all. */
  tested: boolean;
  accepted: string[];
  /** Why the last offer ended (the server's refusal), or why the family was not tested. */
  reason?: string;
}

interface Enumeration {
  accepted: string[];
  /** The server's refusal that ended it. */
  reason?: string;
  /** Why our side could not offer (more of) it. */
  unsupported?: string;
}

// Offers `ciphers` minus every suite already known, again and again, until the server refuses, nothing is left
// to offer or the family's budget is spent (shared by its slices).
async function enumerate(
  ctx: CheckContext,
  ciphers: string,
  known: readonly string[],
  budget: { left: number },
): Promise<Enumeration> {
  const accepted: string[] = [];
  while (budget.left > 0) {
    const exclusions = [...known, ...accepted].map((name) => `:!${name}`).join('');
    let handshake;
    try {
      handshake = await tlsHandshake(
        ctx,
        // Legacy suites and TLS 1.0/1.1 servers need security level 0 with OpenSSL 3.
        { minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: `${ciphers}${exclusions}:@SECLEVEL=0` },
        (socket) => socket.getCipher().name,
      );
    } catch (err) {
      // Nothing left to offer after exclusions is the normal end of the enumeration.
      if (err instanceof TlsConnectError && err.code === 'TLS_CLIENT_UNSUPPORTED')
        return { accepted, unsupported: err.message };
      throw err;
    }
    if (!handshake.ok) return { accepted, reason: handshake.reason };
    // The exclusion did not take; stop rather than loop.
    if (known.includes(handshake.value) || accepted.includes(handshake.value)) return { accepted };
    budget.left--;
    accepted.push(handshake.value);
  }
  return { accepted };
}

async function probeFamily(ctx: CheckContext, family: Family): Promise<FamilyProbe> {
  const result = (accepted: string[], extra: Partial<FamilyProbe>): FamilyProbe => ({
    family: family.id,
    label: family.label,
    tested: true,
    accepted,
    ...extra,
  });
  // One offer of the whole family first: a server that refuses it (the usual case) costs one handshake.
  const first = await enumerate(ctx, family.ciphers, [], { left: 1 });
  if (first.accepted.length === 0) {
    return first.unsupported !== undefined
      ? result([], { tested: false, reason: first.unsupported })
      : result([], first.reason === undefined ? {} : { reason: first.reason });
  }
  const budget = { left: MAX_SUITES_PER_FAMILY - first.accepted.length };
  const slices = await Promise.all(
    Array.from({ length: SLICES.length + 1 }, (_, index) =>
      enumerate(ctx, sliceCiphers(family.ciphers, index), first.accepted, budget),
    ),
  );
  // Slices running at once may overshoot the budget by a few: the evidence keeps to the bound.
  const accepted = [...first.accepted, ...slices.flatMap((slice) => slice.accepted)].slice(0, MAX_SUITES_PER_FAMILY);
  const reason = slices.find((slice) => slice.reason !== undefined)?.reason;
  return result(accepted, reason === undefined ? {} : { reason });
}

export const tlsCiphers: Check = async (ctx) => {
  // Slices put a few dozen probes on the check's signal at once on a legacy server; each removes its listener.
  setMaxListeners(0, ctx.signal);
  const [negotiated, ...families] = await Promise.all([
    tlsHandshake(ctx, {}, (socket) => ({ protocol: socket.getProtocol(), ...socket.getCipher() })),
    ...CIPHER_FAMILIES.map((family) => probeFamily(ctx, family)),
  ]);
  const evidence = {
    negotiated: negotiated.ok
      ? {
          protocol: negotiated.value.protocol,
          cipher: negotiated.value.name,
          standardName: negotiated.value.standardName,
        }
      : { error: negotiated.reason },
    families,
    accepted: [...new Set(families.flatMap((f) => f.accepted))],
  };
  const want = '(want forward-secret AEAD only)';
  if (!negotiated.ok) {
    return {
      status: 'fail',
      summary: `no TLS handshake with default settings: ${negotiated.reason} ${want}`,
      evidence,
    };
  }

  const found = (severity: Family['severity']): string[] =>
    families
      .filter((f) => f.accepted.length > 0 && CIPHER_FAMILIES.find((c) => c.id === f.family)?.severity === severity)
      .map((f) => `${f.label} (${f.accepted.join(', ')})`);
  const failing = found('fail');
  if (failing.length > 0) return { status: 'fail', summary: `accepts ${failing.join('; ')} ${want}`, evidence };
  // Whether the server takes a family this side cannot offer was not observed: no pass (or warn) without it.
  const untested = families.filter((f) => !f.tested);
  if (untested.length > 0) {
    return {
      status: 'error',
      summary: `could not offer ${untested.map((f) => `${f.label} (${f.reason ?? 'unsupported here'})`).join('; ')} from this machine's OpenSSL ${want}`,
      evidence,
    };
  }
  const warning = found('warn');
  if (warning.length > 0) return { status: 'warn', summary: `accepts ${warning.join('; ')} ${want}`, evidence };
  return {
    status: 'pass',
    summary: `only forward-secret AEAD suites accepted; negotiated ${negotiated.value.standardName} on ${negotiated.value.protocol ?? '?'} ${want}`,
    evidence,
  };
};
