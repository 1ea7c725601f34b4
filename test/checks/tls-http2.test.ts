import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { http2 } from '../../src/checks/http2.js';
import { removeTestCertificates, testCertificates } from '../support/certs.js';
import { closeAllServers, startTlsServer, tlsCheckContext } from '../support/tls-servers.js';

afterEach(closeAllServers);
afterAll(removeTestCertificates);

describe('http2', () => {
  it('passes when ALPN negotiates h2', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const outcome = await http2(tlsCheckContext(server.url), {});
    expect(outcome).toMatchObject({ status: 'pass', summary: 'ALPN negotiated h2 (want h2)' });
    expect(outcome.evidence).toEqual({ offered: ['h2', 'http/1.1'], alpnProtocol: 'h2', protocol: 'TLSv1.3' });
  });

  it('fails an HTTP/1.1-only server, naming what it chose', async () => {
    const server = await startTlsServer('http1', (await testCertificates()).good);
    const outcome = await http2(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('ALPN negotiated http/1.1 (want h2)');
    expect(outcome.evidence).toMatchObject({ alpnProtocol: 'http/1.1' });
  });
});
