// A go-live and the state of its checklist items, as the domain rules see them.
import type { CheckStatus, CheckKind } from './check-kind.js';
import type { Actor } from './actor.js';
import type { SignOffState } from './sign-off-state.js';
import type { Template } from './template.js';

/**
 * Where a go-live is in its lifecycle (src/domain/lifecycle.ts moves it). The first five are active: the
 * service+environment lock holds while a go-live is in one of them.
 */
export type GoLiveStatus =
  | 'preparing'
  | 'awaiting_approval'
  | 'approved'
  | 'rejected'
  | 'live'
  | 'completed'
  | 'rolled_back'
  | 'aborted';

/** The statuses that hold the lock, in lifecycle order (db/schema.ts's partial unique index lists the same). */
export const ACTIVE_STATUSES = [
  'preparing',
  'awaiting_approval',
  'approved',
  'rejected',
  'live',
] as const satisfies readonly GoLiveStatus[];
export type ActiveStatus = (typeof ACTIVE_STATUSES)[number];
export type EndedStatus = Exclude<GoLiveStatus, ActiveStatus>;
/** The statuses a go-live ends in: every status that is not active (for SQL, which cannot call isActive). */
export const ENDED_STATUSES = ['completed', 'rolled_back', 'aborted'] as const satisfies readonly EndedStatus[];

export function isActive(status: GoLiveStatus): status is ActiveStatus {
  return (ACTIVE_STATUSES as readonly GoLiveStatus[]).includes(status);
}

/** The words the root's `Status:` line shows. */
export const STATUS_WORDS: Record<GoLiveStatus, string> = {
  preparing: 'Preparing',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  rejected: 'Rejected',
  live: 'Live',
  completed: 'Completed',
  rolled_back: 'Rolled back',
  aborted: 'Aborted',
};

/** done / N/A / blocked are set by people; failed is set by an automatic check; open is the start. */
export type ItemState = 'open' | 'done' | 'na' | 'blocked' | 'failed';

export { GOLIVE_ACTOR } from './actor.js';
export type { Actor } from './actor.js';

export interface Evidence {
  kind: CheckKind;
  status: CheckStatus;
  summary: string;
  takenAt: number;
  details?: unknown;
}

export interface ItemRecord {
  itemId: string;
  state: ItemState;
  by: Actor;
  at: number;
  reason?: string;
  evidence?: Evidence;
}

export interface GoLive {
  id: string;
  service: string;
  environment: string;
  url?: string;
  httpUrl?: string;
  channelId: string;
  /** True when `channelId` is a private channel, group DM or DM: seen only from there (src/domain/visibility.ts). */
  privateChannel?: boolean;
  /** ts of the root message: the thread. Absent until it is posted. */
  rootTs?: string;
  startedBy: Actor;
  startedAt: number;
  status: GoLiveStatus;
  /** role id → Slack mentions as Slack sends them (`<@U123>`, `<!subteam^S1>`). */
  roles: Record<string, string[]>;
  /** The snapshot of the template this go-live started with. */
  template: Template;
  /** Incremented by every change; the renderer compares it with what each message last showed. */
  version: number;
  /** T0: when the deployer pressed Go live. Absent before. */
  liveAt?: number;
}

/** Everything needed to render a go-live: the go-live and one record per item that has been touched. */
export interface ChecklistView {
  goLive: GoLive;
  items: ReadonlyMap<string, ItemRecord>;
  /** Approvals, rejection and section sign-offs that stand (the store always reads them; absent: none). */
  signOff?: SignOffState;
  /** The automatic check run going on now, if one is (the root shows it instead of its Run checks button). */
  checkRun?: CheckRunHolder;
}

/** Who started the check run in progress on a go-live, and when. */
export interface CheckRunHolder {
  by: Actor;
  at: number;
}
