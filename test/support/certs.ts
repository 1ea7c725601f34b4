// Certificates for the TLS check tests: a test CA and leaves signed by it, generated once per test process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface KeyAndCert {
  key: string;
  cert: string;
}

export interface TestCertificates {
  /** The test CA; trusted only where its file is given as NODE_EXTRA_CA_CERTS. */
  ca: KeyAndCert & { file: string };
  /** CA-signed for `localhost` (and 127.0.0.1), 90 days left. */
  good: KeyAndCert;
  /** CA-signed for `localhost`, 10 days left. */
  tenDays: KeyAndCert;
  /** CA-signed for `localhost`, expired 5 days ago. */
  expired: KeyAndCert;
  /** CA-signed, 90 days, but for `other.example` only. */
  wrongHost: KeyAndCert;
  /** Self-signed for `localhost`, 90 days. */
  selfSigned: KeyAndCert;
  /** For `localhost`, 90 days, signed by an intermediate (under the test CA) that has 20 days left;
   *  `cert` is the chain the server sends: leaf, then intermediate. */
  viaShortIntermediate: KeyAndCert;
  /** The folder holding the CA file; removed by `removeTestCertificates`. */
  dir: string;
}

const DAY_MS = 86_400_000;

function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * DAY_MS);
}

async function leaf(host: string, notBefore: Date, notAfter: Date, ca: KeyAndCert | undefined): Promise<KeyAndCert> {
  const pems = await generate([{ name: 'commonName', value: host }], {
    algorithm: 'sha256',
    keySize: 2048,
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames:
          host === 'localhost'
            ? [
                { type: 2, value: host },
                { type: 7, ip: '127.0.0.1' },
              ]
            : [{ type: 2, value: host }],
      },
    ],
    ...(ca ? { ca } : {}),
  });
  return { key: pems.private, cert: pems.cert };
}

async function create(): Promise<TestCertificates> {
  const caPems = await generate(
    [
      { name: 'commonName', value: 'Golive Test CA' },
      { name: 'organizationName', value: 'Golive tests' },
    ],
    {
      algorithm: 'sha256',
      keySize: 2048,
      notBeforeDate: daysFromNow(-365),
      notAfterDate: daysFromNow(3650),
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    },
  );
  const ca = { key: caPems.private, cert: caPems.cert };
  const dir = mkdtempSync(join(tmpdir(), 'golive-certs-'));
  const file = join(dir, 'test-ca.pem');
  writeFileSync(file, ca.cert);

  const [good, tenDays, expired, wrongHost, selfSigned] = await Promise.all([
    leaf('localhost', daysFromNow(-1), daysFromNow(90), ca),
    // A little over 10 days so that "10 days left" holds however long the test takes to reach the check.
    leaf('localhost', daysFromNow(-80), new Date(Date.now() + 10 * DAY_MS + 3_600_000), ca),
    leaf('localhost', daysFromNow(-95), daysFromNow(-5), ca),
    leaf('other.example', daysFromNow(-1), daysFromNow(90), ca),
    leaf('localhost', daysFromNow(-1), daysFromNow(90), undefined),
  ]);
  const intermediatePems = await generate([{ name: 'commonName', value: 'Golive Test Intermediate' }], {
    algorithm: 'sha256',
    keySize: 2048,
    notBeforeDate: daysFromNow(-1),
    notAfterDate: new Date(Date.now() + 20 * DAY_MS + 3_600_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
    ca,
  });
  const intermediate = { key: intermediatePems.private, cert: intermediatePems.cert };
  const underIntermediate = await leaf('localhost', daysFromNow(-1), daysFromNow(90), intermediate);
  const viaShortIntermediate = {
    key: underIntermediate.key,
    cert: `${underIntermediate.cert.trim()}\n${intermediate.cert.trim()}\n`,
  };

  return { ca: { ...ca, file }, good, tenDays, expired, wrongHost, selfSigned, viaShortIntermediate, dir };
}

let cached: Promise<TestCertificates> | undefined;

/** Generates the set once per test process (RSA keys take a moment). */
export function testCertificates(): Promise<TestCertificates> {
  cached ??= create();
  return cached;
}

export async function removeTestCertificates(): Promise<void> {
  if (!cached) return;
  const { dir } = await cached;
  cached = undefined;
  rmSync(dir, { recursive: true, force: true });
}
