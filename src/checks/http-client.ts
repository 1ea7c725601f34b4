// Guarded HTTP for checks: every connection goes through the SSRF policy, redirects are never followed
// automatically (undici 7 does not follow them by default) (checks follow hops by hand and judge each), bodies are read up to a bound and always released.
import { Agent, buildConnector, request } from 'undici';
import { assertLiteralAllowed } from './guard.js';
import { probeSecureContext } from './tls-connect.js';
import type { CheckContext } from './types.js';

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export type HttpHeaders = Record<string, string | string[] | undefined>;

export interface HttpResponse {
  url: string;
  status: number;
  /** Lower-case names; repeated headers (set-cookie) keep every value as an array. */
  headers: HttpHeaders;
  body: string;
  /** True when the body was longer than the bound and cut there. */
  truncated: boolean;
  /** The address actually connected, when known. */
  remoteAddress?: string;
  timings: { headersMs: number; totalMs: number };
}

export interface HttpRequestOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  maxBodyBytes?: number;
  /** Overrides the client's signal (a shared client serves checks with different deadlines). */
  signal?: AbortSignal;
}

export interface HttpClient {
  request(url: URL | string, options?: HttpRequestOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

type HttpContext = Pick<CheckContext, 'policy' | 'signal' | 'timeoutMs'>;

function originKey(protocol: string, hostname: string, port: string): string {
  const defaultPort = protocol === 'https:' ? '443' : '80';
  return `${protocol}//${hostname.replace(/^\[|\]$/g, '')}:${port || defaultPort}`;
}

/** Connections a run keeps per origin: enough for the default suite's requests to go out at once. */
export const RUN_CONNECTIONS_PER_ORIGIN = 16;

// Clients shared by every check of one run, keyed by the run's target object (see openRunHttpClient).
const runClients = new WeakMap<object, HttpClient>();

/**
 * A client shared by the checks of one run so that they reuse connections and TLS sessions instead of each
 * paying its own handshakes. The runner opens it before and closes it after the run; requests still honour
 * each check's own signal.
 */
export function openRunHttpClient(run: object, ctx: Omit<HttpContext, 'signal'>): HttpClient {
  const client = buildClient({ ...ctx, signal: undefined }, RUN_CONNECTIONS_PER_ORIGIN);
  runClients.set(run, client);
  return {
    request: (...args) => client.request(...args),
    close: async () => {
      runClients.delete(run);
      await client.close();
    },
  };
}

export function createHttpClient(ctx: HttpContext & { target?: object }): HttpClient {
  const shared = ctx.target ? runClients.get(ctx.target) : undefined;
  if (shared) {
    // The run owns the connections; this check only brings its signal.
    return {
      request: (url, options) => shared.request(url, { ...options, signal: options?.signal ?? ctx.signal }),
      close: async () => undefined,
    };
  }
  return buildClient(ctx);
}

function buildClient(
  ctx: Omit<HttpContext, 'signal'> & { signal: AbortSignal | undefined },
  connectionsPerOrigin?: number,
): HttpClient {
  const remoteAddresses = new Map<string, string>();
  // Node's net/tls skip `lookup` for literal IPs, so those are judged here before any socket exists.
  // One default secure context for every connection instead of one built and freed per TLS connection (same trust store).
  const base = buildConnector({
    lookup: ctx.policy.lookup,
    timeout: ctx.timeoutMs,
    secureContext: probeSecureContext(),
  });
  const connector: buildConnector.connector = (options, callback) => {
    try {
      assertLiteralAllowed(ctx.policy, options.hostname);
    } catch (error) {
      callback(error as Error, null);
      return;
    }
    base(options, (err, socket) => {
      if (err) return callback(err, null);
      if (socket?.remoteAddress) {
        remoteAddresses.set(originKey(options.protocol, options.hostname, options.port), socket.remoteAddress);
      }
      callback(null, socket);
    });
  };
  const agent = new Agent({
    connect: connector,
    headersTimeout: ctx.timeoutMs,
    bodyTimeout: ctx.timeoutMs,
    keepAliveTimeout: 1_000,
    ...(connectionsPerOrigin ? { connections: connectionsPerOrigin } : {}),
  });

  return {
    async request(url, options = {}) {
      const target = typeof url === 'string' ? new URL(url) : url;
      const started = performance.now();
      const response = await request(target, {
        dispatcher: agent,
        method: options.method ?? 'GET',
        // identity unless a check asks otherwise: bodies are read as text, never decompressed.
        headers: { 'user-agent': 'golive-check', 'accept-encoding': 'identity', ...options.headers },
        signal: options.signal ?? ctx.signal,
      });
      const headersMs = performance.now() - started;
      const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      try {
        for await (const chunk of response.body) {
          const buffer = chunk as Buffer;
          if (size + buffer.length > limit) {
            chunks.push(buffer.subarray(0, limit - size));
            size = limit;
            truncated = true;
            break;
          }
          chunks.push(buffer);
          size += buffer.length;
        }
      } finally {
        // Leaving the loop early already destroys the stream; this covers errors and HEAD alike.
        if (!response.body.destroyed) response.body.destroy();
      }
      const remoteAddress = remoteAddresses.get(originKey(target.protocol, target.hostname, target.port));
      return {
        url: target.href,
        status: response.statusCode,
        headers: response.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        truncated,
        ...(remoteAddress ? { remoteAddress } : {}),
        timings: { headersMs: Math.round(headersMs), totalMs: Math.round(performance.now() - started) },
      };
    },
    async close() {
      await agent.destroy();
    },
  };
}

/** Runs `fn` with a client whose connections are all closed afterwards, whatever happens. */
export async function withHttpClient<T>(
  ctx: HttpContext & { target?: object },
  fn: (http: HttpClient) => Promise<T>,
): Promise<T> {
  const http = createHttpClient(ctx);
  try {
    return await fn(http);
  } finally {
    await http.close();
  }
}

/**
 * A signal that aborts when `parent` does or after `ms`, whichever comes first; call `clear` when done.
 * (Hand-made: AbortSignal.any over AbortSignal.timeout did not fire reliably under Node 20 here.)
 */
export function deadlineSignal(parent: AbortSignal, ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent.reason);
  const timer = setTimeout(() => controller.abort(new Error(`no answer in ${ms} ms`)), ms);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}

/** Every value of a header, e.g. each Set-Cookie line. */
export function headerValues(headers: HttpHeaders, name: string): string[] {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first value of a header, or undefined. */
export function headerValue(headers: HttpHeaders, name: string): string | undefined {
  return headerValues(headers, name)[0];
}
