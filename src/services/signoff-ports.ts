// The ports of the sign-off service: what it tells people (the Slack side chooses the words and where they go)
// and the post-launch hook that Go live starts. Services never import src/slack; these are their own words.
import type { Actor, ChecklistView, GoLive } from '../domain/go-live.js';
import type { SignOffState } from '../domain/signoff.js';

/** What happened, for everyone in the go-live's thread. */
export type SignOffNotice =
  | { kind: 'requested'; signOff: SignOffState }
  | { kind: 'approved'; by: Actor; signOff: SignOffState }
  | { kind: 'rejected'; by: Actor; reason: string }
  /** `what`: the item (its id) or `roles` whose change voided the approvals of `approvers`. */
  | { kind: 'revoked'; by: Actor; what: string; approvers: Actor[] }
  | { kind: 'section-revoked'; sections: { sectionId: string; by: Actor }[] }
  | { kind: 'section-signed-off'; sectionId: string; by: Actor }
  /** Go live: the approval line as the seed writes it. */
  | { kind: 'live'; approvalLine: string }
  | { kind: 'aborted'; by: Actor; reason: string }
  | { kind: 'roles'; by: Actor; changed: string[] }
  | { kind: 'post-launch-change'; by: Actor; itemId: string; reason: string };

/** What needs a person: sent to them directly (a direct message from Golive always matters). */
export type DirectNotice =
  | { kind: 'revoked'; by: Actor }
  | { kind: 'withdrawn'; by: Actor; reason: string }
  | { kind: 'rejected'; by: Actor; reason: string };

export interface SignOffNotifier {
  /** Posts the approval request in the thread and to each approver directly; answers whom it could not reach. */
  approvalRequest(view: ChecklistView, approvers: readonly Actor[], now: number): Promise<Actor[]>;
  /** Posts a notice in the go-live's thread; false when it could not (logged). */
  thread(goLive: GoLive, notice: SignOffNotice): Promise<boolean>;
  /** Tells each person directly; answers whom it could not reach (logged). */
  direct(goLive: GoLive, userIds: readonly Actor[], notice: DirectNotice): Promise<Actor[]>;
}

/**
 * Post-launch starts when Go live commits: called once, after the go-live is Live at `t0` in the store, with
 * the go-live's id. PostLaunchService (src/services/post-launch.ts) implements it: it plans the first 24 hours'
 * jobs from the template snapshot.
 * It must not throw for a go-live it already started (a restart may call it again); errors are logged, never
 * undo Go live.
 */
export interface PostLaunch {
  start(goLiveId: string, t0: number): Promise<void>;
}
