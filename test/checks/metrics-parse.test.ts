// The strict Prometheus text parser behind the metrics check.
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/checks/metrics.js';
import { GOOD_METRICS } from '../support/http-servers.js';

describe('parseExposition', () => {
  it('accepts the text format with labels, escapes, timestamps, +Inf, -Inf and NaN', () => {
    expect(parseExposition(GOOD_METRICS)).toMatchObject({ ok: true, samples: 8 });
  });

  it('accepts OpenMetrics text ending in # EOF', () => {
    expect(parseExposition('# TYPE up gauge\nup 1\n# EOF\n')).toMatchObject({ ok: true, samples: 1 });
  });

  it.each([
    ['<html><body>hi</body></html>', 'invalid metric name'],
    ['{"up": 1}', 'invalid metric name'],
    ['up', 'sample without a value'],
    ['up one', 'is not a number'],
    ['up{job="a} 1', 'not closed'],
    ['up{job=a} 1', 'not quoted'],
    ['up{1job="a"} 1', 'invalid label name'],
    ['up{job="a\\x"} 1', 'bad escape'],
    ['up 1 2 3', 'trailing text'],
    ['# TYPE up thing\nup 1', 'unknown type'],
    ['', 'no samples'],
  ])('refuses %j (%s)', (text, reason) => {
    const parsed = parseExposition(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });
});
