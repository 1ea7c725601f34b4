// `golive check` in-process through main() with a fake CliIo: exit codes, the JSON document, the table, env vs flags.
import { afterEach, describe, expect, it } from 'vitest';
import { recordingIo } from '../support/cli-io.js';
import { cliCheckRequests, formatCheckTable } from '../../src/cli/check.js';
import { main } from '../../src/cli.js';
import { CHECK_KINDS } from '../../src/domain/check-kind.js';
import { defaultTemplate } from '../../src/templates/default.js';
import {
  redirectTo,
  site,
  startHttpServer,
  startHttpsServer,
  startSilentServer,
  type TestServer,
} from '../support/http-servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function httpsSite(): Promise<TestServer> {
  const server = await startHttpsServer(site());
  servers.push(server);
  return server;
}

describe('golive check: exit codes', () => {
  it('exits 0 when nothing failed', async () => {
    const io = recordingIo();
    expect(await main(['check', 'https://localhost:8443/', '--only', 'dns'], io)).toBe(0);
    expect(io.out).toContain('pass');
    expect(io.err).toBe('');
  });

  it('exits 0 when the plain-HTTP URL given with --http-url redirects properly', async () => {
    const http = await startHttpServer(redirectTo('https://127.0.0.1:8443/', 308));
    servers.push(http);
    const io = recordingIo();
    const args = [
      'check',
      'https://127.0.0.1:8443/',
      '--http-url',
      http.url.href,
      '--only',
      'https-redirect',
      '--allow-private',
      '--json',
    ];
    expect(await main(args, io)).toBe(0);
    expect(JSON.parse(io.out).results[0]).toMatchObject({
      kind: 'https-redirect',
      status: 'pass',
      summary: '308 → https://127.0.0.1:8443/ (want 301/308 to https)',
    });
    expect(http.connections).toBe(1);
  });

  it('exits 1 when a check errs: a refused private target, with no connection made', async () => {
    const server = await httpsSite();
    const io = recordingIo();
    expect(await main(['check', server.url.href, '--only', 'hsts'], io)).toBe(1);
    expect(io.out).toContain('refused 127.0.0.1: 127.0.0.1 is a loopback address');
    expect(server.connections).toBe(0);
  });

  it('exits 1 when the certificate is not trusted (verification stays on)', async () => {
    const server = await httpsSite();
    const io = recordingIo();
    expect(await main(['check', server.url.href, '--only', 'hsts,cookies', '--allow-private'], io)).toBe(1);
    expect(io.out).toMatch(/self[- ]signed/i);
    expect(server.connections).toBeGreaterThan(0);
  });

  it.each([
    [[], 'missing the https URL'],
    [['http://example.com/'], 'must start with https://'],
    [['not a url'], 'is not a URL'],
    [['https://example.com/', 'https://example.org/'], 'one URL expected'],
    [['https://example.com/', '--only', 'health,bogus'], 'unknown check kind bogus'],
    [['https://example.com/', '--timeout', 'soon'], '--timeout must be a whole number'],
    [['https://example.com/', '--http-url', 'ftp://example.com/'], '--http-url must start with http://'],
    [['https://example.com/', '--verbose'], "Unknown option '--verbose'"],
  ])('exits 2 on usage error %j', async (args, reason) => {
    const io = recordingIo();
    expect(await main(['check', ...args], io)).toBe(2);
    expect(io.err).toContain(reason);
    expect(io.err).toContain('usage: golive check');
    expect(io.out).toBe('');
  });

  it.each([
    [{ CHECK_TIMEOUT_MS: '0' }, 'CHECK_TIMEOUT_MS is not a timeout in milliseconds (got "0")'],
    [{ CHECK_ALLOW_PRIVATE: 'maybe' }, 'CHECK_ALLOW_PRIVATE is not true or false (got "maybe")'],
    // What the bot refuses at start, the CLI refuses too (src/config.ts reads both).
    [{ CHECK_ALLOW_PRIVATE: 'yes' }, 'CHECK_ALLOW_PRIVATE is not true or false (got "yes")'],
    [
      { CHECK_ALLOWED_HOSTS: 'db.internal,not a host' },
      'CHECK_ALLOWED_HOSTS has entries that are not a host, address or CIDR ("not a host")',
    ],
  ])('exits 2 on configuration error %j', async (env, reason) => {
    const io = recordingIo(env);
    expect(await main(['check', 'https://example.com/', '--only', 'dns'], io)).toBe(2);
    expect(io.err).toContain(reason);
  });
});

