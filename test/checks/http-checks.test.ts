// Each HTTP check kind against real servers on loopback: the good site passes, each misconfiguration is caught
// with a summary showing what was measured beside what was wanted.
import { afterEach, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/checks/guard.js';
import { databasePort } from '../../src/checks/database-port.js';
import { runChecks } from '../../src/checks/runner.js';
import type { CheckKind } from '../../src/domain/check-kind.js';
import type { CheckResult, CheckTarget } from '../../src/checks/types.js';
import {
  redirectTo,
  site,
  startHttpServer,
  startHttpsServer,
  startTcpListener,
  WERKZEUG_DEBUG_PAGE,
  type SiteOptions,
  type TestServer,
} from '../support/http-servers.js';
import { tlsCheckContext } from '../support/tls-servers.js';

const loopback = createAddressPolicy({ allowPrivate: true, allowedHosts: [] });
const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options?: SiteOptions): Promise<TestServer> {
  const server = await startHttpServer(site(options));
  servers.push(server);
  return server;
}

async function check(
  kind: CheckKind,
  target: CheckTarget | URL,
  options: Record<string, unknown> = {},
): Promise<CheckResult> {
  const run = await runChecks([{ id: kind, kind, options }], target instanceof URL ? { url: target } : target, {
    timeoutMs: 5000,
    policy: loopback,
  });
  const result = run.results[0];
  if (!result) throw new Error('no result');
  return result;
}

describe('health', () => {
  it('passes when every path answers 2xx', async () => {
    const server = await serve();
    const result = await check('health', server.url);
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('5/5 paths answered 2xx (want 2xx)');
    expect(result.evidence.paths).toHaveLength(5);
  });

  it('fails naming the path and what came back', async () => {
    const server = await serve({ healthStatus: 503 });
    const result = await check('health', server.url, { paths: ['/health/ready'] });
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('/health/ready → 503 (want 2xx)');
  });
});

describe('health with a path that never answers', () => {
  it('fails naming the slow path, before the check itself times out', async () => {
    const good = site();
    const server = await startHttpServer((req, res) => {
      if (req.url === '/health/ready') return; // accepted, never answered
      good(req, res);
    });
    servers.push(server);
    // 2 s, not less: the four answering paths must answer inside it even on a loaded machine (300 ms did not).
    const result = await check('health', server.url, { slow_ms: 2000 });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('1/5 paths failing: /health/ready → no answer in 2000 ms (want 2xx)');
  });
});

