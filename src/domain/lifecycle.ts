// The go-live lifecycle: which status an event leads to from each status, or why it cannot happen.
// Preparing → Awaiting approval → Approved → Live → Completed; Rejected, Rolled back and Aborted beside them.
// Every status change in Golive goes through `transition`, so the whole graph is here and in its table test.
// Pure: the caller brings the status (and, for an approval, whether it reaches the quorum).
import { isActive } from './go-live.js';
import type { GoLive, GoLiveStatus } from './go-live.js';

/** What can happen to a go-live, by name. */
export type LifecycleEventName =
  | 'request-approval'
  | 'approve'
  | 'reject'
  | 'revoke'
  | 'go-live'
  | 'complete'
  | 'roll-back'
  | 'abort';

/**
 * An event. An approval says whether it brings the distinct approvers to the template's quorum
 * (src/domain/signoff.ts counts them); the other events carry nothing, and may be passed by name alone.
 */
export type LifecycleEvent =
  | { type: 'approve'; quorumReached: boolean }
  | { type: Exclude<LifecycleEventName, 'approve'> }
  | Exclude<LifecycleEventName, 'approve'>;

/** Why an event cannot happen in the current status: stable codes, for tests, logs and the words shown. */
export type LifecycleRefusal =
  | 'not-requested' // approve/reject while no approval request is pending
  | 'already-requested' // request-approval while one is pending
  | 'already-approved' // request-approval or approve once the quorum is reached
  | 'already-rejected' // reject again before a new request
  | 'not-approved' // go-live before the quorum is reached
  | 'nothing-to-revoke' // revoke while no approval stands
  | 'already-live' // an approval event after Go live
  | 'not-live' // complete/roll-back before Go live
  | 'ended'; // anything after Completed, Rolled back or Aborted

export type TransitionResult = { ok: true; status: GoLiveStatus } | { ok: false; code: LifecycleRefusal };

const ok = (status: GoLiveStatus): TransitionResult => ({ ok: true, status });
const no = (code: LifecycleRefusal): TransitionResult => ({ ok: false, code });

/** The status `event` leads to from the go-live's status, or the code of why it cannot happen. */
export function transition(goLive: Pick<GoLive, 'status'>, event: LifecycleEvent): TransitionResult {
  const { status } = goLive;
  const e = typeof event === 'string' ? { type: event } : event;
  if (!isActive(status)) return no('ended');
  switch (e.type) {
    case 'request-approval':
      // A rejected go-live starts over with a new request.
      if (status === 'preparing' || status === 'rejected') return ok('awaiting_approval');
      if (status === 'awaiting_approval') return no('already-requested');
      return no(status === 'approved' ? 'already-approved' : 'already-live');
    case 'approve':
      if (status === 'awaiting_approval')
        return ok('quorumReached' in e && e.quorumReached ? 'approved' : 'awaiting_approval');
      if (status === 'approved') return no('already-approved');
      return no(status === 'live' ? 'already-live' : 'not-requested');
    case 'reject':
      // An approved go-live may still be stopped by an approver until it goes live.
      if (status === 'awaiting_approval' || status === 'approved') return ok('rejected');
      if (status === 'rejected') return no('already-rejected');
      return no(status === 'live' ? 'already-live' : 'not-requested');
    case 'revoke':
      // A change after an approval voids it: back to Preparing, a new request starts over.
      if (status === 'awaiting_approval' || status === 'approved') return ok('preparing');
      return no('nothing-to-revoke');
    case 'go-live':
      if (status === 'approved') return ok('live');
      return no(status === 'live' ? 'already-live' : 'not-approved');
    case 'complete':
      return status === 'live' ? ok('completed') : no('not-live');
    case 'roll-back':
      return status === 'live' ? ok('rolled_back') : no('not-live');
    case 'abort':
      return ok('aborted');
  }
}

/** Whether the event is allowed now: for showing only the controls that apply to the status. */
export function allows(goLive: Pick<GoLive, 'status'>, event: LifecycleEvent): boolean {
  return transition(goLive, event).ok;
}
