// tls-certificate: the chain is trusted (system roots + NODE_EXTRA_CA_CERTS), the name matches, and
// enough days are left. An item that sets `min_days` is about expiry, so fewer days fail it; without
// `min_days` (the "installed and valid" item) fewer than the default 30 days only warn.
import { checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { numberOption } from './options.js';
import { tlsHandshake, type TlsEndpoint } from './tls-connect.js';
import type { Check, CheckOutcome } from './types.js';

const DAY_MS = 86_400_000;
export const DEFAULT_MIN_DAYS = 30;

interface ChainLink {
  subject: string;
  issuer: string;
  validTo: string;
}

interface CertificateReading {
  protocol: string | null;
  authorized: boolean;
  authorizationError: { code: string; message: string } | null;
  hostnameError: string | null;
  subject: string;
  sans: string[];
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  chain: ChainLink[];
}

/** `{ CN: 'localhost', O: ['a', 'b'] }` → `CN=localhost, O=a, O=b`. */
function distinguishedName(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => `${key}=${v}`),
    )
    .join(', ');
}

function isoDate(openssl: string): string {
  const ms = Date.parse(openssl);
  return Number.isNaN(ms) ? openssl : new Date(ms).toISOString();
}

/** Leaf first, up to the root; the root's issuerCertificate points at itself. */
function walkChain(leaf: DetailedPeerCertificate): ChainLink[] {
  const links: ChainLink[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    links.push({
      subject: distinguishedName(cert.subject),
      issuer: distinguishedName(cert.issuer),
      validTo: isoDate(cert.valid_to),
    });
    cert = cert.issuerCertificate;
  }
  return links;
}

function readCertificate(socket: TLSSocket, endpoint: TlsEndpoint): CertificateReading | null {
  const cert = socket.getPeerCertificate(true);
  if (!cert || !cert.raw) return null;
  // The name the user typed (host name or IP); checkServerIdentity matches SANs, IP SANs included.
  const identity = checkServerIdentity(endpoint.servername ?? endpoint.host, cert);
  return {
    protocol: socket.getProtocol(),
    authorized: socket.authorized,
    authorizationError: verifyError(socket.authorizationError),
    hostnameError: identity ? identity.message : null,
    subject: distinguishedName(cert.subject),
    sans: cert.subjectaltname ? cert.subjectaltname.split(/,\s*/) : [],
    issuer: distinguishedName(cert.issuer),
    validFrom: isoDate(cert.valid_from),
    validTo: isoDate(cert.valid_to),
    fingerprint256: cert.fingerprint256,
    chain: walkChain(cert),
  };
}

// OpenSSL's verify results as Node reports them (a code string, despite the Error type), in words.
const VERIFY_MESSAGES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate revoked',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_REJECTED: 'certificate rejected',
  INVALID_CA: 'invalid CA certificate',
  INVALID_PURPOSE: 'unsupported certificate purpose',
  PATH_LENGTH_EXCEEDED: 'path length constraint exceeded',
  CERT_CHAIN_TOO_LONG: 'certificate chain too long',
};

function verifyError(raw: unknown): { code: string; message: string } | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const code =
    raw instanceof Error
      ? ((raw as Error & { code?: string }).code ?? raw.message)
      : typeof raw === 'string'
        ? raw
        : JSON.stringify(raw);
  return { code, message: VERIFY_MESSAGES[code] ?? code };
}

// As the other kinds do, an unreadable value falls back to the default (the template schema validates);
// an item that names min_days at all is still an expiry item, so fewer days fail it.
function parseMinDays(options: Readonly<Record<string, unknown>>): { minDays: number; explicit: boolean } {
  const explicit = options['min_days'] !== undefined;
  const days = numberOption(options, 'min_days', DEFAULT_MIN_DAYS);
  return { minDays: Number.isInteger(days) && days >= 0 ? days : DEFAULT_MIN_DAYS, explicit };
}

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

// Verification errors that are about time are reported as expiry, not as distrust.
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export const tlsCertificate: Check = async (ctx, options) => {
  const { minDays, explicit } = parseMinDays(options);
  const handshake = await tlsHandshake(ctx, {}, readCertificate);
  if (!handshake.ok) {
    return {
      status: 'fail',
      summary: `TLS handshake failed: ${handshake.reason} (want a valid certificate)`,
      evidence: { handshakeError: handshake.reason, code: handshake.code ?? null, minDays },
    };
  }
  const reading = handshake.value;
  if (!reading) {
    return { status: 'fail', summary: 'server sent no certificate (want a valid certificate)', evidence: { minDays } };
  }

  const now = Date.now();
  const leafDaysLeft = Math.floor((Date.parse(reading.validTo) - now) / DAY_MS);
  // An intermediate that expires before the leaf breaks the chain first: judge the earliest expiry.
  const earliest = reading.chain.reduce<ChainLink>(
    (min, link) => (Date.parse(link.validTo) < Date.parse(min.validTo) ? link : min),
    { subject: reading.subject, issuer: reading.issuer, validTo: reading.validTo },
  );
  const msLeft = Date.parse(earliest.validTo) - now;
  const earliestDaysLeft = Math.floor(msLeft / DAY_MS);
  const what = earliest.subject === reading.subject ? 'certificate' : `chain certificate ${earliest.subject}`;

  const failures: string[] = [];
  const warnings: string[] = [];
  const authError = reading.authorizationError;

  if (Date.parse(reading.validFrom) > now) {
    failures.push(`certificate not valid before ${reading.validFrom} (want valid now)`);
  }
  if (msLeft < 0) {
    const ago = Math.floor(-msLeft / DAY_MS);
    failures.push(`${what} expired ${ago === 0 ? 'less than a day' : days(ago)} ago (want ≥ ${minDays} days left)`);
  } else if (earliestDaysLeft < minDays) {
    (explicit ? failures : warnings).push(`${what} expires in ${days(earliestDaysLeft)} (want ≥ ${minDays})`);
  }
  if (authError && !TIME_ERRORS.has(authError.code)) {
    failures.push(`certificate not trusted: ${authError.message} (want a chain to a trusted root)`);
  }
  if (reading.hostnameError) {
    const names =
      reading.sans.length > 0 ? reading.sans.map((s) => s.replace(/^[^:]*:/, '')).join(', ') : reading.subject;
    failures.push(`certificate is for ${names}, not ${ctx.target.url.hostname} (want a name match)`);
  }

  const evidence = {
    subject: reading.subject,
    sans: reading.sans,
    issuer: reading.issuer,
    validFrom: reading.validFrom,
    validTo: reading.validTo,
    daysLeft: leafDaysLeft,
    earliestExpiry: { subject: earliest.subject, validTo: earliest.validTo, daysLeft: earliestDaysLeft },
    chain: reading.chain,
    trusted: reading.authorized,
    authorizationError: authError,
    hostnameMatches: reading.hostnameError === null,
    hostnameError: reading.hostnameError,
    minDays,
    minDaysExplicit: explicit,
    protocol: reading.protocol,
    fingerprint256: reading.fingerprint256,
  };
  const outcome = (status: CheckOutcome['status'], summary: string): CheckOutcome => ({ status, summary, evidence });

  if (failures.length > 0) return outcome('fail', failures.join('; '));
  if (warnings.length > 0) return outcome('warn', warnings.join('; '));
  return outcome(
    'pass',
    `certificate for ${ctx.target.url.hostname} trusted, expires in ${days(earliestDaysLeft)} (want ≥ ${minDays})`,
  );
};
