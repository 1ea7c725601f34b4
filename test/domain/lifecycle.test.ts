// The lifecycle as one table: every status × every event, the status it leads to or the code of why not.
import { describe, expect, it } from 'vitest';
import { ACTIVE_STATUSES, STATUS_WORDS, isActive } from '../../src/domain/go-live.js';
import type { GoLiveStatus } from '../../src/domain/go-live.js';
import { allows, transition } from '../../src/domain/lifecycle.js';
import type { LifecycleEvent } from '../../src/domain/lifecycle.js';

const STATUSES: GoLiveStatus[] = [
  'preparing',
  'awaiting_approval',
  'approved',
  'rejected',
  'live',
  'completed',
  'rolled_back',
  'aborted',
];

/** Column names of the table, in its order. */
const EVENTS: Record<string, LifecycleEvent> = {
  'request-approval': 'request-approval',
  'approve (quorum not reached)': { type: 'approve', quorumReached: false },
  'approve (quorum reached)': { type: 'approve', quorumReached: true },
  reject: 'reject',
  revoke: 'revoke',
  'go-live': 'go-live',
  complete: 'complete',
  'roll-back': 'roll-back',
  abort: 'abort',
};

// A status name: the event leads there; `!code`: refused with that code.
const TABLE: Record<GoLiveStatus, string[]> = {
  //                  request-approval     approve (no quorum)   approve (quorum)      reject               revoke                go-live           complete     roll-back      abort
  preparing: [
    'awaiting_approval',
    '!not-requested',
    '!not-requested',
    '!not-requested',
    '!nothing-to-revoke',
    '!not-approved',
    '!not-live',
    '!not-live',
    'aborted',
  ],
  awaiting_approval: [
    '!already-requested',
    'awaiting_approval',
    'approved',
    'rejected',
    'preparing',
    '!not-approved',
    '!not-live',
    '!not-live',
    'aborted',
  ],
  approved: [
    '!already-approved',
    '!already-approved',
    '!already-approved',
    'rejected',
    'preparing',
    'live',
    '!not-live',
    '!not-live',
    'aborted',
  ],
  rejected: [
    'awaiting_approval',
    '!not-requested',
    '!not-requested',
    '!already-rejected',
    '!nothing-to-revoke',
    '!not-approved',
    '!not-live',
    '!not-live',
    'aborted',
  ],
  live: [
    '!already-live',
    '!already-live',
    '!already-live',
    '!already-live',
    '!nothing-to-revoke',
    '!already-live',
    'completed',
    'rolled_back',
    'aborted',
  ],
  completed: ['!ended', '!ended', '!ended', '!ended', '!ended', '!ended', '!ended', '!ended', '!ended'],
  rolled_back: ['!ended', '!ended', '!ended', '!ended', '!ended', '!ended', '!ended', '!ended', '!ended'],
  aborted: ['!ended', '!ended', '!ended', '!ended', '!ended', '!ended', '!ended', '!ended', '!ended'],
};

describe('transition', () => {
  const cases = STATUSES.flatMap((status) =>
    Object.entries(EVENTS).map(([name, event], column) => {
      const cell = TABLE[status][column];
      if (cell === undefined) throw new Error(`the table has no cell for ${status} × ${name}`);
      return { status, name, event, cell };
    }),
  );

  it('has a cell for every status × event, and no more', () => {
    for (const status of STATUSES) expect(TABLE[status]).toHaveLength(Object.keys(EVENTS).length);
    expect(cases).toHaveLength(STATUSES.length * Object.keys(EVENTS).length);
  });

  it.each(cases)('$status × $name → $cell', ({ status, event, cell }) => {
    const expected = cell.startsWith('!') ? { ok: false, code: cell.slice(1) } : { ok: true, status: cell };
    expect(transition({ status }, event)).toEqual(expected);
    expect(allows({ status }, event)).toBe(expected.ok);
  });

  it('takes an event by name or as an object alike', () => {
    for (const status of STATUSES) {
      for (const name of [
        'request-approval',
        'reject',
        'revoke',
        'go-live',
        'complete',
        'roll-back',
        'abort',
      ] as const) {
        expect(transition({ status }, { type: name })).toEqual(transition({ status }, name));
      }
    }
  });

  it('never leaves an ended status and never enters an active one from it', () => {
    for (const status of STATUSES.filter((s) => !isActive(s))) {
      for (const event of Object.values(EVENTS))
        expect(transition({ status }, event)).toEqual({ ok: false, code: 'ended' });
    }
  });
});

describe('statuses', () => {
  it('the five active ones hold the lock; the three ended ones do not', () => {
    expect([...ACTIVE_STATUSES]).toEqual(['preparing', 'awaiting_approval', 'approved', 'rejected', 'live']);
    expect(STATUSES.filter(isActive)).toEqual([...ACTIVE_STATUSES]);
  });

  it('have the display words the root shows', () => {
    expect(STATUSES.map((s) => STATUS_WORDS[s])).toEqual([
      'Preparing',
      'Awaiting approval',
      'Approved',
      'Rejected',
      'Live',
      'Completed',
      'Rolled back',
      'Aborted',
    ]);
  });
});
