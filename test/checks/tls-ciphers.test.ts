import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tlsCiphers, type FamilyProbe } from '../../src/checks/tls-ciphers.js';
import { removeTestCertificates, testCertificates } from '../support/certs.js';
import { closeAllServers, startTlsServer, tlsCheckContext } from '../support/tls-servers.js';

afterEach(closeAllServers);
afterAll(removeTestCertificates);

function acceptedBy(evidence: Record<string, unknown>): Record<string, string[]> {
  const families = evidence['families'] as FamilyProbe[];
  return Object.fromEntries(families.map((f) => [f.family, f.accepted]));
}

describe('tls-ciphers', () => {
  it('passes a server offering forward-secret AEAD suites only', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const outcome = await tlsCiphers(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toMatch(
      /^only forward-secret AEAD suites accepted; negotiated TLS_\w+ on TLSv1\.3 \(want forward-secret AEAD only\)$/,
    );
    expect(outcome.evidence['accepted']).toEqual([]);
    expect(acceptedBy(outcome.evidence)).toEqual({ 'rsa-kx': [], null: [], anon: [], cbc: [], sha1: [] });
    expect(outcome.evidence['negotiated']).toMatchObject({ protocol: 'TLSv1.3' });
  });

  it('fails a server accepting RSA key exchange and lists every such suite it accepts', async () => {
    const server = await startTlsServer('weak-ciphers', (await testCertificates()).good);
    const outcome = await tlsCiphers(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'accepts RSA key exchange (AES128-GCM-SHA256, AES256-SHA) (want forward-secret AEAD only)',
    );
    expect(acceptedBy(outcome.evidence)).toMatchObject({
      'rsa-kx': ['AES128-GCM-SHA256', 'AES256-SHA'],
      sha1: ['ECDHE-RSA-AES128-SHA'],
    });
    expect(outcome.evidence['negotiated']).toMatchObject({ protocol: 'TLSv1.2' });
  });

  it('fails a server that accepts NULL encryption or anonymous suites', async () => {
    const server = await startTlsServer('null-anon', (await testCertificates()).good);
    const outcome = await tlsCiphers(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('fail');
    const accepted = acceptedBy(outcome.evidence);
    expect(accepted['null']).toEqual(['ECDHE-RSA-NULL-SHA', 'NULL-SHA256']);
    // ADH suites would need DH parameters, which Node servers do not set up by default: AECDH only.
    expect(accepted['anon']).toEqual(['AECDH-AES128-SHA']);
    expect(outcome.summary).toBe(
      'accepts NULL encryption (ECDHE-RSA-NULL-SHA, NULL-SHA256); anonymous (AECDH-AES128-SHA) (want forward-secret AEAD only)',
    );
  });

  it('warns about forward-secret CBC suites, SHA-1 ones included', async () => {
    const server = await startTlsServer('cbc-ciphers', (await testCertificates()).good);
    const outcome = await tlsCiphers(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe(
      'accepts CBC (ECDHE-RSA-AES128-SHA256); SHA-1 (ECDHE-RSA-AES256-SHA) (want forward-secret AEAD only)',
    );
    expect(outcome.evidence['accepted']).toEqual(['ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA']);
  });
});
