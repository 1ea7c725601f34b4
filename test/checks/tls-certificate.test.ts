import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tlsCertificate } from '../../src/checks/tls-certificate.js';
import type { CheckOutcome } from '../../src/checks/types.js';
import { removeTestCertificates, testCertificates } from '../support/certs.js';
import { closeAllServers, startTlsServer, tlsCheckContext } from '../support/tls-servers.js';

afterEach(closeAllServers);
afterAll(removeTestCertificates);

const runner = fileURLToPath(new URL('../support/run-tls-check.ts', import.meta.url));

/**
 * Runs the check in a child process that trusts the test CA through NODE_EXTRA_CA_CERTS, the way an
 * operator trusts an internal CA (Node reads the variable only at start-up).
 */
function runTrusted(url: URL, options: Record<string, unknown> = {}): Promise<CheckOutcome> {
  return testCertificates().then(
    ({ ca }) =>
      new Promise((resolve, reject) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', runner, 'tls-certificate', url.href, JSON.stringify(options)],
          { env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.file }, timeout: 30_000 },
          (err, stdout, stderr) => {
            if (err) return reject(new Error(`child failed: ${err.message}\n${stderr}`));
            const parsed = JSON.parse(stdout) as CheckOutcome | { thrown: unknown };
            if ('thrown' in parsed) return reject(new Error(`check threw: ${JSON.stringify(parsed.thrown)}`));
            resolve(parsed);
          },
        );
      }),
  );
}

describe('tls-certificate, test CA trusted through NODE_EXTRA_CA_CERTS', () => {
  it('passes a CA-signed certificate for the host with 90 days left, with the certificate as evidence', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const outcome = await runTrusted(server.url, { min_days: 30 });
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toMatch(/^certificate for localhost trusted, expires in (89|90) days \(want ≥ 30\)$/);
    expect(outcome.evidence).toMatchObject({
      subject: 'CN=localhost',
      sans: ['DNS:localhost', 'IP Address:127.0.0.1'],
      issuer: 'CN=Golive Test CA, O=Golive tests',
      trusted: true,
      authorizationError: null,
      hostnameMatches: true,
      minDays: 30,
    });
    const evidence = outcome.evidence as {
      validTo: string;
      daysLeft: number;
      chain: { subject: string }[];
      earliestExpiry: { subject: string };
    };
    expect(evidence.daysLeft).toBeGreaterThanOrEqual(89);
    expect(Date.parse(evidence.validTo)).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    // The verified chain reaches the test CA; the leaf is what expires first.
    expect(evidence.chain.map((c) => c.subject)).toEqual(['CN=localhost', 'CN=Golive Test CA, O=Golive tests']);
    expect(evidence.earliestExpiry.subject).toBe('CN=localhost');
  });

  it('fails a certificate with 10 days left on the item that asks for 30', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).tenDays);
    const outcome = await runTrusted(server.url, { min_days: 30 });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('certificate expires in 10 days (want ≥ 30)');
    expect(outcome.evidence).toMatchObject({ daysLeft: 10, trusted: true, minDays: 30, minDaysExplicit: true });
  });

  it('only warns about 10 days left where no minimum was set (the "installed and valid" item)', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).tenDays);
    const outcome = await runTrusted(server.url);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe('certificate expires in 10 days (want ≥ 30)');
  });

  it('reads min_days written as a string in YAML, and fails below it', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const outcome = await runTrusted(server.url, { min_days: '120' });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^certificate expires in (89|90) days \(want ≥ 120\)$/);
  });

  it('judges the earliest expiry in the chain: an intermediate with 20 days left fails the 30-day item', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).viaShortIntermediate);
    const outcome = await runTrusted(server.url, { min_days: 30 });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('chain certificate CN=Golive Test Intermediate expires in 20 days (want ≥ 30)');
    const evidence = outcome.evidence as {
      daysLeft: number;
      trusted: boolean;
      chain: { subject: string }[];
      earliestExpiry: unknown;
    };
    expect(evidence.trusted).toBe(true);
    expect(evidence.daysLeft).toBeGreaterThanOrEqual(89);
    expect(evidence.chain.map((c) => c.subject)).toEqual([
      'CN=localhost',
      'CN=Golive Test Intermediate',
      'CN=Golive Test CA, O=Golive tests',
    ]);
    expect(evidence.earliestExpiry).toMatchObject({ subject: 'CN=Golive Test Intermediate', daysLeft: 20 });
  });

  it('fails an expired certificate, saying since when', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).expired);
    const outcome = await runTrusted(server.url, { min_days: 30 });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('certificate expired 5 days ago (want ≥ 30 days left)');
    expect(outcome.evidence).toMatchObject({ authorizationError: { code: 'CERT_HAS_EXPIRED' } });
  });

  it('fails a trusted certificate issued for another host', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).wrongHost);
    const outcome = await runTrusted(server.url);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('certificate is for other.example, not localhost (want a name match)');
    expect(outcome.evidence).toMatchObject({ trusted: true, hostnameMatches: false, sans: ['DNS:other.example'] });
  });

  it('fails a self-signed certificate even with the test CA trusted', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).selfSigned);
    const outcome = await runTrusted(server.url);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('certificate not trusted: self-signed certificate (want a chain to a trusted root)');
    expect(outcome.evidence).toMatchObject({
      trusted: false,
      authorizationError: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
  });
});

describe('tls-certificate, test CA not trusted (no NODE_EXTRA_CA_CERTS)', () => {
  it('fails a certificate from an unknown CA and still reports what it saw', async () => {
    const server = await startTlsServer('modern', (await testCertificates()).good);
    const outcome = await tlsCertificate(tlsCheckContext(server.url), {});
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'certificate not trusted: unable to verify the first certificate (want a chain to a trusted root)',
    );
    expect(outcome.evidence).toMatchObject({
      subject: 'CN=localhost',
      issuer: 'CN=Golive Test CA, O=Golive tests',
      trusted: false,
      authorizationError: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      hostnameMatches: true,
    });
  });
});
