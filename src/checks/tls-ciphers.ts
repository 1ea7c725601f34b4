// tls-ciphers: offers one family of weak TLS ≤ 1.2 suites per handshake and lists what the server
// accepts (enumerated by excluding each accepted suite and asking again). TLS 1.3 suites are all
// forward-secret AEAD, so only the negotiated default is recorded for them.
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
  { id: 'cbc', label: 'CBC', severity: 'warn', ciphers: 'kECDHE:kDHE:!aNULL:!eNULL:!AESGCM:!CHACHA20:!AESCCM:!ARIAGCM:!SHA1' },
  { id: 'sha1', label: 'SHA-1', severity: 'warn', ciphers: 'kECDHE+SHA1:kDHE+SHA1:!aNULL:!eNULL' },
];

// Enough to show the picture without turning one check into dozens of handshakes.
const MAX_SUITES_PER_FAMILY = 8;

export interface FamilyProbe {
  family: Family['id'];
  label: string;
  /** False when the local OpenSSL cannot offer this family at all. */
  tested: boolean;
  accepted: string[];
  /** Why the last offer ended (the server's refusal), or why the family was not tested. */
  reason?: string;
}

async function probeFamily(ctx: CheckContext, family: Family): Promise<FamilyProbe> {
  const accepted: string[] = [];
  const result = (extra: Partial<FamilyProbe>): FamilyProbe => ({ family: family.id, label: family.label, tested: true, accepted, ...extra });
  while (accepted.length < MAX_SUITES_PER_FAMILY) {
    const exclusions = accepted.map((name) => `:!${name}`).join('');
    let handshake;
    try {
      handshake = await tlsHandshake(
        ctx,
        // Legacy suites and TLS 1.0/1.1 servers need security level 0 with OpenSSL 3.
        { minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: `${family.ciphers}${exclusions}:@SECLEVEL=0` },
        (socket) => socket.getCipher().name,
      );
    } catch (err) {
      if (err instanceof TlsConnectError && err.code === 'TLS_CLIENT_UNSUPPORTED') {
        // Nothing left to offer after exclusions is the normal end of the enumeration.
        return accepted.length > 0 ? result({}) : result({ tested: false, reason: err.message });
      }
      throw err;
    }
    if (!handshake.ok) return result({ reason: handshake.reason });
    if (accepted.includes(handshake.value)) return result({}); // the exclusion did not take; stop rather than loop
    accepted.push(handshake.value);
  }
  return result({});
}

export const tlsCiphers: Check = async (ctx) => {
  const [negotiated, ...families] = await Promise.all([
    tlsHandshake(ctx, {}, (socket) => ({ protocol: socket.getProtocol(), ...socket.getCipher() })),
    ...CIPHER_FAMILIES.map((family) => probeFamily(ctx, family)),
  ]);
  const evidence = {
    negotiated: negotiated.ok
      ? { protocol: negotiated.value.protocol, cipher: negotiated.value.name, standardName: negotiated.value.standardName }
      : { error: negotiated.reason },
    families,
    accepted: [...new Set(families.flatMap((f) => f.accepted))],
  };
  const want = '(want forward-secret AEAD only)';
  if (!negotiated.ok) {
    return { status: 'fail', summary: `no TLS handshake with default settings: ${negotiated.reason} ${want}`, evidence };
  }

  const found = (severity: Family['severity']): string[] =>
    families
      .filter((f) => f.accepted.length > 0 && CIPHER_FAMILIES.find((c) => c.id === f.family)?.severity === severity)
      .map((f) => `${f.label} (${f.accepted.join(', ')})`);
  const failing = found('fail');
  if (failing.length > 0) return { status: 'fail', summary: `accepts ${failing.join('; ')} ${want}`, evidence };
  const warning = found('warn');
  if (warning.length > 0) return { status: 'warn', summary: `accepts ${warning.join('; ')} ${want}`, evidence };
  return {
    status: 'pass',
    summary: `only forward-secret AEAD suites accepted; negotiated ${negotiated.value.standardName} on ${negotiated.value.protocol ?? '?'} ${want}`,
    evidence,
  };
};
