// The SSRF guard's judgement of addresses and names, without any connection.
import { describe, expect, it } from 'vitest';
import { createAddressPolicy, TARGET_REFUSED } from '../../src/checks/guard.js';
import type { AddressPolicy } from '../../src/checks/types.js';

const strict = createAddressPolicy({ allowPrivate: false, allowedHosts: [] });

function lookupOf(policy: AddressPolicy, host: string): Promise<{ error?: NodeJS.ErrnoException; address?: unknown }> {
  return new Promise((resolve) => {
    policy.lookup(host, { all: true }, (error, address) => resolve(error ? { error } : { address }));
  });
}

describe('address judgement', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.10.10', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::5', 'unique-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
  ])('refuses %s as %s', (address, reason) => {
    const verdict = strict.judge(address, address);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toContain(reason);
    expect(verdict.ok ? '' : verdict.reason).toContain('CHECK_ALLOW_PRIVATE');
  });

  it.each(['93.184.215.14', '2606:4700::1111', '8.8.8.8'])('accepts the public address %s', (address) => {
    expect(strict.judge(address, 'example.com')).toEqual({ ok: true });
  });

  it('allows every name under a *.domain entry, not the look-alikes', () => {
    const policy = createAddressPolicy({ allowPrivate: false, allowedHosts: ['*.corp.example'] });
    expect(policy.judge('10.0.0.1', 'app.corp.example')).toEqual({ ok: true });
    expect(policy.judge('10.0.0.1', 'a.b.corp.example')).toEqual({ ok: true });
    expect(policy.judge('10.0.0.1', 'evilcorp.example').ok).toBe(false);
    expect(policy.judge('10.0.0.1', 'corp.example.attacker.net').ok).toBe(false);
  });

  it('allows everything with allowPrivate', () => {
    const open = createAddressPolicy({ allowPrivate: true, allowedHosts: [] });
    expect(open.judge('127.0.0.1', 'localhost')).toEqual({ ok: true });
    expect(open.judge('169.254.169.254', 'metadata')).toEqual({ ok: true });
  });

  it('allows listed host names and CIDRs, and nothing else', () => {
    const policy = createAddressPolicy({
      allowPrivate: false,
      allowedHosts: ['db.internal', '10.0.0.0/8', ' fd00::/8 ', '192.168.1.5'],
    });
    expect(policy.judge('172.16.0.1', 'DB.internal.')).toEqual({ ok: true });
    expect(policy.judge('10.200.0.1', 'app.internal')).toEqual({ ok: true });
    expect(policy.judge('fd12::1', 'v6.internal')).toEqual({ ok: true });
    expect(policy.judge('192.168.1.5', 'x')).toEqual({ ok: true });
    expect(policy.judge('192.168.1.6', 'x').ok).toBe(false);
    expect(policy.judge('127.0.0.1', 'other.internal').ok).toBe(false);
  });
});

describe('guarded lookup', () => {
  it('refuses a name that resolves to loopback with a coded error naming host, address and reason', async () => {
    const { error } = await lookupOf(strict, 'localhost');
    expect(error?.code).toBe(TARGET_REFUSED);
    expect(error?.message).toMatch(/localhost/);
    expect(error?.message).toMatch(/127\.0\.0\.1/);
    expect(error?.message).toMatch(/loopback/);
  });

  it('resolves the name when the policy allows it', async () => {
    const allowed = createAddressPolicy({ allowPrivate: false, allowedHosts: ['localhost'] });
    const { address } = await lookupOf(allowed, 'localhost');
    expect(address).toContainEqual({ address: '127.0.0.1', family: 4 });
  });

  it('answers the single-address form net.connect uses without autoSelectFamily', async () => {
    const open = createAddressPolicy({ allowPrivate: true, allowedHosts: [] });
    const result = await new Promise<unknown[]>((resolve) =>
      open.lookup('localhost', { family: 4 }, (...args: unknown[]) => resolve(args)),
    );
    expect(result).toEqual([null, '127.0.0.1', 4]);
  });
});
