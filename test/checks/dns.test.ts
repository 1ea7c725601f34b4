// The dns check against the system resolver (localhost) and real DNS responders on loopback UDP.
import { afterEach, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/checks/guard.js';
import { runChecks } from '../../src/checks/runner.js';
import type { CheckResult } from '../../src/checks/types.js';
import { startDnsServer, type TestDnsServer } from '../support/http-servers.js';

const policy = createAddressPolicy({ allowPrivate: false, allowedHosts: [] });
const dnsServers: TestDnsServer[] = [];

afterEach(async () => {
  await Promise.all(dnsServers.splice(0).map((server) => server.close()));
});

async function dnsCheck(url: string, options: Record<string, unknown> = {}): Promise<CheckResult> {
  const run = await runChecks(
    [{ id: 'dns', kind: 'dns', options }],
    { url: new URL(url) },
    { timeoutMs: 5000, policy },
  );
  const result = run.results[0];
  if (!result) throw new Error('no result');
  return result;
}

describe('dns', () => {
  it('passes when the host resolves', async () => {
    const result = await dnsCheck('https://localhost/');
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('localhost → 127.0.0.1 (want ≥ 1 address)');
  });

  it('fails when the addresses are not the expected ones', async () => {
    const result = await dnsCheck('https://localhost/', { expected: ['203.0.113.7'] });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('localhost → 127.0.0.1 (want 203.0.113.7)');
  });

  it('fails when a configured resolver does not know the name', async () => {
    // (A name unknown to the system resolver is not tried: that would ask a real DNS server.)
    const empty = await startDnsServer({});
    dnsServers.push(empty);
    const result = await dnsCheck('https://localhost/', { resolvers: [empty.address] });
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(
      new RegExp(`^resolver ${empty.address} says .*ENOTFOUND.* \\(want 127\\.0\\.0\\.1, as the system resolver\\)$`),
    );
  });

  it('checks that configured resolvers agree', async () => {
    const agreeing = await startDnsServer({ localhost: ['127.0.0.1'] });
    const disagreeing = await startDnsServer({ localhost: ['198.51.100.9'] });
    dnsServers.push(agreeing, disagreeing);
    const good = await dnsCheck('https://localhost/', { resolvers: [agreeing.address] });
    expect(good.status).toBe('pass');
    expect(good.summary).toBe('localhost → 127.0.0.1, 1 resolvers agree (want ≥ 1 address)');
    const bad = await dnsCheck('https://localhost/', { resolvers: [agreeing.address, disagreeing.address] });
    expect(bad.status).toBe('fail');
    expect(bad.summary).toBe(`resolver ${disagreeing.address} says 198.51.100.9 (want 127.0.0.1, as the others)`);
    expect(disagreeing.queries).toBeGreaterThan(0);
  });

  it("does not pass an IP literal: there is no DNS name to look at, the item stays a person's", async () => {
    const result = await dnsCheck('https://203.0.113.7/');
    expect(result.status).toBe('error');
    expect(result.summary).toBe('203.0.113.7 is an IP address, no DNS name to check (want a URL with a host name)');
  });

  it('fails a name that does not exist (.invalid never resolves, RFC 6761), saying so', async () => {
    const result = await dnsCheck('https://chekout.example.invalid/');
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/^chekout\.example\.invalid does not resolve: .*ENOTFOUND.* \(want ≥ 1 address\)$/);
  });

  it('is an error, not a pass, when a configured resolver does not answer', async () => {
    // A UDP port nobody listens on: the query gets no answer (ECONNREFUSED or a timeout), which observes nothing.
    const gone = await startDnsServer({});
    await gone.close();
    const agreeing = await startDnsServer({ localhost: ['127.0.0.1'] });
    dnsServers.push(agreeing);
    const result = await dnsCheck('https://localhost/', { resolvers: [agreeing.address, gone.address] });
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(
      new RegExp(`^resolver ${gone.address} did not answer: .* \\(want 127\\.0\\.0\\.1 from every resolver\\)$`),
    );
  });
});
