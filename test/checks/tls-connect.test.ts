import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createAddressPolicy, TargetRefusedError } from '../../src/checks/guard.js';
import { http2 } from '../../src/checks/http2.js';
import { runChecks } from '../../src/checks/runner.js';
import { tlsEndpoint, tlsHandshake, TlsConnectError } from '../../src/checks/tls-connect.js';
import { tlsProtocols } from '../../src/checks/tls-protocols.js';
import { removeTestCertificates, testCertificates } from '../support/certs.js';
import {
  closeAllServers,
  closedPort,
  startSilentServer,
  startTlsServer,
  tlsCheckContext,
} from '../support/tls-servers.js';

afterEach(closeAllServers);
afterAll(removeTestCertificates);

const publicOnly = createAddressPolicy({ allowPrivate: false, allowedHosts: [] });
const TLS_KINDS = ['tls-certificate', 'tls-protocols', 'tls-ciphers', 'http2'] as const;

describe('tlsEndpoint', () => {
  it('takes the port from the URL (default 443) and sends SNI only for host names', () => {
    expect(tlsEndpoint(new URL('https://checkout.example.com/'))).toEqual({
      host: 'checkout.example.com',
      port: 443,
      servername: 'checkout.example.com',
    });
    expect(tlsEndpoint(new URL('https://127.0.0.1:8443/x'))).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(tlsEndpoint(new URL('https://[::1]:9443/'))).toEqual({ host: '::1', port: 9443 });
  });
});

describe('tlsHandshake', () => {
  it('destroys its socket after reading it', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const outcome = await http2(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('pass');
    expect(server.connections()).toBe(1);
    await vi.waitFor(() => expect(server.openConnections()).toBe(0));
  });

  it('reaches an IP literal without SNI, judged by the guard', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const handshake = await tlsHandshake(
      tlsCheckContext(`https://127.0.0.1:${server.port}/`),
      {},
      (socket) => socket.servername,
    );
    expect(handshake).toEqual({ ok: true, value: false });
  });

  it('refuses a loopback IP literal when private targets are not allowed, without connecting', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const ctx = tlsCheckContext(`https://127.0.0.1:${server.port}/`, { policy: publicOnly });
    await expect(tlsProtocols(ctx, {})).rejects.toBeInstanceOf(TargetRefusedError);
    expect(server.connections()).toBe(0);
  });

  it('refuses a name that resolves to loopback when private targets are not allowed, without connecting', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const ctx = tlsCheckContext(server.url, { policy: publicOnly });
    await expect(http2(ctx, {})).rejects.toMatchObject({ code: 'GOLIVE_TARGET_REFUSED', hostname: 'localhost' });
    expect(server.connections()).toBe(0);
  });

  it('throws CONNECT_FAILED when nothing listens', async () => {
    const port = await closedPort();
    await expect(http2(tlsCheckContext(`https://localhost:${port}/`), {})).rejects.toMatchObject({
      name: 'TlsConnectError',
      code: 'CONNECT_FAILED',
    });
  });

  it('throws TIMEOUT when the server accepts and never answers, and closes the connection', async () => {
    const server = await startSilentServer();
    const error = await tlsHandshake(tlsCheckContext(server.url, { timeoutMs: 300 }), {}, () => 'unreachable').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TlsConnectError);
    expect(error).toMatchObject({ code: 'TIMEOUT', message: 'no TLS answer within 300 ms' });
    await vi.waitFor(() => expect(server.openConnections()).toBe(0));
  });

  it('stops at once when the check is aborted mid-handshake', async () => {
    const server = await startSilentServer();
    const controller = new AbortController();
    const running = tlsHandshake(
      tlsCheckContext(server.url, { signal: controller.signal, timeoutMs: 60_000 }),
      {},
      () => 'unreachable',
    );
    await vi.waitFor(() => expect(server.connections()).toBe(1));
    controller.abort(new Error('run cancelled'));
    await expect(running).rejects.toMatchObject({ code: 'ABORTED' });
    await vi.waitFor(() => expect(server.openConnections()).toBe(0));
  });

  it('reports a local cipher string OpenSSL cannot offer as TLS_CLIENT_UNSUPPORTED, without connecting', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    await expect(
      tlsHandshake(tlsCheckContext(server.url), { ciphers: 'NO-SUCH-CIPHER' }, () => 1),
    ).rejects.toMatchObject({
      code: 'TLS_CLIENT_UNSUPPORTED',
    });
    expect(server.connections()).toBe(0);
  });
});

describe('the TLS kinds through the runner', () => {
  it('turn a refused private target into error results, with no connection made', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const run = await runChecks(
      TLS_KINDS.map((kind) => ({ id: kind, kind, options: {} })),
      { url: server.url },
      { timeoutMs: 5_000, policy: publicOnly },
    );
    expect(run.results.map((r) => [r.kind, r.status])).toEqual(TLS_KINDS.map((kind) => [kind, 'error']));
    for (const result of run.results) {
      expect(result.summary).toMatch(/^refused localhost \(127\.0\.0\.1\): 127\.0\.0\.1 is a loopback address/);
    }
    expect(server.connections()).toBe(0);
  });

  it('cost one timeout each against a server that never answers', async () => {
    const server = await startSilentServer();
    const run = await runChecks(
      TLS_KINDS.map((kind) => ({ id: kind, kind, options: {} })),
      { url: server.url },
      { timeoutMs: 300, policy: createAddressPolicy({ allowPrivate: true, allowedHosts: [] }) },
    );
    expect(run.results.map((r) => [r.kind, r.status, r.summary])).toEqual(
      TLS_KINDS.map((kind) => [kind, 'error', 'timed out after 300 ms']),
    );
    await vi.waitFor(() => expect(server.openConnections()).toBe(0));
  });

  it('give pass results against a modern server', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const run = await runChecks(
      ['tls-protocols', 'tls-ciphers', 'http2'].map((kind) => ({
        id: kind,
        kind: kind as (typeof TLS_KINDS)[number],
        options: {},
      })),
      { url: server.url },
      { timeoutMs: 5_000, policy: createAddressPolicy({ allowPrivate: true, allowedHosts: [] }) },
    );
    expect(run.results.map((r) => [r.kind, r.status])).toEqual([
      ['tls-protocols', 'pass'],
      ['tls-ciphers', 'pass'],
      ['http2', 'pass'],
    ]);
  });
});