describe('metrics', () => {
  it('passes on strict Prometheus text', async () => {
    const server = await serve();
    const result = await check('metrics', server.url, { path: '/health/metrics' });
    expect(result.status).toBe('pass');
    expect(result.evidence.samples).toBe(8);
  });

  it('fails on an HTML page', async () => {
    const server = await serve({ metrics: { contentType: 'text/html', body: '<html><body>metrics</body></html>' } });
    const result = await check('metrics', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('served text/html (want text/plain; version=0.0.4)');
  });

  it('fails on a malformed line, quoting it', async () => {
    const body = '# TYPE up gauge\nup 1\nbad-name{x="y"} 2\n';
    const server = await serve({ metrics: { contentType: 'text/plain; version=0.0.4', body } });
    const result = await check('metrics', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('line 3: invalid metric name "bad-name"');
  });

  it('fails on an empty exposition', async () => {
    const server = await serve({ metrics: { contentType: 'text/plain; version=0.0.4', body: '# nothing here\n' } });
    const result = await check('metrics', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('no samples');
  });
});

describe('https-redirect', () => {
  it('passes on a 301 to https on the same host', async () => {
    const http = await startHttpServer(redirectTo('https://127.0.0.1:8443/'));
    servers.push(http);
    const result = await check('https-redirect', { url: new URL('https://127.0.0.1:8443/'), httpUrl: http.url });
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('301 → https://127.0.0.1:8443/ (want 301/308 to https)');
  });

  it('follows same-host hops by hand and warns on a temporary 302', async () => {
    const http = await startHttpServer((req, res) => {
      const next = req.url === '/' ? '/start' : 'https://127.0.0.1/';
      res.writeHead(req.url === '/' ? 301 : 302, { location: next });
      res.end();
    });
    servers.push(http);
    const result = await check('https-redirect', { url: new URL('https://127.0.0.1/'), httpUrl: http.url });
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('301 → 302 → https://127.0.0.1/: temporary 302 (want 301/308)');
    expect(result.evidence.hops).toHaveLength(2);
  });

  it('fails when plain HTTP serves content', async () => {
    const http = await serve();
    const result = await check('https-redirect', { url: new URL('https://127.0.0.1/'), httpUrl: http.url });
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('answered 200 over plain HTTP (want 301/308 to https)');
  });

  it('fails when nothing listens for plain HTTP', async () => {
    const gone = await serve();
    const httpUrl = gone.url;
    await gone.close();
    servers.splice(servers.indexOf(gone), 1);
    const result = await check('https-redirect', { url: new URL('https://127.0.0.1/'), httpUrl });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(`${httpUrl.host} refuses plain HTTP connections (want 301/308 to https)`);
  });

  it('fails on a redirect to another host', async () => {
    const http = await startHttpServer(redirectTo('https://elsewhere.example/'));
    servers.push(http);
    const result = await check('https-redirect', { url: new URL('https://127.0.0.1/'), httpUrl: http.url });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('redirects to elsewhere.example (want https on 127.0.0.1)');
  });
});

describe('hsts', () => {
  it('passes with a long max-age', async () => {
    const server = await serve();
    const result = await check('hsts', server.url);
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('max-age=63072000; includeSubDomains; preload (want ≥ 15552000)');
  });

  it('warns on a short max-age, showing it beside the expectation', async () => {
    const server = await serve({ headers: { 'strict-transport-security': 'max-age=300' } });
    const result = await check('hsts', server.url);
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('max-age=300 (want ≥ 15552000)');
  });

  it('fails without the header', async () => {
    const server = await serve({ headers: { 'strict-transport-security': null } });
    const result = await check('hsts', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('no Strict-Transport-Security header (want max-age ≥ 15552000)');
  });

  it('fails on an invalid header', async () => {
    const server = await serve({ headers: { 'strict-transport-security': 'includeSubDomains' } });
    const result = await check('hsts', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('no max-age');
  });
});

describe('security-headers', () => {
  it('grades the good site A+', async () => {
    const server = await serve();
    const result = await check('security-headers', server.url);
    expect(result.status).toBe('pass');
    expect(result.evidence.grade).toBe('A+');
  });

  it('fails without CSP or framing protection', async () => {
    const server = await serve({ headers: { 'content-security-policy': null, 'x-frame-options': null } });
    const result = await check('security-headers', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/^grade C \(55\): /);
    expect(result.summary).toContain('no Content-Security-Policy');
    expect(result.summary).toContain('no X-Frame-Options or frame-ancestors');
  });

  it('warns on weaker values', async () => {
    const server = await serve({
      headers: {
        'content-security-policy': "default-src 'self' 'unsafe-inline'",
        'referrer-policy': 'unsafe-url',
        'x-content-type-options': null,
      },
    });
    const result = await check('security-headers', server.url);
    expect(result.status).toBe('warn');
    expect(result.summary).toContain("CSP allows 'unsafe-inline' scripts");
    expect(result.summary).toContain('no X-Content-Type-Options');
    expect(result.summary).toContain('Referrer-Policy unsafe-url leaks URLs');
  });
});

describe('compression', () => {
  it('passes when the page comes back gzipped', async () => {
    const server = await serve();
    const result = await check('compression', server.url);
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('text/html 200 sent with Content-Encoding: gzip (want gzip or br)');
  });

  it('fails when the page is sent uncompressed', async () => {
    const server = await serve({ compress: false });
    const result = await check('compression', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('text/html 200 sent uncompressed (want gzip or br)');
  });
});

describe('error-pages', () => {
  it('passes on a plain 404', async () => {
    const server = await serve();
    const result = await check('error-pages', server.url);
    expect(result.status).toBe('pass');
  });

  it('fails on a Werkzeug debug page, quoting what leaked', async () => {
    const server = await serve({
      notFound: { body: WERKZEUG_DEBUG_PAGE, headers: { server: 'Werkzeug/3.0.1 Python/3.11.4' } },
    });
    const result = await check('error-pages', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('Werkzeug debugger');
    expect(result.summary).toContain('Python traceback');
    expect(result.summary).toContain('development server');
    expect(result.summary).toContain('"Werkzeug Debugger"');
  });

  it('fails when an unknown path is not a 404', async () => {
    const server = await serve({ notFound: { status: 200, body: '<p>home</p>' } });
    const result = await check('error-pages', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/^unknown path \/golive-probe-[0-9a-f]{12} → 200 \(want 404\)$/);
  });
});

describe('cookies', () => {
  it('passes when the session cookie has every flag, keeping every Set-Cookie line', async () => {
    const server = await serve();
    const result = await check('cookies', server.url);
    expect(result.status).toBe('pass');
    expect(result.evidence.cookies).toHaveLength(2);
  });

  it('fails on leaky session cookies', async () => {
    const server = await serve({ headers: { 'set-cookie': ['auth_token=x; Path=/', 'sessionid=y; Secure'] } });
    const result = await check('cookies', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(
      'auth_token lacks Secure and HttpOnly; sessionid lacks HttpOnly (want Secure; HttpOnly)',
    );
  });

  it('warns when SameSite is missing', async () => {
    const server = await serve({ headers: { 'set-cookie': 'login=1; Secure; HttpOnly' } });
    const result = await check('cookies', server.url);
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('login without SameSite (want SameSite=Lax or Strict)');
  });
});

describe('admin-exposed', () => {
  it('passes when admin paths redirect to login or are absent', async () => {
    const server = await serve();
    const result = await check('admin-exposed', server.url);
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('/admin → 302, /console → 404, /phpmyadmin → 404 (want no open admin page)');
  });

  it('fails on an admin page served without authentication', async () => {
    const server = await serve({ adminOpen: true });
    const result = await check('admin-exposed', server.url);
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('/admin → 200 without authentication (want 401/403/404)');
  });
});

describe('admin-exposed when one path does not answer', () => {
  it('is an error, not a warning or a pass: the silent path may be the open one', async () => {
    const server = await startHttpServer((req, res) => {
      if (req.url === '/phpmyadmin') return req.socket.destroy();
      res.writeHead(404).end();
    });
    servers.push(server);
    const result = await check('admin-exposed', server.url);
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(
      /^\/admin → 404, \/console → 404, \/phpmyadmin → .+ \(want every admin path to answer, none open\)$/,
    );
  });
});

describe('admin-exposed when nothing answers', () => {
  it('is an error, not a pass', async () => {
    const gone = await serve();
    const url = gone.url;
    await gone.close();
    servers.splice(servers.indexOf(gone), 1);
    const result = await check('admin-exposed', url);
    expect(result.status).toBe('error');
    expect(result.summary).toContain('no admin path answered');
    expect(result.summary).toContain('ECONNREFUSED');
  });
});

describe('response-time', () => {
  it('reports the time measured beside the threshold', async () => {
    const server = await serve();
    const result = await check('response-time', server.url);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^answered 200 in \d+ ms \(want < 1000\)$/);
  });

  it('fails past the fail threshold', async () => {
    const server = await serve();
    const result = await check('response-time', server.url, { warn_ms: 0, fail_ms: 0 });
    expect(result.status).toBe('fail');
  });

  it("does not pass a fast server error: the time of an error page is not the service's", async () => {
    const server = await startHttpServer((_req, res) => res.writeHead(502).end('bad gateway'));
    servers.push(server);
    const result = await check('response-time', server.url);
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/^answered 502 in \d+ ms: a server error \(want a 2xx-4xx answer to time\)$/);
  });
});

describe('database-port', () => {
  it('fails when a database port is open, passes when closed', async () => {
    const listener = await startTcpListener();
    servers.push(listener);
    const closed = await startTcpListener();
    const closedPort = closed.port;
    await closed.close();
    const open = await check('database-port', new URL('https://127.0.0.1/'), { ports: [listener.port, closedPort] });
    expect(open.status).toBe('fail');
    expect(open.summary).toBe(
      `port ${listener.port} open on 127.0.0.1 (want ${listener.port}, ${closedPort} closed or filtered)`,
    );
    const shut = await check('database-port', new URL('https://127.0.0.1/'), { ports: [closedPort] });
    expect(shut.status).toBe('pass');
    expect(shut.summary).toBe(`${closedPort} closed (want closed or filtered)`);
  });

  it('is an error, not "filtered", when a port could not be probed at all (a name with no address)', async () => {
    // Called without the runner, which would stop at the name first: the check itself must not count
    // ENOTFOUND as a firewall. (.invalid never resolves, RFC 6761; the local resolver says NXDOMAIN at once.)
    const result = await databasePort(tlsCheckContext('https://chekout.example.invalid/'), { ports: [5432, 3306] });
    expect(result.status).toBe('error');
    expect(result.summary).toBe(
      '5432 not observed (ENOTFOUND), 3306 not observed (ENOTFOUND) (want each port seen closed or filtered)',
    );
  });
});

describe('TLS verification', () => {
  it('stays on: a self-signed certificate is an error, not a pass', async () => {
    const server = await startHttpsServer(site());
    servers.push(server);
    const result = await check('hsts', server.url);
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/self[- ]signed/i);
  });
});
