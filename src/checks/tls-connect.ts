// One guarded TLS handshake for the TLS check kinds: connects through the SSRF guard, honours the
// check's signal, reports a handshake the server refuses as a value and everything else as a coded error.
import { isIP } from 'node:net';
import {
  connect,
  createSecureContext,
  type ConnectionOptions,
  type SecureContext,
  type SecureVersion,
  type TLSSocket,
} from 'node:tls';
import { CheckTimeoutError } from './errors.js';
import { assertLiteralAllowed, findRefusal } from './guard.js';
import type { CheckContext } from './types.js';

// A target the guard refuses is not a TlsConnectError: the guard's own TargetRefusedError is thrown
// unchanged (before any connection), so the runner reports every refusal the same way.
export type TlsConnectErrorCode =
  /** No TCP connection (DNS failure, refused, unreachable). */
  | 'CONNECT_FAILED'
  | 'TIMEOUT'
  | 'ABORTED'
  /** The local OpenSSL cannot offer what was asked (a cipher string or version it does not support). */
  | 'TLS_CLIENT_UNSUPPORTED';

export class TlsConnectError extends Error {
  override readonly name = 'TlsConnectError';
  constructor(
    readonly code: TlsConnectErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface TlsEndpoint {
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  port: number;
  /** SNI name: the URL host, absent for IP literals (SNI must not carry an address). */
  servername?: string;
}

export function tlsEndpoint(url: URL): TlsEndpoint {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? 443 : Number(url.port);
  return isIP(host) === 0 ? { host, port, servername: host } : { host, port };
}

export interface TlsProbeOptions {
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  /** An OpenSSL cipher string for TLS ≤ 1.2 (TLS 1.3 suites are not affected). */
  ciphers?: string;
  ALPNProtocols?: string[];
}

// Secure contexts by what they offer. Building one (and freeing it after a single use, as tls.connect does with
// its own) costs more CPU than a loopback handshake; a suite runs dozens of probes with a handful of settings.
const contexts = new Map<string, SecureContext>();
// Cipher enumeration makes a new string per accepted suite; a bound keeps a long-running bot's map small.
const MAX_CONTEXTS = 64;

/**
 * The context for these settings, shared by every handshake that asks the same (it holds configuration only:
 * versions, ciphers and the default trust store, i.e. system roots + NODE_EXTRA_CA_CERTS). Throws like
 * createSecureContext for settings the local OpenSSL cannot offer.
 */
export function probeSecureContext(
  options: Pick<TlsProbeOptions, 'minVersion' | 'maxVersion' | 'ciphers'> = {},
): SecureContext {
  const key = `${options.minVersion ?? ''}|${options.maxVersion ?? ''}|${options.ciphers ?? ''}`;
  const cached = contexts.get(key);
  if (cached) return cached;
  const context = createSecureContext({
    ...(options.minVersion ? { minVersion: options.minVersion } : {}),
    ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
    ...(options.ciphers ? { ciphers: options.ciphers } : {}),
  });
  if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
  contexts.set(key, context);
  return context;
}

/** A handshake either completes (and `read` saw the socket) or the server refused it: that is a finding. */
export type Handshake<T> = { ok: true; value: T } | { ok: false; reason: string; code?: string };

// Errors that OpenSSL raises before anything is sent: our side cannot offer the requested parameters.
const LOCAL_TLS_ERRORS = new Set([
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_NO_CIPHERS_AVAILABLE',
  'ERR_SSL_NO_CIPHER_MATCH',
]);

/** "…:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:…" → "tlsv1 alert protocol version". */
export function describeTlsError(err: NodeJS.ErrnoException): string {
  const openssl = /SSL routines:[^:]*:([^:]+)/.exec(err.message)?.[1];
  if (openssl) return openssl.trim();
  if (err.code === 'ECONNRESET') return 'connection reset during the handshake';
  return err.message;
}

function abortError(signal: AbortSignal, timeoutMs: number): TlsConnectError {
  const reason: unknown = signal.reason;
  // The runner aborts with CheckTimeoutError; AbortSignal.timeout() with a DOMException named TimeoutError.
  const timedOut = reason instanceof CheckTimeoutError || (reason instanceof Error && reason.name === 'TimeoutError');
  return timedOut
    ? new TlsConnectError('TIMEOUT', `no TLS answer within ${timeoutMs} ms`, { cause: reason })
    : new TlsConnectError('ABORTED', 'check aborted', { cause: reason });
}

/**
 * Performs one TLS handshake with the target and hands the connected socket to `read`; the socket is
 * destroyed afterwards in every case. Certificates are not verified here (rejectUnauthorized: false)
 * so that every check can still see them; `socket.authorized`/`authorizationError` carry the chain's
 * verdict (not the name's) against the default store (system roots + NODE_EXTRA_CA_CERTS: no `ca` is
 * ever passed).
 */
export function tlsHandshake<T>(
  ctx: CheckContext,
  options: TlsProbeOptions,
  read: (socket: TLSSocket, endpoint: TlsEndpoint) => T,
): Promise<Handshake<T>> {
  const endpoint = tlsEndpoint(ctx.target.url);
  const { signal, timeoutMs } = ctx;
  if (signal.aborted) return Promise.reject(abortError(signal, timeoutMs));

  // Node skips `lookup` for IP literals, so the guard judges those here, before any connection.
  try {
    assertLiteralAllowed(ctx.policy, endpoint.host);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }

  return new Promise<Handshake<T>>((resolve, reject) => {
    let socket: TLSSocket;
    let tcpConnected = false;
    let settled = false;

    const finish = (outcome: { value: Handshake<T> } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    };
    const onAbort = (): void => finish({ error: abortError(signal, timeoutMs) });

    try {
      const connectOptions: ConnectionOptions = {
        host: endpoint.host,
        port: endpoint.port,
        lookup: ctx.policy.lookup,
        rejectUnauthorized: false,
        // Name matching is the certificate check's own finding; this keeps authorizationError about the chain.
        checkServerIdentity: () => undefined,
        ...(endpoint.servername === undefined ? {} : { servername: endpoint.servername }),
        secureContext: probeSecureContext(options),
        ...(options.ALPNProtocols ? { ALPNProtocols: options.ALPNProtocols } : {}),
      };
      socket = connect(connectOptions);
    } catch (err) {
      // createSecureContext throws synchronously for cipher strings the local OpenSSL cannot satisfy.
      const e = err as NodeJS.ErrnoException;
      reject(
        new TlsConnectError(
          'TLS_CLIENT_UNSUPPORTED',
          `cannot offer ${options.ciphers ?? 'these parameters'}: ${describeTlsError(e)}`,
          { cause: e },
        ),
      );
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    // A backstop for callers whose signal never fires: an idle handshake still ends.
    socket.setTimeout(timeoutMs, () =>
      finish({ error: new TlsConnectError('TIMEOUT', `no TLS answer within ${timeoutMs} ms`) }),
    );

    socket.once('connect', () => {
      tcpConnected = true;
    });
    socket.once('secureConnect', () => {
      try {
        finish({ value: { ok: true, value: read(socket, endpoint) } });
      } catch (err) {
        finish({ error: err instanceof Error ? err : new Error(String(err)) });
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== undefined && LOCAL_TLS_ERRORS.has(err.code)) {
        finish({ error: new TlsConnectError('TLS_CLIENT_UNSUPPORTED', describeTlsError(err), { cause: err }) });
      } else if (!tcpConnected) {
        finish({
          error:
            findRefusal(err) ??
            new TlsConnectError(
              'CONNECT_FAILED',
              `cannot connect to ${endpoint.host}:${endpoint.port}: ${err.message}`,
              { cause: err },
            ),
        });
      } else {
        finish({ value: { ok: false, reason: describeTlsError(err), ...(err.code ? { code: err.code } : {}) } });
      }
    });
    // A server that closes the connection without an alert also refuses the handshake.
    socket.once('close', () => {
      if (tcpConnected) finish({ value: { ok: false, reason: 'connection closed during the handshake' } });
      else
        finish({ error: new TlsConnectError('CONNECT_FAILED', `cannot connect to ${endpoint.host}:${endpoint.port}`) });
    });
  });
}
