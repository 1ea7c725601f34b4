// tls-ciphers enumerates an accepted family over disjoint slices at once: every accepted suite is still found,
// once, within the bound; and probes sharing a secure context never resume a session (each sees the certificate).
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tlsCiphers, type FamilyProbe } from '../../src/checks/tls-ciphers.js';
import { tlsHandshake } from '../../src/checks/tls-connect.js';
import { removeTestCertificates, testCertificates } from '../support/certs.js';
import { tlsCheckContext } from '../support/tls-servers.js';

const servers = new Set<Server>();
afterEach(async () => {
  await Promise.all([...servers].map((server) => new Promise((resolve) => server.close(resolve))));
  servers.clear();
});
afterAll(removeTestCertificates);

const AEAD_FS = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384';

async function legacyServer(ciphers: string): Promise<URL> {
  const { good } = await testCertificates();
  const server = createServer(
    {
      key: good.key,
      cert: good.cert,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ciphers: `${ciphers}:${AEAD_FS}:@SECLEVEL=0`,
    },
    (socket) => socket.end(),
  );
  server.on('tlsClientError', () => undefined);
  servers.add(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return new URL(`https://localhost:${(server.address() as AddressInfo).port}/`);
}

function family(evidence: Record<string, unknown>, id: string): FamilyProbe | undefined {
  return (evidence['families'] as FamilyProbe[]).find((f) => f.family === id);
}

describe('tls-ciphers on a server accepting many suites of one family', () => {
  it('lists every accepted RSA key-exchange suite, whichever slice holds it, once', async () => {
    const accepted = ['AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA256', 'AES256-SHA', 'CAMELLIA128-SHA'];
    const url = await legacyServer(accepted.join(':'));
    const outcome = await tlsCiphers(tlsCheckContext(url), {});
    expect(outcome.status).toBe('fail');
    const rsa = family(outcome.evidence, 'rsa-kx');
    expect([...(rsa?.accepted ?? [])].sort()).toEqual([...accepted].sort());
    expect(outcome.summary).toMatch(/^accepts RSA key exchange \(/);
  });

  it('stops at eight suites per family', async () => {
    const url = await legacyServer('kRSA');
    const outcome = await tlsCiphers(tlsCheckContext(url), {});
    const rsa = family(outcome.evidence, 'rsa-kx');
    expect(rsa?.accepted).toHaveLength(8);
    expect(new Set(rsa?.accepted).size).toBe(8);
  });
});

describe('probes sharing a secure context', () => {
  it('never resume a session: each handshake sees the certificate', async () => {
    const url = await legacyServer('AES128-GCM-SHA256');
    for (let i = 0; i < 3; i++) {
      const handshake = await tlsHandshake(tlsCheckContext(url), {}, (socket) => ({
        reused: socket.isSessionReused(),
        certificate: Boolean(socket.getPeerCertificate().raw),
      }));
      expect(handshake).toEqual({ ok: true, value: { reused: false, certificate: true } });
    }
  });
});