describe('golive check: a name that does not resolve', () => {
  it('says "does not resolve" for every check at once, fails dns, passes nothing, exits 1', async () => {
    // .invalid never resolves (RFC 6761): the resolver answers NXDOMAIN, no outside DNS needed. The timeout is
    // longer than the test's own, so a check that waited for it instead of hearing the answer fails the test.
    const io = recordingIo({ CHECK_TIMEOUT_MS: '60000' });
    expect(await main(['check', 'https://chekout.example.invalid/', '--json'], io)).toBe(1);
    const run = JSON.parse(io.out) as { results: Array<{ id: string; kind: string; status: string; summary: string }> };
    expect(run.results).toHaveLength(cliCheckRequests(defaultTemplate()).length);
    const byKind = (kind: string) => run.results.filter((r) => r.kind === kind);
    expect(byKind('dns')).toEqual([
      expect.objectContaining({
        status: 'fail',
        summary: expect.stringMatching(/^chekout\.example\.invalid does not resolve: .*ENOTFOUND/) as string,
      }),
    ]);
    for (const result of run.results.filter((r) => r.kind !== 'dns')) {
      expect(result, result.id).toMatchObject({
        status: 'error',
        summary: 'not checked: chekout.example.invalid does not resolve (ENOTFOUND)',
      });
    }
    // "Database not exposed" in particular: nothing was probed, so nothing is passed.
    expect(byKind('database-port')[0]?.status).toBe('error');
    expect(io.out).not.toContain('timed out');
  });

  it('does not pass dns on an address: there is no name to check', async () => {
    const io = recordingIo();
    expect(await main(['check', 'https://203.0.113.7/', '--only', 'dns', '--json'], io)).toBe(1);
    expect(JSON.parse(io.out).results[0]).toMatchObject({ kind: 'dns', status: 'error' });
  });
});

describe('golive check: configuration', () => {
  it('honours CHECK_ALLOW_PRIVATE and CHECK_ALLOWED_HOSTS from the environment', async () => {
    const server = await httpsSite();
    const envs: Array<Record<string, string>> = [
      { CHECK_ALLOW_PRIVATE: 'true' },
      { CHECK_ALLOWED_HOSTS: 'db.internal, 127.0.0.1' },
    ];
    for (const env of envs) {
      const io = recordingIo(env);
      await main(['check', server.url.href, '--only', 'hsts', '--json'], io);
      const run = JSON.parse(io.out) as { results: Array<{ summary: string }> };
      expect(run.results[0]?.summary).not.toContain('refused');
    }
    expect(server.connections).toBe(2);
  });

  it('takes the timeout from CHECK_TIMEOUT_MS, and from --timeout over it', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const url = `https://127.0.0.1:${silent.port}/`;
    const fromEnv = recordingIo({ CHECK_TIMEOUT_MS: '300', CHECK_ALLOW_PRIVATE: '1' });
    expect(await main(['check', url, '--only', 'hsts', '--json'], fromEnv)).toBe(1);
    expect(JSON.parse(fromEnv.out).results[0].summary).toBe('timed out after 300 ms');
    const fromFlag = recordingIo({ CHECK_TIMEOUT_MS: '300' });
    expect(
      await main(['check', url, '--only', 'hsts', '--json', '--timeout', '250', '--allow-private'], fromFlag),
    ).toBe(1);
    expect(JSON.parse(fromFlag.out).results[0].summary).toBe('timed out after 250 ms');
  });
});

