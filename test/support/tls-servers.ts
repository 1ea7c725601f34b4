// Real TLS servers on 127.0.0.1 port 0 for the TLS check tests, plus the CheckContext the checks get.
import { createSecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { createAddressPolicy } from '../../src/checks/guard.js';
import type { AddressPolicy, CheckContext } from '../../src/checks/types.js';
import type { KeyAndCert } from './certs.js';

export type ServerProfile =
  /** TLS 1.2 + 1.3, forward-secret AEAD suites only, HTTP/2 (and HTTP/1.1 fallback). */
  | 'modern'
  /** Accepts TLS 1.0 up to 1.3 with OpenSSL's legacy defaults. */
  | 'legacy'
  /** HTTPS with Node's defaults: TLS 1.2+, ALPN http/1.1 only. */
  | 'http1'
  /** TLS 1.2 only, RSA key exchange and SHA-1 CBC suites besides one good suite. */
  | 'weak-ciphers'
  /** TLS 1.2 + 1.3, forward-secret, but CBC suites (SHA-2 and SHA-1 MACs) besides AEAD ones. */
  | 'cbc-ciphers'
  /** TLS 1.2 + 1.3, also NULL-encryption and anonymous suites (when a client asks for them). */
  | 'null-anon'
  /** TLS 1.2 only, forward-secret AEAD only. */
  | 'tls12-only'
  /** TLS 1.3 only. */
  | 'tls13-only';

const AEAD_FS = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305';

const PROFILES: Record<ServerProfile, TlsOptions & { h2?: true }> = {
  modern: { minVersion: 'TLSv1.2', ciphers: AEAD_FS, h2: true },
  legacy: { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' },
  http1: {},
  'weak-ciphers': {
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: `AES128-GCM-SHA256:AES256-SHA:ECDHE-RSA-AES128-SHA:${AEAD_FS}:@SECLEVEL=0`,
  },
  'cbc-ciphers': { minVersion: 'TLSv1.2', ciphers: `${AEAD_FS}:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA` },
  'null-anon': {
    minVersion: 'TLSv1.2',
    ciphers: `${AEAD_FS}:ECDHE-RSA-NULL-SHA:NULL-SHA256:AECDH-AES128-SHA:@SECLEVEL=0`,
  },
  'tls12-only': { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: AEAD_FS },
  'tls13-only': { minVersion: 'TLSv1.3' },
};

export interface RunningServer {
  /** `https://localhost:<port>/` */
  url: URL;
  port: number;
  /** How many TCP connections reached the server (to prove that a refused target got none). */
  connections(): number;
  /** Connections still open (to prove a check destroyed its socket). */
  openConnections(): number;
  close(): Promise<void>;
}

const running = new Set<RunningServer>();

function track(server: NetServer, connectionEvent: 'connection'): { sockets: Set<Socket>; count: () => number } {
  const sockets = new Set<Socket>();
  let count = 0;
  server.on(connectionEvent, (socket: Socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return { sockets, count: () => count };
}

async function listen(server: NetServer, host = 'localhost'): Promise<RunningServer> {
  const { sockets, count } = track(server, 'connection');
  // Failed handshakes are the point of several tests; without a listener they would be unhandled.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const handle: RunningServer = {
    url: new URL(`https://${host}:${port}/`),
    port,
    connections: count,
    openConnections: () => sockets.size,
    close: async () => {
      running.delete(handle);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  running.add(handle);
  return handle;
}

/** Starts an HTTPS (or HTTP/2) server with the given certificate and TLS profile on loopback. */
export function startTlsServer(profile: ServerProfile, cert: KeyAndCert): Promise<RunningServer> {
  const { h2, ...tls } = PROFILES[profile];
  const options = { ...tls, key: cert.key, cert: cert.cert };
  if (h2) {
    const server = createSecureServer({ ...options, allowHTTP1: true }, (_req, res) => res.end('ok'));
    return listen(server);
  }
  return listen(createHttpsServer(options, (_req, res) => res.end('ok')));
}

/** A TCP server that accepts and never says a word: a TLS handshake with it can only time out. */
export function startSilentServer(): Promise<RunningServer> {
  // Reads (and drops) the client hello so that it notices when the client hangs up.
  return listen(createNetServer((socket) => socket.resume()));
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await startSilentServer();
  await server.close();
  return server.port;
}

/** Closes every server a test started; call it from afterEach. */
export async function closeAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.close()));
}

// The real guard, allowing private addresses as CHECK_ALLOW_PRIVATE=true would: the servers are on loopback.
const allowPrivate = createAddressPolicy({ allowPrivate: true, allowedHosts: [] });

export interface ContextOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  policy?: AddressPolicy;
}

/** The context the runner would give a check, with the guard allowing private (loopback) addresses. */
export function tlsCheckContext(url: URL | string, options: ContextOptions = {}): CheckContext {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    target: { url: new URL(url) },
    timeoutMs,
    signal: options.signal ?? AbortSignal.timeout(timeoutMs),
    policy: options.policy ?? allowPrivate,
  };
}
