import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/domain/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['4h', 14_400_000],
    ['1d', 86_400_000],
    ['1s', 1_000],
    ['250ms', 250],
    ['90m', 5_400_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(['', '15', 's', '1.5h', '-1m', '1 h', '1H', '1w', '1h30m', ' 1h', '1h ', 'abc'])(
    'refuses %j with the accepted forms in the reason',
    (text) => {
      const result = parseDuration(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toContain('expected a duration such as 30s, 15m, 4h or 1d');
    },
  );

  it('refuses zero, which would make a tick or a check-in fire continuously', () => {
    expect(parseDuration('0s')).toEqual({ ok: false, reason: 'a duration must be longer than zero, got "0s"' });
  });

  it('refuses a duration too long to count in milliseconds exactly', () => {
    const result = parseDuration('999999999999d');
    expect(result).toEqual({ ok: false, reason: 'duration "999999999999d" is too long' });
  });
});

describe('formatDuration', () => {
  it.each([
    [86_400_000, '1d'],
    [5_400_000, '90m'],
    [900_000, '15m'],
    [30_000, '30s'],
    [1_500, '1500ms'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });
});
