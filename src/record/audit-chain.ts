// The audit trail of a go-live is a hash chain: each event carries the SHA-256 of its content and the hash of the
// event before it in that go-live, so an edited, removed, reordered or inserted event shows.
// The hashed content is the row exactly as stored: the canonical JSON of the array
// [goLiveId, at, actor, action, subject, before, after, prevHash], where before/after are the JSON texts the row
// holds (or null). Any change to a stored byte shows, and a verifier needs no JSON parsing (100,000 events in
// well under a second); recompute it elsewhere as sha256 of that compact JSON array, in hex.
import { hash as digest } from 'node:crypto';

/** An audit event as its row stores it: before and after as JSON text (null for none). */
export interface AuditRow {
  goLiveId: string;
  at: number;
  actor: string;
  action: string;
  subject: string;
  before: string | null;
  after: string | null;
}

/** A stored row with its place in the chain: its hash and the hash of the event before it (null for the first). */
export interface ChainedAuditRow extends AuditRow {
  id: number;
  /** Null only for a row written around the store (the database refuses such inserts). */
  hash: string | null;
  prevHash: string | null;
}

/** An audit event as Golive reads it: before and after parsed back from their JSON text. */
export interface AuditEvent extends Omit<ChainedAuditRow, 'before' | 'after'> {
  before: unknown;
  after: unknown;
}

/** The row an event was read from (JSON.stringify gives back the very text JSON.stringify stored). */
export function rowOf(event: AuditEvent): ChainedAuditRow {
  return { ...event, before: storedJson(event.before), after: storedJson(event.after) };
}

/** The text a JSON column holds for a value: the one serialisation used to store and to hash; null stays NULL. */
export function storedJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** The hash of an event: hex SHA-256 over the canonical JSON of its stored content and the hash it follows. */
export function auditHash(row: AuditRow, prevHash: string | null): string {
  const { goLiveId, at, actor, action, subject, before, after } = row;
  // An array of strings, numbers and nulls has no keys to sort: JSON.stringify's text is its canonical JSON, and
  // skipping the canonicalising replacer is half the cost of verifying (bench/record.ts).
  return digest('sha256', JSON.stringify([goLiveId, at, actor, action, subject, before, after, prevHash]), 'hex');
}

/** Why an event does not fit the chain. */
export type ChainBreak =
  /** Its content no longer gives its hash (or it has none): changed after it was written, or forged. */
  | 'edited'
  /** It follows an event that is not in the trail any more. */
  | 'removed'
  /** It names as its predecessor an event that comes after it. */
  | 'reordered'
  /** It is not in the chain: the event after it follows the event before it. */
  | 'inserted';

export type ChainVerdict =
  | {
      ok: true;
      count: number;
      /** Hash of the last event: quote it elsewhere and a cut tail shows too. */ head: string | null;
    }
  | { ok: false; count: number; event: ChainedAuditRow; position: number; problem: ChainBreak; detail: string };

/**
 * Recomputes the chain of one go-live's events, in the order they were appended (by id), and names the first
 * event that does not fit. A break in the links is told apart by where the event's prev_hash points.
 * `events` is walked once, keeping nothing, while the chain holds (100,000 events would otherwise all stay in
 * memory); only at a break is it read again, whole, to tell what happened: pass an array, or an iterable that
 * reads the trail afresh each time it is iterated.
 */
export function verifyChain(events: Iterable<ChainedAuditRow>): ChainVerdict {
  const streamed = walk(events);
  if (streamed.edited === undefined) return { ok: true, count: streamed.fitting, head: streamed.head };
  const trail = Array.isArray(events) ? (events as readonly ChainedAuditRow[]) : [...events];
  // Read afresh, the trail is judged as it is now (it can only have grown, unless someone is editing it meanwhile).
  const { fitting: i, head, edited } = trail === events ? streamed : walk(trail);
  if (edited === undefined) return { ok: true, count: trail.length, head };
  if (!edited) return { ok: false, count: trail.length, ...misfit(trail, i) };
  const event = trail[i]!;
  const detail =
    event.hash === null ? 'it has no hash: it was written around Golive' : 'its content does not give its hash';
  return { ok: false, count: trail.length, event, position: i + 1, problem: 'edited', detail };
}

/** How many events fit before the first that does not, whether that one's own hash is wrong, and the last hash. */
function walk(events: Iterable<ChainedAuditRow>): { fitting: number; head: string | null; edited?: boolean } {
  let head: string | null = null;
  let fitting = 0;
  for (const event of events) {
    if (event.hash !== auditHash(event, event.prevHash)) return { fitting, head, edited: true };
    if (event.prevHash !== head) return { fitting, head, edited: false };
    head = event.hash;
    fitting++;
  }
  return { fitting, head };
}

/** Where the i-th event's link points tells what happened before it. */
function misfit(
  events: readonly ChainedAuditRow[],
  i: number,
): Omit<Extract<ChainVerdict, { ok: false }>, 'ok' | 'count'> {
  const event = events[i]!;
  if (event.prevHash === null) {
    return { event, position: i + 1, problem: 'reordered', detail: 'it claims to be the first event but is not' };
  }
  const pointsTo = events.findIndex((e) => e.hash === event.prevHash);
  if (pointsTo < 0)
    return { event, position: i + 1, problem: 'removed', detail: 'the event it follows is not in the trail' };
  if (pointsTo > i) {
    return {
      event,
      position: i + 1,
      problem: 'reordered',
      detail: `it follows event ${events[pointsTo]!.id}, which comes after it`,
    };
  }
  // It skips back over events: those are not in the chain. A copy of an event sits after its original: name the copy.
  const skipped = events[pointsTo + 1]!;
  const inserted = skipped.hash === event.hash ? event : skipped;
  const position = inserted === event ? i + 1 : pointsTo + 2;
  const detail = `event ${event.id} follows event ${events[pointsTo]!.id} directly: what lies between is not in the chain`;
  return { event: inserted, position, problem: 'inserted', detail };
}
