// The runner: parallel, each check within its own timeout, errors become results, order kept.
import { afterEach, describe, expect, it } from 'vitest';
import { cliCheckRequests } from '../../src/cli/check.js';
import { createAddressPolicy, systemResolve } from '../../src/checks/guard.js';
import { defaultTemplate } from '../../src/templates/default.js';
import { RUN_CONNECTIONS_PER_ORIGIN } from '../../src/checks/http-client.js';
import { runChecks } from '../../src/checks/runner.js';
import type { Check } from '../../src/checks/types.js';
import { site, startHttpServer, startSilentServer, type TestServer } from '../support/http-servers.js';

const loopback = createAddressPolicy({ allowPrivate: true, allowedHosts: [] });
const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('runChecks', () => {
  it('gives a server that accepts and never answers one timeout, while the other checks complete', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const good = await startHttpServer(site());
    servers.push(good);
    const run = await runChecks(
      [
        { id: 'hsts-silent', kind: 'hsts', options: {} },
        { id: 'health-silent', kind: 'health', options: {} },
      ],
      { url: silent.url },
      { timeoutMs: 400, policy: loopback },
    );
    expect(run.results.map((r) => [r.id, r.status, r.summary])).toEqual([
      ['hsts-silent', 'error', 'timed out after 400 ms'],
      // health names its slow paths (after 80% of the timeout) rather than erring as a whole
      [
        'health-silent',
        'fail',
        '5/5 paths failing: /health/ping, /health/live, /health/ready, /health/status, /health/metrics → no answer in 320 ms (want 2xx)',
      ],
    ]);
    expect(silent.connections).toBeGreaterThan(0);
  });

  it('keeps request order and the JSON shape of docs/ARCHITECTURE.md', async () => {
    const server = await startHttpServer(site());
    servers.push(server);
    let clock = 1_000_000;
    const run = await runChecks(
      [
        { id: 'b-item', kind: 'hsts', options: {} },
        { id: 'a-item', kind: 'cookies', options: {} },
        { id: 'c-item', kind: 'compression', options: {} },
      ],
      { url: server.url },
      { timeoutMs: 5000, policy: loopback, now: () => (clock += 5) },
    );
    expect(run.target).toBe(server.url.href);
    expect(run.startedAt).toBe(new Date(1_000_005).toISOString());
    expect(run.results.map((r) => r.id)).toEqual(['b-item', 'a-item', 'c-item']);
    for (const result of run.results) {
      expect(Object.keys(result).sort()).toEqual(['durationMs', 'evidence', 'id', 'kind', 'status', 'summary']);
      expect(result.durationMs).toBeGreaterThan(0);
    }
  });

  it('lets the checks of one run share connections instead of one handshake per request', async () => {
    const server = await startHttpServer(site());
    servers.push(server);
    const kinds = [
      'hsts',
      'cookies',
      'security-headers',
      'compression',
      'error-pages',
      'metrics',
      'admin-exposed',
    ] as const;
    const manyPaths = Array.from({ length: 30 }, (_, i) => `/health/ping?n=${i}`);
    const run = await runChecks(
      [
        ...kinds.map((kind) => ({ id: kind, kind, options: {} })),
        { id: 'health', kind: 'health', options: { paths: manyPaths } },
      ],
      { url: server.url },
      { timeoutMs: 5000, policy: loopback },
    );
    expect(run.results.map((r) => r.status)).toEqual(Array(8).fill('pass'));
    // 39 requests, no more connections than the run keeps per origin.
    expect(server.connections).toBeLessThanOrEqual(RUN_CONNECTIONS_PER_ORIGIN);
  });

  it('resolves the target name once per run, however many checks connect to it', async () => {
    const server = await startHttpServer(site());
    servers.push(server);
    const asked: string[] = [];
    // The system resolver, counted: each question would be a DNS query, and a burst of them is what gets dropped.
    const policy = createAddressPolicy({ allowPrivate: true, allowedHosts: [] }, (hostname) => {
      asked.push(hostname);
      return systemResolve(hostname);
    });
    const url = new URL(`https://localhost:${server.port}/`);
    const requests = cliCheckRequests(defaultTemplate());
    const run = await runChecks(requests, { url }, { timeoutMs: 5000, policy });
    expect(run.results).toHaveLength(requests.length);
    expect(run.results.find((r) => r.kind === 'dns')?.status).toBe('pass');
    expect(asked).toEqual(['localhost']);
    // A second run asks again: an answer is kept for one run only.
    await runChecks([{ id: 'dns', kind: 'dns', options: {} }], { url }, { timeoutMs: 5000, policy });
    expect(asked).toEqual(['localhost', 'localhost']);
  });

  it('turns a thrown error into an error result with a one-line summary', async () => {
    const broken: Check = async () => {
      throw new Error('boom\nsecond line');
    };
    const run = await runChecks(
      [{ id: 'x', kind: 'dns', options: {} }],
      { url: new URL('https://example.invalid/') },
      {
        timeoutMs: 1000,
        policy: loopback,
        checks: { dns: broken },
      },
    );
    expect(run.results[0]).toMatchObject({ status: 'error', summary: 'boom' });
  });

  it('reports a connection refused as an error naming the cause', async () => {
    const server = await startHttpServer(site());
    const url = server.url;
    await server.close();
    const run = await runChecks(
      [{ id: 'hsts', kind: 'hsts', options: {} }],
      { url },
      { timeoutMs: 5000, policy: loopback },
    );
    expect(run.results[0]?.status).toBe('error');
    expect(run.results[0]?.summary).toContain('ECONNREFUSED');
  });
});
