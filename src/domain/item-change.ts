// What a change to one checklist item does: the record to store and the audit event to append, or nothing. The
// store reads the item's current record and writes what these functions decide, inside its transaction, so
// every store applies the same rules. Pure: the current record and the time come in as parameters.
import { evidenceEffect } from './evidence.js';
import type { EvidenceEffect } from './evidence.js';
import { canonicalJson } from './canonical-json.js';
import { GOLIVE_ACTOR } from './go-live.js';
import type { Actor, Evidence, GoLive, ItemRecord, ItemState } from './go-live.js';

/** A change asked for by a person (or by Golive for a check). */
export interface ItemChangeIntent {
  itemId: string;
  state: ItemState;
  actor: Actor;
  reason?: string;
  evidence?: Evidence;
}

/** The audit event that goes with a stored item record. */
export interface ItemEvent {
  at: number;
  action: 'item' | 'evidence';
  actor: Actor;
  before: unknown;
  after: unknown;
}

/** `changed: false`: nothing to store, no event, no version bump (clicks are idempotent). */
export type ItemDecision = { changed: false; item: ItemRecord } | { changed: true; item: ItemRecord; event: ItemEvent };

/** Where an item stands: its record, or undefined when nobody touched it; the go-live for an untouched item's origin. */
export interface ItemContext {
  current: ItemRecord | undefined;
  goLive: Pick<GoLive, 'startedBy' | 'startedAt'>;
  now: number;
}

/** An untouched item reads as open, attributed to the go-live's start, since that is when its open state began. */
export function untouchedItem(itemId: string, goLive: ItemContext['goLive']): ItemRecord {
  return { itemId, state: 'open', by: goLive.startedBy, at: goLive.startedAt };
}

const sameEvidence = (a: Evidence | undefined, b: Evidence | undefined): boolean =>
  canonicalJson(a) === canonicalJson(b);

/**
 * Sets one item. The reason is replaced by the change's (none when absent or empty); evidence is kept when the
 * change brings none, so a person's tick never erases what a check measured. Same state, reason and evidence:
 * unchanged.
 */
export function decideItemChange(change: ItemChangeIntent, { current, goLive, now }: ItemContext): ItemDecision {
  const reason = change.reason === undefined || change.reason === '' ? undefined : change.reason;
  const evidence = change.evidence ?? current?.evidence;
  const unchanged =
    (current?.state ?? 'open') === change.state &&
    current?.reason === reason &&
    sameEvidence(current?.evidence, evidence);
  if (unchanged) return { changed: false, item: current ?? untouchedItem(change.itemId, goLive) };

  const item: ItemRecord = { itemId: change.itemId, state: change.state, by: change.actor, at: now };
  if (reason !== undefined) item.reason = reason;
  if (evidence !== undefined) item.evidence = evidence;
  return {
    changed: true,
    item,
    event: { at: now, action: 'item', actor: change.actor, before: current ?? null, after: item },
  };
}

/**
 * Replaces one item's evidence; its state, author, time and reason stay. An untouched item gets an open record
 * by `actor`, dated at the go-live's start. Same evidence: unchanged.
 */
export function decideEvidence(
  itemId: string,
  evidence: Evidence,
  actor: Actor,
  { current, goLive, now }: ItemContext,
): ItemDecision {
  if (current && sameEvidence(current.evidence, evidence)) return { changed: false, item: current };
  const item: ItemRecord = current
    ? { ...current, evidence }
    : { itemId, state: 'open', by: actor, at: goLive.startedAt, evidence };
  return {
    changed: true,
    item,
    event: { at: now, action: 'evidence', actor, before: { evidence: current?.evidence ?? null }, after: { evidence } },
  };
}

/**
 * An automatic check's result on its item, as `evidenceEffect` decides on the item's current state: `set` is a
 * change by Golive (the fail reason is `failReason`, the evidence's summary when absent), `attach` only replaces
 * the evidence.
 */
export function decideCheckResult(
  itemId: string,
  result: { evidence: Evidence; failReason?: string },
  context: ItemContext,
): ItemDecision & { effect: EvidenceEffect } {
  const { evidence } = result;
  const effect = evidenceEffect(
    evidence.status,
    context.current?.state ?? 'open',
    result.failReason ?? evidence.summary,
  );
  if (effect.kind === 'attach') return { ...decideEvidence(itemId, evidence, GOLIVE_ACTOR, context), effect };
  const change: ItemChangeIntent = { itemId, state: effect.state, actor: GOLIVE_ACTOR, evidence };
  if (effect.state === 'failed') change.reason = effect.reason;
  return { ...decideItemChange(change, context), effect };
}
