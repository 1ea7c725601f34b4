// Real servers on 127.0.0.1 port 0 for the check tests: a configurable web site (good by default), redirectors,
// a server that accepts and never answers, a bare TCP listener, an HTTPS server with a self-signed certificate
// and a tiny DNS responder. Each counts the connections it accepted, so tests can prove the guard made none.
import { createSocket } from 'node:dgram';
import { createServer as createHttp } from 'node:http';
import type { IncomingMessage, RequestListener, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createNet } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { generate } from 'selfsigned';

export interface TestServer {
  /** http(s)://127.0.0.1:port/ (or tcp://… for bare listeners). */
  url: URL;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

function track(server: NetServer | HttpServer, scheme: string): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  // TLS servers report the raw TCP accept on 'connection' too, so this counts every attempt that reached us.
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('no port'));
      resolve({
        url: new URL(`${scheme}://127.0.0.1:${address.port}/`),
        port: address.port,
        get connections() {
          return connections;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export function startHttpServer(handler: RequestListener): Promise<TestServer> {
  return track(createHttp(handler), 'http');
}

let selfSigned: Promise<{ key: string; cert: string }> | undefined;

/** One self-signed certificate for localhost/127.0.0.1, generated once per test file. */
export function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  selfSigned ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return selfSigned;
}

export async function startHttpsServer(handler: RequestListener): Promise<TestServer> {
  const { key, cert } = await selfSignedCertificate();
  return track(createHttps({ key, cert }, handler), 'https');
}

/** Accepts TCP connections and never sends a byte: the server that must cost one timeout, not the run. */
export function startSilentServer(): Promise<TestServer> {
  return track(
    createNet(() => undefined),
    'http',
  );
}

/** A bare TCP listener (a database port left open). */
export function startTcpListener(): Promise<TestServer> {
  return track(
    createNet((socket) => socket.end()),
    'tcp',
  );
}

/** Headers a well-configured site sends on its pages. */
export const GOOD_HEADERS: Record<string, string | string[]> = {
  'content-type': 'text/html; charset=utf-8',
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'set-cookie': ['sessionid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax', 'theme=dark; Path=/'],
};

export const GOOD_METRICS = [
  '# HELP http_requests_total Requests served.',
  '# TYPE http_requests_total counter',
  'http_requests_total{method="GET",code="200"} 1027 1395066363000',
  'http_requests_total{method="POST",code="400"} 3',
  '# TYPE request_seconds histogram',
  'request_seconds_bucket{le="0.5"} 24054',
  'request_seconds_bucket{le="+Inf"} 144320',
  'request_seconds_sum 53423',
  'request_seconds_count 144320',
  'temperature{room="a \\"quoted\\" \\\\ name",} NaN',
  'process_start_time_seconds -Inf',
  '',
].join('\n');

export interface SiteOptions {
  /** Replaces (or with null removes) headers of the main page. */
  headers?: Record<string, string | string[] | null>;
  /** Gzip pages when asked (default true). */
  compress?: boolean;
  notFound?: { status?: number; body?: string; headers?: Record<string, string> };
  metrics?: { contentType: string; body: string };
  /** Serve /admin with 200 and no authentication. */
  adminOpen?: boolean;
  /** Answer every health path with this status. */
  healthStatus?: number;
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string,
  compress: boolean,
): void {
  const wantsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  if (compress && wantsGzip) {
    res.writeHead(status, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
    res.end(gzipSync(body));
    return;
  }
  res.writeHead(status, headers);
  res.end(body);
}

/** A web site whose answers each check looks at; good unless options say otherwise. */
export function site(options: SiteOptions = {}): RequestListener {
  const pageHeaders: Record<string, string | string[]> = { ...GOOD_HEADERS };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete pageHeaders[name];
    else pageHeaders[name] = value;
  }
  const compress = options.compress ?? true;
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      send(req, res, 200, pageHeaders, '<!doctype html><title>checkout</title><p>Welcome</p>', compress);
    } else if (path === '/health/metrics') {
      const metrics = options.metrics ?? {
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
        body: GOOD_METRICS,
      };
      res.writeHead(options.healthStatus ?? 200, { 'content-type': metrics.contentType });
      res.end(metrics.body);
    } else if (path.startsWith('/health/')) {
      res.writeHead(options.healthStatus ?? 200, { 'content-type': 'text/plain' });
      res.end(path === '/health/ping' ? 'pong' : 'ok');
    } else if (path === '/admin' && options.adminOpen) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<h1>Site administration</h1><a href="/admin/users">Users</a>');
    } else if (path === '/admin') {
      res.writeHead(302, { location: '/login?next=/admin' });
      res.end();
    } else {
      const notFound = options.notFound ?? {};
      res.writeHead(notFound.status ?? 404, { 'content-type': 'text/html', ...notFound.headers });
      res.end(notFound.body ?? '<h1>Not found</h1>');
    }
  };
}

/** Answers every request with a redirect to `location` (a function of the request path when given one). */
export function redirectTo(location: string | ((path: string) => string), status = 301): RequestListener {
  return (req, res) => {
    const target = typeof location === 'function' ? location(req.url ?? '/') : location;
    res.writeHead(status, { location: target, 'content-type': 'text/html' });
    res.end(`<a href="${target}">moved</a>`);
  };
}

/** A Werkzeug debugger 404, the classic Flask-in-debug-mode leak. */
export const WERKZEUG_DEBUG_PAGE = `<!doctype html>
<title>NotFound // Werkzeug Debugger</title>
<h1>werkzeug.exceptions.NotFound</h1>
<div class="traceback"><h3>Traceback <em>(most recent call last)</em></h3>
<pre>Traceback (most recent call last):
  File "/app/venv/lib/python3.11/site-packages/flask/app.py", line 1823, in full_dispatch_request</pre></div>
<div class="footer">Brought to you by <strong class="arthur">DON'T PANIC</strong>, your friendly Werkzeug powered traceback interpreter.
The debugger caught an exception in your WSGI application.</div>`;

export interface TestDnsServer {
  /** host:port to hand to a resolver. */
  address: string;
  queries: number;
  close(): Promise<void>;
}

/** A minimal authoritative DNS responder over UDP: answers A/AAAA for the names given, empty otherwise. */
export function startDnsServer(records: Record<string, string[]>): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  let queries = 0;
  socket.on('message', (query, peer) => {
    queries++;
    let offset = 12;
    const labels: string[] = [];
    for (let length = query[offset] ?? 0; length > 0; length = query[offset] ?? 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    const qtype = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    const answers = (records[name] ?? [])
      .map((address) => ipaddr.parse(address))
      .filter((address) => (qtype === 1 ? address.kind() === 'ipv4' : qtype === 28 && address.kind() === 'ipv6'));
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    header.writeUInt16BE(records[name] ? 0x8580 : 0x8583, 2); // response, authoritative; NXDOMAIN for unknown names
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const records_ = answers.map((address) => {
      const bytes = Buffer.from(address.toByteArray());
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      record.writeUInt16BE(qtype, 2);
      record.writeUInt16BE(1, 4);
      record.writeUInt32BE(60, 6);
      record.writeUInt16BE(bytes.length, 10);
      return Buffer.concat([record, bytes]);
    });
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...records_]), peer.port, peer.address);
  });
  return new Promise((resolve) => {
    socket.bind(0, '127.0.0.1', () => {
      resolve({
        address: `127.0.0.1:${socket.address().port}`,
        get queries() {
          return queries;
        },
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}