describe('golive check: output', () => {
  it('prints the one JSON document of docs/ARCHITECTURE.md', async () => {
    const io = recordingIo();
    expect(await main(['check', 'https://localhost/', '--only', 'dns', '--json'], io)).toBe(0);
    const run = JSON.parse(io.out);
    expect(Object.keys(run).sort()).toEqual(['durationMs', 'results', 'startedAt', 'target']);
    expect(run.target).toBe('https://localhost/');
    expect(new Date(run.startedAt).toISOString()).toBe(run.startedAt);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({
      kind: 'dns',
      status: 'pass',
      summary: 'localhost → 127.0.0.1 (want ≥ 1 address)',
    });
    expect(Object.keys(run.results[0]).sort()).toEqual(['durationMs', 'evidence', 'id', 'kind', 'status', 'summary']);
  });

  it('prints a plain table when not on a terminal, a coloured one on a terminal', async () => {
    const plain = recordingIo();
    await main(['check', 'https://localhost/', '--only', 'dns'], plain);
    const lines = plain.out.split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+ID\s+KIND\s+SUMMARY\s+MS$/);
    expect(lines[1]).toMatch(/^pass\s+\S+\s+dns\s+localhost → 127\.0\.0\.1 \(want ≥ 1 address\)\s+\d+$/);
    expect(plain.out).toContain('1 checks against https://localhost/ in');
    expect(plain.out).not.toContain('\x1b[');
    const tty = recordingIo({}, true);
    await main(['check', 'https://localhost/', '--only', 'dns'], tty);
    expect(tty.out).toContain('\x1b[32mpass');
  });
});

describe('golive check: the table', () => {
  it('lists failures first, then errors, then warnings, then passes', () => {
    const result = (id: string, status: 'pass' | 'warn' | 'fail' | 'error') => ({
      id,
      kind: 'hsts' as const,
      status,
      summary: `${id} summary`,
      evidence: {},
      durationMs: 1,
    });
    const run = {
      target: 'https://example.com/',
      startedAt: '2026-11-29T20:00:00.000Z',
      durationMs: 4,
      results: [result('a', 'pass'), result('b', 'warn'), result('c', 'error'), result('d', 'fail')],
    };
    const ids = formatCheckTable(run, false)
      .split('\n')
      .slice(1, 5)
      .map((line) => line.split(/\s+/)[1]);
    expect(ids).toEqual(['d', 'c', 'b', 'a']);
  });
});

describe('golive check: which checks', () => {
  it('runs every kind once per distinct item check of the default template, ids being item ids', () => {
    const requests = cliCheckRequests(defaultTemplate());
    expect(new Set(requests.map((r) => r.kind))).toEqual(new Set(CHECK_KINDS));
    expect(new Set(requests.map((r) => r.id)).size).toBe(requests.length);
    // The per-path health items are covered by the item that checks all five paths.
    const health = requests.filter((r) => r.kind === 'health');
    expect(health).toHaveLength(1);
    expect(health[0]?.options.paths).toHaveLength(5);
  });

  it('narrows to --only kinds', () => {
    const requests = cliCheckRequests(defaultTemplate(), ['hsts', 'response-time']);
    expect(requests.map((r) => r.kind).sort()).toEqual(['hsts', 'response-time']);
  });
});

describe('golive', () => {
  it('prints help and exits 0', async () => {
    const io = recordingIo();
    expect(await main(['help'], io)).toBe(0);
    expect(io.out).toContain('golive check <https-url>');
    expect(io.out).toContain('golive template validate');
  });

  it('exits 2 on an unknown or missing command', async () => {
    const unknown = recordingIo();
    expect(await main(['deploy'], unknown)).toBe(2);
    expect(unknown.err).toContain('unknown command deploy');
    expect(await main([], recordingIo())).toBe(2);
  });

  it('dispatches template validate', async () => {
    const io = recordingIo();
    expect(await main(['template', 'validate', '--help'], io)).toBe(0);
    expect(io.out).toContain('usage: golive template validate');
  });
});
