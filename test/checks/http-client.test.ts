// The guarded client: bounded bodies, every Set-Cookie kept, no automatic redirects, the connected address known.
import { afterEach, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/checks/guard.js';
import { DEFAULT_MAX_BODY_BYTES, headerValues, withHttpClient } from '../../src/checks/http-client.js';
import { redirectTo, startHttpServer, type TestServer } from '../support/http-servers.js';

const ctx = () => ({
  policy: createAddressPolicy({ allowPrivate: true, allowedHosts: [] }),
  signal: new AbortController().signal,
  timeoutMs: 5000,
});
const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('guarded HTTP client', () => {
  it('reads a body up to the bound, says it was cut, and releases the rest', async () => {
    let finished = false;
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      // Streams 16 MiB (more than socket buffers hold) unless the client goes away first.
      const pump = () => {
        while (sent < 256) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        finished = true;
        res.end();
      };
      pump();
    });
    servers.push(server);
    const response = await withHttpClient(ctx(), (http) => http.request(server.url));
    expect(response.truncated).toBe(true);
    expect(response.body.length).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(finished).toBe(false);
  });

  it('keeps every Set-Cookie line and the address connected', async () => {
    const server = await startHttpServer((_req, res) => {
      res.setHeader('set-cookie', ['a=1', 'b=2', 'c=3']);
      res.end('ok');
    });
    servers.push(server);
    const response = await withHttpClient(ctx(), (http) => http.request(server.url));
    expect(headerValues(response.headers, 'set-cookie')).toEqual(['a=1', 'b=2', 'c=3']);
    expect(response.remoteAddress).toBe('127.0.0.1');
    expect(response).toMatchObject({ status: 200, body: 'ok', truncated: false });
  });

  it('never follows a redirect by itself', async () => {
    const target = await startHttpServer((_req, res) => res.end('moved here'));
    const server = await startHttpServer(redirectTo(target.url.href, 302));
    servers.push(target, server);
    const response = await withHttpClient(ctx(), (http) => http.request(server.url));
    expect(response.status).toBe(302);
    expect(target.connections).toBe(0);
  });
});
