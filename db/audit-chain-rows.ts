// A go-live's audit events as their rows store them (JSON as text), read for recomputing the hash chain
// (src/record/audit-chain.ts). Straight from SQLite, without drizzle's mapping: `golive verify` reads 100,000.
import type Database from 'better-sqlite3';
import type { ChainedAuditRow } from '../src/record/audit-chain.js';

/** Rows per read: a few thousand short-lived arrays cost less than one iterator step per row or one 100,000-row array. */
const BATCH = 2000;

const COLUMNS = 'id, at, actor, action, subject, before, after, hash, prev_hash';

/** A row as `raw()` gives it; integers as BigInt (see below), `at` a number when stored as REAL. */
type RawRow = [bigint, bigint | number, string, string, string, Text, Text, Text, Text];
type Text = string | null;

export class AuditChainRows {
  private readonly first: Database.Statement<[string], RawRow>;
  private readonly after: Database.Statement<[string, bigint], RawRow>;

  constructor(sqlite: Database.Database) {
    const select = (bound: string) =>
      sqlite
        // Exact integers: the next batch starts after the last id, and an id past 2^53 (only a hand-edited file has
        // one) read as a number would repeat or skip rows.
        .prepare(`SELECT ${COLUMNS} FROM audit_events WHERE go_live_id = ?${bound} ORDER BY id LIMIT ${BATCH}`)
        .raw()
        .safeIntegers();
    this.first = select('') as Database.Statement<[string], RawRow>;
    this.after = select(' AND id > ?') as Database.Statement<[string, bigint], RawRow>;
  }

  /**
   * The events in append order (by id), read a batch at a time each time it is iterated. No read transaction
   * spans the batches: events are append-only with ever-growing ids, so a later batch can only add to the end.
   */
  of(goLiveId: string): Iterable<ChainedAuditRow> {
    return { [Symbol.iterator]: () => this.rows(goLiveId) };
  }

  private *rows(goLiveId: string): Generator<ChainedAuditRow> {
    let batch = this.first.all(goLiveId);
    while (batch.length > 0) {
      for (const r of batch) {
        yield {
          id: Number(r[0]),
          goLiveId,
          at: Number(r[1]),
          actor: r[2],
          action: r[3],
          subject: r[4],
          before: r[5],
          after: r[6],
          hash: r[7],
          prevHash: r[8],
        };
      }
      batch = batch.length < BATCH ? [] : this.after.all(goLiveId, batch[batch.length - 1]![0]);
    }
  }
}
