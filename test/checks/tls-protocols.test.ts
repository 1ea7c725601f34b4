import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tlsProtocols } from '../../src/checks/tls-protocols.js';
import { removeTestCertificates, testCertificates } from '../support/certs.js';
import { closeAllServers, startTlsServer, tlsCheckContext } from '../support/tls-servers.js';

afterEach(closeAllServers);
afterAll(removeTestCertificates);

describe('tls-protocols', () => {
  it('passes a server that speaks TLS 1.2 and 1.3 only, with one handshake per version as evidence', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const outcome = await tlsProtocols(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('accepts TLS 1.2, TLS 1.3 (want TLS 1.2+ only)');
    expect(outcome.evidence['accepted']).toEqual(['TLSv1.2', 'TLSv1.3']);
    const versions = outcome.evidence['versions'] as {
      version: string;
      accepted: boolean;
      cipher?: string;
      reason?: string;
    }[];
    expect(versions.map((v) => [v.version, v.accepted])).toEqual([
      ['TLSv1', false],
      ['TLSv1.1', false],
      ['TLSv1.2', true],
      ['TLSv1.3', true],
    ]);
    expect(versions[0]?.reason).toMatch(/protocol version|handshake|closed|reset/);
    expect(versions[3]?.cipher).toMatch(/^TLS_/);
  });

  it('fails a server that still accepts TLS 1.0 and 1.1', async () => {
    const server = await startTlsServer('legacy', (await testCertificates()).good);
    const outcome = await tlsProtocols(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'accepts TLS 1.0, TLS 1.1, TLS 1.2, TLS 1.3 (want TLS 1.0 and TLS 1.1 refused, TLS 1.2+ only)',
    );
  });

  it('warns when TLS 1.3 is missing', async () => {
    const server = await startTlsServer('tls12-only', (await testCertificates()).good);
    const outcome = await tlsProtocols(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe('accepts TLS 1.2 (want TLS 1.3 too)');
  });

  it('fails when TLS 1.2 is missing (TLS 1.3 only shuts out older clients)', async () => {
    const server = await startTlsServer('tls13-only', (await testCertificates()).good);
    const outcome = await tlsProtocols(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('accepts TLS 1.3 (want TLS 1.2 accepted)');
  });
});
