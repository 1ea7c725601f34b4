// What an automatic check's result does to its item. Golive ticks and fails items, but never puts its name on
// a person's work: evidence on an item a person resolved is attached beside their decision, not over it.
// Pure: the current record comes in as a parameter.
import type { CheckStatus } from './check-kind.js';
import { GOLIVE_ACTOR } from './go-live.js';
import type { Actor, ItemRecord, ItemState } from './go-live.js';

/**
 * `set`: Golive takes the item (state, author `golive`, reason) and attaches the evidence;
 * `attach`: the item keeps its state, author and reason, and only the evidence is replaced.
 */
export type EvidenceEffect =
  | { kind: 'set'; state: 'done' }
  | { kind: 'set'; state: 'failed'; reason: string }
  | { kind: 'attach' };

/**
 * The rule: a pass or warn ticks an open, failed or blocked item and leaves a done or N/A one as its author
 * left it; a fail marks the item failed with the summary as the reason, whoever resolved it (a failing check is
 * news, and the audit event keeps what it replaced); an error changes nothing but the evidence.
 */
export function evidenceEffect(status: CheckStatus, current: ItemState, summary: string): EvidenceEffect {
  switch (status) {
    case 'pass':
    case 'warn':
      return current === 'done' || current === 'na' ? { kind: 'attach' } : { kind: 'set', state: 'done' };
    case 'fail':
      return { kind: 'set', state: 'failed', reason: summary };
    case 'error':
      return { kind: 'attach' };
  }
}

/**
 * Who set the item's state, to show beside it; undefined when nobody did. Golive never reopens an item, so an
 * open record by Golive is an untouched item that only carries evidence.
 */
export function stateSetBy(record: ItemRecord): Actor | undefined {
  return record.state === 'open' && record.by === GOLIVE_ACTOR ? undefined : record.by;
}
