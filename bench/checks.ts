// `npm run bench -- checks`: the full check suite against one target must take ≤ 1.3× its slowest single check
// (checks run in parallel). The target is a trusted HTTPS + HTTP/2 site, so every check does its real work. The
// site is served here; the checks run in a child process, as from another machine, and because Node reads
// NODE_EXTRA_CA_CERTS only at start-up (the child trusts a CA generated here). Three runs: plain loopback (no
// wait to hide: the figure is the checker's CPU on this machine), a site slow to answer HTTP, and the site behind
// a latency proxy so every connection and handshake pays a real round trip, as a real target does.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { generate } from 'selfsigned';
import { startLatencyProxy } from './support/latency-proxy.js';
import { createAddressPolicy } from '../src/checks/guard.js';
import { runChecks } from '../src/checks/runner.js';
import type { CheckRequest, CheckTarget } from '../src/checks/types.js';
import { cliCheckRequests } from '../src/cli/check.js';
import { defaultTemplate } from '../src/templates/default.js';

const CHILD_PORTS = 'GOLIVE_BENCH_CHECKS_PORTS';
const CHILD_LABEL = 'GOLIVE_BENCH_CHECKS_LABEL';
const TIMEOUT_MS = 5000;

// EC keys for the modern site; RSA (2048) for the legacy one, whose RSA key exchange suites need an RSA leaf.
type KeyKind = { keyType: 'ec'; curve: 'P-256' } | { keySize: 2048 };
const EC: KeyKind = { keyType: 'ec', curve: 'P-256' };
const RSA: KeyKind = { keySize: 2048 };
const DAY_MS = 86_400_000;

