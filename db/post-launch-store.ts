// What the post-launch window keeps beside the jobs: the check-ins posted (and who acknowledged them), the checks
// that failed during the window (pinged once, closed by their recovery), and the window's end. Each method is one
// transaction that appends its audit event.
import type { CheckKind, CheckStatus } from '../src/domain/check-kind.js';
import type { Actor, GoLiveStatus } from '../src/domain/go-live.js';
import type { LifecycleRefusal } from '../src/domain/lifecycle.js';
import type { NewJob } from './job-store.js';

export interface CheckResultLine {
  kind: CheckKind;
  status: CheckStatus;
  summary: string;
}

export interface CheckIn {
  id: string;
  goLiveId: string;
  text: string;
  dueAt: number;
  postedAt: number;
  lateMs?: number;
  /** Missed repeats of its series folded into it (0 unless Golive was down when they were due). */
  replaces: number;
  channelId: string;
  ts: string;
  results: CheckResultLine[];
  /** Highest escalation level reached (0: the on-call). */
  level: number;
  ackedBy?: Actor;
  ackedAt?: number;
}

export interface Incident {
  id: number;
  goLiveId: string;
  kind: CheckKind;
  summary: string;
  failedAt: number;
  pingedAt?: number;
  recoveredAt?: number;
  recoverySummary?: string;
  recoveryPostedAt?: number;
}

export type AcknowledgeResult =
  | { ok: true; changed: boolean; checkIn: CheckIn }
  | { ok: false; reason: 'not-found' | 'ended'; checkIn?: CheckIn };

export type EscalateResult =
  | { status: 'escalated'; checkIn: CheckIn }
  | { status: 'acknowledged' | 'not-found' | 'ended' };

export type EndWindowResult =
  | { ok: true; status: GoLiveStatus; cancelled: number }
  | { ok: false; code: LifecycleRefusal | 'not-found' };

export interface PostLaunchStore {
  /** Records a posted check-in and schedules its escalation steps, in one transaction; a repeat changes nothing. */
  recordCheckIn(checkIn: CheckIn, escalation: readonly NewJob[]): Promise<void>;
  getCheckIn(id: string): Promise<CheckIn | undefined>;
  listCheckIns(goLiveId: string): Promise<CheckIn[]>;
  /** The first acknowledgement wins and stops the chain (its pending steps cancelled); later ones change nothing. */
  acknowledge(checkInId: string, by: Actor, at: number): Promise<AcknowledgeResult>;
  /** Moves an unacknowledged check-in to `level` (never down); says so when it was acknowledged meanwhile. */
  escalate(checkInId: string, level: number, at: number): Promise<EscalateResult>;
  /** Opens an incident for each new failure and closes it on a pass (src/domain/post-launch.ts checkTransition). */
  applyCheckResults(goLiveId: string, results: readonly CheckResultLine[], at: number): Promise<void>;
  /** Failures not yet pinged, and recoveries of pinged failures not yet posted. */
  pendingNotices(goLiveId: string): Promise<{ pings: Incident[]; recoveries: Incident[] }>;
  markPinged(incidentId: number, at: number): Promise<void>;
  markRecoveryPosted(incidentId: number, at: number): Promise<void>;
  listIncidents(goLiveId: string): Promise<Incident[]>;
  /**
   * Ends the window through the lifecycle (`complete` or `roll-back`): status, the lock released, pending jobs
   * cancelled and the audit event, in one transaction.
   */
  endWindow(
    goLiveId: string,
    event: 'complete' | 'roll-back',
    actor: Actor,
    at: number,
    reason?: string,
  ): Promise<EndWindowResult>;
}
