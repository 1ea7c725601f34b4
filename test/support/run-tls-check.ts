// Runs one TLS check in a fresh process and prints its outcome as JSON, so that a test can set
// NODE_EXTRA_CA_CERTS (read by Node only at start-up) exactly as an operator would.
// Usage: node --import tsx test/support/run-tls-check.ts <kind> <url> [options-json]
import { http2 } from '../../src/checks/http2.js';
import { tlsCertificate } from '../../src/checks/tls-certificate.js';
import { tlsCiphers } from '../../src/checks/tls-ciphers.js';
import { tlsProtocols } from '../../src/checks/tls-protocols.js';
import type { Check } from '../../src/checks/types.js';
import { tlsCheckContext } from './tls-servers.js';

const checks: Record<string, Check> = {
  'tls-certificate': tlsCertificate,
  'tls-protocols': tlsProtocols,
  'tls-ciphers': tlsCiphers,
  http2,
};

const [kind = '', url = '', optionsJson = '{}'] = process.argv.slice(2);
const check = checks[kind];
if (!check) {
  console.error(`unknown check kind ${kind}`);
  process.exit(2);
}
try {
  const outcome = await check(tlsCheckContext(url), JSON.parse(optionsJson) as Record<string, unknown>);
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
} catch (err) {
  const e = err as Error & { code?: string };
  process.stdout.write(`${JSON.stringify({ thrown: { name: e.name, code: e.code ?? null, message: e.message } })}\n`);
}
