// Durations as templates and GOLIVE_TICK write them (`30s`, `15m`, `4h`, `1d`), turned into milliseconds.
import type { DurationMs } from './template.js';

export type DurationResult = { ok: true; ms: DurationMs } | { ok: false; reason: string };

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
} as const;

// One whole number and one unit: `90m` rather than `1h30m`, so a duration reads the same everywhere.
const DURATION = /^(\d{1,12})(ms|s|m|h|d)$/;

/** Parses `30s`, `15m`, `4h`, `1d` (and `500ms`). Zero, negatives, fractions and bare numbers are refused. */
export function parseDuration(text: string): DurationResult {
  const match = DURATION.exec(text);
  if (!match) {
    return { ok: false, reason: `expected a duration such as 30s, 15m, 4h or 1d, got ${JSON.stringify(text)}` };
  }
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  const ms = amount * UNIT_MS[unit];
  if (ms === 0) return { ok: false, reason: `a duration must be longer than zero, got ${JSON.stringify(text)}` };
  if (!Number.isSafeInteger(ms)) return { ok: false, reason: `duration ${JSON.stringify(text)} is too long` };
  return { ok: true, ms };
}

/** The shortest exact spelling of a duration (`90m`, `1d`), for messages that quote a duration back. */
export function formatDuration(ms: DurationMs): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
