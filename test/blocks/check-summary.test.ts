import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/checks/types.js';
import { CHECK_KINDS } from '../../src/domain/check-kind.js';
import type { CheckStatus } from '../../src/domain/check-kind.js';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import { formatProblems, validateMessage } from '../../src/slack/blocks/limits.js';
import { renderCheckSummary } from '../../src/slack/blocks/check-summary.js';
import { T0 } from './fixtures.js';

function texts(m: SlackMessage): string {
  return (m.blocks as unknown as { text?: { text: string }; elements?: { text?: string }[] }[])
    .flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text ?? '')])
    .join('\n');
}

function result(i: number, status: CheckStatus, summary: string): CheckResult {
  const kind = CHECK_KINDS[i % CHECK_KINDS.length] ?? 'health';
  return { id: `item-${i}`, kind, status, summary, evidence: {}, durationMs: 12 };
}

const opts = { service: 'checkout-api', environment: 'production', by: 'U1', finishedAt: T0, durationMs: 4200 };

describe('renderCheckSummary', () => {
  it('counts the results and lists failures first with their summaries', () => {
    const results = [
      result(0, 'pass', 'all five health paths answered 2xx'),
      result(1, 'warn', 'no TLS 1.3 (want it offered)'),
      result(2, 'fail', 'certificate expires in 10 days (want ≥ 30)'),
      result(3, 'error', 'timed out after 5000 ms'),
      {
        id: 'hsts',
        kind: 'hsts',
        status: 'fail',
        summary: 'Strict-Transport-Security missing',
        evidence: {},
        durationMs: 3,
      } satisfies CheckResult,
    ];
    const m = renderCheckSummary(results, { ...opts, sectionTitle: 'Security Configuration' });
    expect(formatProblems(validateMessage(m))).toBe('');
    const t = texts(m);
    expect(t).toContain('*Checks for checkout-api · production* — Security Configuration');
    expect(t).toContain('❌ 2 failed · ❗ 1 error · ⚠️ 1 warning · ✅ 1 passed');
    expect(t).toContain('run by <@U1>');
    expect(t).toContain('4.2 s');
    const order = [
      'certificate expires',
      'Strict-Transport-Security missing',
      'timed out',
      'no TLS 1.3',
      'all five health',
    ].map((s) => t.indexOf(s));
    expect(order.every((pos) => pos >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(t).toContain('❌ *hsts*: Strict-Transport-Security missing');
    expect(t).toContain(`❌ *${CHECK_KINDS[2]}* · item-2: certificate expires in 10 days (want ≥ 30)`);
    expect(m.text).toBe('Checks for checkout-api · production: 2 failed · 1 error · 1 warning · 1 passed');
  });

  it('fits 30 results with long, hostile summaries, keeping words for the failures', () => {
    const long = `<!channel> ${'<script>'.repeat(300)}`;
    const results = Array.from({ length: 30 }, (_, i) => result(i, i % 3 === 0 ? 'fail' : 'pass', long));
    const m = renderCheckSummary(results, { ...opts, service: 'S'.repeat(80), environment: 'E'.repeat(40) });
    expect(formatProblems(validateMessage(m))).toBe('');
    const t = texts(m);
    expect(t).not.toContain('<!channel>');
    expect(t).not.toContain('<script>');
    const failLine = t.split('\n').find((l) => l.startsWith('❌ *'));
    expect(failLine).toContain('&lt;!channel&gt; &lt;script&gt;');
  });

  it('fits hundreds of results, naming how many more there are', () => {
    const results = Array.from({ length: 600 }, (_, i) =>
      result(i, i % 2 ? 'pass' : 'fail', `${i} ${'x'.repeat(400)}`),
    );
    const m = renderCheckSummary(results, opts);
    expect(formatProblems(validateMessage(m))).toBe('');
    expect(texts(m)).toMatch(/…and \d+ more/);
  });

  it('says once what many checks said alike (a name that does not resolve), naming how many and which kinds', () => {
    const unresolved = 'not checked: chekout.example.invalid does not resolve (ENOTFOUND)';
    const results = [
      result(13, 'fail', 'chekout.example.invalid does not resolve: getaddrinfo ENOTFOUND (want ≥ 1 address)'),
      ...[0, 1, 16, 2].map((i) => result(i, 'error', unresolved)),
      result(3, 'error', 'timed out after 5000 ms'),
    ];
    const m = renderCheckSummary(results, opts);
    expect(formatProblems(validateMessage(m))).toBe('');
    const t = texts(m);
    expect(t).toContain('❌ 1 failed · ❗ 5 errors · ✅ 0 passed');
    expect(t.split(unresolved)).toHaveLength(2);
    expect(t).toContain(`❗ *4 checks* (health, metrics, tls-certificate): ${unresolved}`);
    expect(t).toContain(`❗ *${CHECK_KINDS[3]}* · item-3: timed out after 5000 ms`);
  });

  it('says when there was nothing to check', () => {
    const m = renderCheckSummary([], opts);
    expect(formatProblems(validateMessage(m))).toBe('');
    expect(texts(m)).toContain('No automatic checks to run');
  });
});
