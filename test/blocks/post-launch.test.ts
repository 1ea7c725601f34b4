// A check-in as people read it after downtime: how late it is, and the repeats it stands for.
import { describe, expect, it } from 'vitest';
import { formatProblems, validateMessage } from '../../src/slack/blocks/limits.js';
import { renderCheckIn } from '../../src/slack/blocks/post-launch.js';
import type { CheckInView } from '../../src/services/post-launch.js';
import { T0 } from './fixtures.js';

const base: CheckInView = {
  id: 'CI1',
  service: 'checkout-api',
  environment: 'production',
  text: 'Check health endpoints',
  dueAt: T0,
  postedAt: T0,
  replaces: 0,
  results: [],
  onCall: { role: 'primary', label: 'Primary On-Call', mentions: ['<@U0PAT>'] },
};
const firstLine = (view: CheckInView): string => {
  const message = renderCheckIn(view);
  expect(formatProblems(validateMessage(message))).toBe('');
  return (message.blocks[0] as { text: { text: string } }).text.text;
};

describe('renderCheckIn after downtime', () => {
  it('on time and standing for nothing missed: no marker', () => {
    expect(firstLine(base)).toBe(':bell: *Check-in:* Check health endpoints');
  });

  it('late: says by how much, and the repeats folded into it', () => {
    expect(firstLine({ ...base, lateMs: 9_000 })).toBe(
      ':bell: *Check-in:* Check health endpoints :hourglass: _late by 9s (Golive was not running when it was due)_',
    );
    expect(firstLine({ ...base, lateMs: 3 * 3_600_000, replaces: 3 })).toContain(
      '_late by 3h (Golive was not running when it was due; 3 missed repeats folded into this one)_',
    );
  });

  it('on time but standing for a repeat missed while Golive was down: the missed one is still told', () => {
    expect(firstLine({ ...base, replaces: 1 })).toBe(
      ':bell: *Check-in:* Check health endpoints :hourglass: _1 missed repeat folded into this one (Golive was not running when it was due)_',
    );
    expect(firstLine({ ...base, replaces: 2 })).toContain(
      '_2 missed repeats folded into this one (Golive was not running when they were due)_',
    );
  });
});