function benchCa(name: string, key: KeyKind) {
  const now = Date.now();
  return generate([{ name: 'commonName', value: name }], {
    ...key,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 365 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
}

// selfsigned signs with the leaf's key type, so each leaf comes from a CA of its own kind.
function benchLeaf(key: KeyKind, ca: { private: string; cert: string }) {
  const now = Date.now();
  return generate([{ name: 'commonName', value: 'localhost' }], {
    ...key,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 90 * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, ...(key === RSA ? { keyEncipherment: true } : {}), critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
    ],
  });
}

async function writeCertificates(dir: string): Promise<void> {
  const ca = await benchCa('Golive bench CA', EC);
  const leaf = await benchLeaf(EC, ca);
  const rsaCa = await benchCa('Golive bench RSA CA', RSA);
  const rsaLeaf = await benchLeaf(RSA, rsaCa);
  writeFileSync(join(dir, 'ca.pem'), `${ca.cert}\n${rsaCa.cert}`);
  writeFileSync(join(dir, 'key.pem'), leaf.private);
  writeFileSync(join(dir, 'cert.pem'), leaf.cert);
  writeFileSync(join(dir, 'rsa-key.pem'), rsaLeaf.private);
  writeFileSync(join(dir, 'rsa-cert.pem'), rsaLeaf.cert);
}

// Forward-secret AEAD suites only, so tls-ciphers passes like the rest (TLS 1.3 suites are AEAD anyway).
const AEAD_ONLY = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305';
// An old nginx-style default (RSA certificate, "HIGH:!aNULL"): tls-ciphers has many suites to enumerate there.
const LEGACY_CIPHERS = 'HIGH:!aNULL:@SECLEVEL=0';

const METRICS = '# TYPE http_requests_total counter\nhttp_requests_total{code="200"} 1027\nup 1\n';

// How long the site takes to answer each HTTP request. Loopback answers at once, so the checker's CPU is all
// there is to measure; a real server takes time, which is what running checks in parallel hides.
let siteLatencyMs = 0;
// Where plain HTTP redirects to: the site's own HTTPS port, or the proxy's when the run goes through one.
let redirectHttpsPort = 0;

interface BenchRun {
  label: string;
  /** Site answers each HTTP request after this long. */
  siteLatencyMs: number;
  /** Round trip added by a proxy in front of both ports (0: no proxy). */
  rttMs: number;
  /** The site accepts legacy TLS 1.2 suites (tls-ciphers then fails, as it should, after enumerating them). */
  legacy?: true;
}

const RUNS: BenchRun[] = [
  { label: 'loopback', siteLatencyMs: 0, rttMs: 0 },
  { label: 'site answers HTTP in 20 ms', siteLatencyMs: 20, rttMs: 0 },
  { label: 'RTT 40 ms', siteLatencyMs: 0, rttMs: 40 },
  { label: 'legacy ciphers, RTT 40 ms', siteLatencyMs: 0, rttMs: 40, legacy: true },
];

// A well-configured site, so that no check stops early on an easy failure (TCP_NODELAY on, as real servers set it).
function handle(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void {
  if (siteLatencyMs > 0) setTimeout(() => answer(req, res), siteLatencyMs);
  else answer(req, res);
}

function answer(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void {
  const path = new URL(req.url ?? '/', 'https://localhost').pathname;
  const reply = res as ServerResponse;
  if (path === '/') {
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    reply.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'set-cookie': 'session=1; Secure; HttpOnly; SameSite=Lax',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    const page = '<!doctype html><title>bench</title>'.padEnd(4096, ' ');
    reply.end(gzip ? gzipSync(page) : page);
  } else if (path === '/health/metrics') {
    reply.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    reply.end(METRICS);
  } else if (path.startsWith('/health/')) {
    reply.writeHead(200, { 'content-type': 'text/plain' });
    reply.end('ok');
  } else {
    reply.writeHead(404, { 'content-type': 'text/plain' });
    reply.end('not found');
  }
}

function listen(server: {
  listen: (port: number, host: string, cb: () => void) => void;
  address: () => unknown;
}): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

interface BenchSite {
  httpsPort: number;
  httpPort: number;
  close(): void;
}

async function serveSite(dir: string, legacy = false): Promise<BenchSite> {
  const https = createSecureServer(
    legacy
      ? {
          key: readFileSync(join(dir, 'rsa-key.pem')),
          cert: readFileSync(join(dir, 'rsa-cert.pem')),
          allowHTTP1: true,
          ciphers: LEGACY_CIPHERS,
          noDelay: true,
        }
      : {
          key: readFileSync(join(dir, 'key.pem')),
          cert: readFileSync(join(dir, 'cert.pem')),
          allowHTTP1: true,
          ciphers: AEAD_ONLY,
          noDelay: true,
        },
    handle,
  );
  const httpsPort = await listen(https);
  const http = createHttp({ noDelay: true }, (req, res) => {
    res.writeHead(301, { location: `https://localhost:${redirectHttpsPort || httpsPort}${req.url ?? '/'}` });
    res.end();
  });
  const httpPort = await listen(http);
  return {
    httpsPort,
    httpPort,
    close: () => {
      https.close();
      http.close();
    },
  };
}

async function measure(httpsPort: number, httpPort: number): Promise<void> {
  const label = process.env[CHILD_LABEL] ?? 'loopback';
  const target: CheckTarget = {
    url: new URL(`https://localhost:${httpsPort}/`),
    httpUrl: new URL(`http://localhost:${httpPort}/`),
  };
  const options = {
    timeoutMs: TIMEOUT_MS,
    policy: createAddressPolicy({ allowPrivate: false, allowedHosts: ['localhost'] }),
  };
  const requests = cliCheckRequests(defaultTemplate());
  const run = (subset: CheckRequest[]) => runChecks(subset, target, options);
  const timed = async (subset: CheckRequest[]) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = await run(subset);
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, result };
  };
  const key = (r: { id: string; kind: string }) => `${r.id} (${r.kind})`;
  // Warm both sides (JIT, TLS, DNS), then take the median of a few rounds: single runs on loopback are noisy.
  for (const request of requests) await run([request]);
  await run(requests);
  const rounds = 5;
  const suiteTimes: number[] = [];
  const suiteCpu: number[] = [];
  const singleTimes = new Map<string, number[]>();
  // Each check's own duration inside the suite, to see which ones the others slow down.
  const inSuiteTimes = new Map<string, number[]>();
  let suite = (await timed(requests)).result;
  for (let round = 0; round < rounds; round++) {
    const measured = await timed(requests);
    suite = measured.result;
    suiteTimes.push(measured.ms);
    suiteCpu.push(measured.cpuMs);
    for (const result of suite.results)
      inSuiteTimes.set(key(result), [...(inSuiteTimes.get(key(result)) ?? []), result.durationMs]);
    for (const request of requests) {
      singleTimes.set(key(request), [...(singleTimes.get(key(request)) ?? []), (await timed([request])).ms]);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const suiteMs = median(suiteTimes);
  let slowest = { ms: 0, name: 'none' };
  for (const [name, times] of singleTimes) {
    const ms = median(times);
    if (ms > slowest.ms) slowest = { ms, name };
    if (process.env.BENCH_VERBOSE) {
      const inSuite = median(inSuiteTimes.get(name) ?? []);
      console.log(
        `  ${name}: alone ${ms.toFixed(1)} ms (${times.map((t) => t.toFixed(0)).join(' ')}), in the suite ${inSuite} ms`,
      );
    }
  }
  // The checker's own CPU per suite: on loopback, with nothing to wait for, the suite cannot be faster than this.
  if (process.env.BENCH_VERBOSE)
    console.log(`  suite CPU in the checker ${median(suiteCpu).toFixed(0)} ms (wall ${suiteMs.toFixed(0)} ms)`);
  const notPassing = suite.results.filter((r) => r.status !== 'pass').map((r) => `${r.kind}: ${r.status} ${r.summary}`);
  if (notPassing.length > 0)
    console.log(`note: not passing against the bench site (${label}):\n  ${notPassing.join('\n  ')}`);
  console.log(
    `checks (${label}): suite ${suiteMs.toFixed(0)} ms, slowest single ${slowest.ms.toFixed(0)} ms (${slowest.name}), ` +
      `ratio ${(suiteMs / slowest.ms).toFixed(2)} (target ≤ 1.3)`,
  );
}

export default async function benchChecks(): Promise<void> {
  const ports = process.env[CHILD_PORTS]?.split(',').map(Number);
  if (ports?.[0] && ports[1]) return measure(ports[0], ports[1]);
  const dir = mkdtempSync(join(tmpdir(), 'golive-bench-checks-'));
  let site: BenchSite | undefined;
  try {
    await writeCertificates(dir);
    const self = fileURLToPath(import.meta.url);
    for (const run of RUNS) {
      // The site runs here and the checks in the child, as a real target would be another machine.
      site = await serveSite(dir, run.legacy);
      siteLatencyMs = run.siteLatencyMs;
      const proxies =
        run.rttMs > 0
          ? await Promise.all([
              startLatencyProxy(site.httpsPort, run.rttMs),
              startLatencyProxy(site.httpPort, run.rttMs),
            ])
          : undefined;
      const [httpsPort, httpPort] = proxies ? [proxies[0].port, proxies[1].port] : [site.httpsPort, site.httpPort];
      redirectHttpsPort = proxies ? httpsPort : 0;
      try {
        // Same runtime flags (tsx's loader when run from source), plus the CA trusted from start-up.
        // BENCH_CPU_PROF=dir writes one V8 CPU profile per checker child there (--cpu-prof), to see where the suite's time goes.
        const profile = process.env.BENCH_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
          : [];
        const child = spawn(process.execPath, [...process.execArgv, ...profile, self], {
          env: {
            ...process.env,
            [CHILD_PORTS]: `${httpsPort},${httpPort}`,
            [CHILD_LABEL]: run.label,
            NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
          },
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        if (code !== 0) throw new Error(`bench/checks child exited with ${code}`);
      } finally {
        await Promise.all((proxies ?? []).map((proxy) => proxy.close()));
        site.close();
        site = undefined;
      }
    }
  } finally {
    site?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchChecks();
}
