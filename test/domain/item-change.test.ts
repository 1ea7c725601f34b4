// What a change to an item does, decided once for every store: the record to write and its audit event, or nothing.
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { ACTIVE_STATUSES, GOLIVE_ACTOR, isActive } from '../../src/domain/go-live.js';
import type { Evidence, GoLiveStatus, ItemRecord, ItemState } from '../../src/domain/go-live.js';
import { decideCheckResult, decideEvidence, decideItemChange, untouchedItem } from '../../src/domain/item-change.js';
import type { ItemContext } from '../../src/domain/item-change.js';

const START = { startedBy: 'U0DEPLOYER', startedAt: 1_000 };
const NOW = 5_000;
const EVIDENCE: Evidence = {
  kind: 'hsts',
  status: 'pass',
  summary: 'max-age 2 years',
  takenAt: 4_000,
  details: { maxAge: 63072000, preload: true },
};
const SAME_EVIDENCE_OTHER_KEY_ORDER: Evidence = {
  details: { preload: true, maxAge: 63072000 },
  takenAt: 4_000,
  summary: 'max-age 2 years',
  status: 'pass',
  kind: 'hsts',
};
const NEWER: Evidence = { ...EVIDENCE, takenAt: 4_500 };

const at = (current: ItemRecord | undefined): ItemContext => ({ current, goLive: START, now: NOW });
const record = (state: ItemState, extra: Partial<ItemRecord> = {}): ItemRecord => ({
  itemId: 'hsts',
  state,
  by: 'U0DANA',
  at: 2_000,
  ...extra,
});

describe('decideItemChange', () => {
  // Each row: the item before, the change asked, whether anything changes.
  const rows: [string, ItemRecord | undefined, { state: ItemState; reason?: string; evidence?: Evidence }, boolean][] =
    [
      ['open untouched → open', undefined, { state: 'open' }, false],
      ['open untouched → done', undefined, { state: 'done' }, true],
      ['done → done', record('done'), { state: 'done' }, false],
      ['done → open', record('done'), { state: 'open' }, true],
      ['N/A → N/A, same reason', record('na', { reason: 'no db' }), { state: 'na', reason: 'no db' }, false],
      ['N/A → N/A, new reason', record('na', { reason: 'no db' }), { state: 'na', reason: 'no database' }, true],
      [
        'blocked with a reason → open drops the reason',
        record('blocked', { reason: 'waiting' }),
        { state: 'open' },
        true,
      ],
      ['done → done with an empty reason', record('done'), { state: 'done', reason: '' }, false],
      [
        'done with evidence → done: the evidence stays',
        record('done', { evidence: EVIDENCE }),
        { state: 'done' },
        false,
      ],
      [
        'done → done with the same evidence, keys reordered',
        record('done', { evidence: EVIDENCE }),
        { state: 'done', evidence: SAME_EVIDENCE_OTHER_KEY_ORDER },
        false,
      ],
      [
        'done → done with newer evidence',
        record('done', { evidence: EVIDENCE }),
        { state: 'done', evidence: NEWER },
        true,
      ],
    ];
  for (const [name, current, change, changed] of rows) {
    it(`${name}: ${changed ? 'changed' : 'unchanged'}`, () => {
      const decision = decideItemChange({ itemId: 'hsts', actor: 'U0SAM', ...change }, at(current));
      expect(decision.changed).toBe(changed);
      if (!decision.changed) {
        expect(decision.item).toEqual(current ?? untouchedItem('hsts', START));
        return;
      }
      const reason = change.reason === '' ? undefined : change.reason;
      const evidence = change.evidence ?? current?.evidence;
      expect(decision.item).toEqual({
        itemId: 'hsts',
        state: change.state,
        by: 'U0SAM',
        at: NOW,
        ...(reason ? { reason } : {}),
        ...(evidence ? { evidence } : {}),
      });
      expect(decision.event).toEqual({
        at: NOW,
        action: 'item',
        actor: 'U0SAM',
        before: current ?? null,
        after: decision.item,
      });
    });
  }
});

describe('decideEvidence', () => {
  it('attaches to an untouched item as an open record by the actor, dated at the go-live start', () => {
    const decision = decideEvidence('hsts', EVIDENCE, GOLIVE_ACTOR, at(undefined));
    expect(decision).toEqual({
      changed: true,
      item: { itemId: 'hsts', state: 'open', by: GOLIVE_ACTOR, at: START.startedAt, evidence: EVIDENCE },
      event: {
        at: NOW,
        action: 'evidence',
        actor: GOLIVE_ACTOR,
        before: { evidence: null },
        after: { evidence: EVIDENCE },
      },
    });
  });

  it("keeps a person's state, author, time and reason, replacing only the evidence", () => {
    const current = record('na', { reason: 'no HSTS on the internal host', evidence: EVIDENCE });
    const decision = decideEvidence('hsts', NEWER, GOLIVE_ACTOR, at(current));
    expect(decision).toMatchObject({
      changed: true,
      item: { ...current, evidence: NEWER },
      event: { before: { evidence: EVIDENCE }, after: { evidence: NEWER } },
    });
  });

  it('changes nothing when the evidence is the same, whatever its key order', () => {
    const current = record('done', { evidence: EVIDENCE });
    expect(decideEvidence('hsts', SAME_EVIDENCE_OTHER_KEY_ORDER, GOLIVE_ACTOR, at(current))).toEqual({
      changed: false,
      item: current,
    });
  });
});

describe('decideCheckResult', () => {
  const fail: Evidence = { ...EVIDENCE, status: 'fail', summary: 'no Strict-Transport-Security header' };
  it('a pass ticks an open item under Golive’s name', () => {
    const decision = decideCheckResult('hsts', { evidence: EVIDENCE }, at(undefined));
    expect(decision).toMatchObject({
      changed: true,
      effect: { kind: 'set', state: 'done' },
      item: { state: 'done', by: GOLIVE_ACTOR, evidence: EVIDENCE },
    });
  });

  it('a fail marks a done item failed with the fail reason given, or the summary', () => {
    expect(decideCheckResult('hsts', { evidence: fail, failReason: 'cut' }, at(record('done')))).toMatchObject({
      item: { state: 'failed', reason: 'cut', by: GOLIVE_ACTOR },
    });
    expect(decideCheckResult('hsts', { evidence: fail }, at(record('done')))).toMatchObject({
      item: { state: 'failed', reason: fail.summary },
    });
  });

  it("a pass on a person's N/A only attaches the evidence", () => {
    const current = record('na', { reason: 'internal' });
    expect(decideCheckResult('hsts', { evidence: EVIDENCE }, at(current))).toMatchObject({
      effect: { kind: 'attach' },
      item: { ...current, evidence: EVIDENCE },
      event: { action: 'evidence' },
    });
  });
});

describe('isActive', () => {
  const table: Record<GoLiveStatus, boolean> = {
    preparing: true,
    awaiting_approval: true,
    approved: true,
    rejected: true,
    live: true,
    completed: false,
    rolled_back: false,
    aborted: false,
  };
  for (const [status, active] of Object.entries(table) as [GoLiveStatus, boolean][]) {
    it(`${status}: ${active ? 'active' : 'ended'}`, () => {
      expect(isActive(status)).toBe(active);
      expect((ACTIVE_STATUSES as readonly GoLiveStatus[]).includes(status)).toBe(active);
    });
  }
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, and writes undefined as null', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(EVIDENCE)).toBe(canonicalJson(SAME_EVIDENCE_OTHER_KEY_ORDER));
  });
});
