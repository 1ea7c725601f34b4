// The guard in action: refused targets get an error result naming the reason and NO connection at all
// (proved by the server's own count of accepted connections), whether reached by literal IP, by a name
// resolving to loopback, or by a redirect.
import { afterEach, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/checks/guard.js';
import { runChecks } from '../../src/checks/runner.js';
import type { CheckKind } from '../../src/domain/check-kind.js';
import { redirectTo, site, startHttpServer, startTcpListener, type TestServer } from '../support/http-servers.js';

const strict = createAddressPolicy({ allowPrivate: false, allowedHosts: [] });
const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function track<T extends TestServer>(server: Promise<T>): Promise<T> {
  const started = await server;
  servers.push(started);
  return started;
}

const HTTP_KINDS: CheckKind[] = [
  'health',
  'metrics',
  'hsts',
  'security-headers',
  'compression',
  'error-pages',
  'cookies',
  'admin-exposed',
  'response-time',
  'https-redirect',
];

describe('refused targets', () => {
  it('refuses 127.0.0.1 for every HTTP kind without connecting', async () => {
    const server = await track(startHttpServer(site()));
    const run = await runChecks(
      HTTP_KINDS.map((kind) => ({ id: kind, kind, options: {} })),
      { url: server.url, httpUrl: server.url },
      { timeoutMs: 5000, policy: strict },
    );
    for (const result of run.results) {
      expect(result.status, result.kind).toBe('error');
      expect(result.summary, result.kind).toContain('refused 127.0.0.1: 127.0.0.1 is a loopback address');
      expect(result.evidence).toMatchObject({ refused: { address: '127.0.0.1' } });
    }
    expect(server.connections).toBe(0);
  });

  it('refuses a name that resolves to loopback without connecting', async () => {
    const server = await track(startHttpServer(site()));
    const url = new URL(`http://localhost:${server.port}/`);
    const run = await runChecks(
      [{ id: 'health', kind: 'health', options: {} }],
      { url },
      { timeoutMs: 5000, policy: strict },
    );
    expect(run.results[0]?.status).toBe('error');
    expect(run.results[0]?.summary).toMatch(/^refused localhost \(127\.0\.0\.1\): 127\.0\.0\.1 is a loopback address/);
    expect(server.connections).toBe(0);
  });

  it.each(['[::ffff:127.0.0.1]', '2130706433', '0x7f.1'])(
    'refuses loopback written as %s without connecting',
    async (host) => {
      const server = await track(startHttpServer(site()));
      const url = new URL(`http://${host}:${server.port}/`);
      const run = await runChecks(
        [{ id: 'hsts', kind: 'hsts', options: {} }],
        { url },
        { timeoutMs: 5000, policy: strict },
      );
      expect(run.results[0]?.status).toBe('error');
      expect(run.results[0]?.summary).toContain('is a loopback address');
      expect(server.connections).toBe(0);
    },
  );

  it('refuses a redirect to a private address without connecting to it', async () => {
    const inner = await track(startHttpServer(site()));
    // The entry point is allowed by name; where it redirects (a bare loopback IP) is not.
    const outer = await track(startHttpServer(redirectTo(`http://127.0.0.1:${inner.port}/`)));
    const policy = createAddressPolicy({ allowPrivate: false, allowedHosts: ['localhost'] });
    const entry = new URL(`http://localhost:${outer.port}/`);
    const run = await runChecks(
      [{ id: 'https-redirect', kind: 'https-redirect', options: {} }],
      { url: new URL(`https://localhost:${outer.port}/`), httpUrl: entry },
      { timeoutMs: 5000, policy },
    );
    const result = run.results[0];
    expect(result?.status).toBe('fail');
    expect(result?.summary).toContain(`redirect to 127.0.0.1:${inner.port} refused: 127.0.0.1 is a loopback address`);
    expect(outer.connections).toBe(1);
    expect(inner.connections).toBe(0);
  });

  it('refuses database ports on a loopback target without connecting', async () => {
    const listener = await track(startTcpListener());
    const run = await runChecks(
      [{ id: 'db', kind: 'database-port', options: { ports: [listener.port] } }],
      { url: new URL('https://127.0.0.1/') },
      { timeoutMs: 5000, policy: strict },
    );
    expect(run.results[0]?.status).toBe('error');
    expect(run.results[0]?.summary).toContain('refused 127.0.0.1');
    expect(listener.connections).toBe(0);
  });

  it('refuses database ports behind a name resolving to loopback', async () => {
    const listener = await track(startTcpListener());
    const run = await runChecks(
      [{ id: 'db', kind: 'database-port', options: { ports: [listener.port] } }],
      { url: new URL('https://localhost/') },
      { timeoutMs: 5000, policy: strict },
    );
    expect(run.results[0]?.status).toBe('error');
    expect(run.results[0]?.summary).toContain('refused localhost (127.0.0.1)');
    expect(listener.connections).toBe(0);
  });
});

describe('allowed targets', () => {
  it('reaches loopback when CHECK_ALLOWED_HOSTS lists a CIDR containing it', async () => {
    const server = await track(startHttpServer(site()));
    const policy = createAddressPolicy({ allowPrivate: false, allowedHosts: ['127.0.0.0/8'] });
    const run = await runChecks(
      [{ id: 'hsts', kind: 'hsts', options: {} }],
      { url: server.url },
      { timeoutMs: 5000, policy },
    );
    expect(run.results[0]?.status).toBe('pass');
    expect(server.connections).toBe(1);
  });

  it('reaches a name listed in CHECK_ALLOWED_HOSTS', async () => {
    const server = await track(startHttpServer(site()));
    const policy = createAddressPolicy({ allowPrivate: false, allowedHosts: ['localhost'] });
    const run = await runChecks(
      [{ id: 'hsts', kind: 'hsts', options: {} }],
      { url: new URL(`http://localhost:${server.port}/`) },
      { timeoutMs: 5000, policy },
    );
    expect(run.results[0]?.status).toBe('pass');
  });
});
