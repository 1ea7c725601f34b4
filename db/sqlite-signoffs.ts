// The sign_offs table for the SQLite store: its prepared statements and the mapping between its rows and the
// domain's sign-off state. Only ever run inside one of the store's transactions (they share its connection).
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { Actor } from '../src/domain/go-live.js';
import type { Approval, Blockers, SectionSignOff, SignOffState } from '../src/domain/signoff.js';
import { signOffs } from './schema.js';
import type { SignOffRecord } from './store.js';

type Db = BetterSQLite3Database<Record<string, never>>;
type SignOffRow = typeof signOffs.$inferSelect;

export type NewSignOff = {
  goLiveId: string;
  kind: SignOffRow['kind'];
  round: number;
  by: Actor;
  at: number;
  sectionId?: string;
  comment?: string;
  justification?: string;
  exceptions?: Blockers;
};

export class SignOffRows {
  private readonly standing;
  private readonly all;

  constructor(private readonly db: Db) {
    // What counts now: this request's approvals and rejection, and every section sign-off not revoked.
    this.standing = db
      .select()
      .from(signOffs)
      .where(
        and(
          eq(signOffs.goLiveId, sql.placeholder('goLiveId')),
          isNull(signOffs.revokedAt),
          sql`(${signOffs.kind} = 'section' or ${signOffs.round} = ${sql.placeholder('round')})`,
        ),
      )
      .orderBy(asc(signOffs.id))
      .prepare();
    this.all = db
      .select()
      .from(signOffs)
      .where(eq(signOffs.goLiveId, sql.placeholder('goLiveId')))
      .orderBy(asc(signOffs.id))
      .prepare();
  }

  /** The go-live's sign-off state for its current request `round`. */
  state(goLiveId: string, round: number): SignOffState {
    const state: SignOffState = { round, approvals: [], sections: [] };
    for (const row of this.standing.all({ goLiveId, round })) {
      if (row.kind === 'approval') state.approvals.push(toApproval(row));
      else if (row.kind === 'rejection') state.rejection = { by: row.by, at: row.at, reason: row.comment ?? '' };
      else if (row.sectionId !== null) state.sections.push({ sectionId: row.sectionId, by: row.by, at: row.at });
    }
    return state;
  }

  insert(row: NewSignOff): void {
    this.db
      .insert(signOffs)
      .values({
        goLiveId: row.goLiveId,
        kind: row.kind,
        round: row.round,
        by: row.by,
        at: row.at,
        sectionId: row.sectionId ?? null,
        comment: row.comment ?? null,
        justification: row.justification ?? null,
        exceptions: row.exceptions ?? null,
      })
      .run();
  }

  /** Marks standing approvals of `round` (all of them) and section sign-offs of `sectionIds` revoked. */
  revoke(
    goLiveId: string,
    what: { round?: number; sectionIds: readonly string[] },
    by: { at: number; actor: Actor; reason: string },
  ): void {
    const set = { revokedAt: by.at, revokedBy: by.actor, revokedReason: by.reason };
    const standing = and(eq(signOffs.goLiveId, goLiveId), isNull(signOffs.revokedAt));
    if (what.round !== undefined) {
      this.db
        .update(signOffs)
        .set(set)
        .where(and(standing, eq(signOffs.kind, 'approval'), eq(signOffs.round, what.round)))
        .run();
    }
    if (what.sectionIds.length > 0) {
      this.db
        .update(signOffs)
        .set(set)
        .where(and(standing, eq(signOffs.kind, 'section'), inArray(signOffs.sectionId, [...what.sectionIds])))
        .run();
    }
  }

  record(goLiveId: string): SignOffRecord[] {
    return this.all.all({ goLiveId }).map((row) => {
      const record: SignOffRecord = {
        id: row.id,
        goLiveId: row.goLiveId,
        kind: row.kind,
        round: row.round,
        by: row.by,
        at: row.at,
      };
      if (row.sectionId !== null) record.sectionId = row.sectionId;
      if (row.comment !== null) record.comment = row.comment;
      if (row.justification !== null) record.justification = row.justification;
      if (row.exceptions !== null) record.exceptions = row.exceptions;
      if (row.revokedAt !== null)
        record.revoked = { at: row.revokedAt, by: row.revokedBy ?? '', reason: row.revokedReason ?? '' };
      return record;
    });
  }
}

function toApproval(row: SignOffRow): Approval {
  const approval: Approval = { by: row.by, at: row.at };
  if (row.comment !== null) approval.comment = row.comment;
  if (row.justification !== null) approval.justification = row.justification;
  if (row.exceptions !== null) approval.exceptions = row.exceptions;
  return approval;
}

/** The section sign-offs that a change to an item of `sectionId` voids. */
export function sectionSignOffsOf(state: SignOffState, sectionId: string): SectionSignOff[] {
  return state.sections.filter((s) => s.sectionId === sectionId);
}
