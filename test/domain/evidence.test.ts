// What a check result does to its item: Golive never puts its name on a person's work.
import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../../src/domain/check-kind.js';
import { evidenceEffect, stateSetBy } from '../../src/domain/evidence.js';
import type { EvidenceEffect } from '../../src/domain/evidence.js';
import { GOLIVE_ACTOR } from '../../src/domain/go-live.js';
import type { ItemState } from '../../src/domain/go-live.js';

const SUMMARY = 'certificate expires in 10 days (want ≥ 30)';
const DONE: EvidenceEffect = { kind: 'set', state: 'done' };
const FAILED: EvidenceEffect = { kind: 'set', state: 'failed', reason: SUMMARY };
const ATTACH: EvidenceEffect = { kind: 'attach' };

// Rows: the item's state before the result; columns: the result's status.
const TABLE: Record<ItemState, Record<CheckStatus, EvidenceEffect>> = {
  open: { pass: DONE, warn: DONE, fail: FAILED, error: ATTACH },
  failed: { pass: DONE, warn: DONE, fail: FAILED, error: ATTACH },
  blocked: { pass: DONE, warn: DONE, fail: FAILED, error: ATTACH },
  done: { pass: ATTACH, warn: ATTACH, fail: FAILED, error: ATTACH },
  na: { pass: ATTACH, warn: ATTACH, fail: FAILED, error: ATTACH },
};

describe('evidenceEffect', () => {
  for (const [state, row] of Object.entries(TABLE) as [ItemState, Record<CheckStatus, EvidenceEffect>][]) {
    for (const [status, effect] of Object.entries(row) as [CheckStatus, EvidenceEffect][]) {
      it(`${status} on a ${state} item: ${effect.kind === 'attach' ? 'attach the evidence, keep state and author' : `${effect.state} by Golive`}`, () => {
        expect(evidenceEffect(status, state, SUMMARY)).toEqual(effect);
      });
    }
  }
});

describe('stateSetBy', () => {
  it('names whoever set the state, Golive included, but nobody for an untouched item that only carries evidence', () => {
    const at = 1_700_000_000_000;
    expect(stateSetBy({ itemId: 'x', state: 'done', by: 'U1', at })).toBe('U1');
    expect(stateSetBy({ itemId: 'x', state: 'open', by: 'U1', at })).toBe('U1');
    expect(stateSetBy({ itemId: 'x', state: 'done', by: GOLIVE_ACTOR, at })).toBe(GOLIVE_ACTOR);
    expect(stateSetBy({ itemId: 'x', state: 'failed', by: GOLIVE_ACTOR, at })).toBe(GOLIVE_ACTOR);
    expect(stateSetBy({ itemId: 'x', state: 'open', by: GOLIVE_ACTOR, at })).toBeUndefined();
  });
});
