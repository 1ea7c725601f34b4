// tls-protocols: one handshake per protocol version (min = max = that version), all in parallel.
// TLS 1.0/1.1 must be refused and TLS 1.2 accepted; missing TLS 1.3 only warns.
import type { SecureVersion } from 'node:tls';
import { tlsHandshake } from './tls-connect.js';
import type { Check } from './types.js';

export const PROBED_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const satisfies readonly SecureVersion[];
type ProbedVersion = (typeof PROBED_VERSIONS)[number];

// OpenSSL 3 refuses to speak TLS 1.0/1.1 (SHA-1 signatures, old suites) above security level 0; offering
// every suite makes the version the only thing a probe tests.
const LEGACY_CIPHERS = 'ALL:@SECLEVEL=0';

export interface VersionProbe {
  version: ProbedVersion;
  accepted: boolean;
  /** The negotiated cipher when accepted; why the handshake failed otherwise. */
  cipher?: string;
  reason?: string;
}

async function probe(ctx: Parameters<Check>[0], version: ProbedVersion): Promise<VersionProbe> {
  const handshake = await tlsHandshake(
    ctx,
    // TLS 1.3 suites are configured apart from `ciphers`; the legacy string only widens TLS ≤ 1.2.
    { minVersion: version, maxVersion: version, ...(version === 'TLSv1.3' ? {} : { ciphers: LEGACY_CIPHERS }) },
    (socket) => ({ protocol: socket.getProtocol(), cipher: socket.getCipher().name }),
  );
  if (!handshake.ok) return { version, accepted: false, reason: handshake.reason };
  // Guard against a library that would quietly negotiate something else than asked.
  if (handshake.value.protocol !== version) {
    return { version, accepted: false, reason: `negotiated ${handshake.value.protocol ?? 'nothing'} instead` };
  }
  return { version, accepted: true, cipher: handshake.value.cipher };
}

const LABEL: Record<ProbedVersion, string> = {
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};

export const tlsProtocols: Check = async (ctx) => {
  const probes = await Promise.all(PROBED_VERSIONS.map((version) => probe(ctx, version)));
  const accepted = (v: ProbedVersion): boolean => probes.find((p) => p.version === v)?.accepted ?? false;
  const acceptedLabels = probes.filter((p) => p.accepted).map((p) => LABEL[p.version]);
  const measured = `accepts ${acceptedLabels.length > 0 ? acceptedLabels.join(', ') : 'no TLS version'}`;
  const evidence = { versions: probes, accepted: probes.filter((p) => p.accepted).map((p) => p.version) };

  const legacy = (['TLSv1', 'TLSv1.1'] as const).filter(accepted).map((v) => LABEL[v]);
  if (legacy.length > 0) {
    return { status: 'fail', summary: `${measured} (want ${legacy.join(' and ')} refused, TLS 1.2+ only)`, evidence };
  }
  if (!accepted('TLSv1.2')) {
    return { status: 'fail', summary: `${measured} (want TLS 1.2 accepted)`, evidence };
  }
  if (!accepted('TLSv1.3')) {
    return { status: 'warn', summary: `${measured} (want TLS 1.3 too)`, evidence };
  }
  return { status: 'pass', summary: `${measured} (want TLS 1.2+ only)`, evidence };
};
