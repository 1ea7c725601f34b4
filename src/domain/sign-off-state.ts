// What a go-live's sign-off looks like as data: approvals, rejections, section sign-offs and what blocks an
// approval. Its own file so that go-live.ts can carry it without importing the sign-off rules (src/domain/signoff.ts).
import type { Actor } from './actor.js';
import type { CheckKind } from './check-kind.js';

/** One approver's approval in the current request; `justification` when it was given with exceptions. */
export interface Approval {
  by: Actor;
  at: number;
  comment?: string;
  justification?: string;
  /** With exceptions: what stood in the way when it was given. */
  exceptions?: Blockers;
}

/** A section owner's sign-off that still stands. */
export interface SectionSignOff {
  sectionId: string;
  by: Actor;
  at: number;
}

/** The current approval request's rejection. */
export interface Rejection {
  by: Actor;
  at: number;
  reason: string;
}

/** Where a go-live's sign-off stands: what the root, the request and the rules read. */
export interface SignOffState {
  /** The approval request's number: 0 before the first, +1 for each Request approval (a new one starts over). */
  round: number;
  /** The approvals of the current request that still stand, oldest first. */
  approvals: Approval[];
  rejection?: Rejection;
  /** Section sign-offs that still stand. */
  sections: SectionSignOff[];
}

export const NO_SIGN_OFF: SignOffState = Object.freeze({ round: 0, approvals: [], sections: [] });

/** A required item that is neither done nor N/A with a reason. */
export interface OpenItem {
  itemId: string;
  text: string;
  state: 'open' | 'blocked' | 'na';
}

/** An item an automatic check failed. */
export interface FailedItem {
  itemId: string;
  text: string;
  kind?: CheckKind;
  summary?: string;
}

/** A done item whose automatic-check evidence is older than the template allows. */
export interface StaleEvidence {
  itemId: string;
  text: string;
  kind: CheckKind;
  takenAt: number;
  ageMs: number;
}

/** Everything that keeps a checklist (or one section of it) from being approved, in checklist order. */
export interface Blockers {
  open: OpenItem[];
  failed: FailedItem[];
  stale: StaleEvidence[];
}
