// The store: every method is one whole use-case transaction, async at the interface so that a
// PostgreSQL store can stand beside the SQLite one. Nothing outside db/ knows which one it talks to.
import type { AuditEvent, ChainedAuditRow } from '../src/record/audit-chain.js';
import type { EvidenceEffect } from '../src/domain/evidence.js';
import type {
  Actor,
  CheckRunHolder,
  ChecklistView,
  Evidence,
  GoLive,
  GoLiveStatus,
  ItemRecord,
  ItemState,
} from '../src/domain/go-live.js';
import type { GroupMembers } from '../src/domain/roles.js';
import type { SignOffRefusal, SignOffState } from '../src/domain/signoff.js';
import type { Note, NoteFields } from '../src/domain/note.js';
import type { Template } from '../src/domain/template.js';

export interface NewGoLive {
  service: string;
  environment: string;
  url?: string;
  httpUrl?: string;
  channelId: string;
  /** The channel is private (absent: public): see src/domain/visibility.ts. */
  privateChannel?: boolean;
  startedBy: Actor;
  roles: Record<string, string[]>;
  template: Template;
}

export type StartResult = { ok: true; goLive: GoLive } | { ok: false; reason: 'locked'; holder: GoLive };

export interface ItemChange {
  goLiveId: string;
  itemId: string;
  state: ItemState;
  actor: Actor;
  reason?: string;
  evidence?: Evidence;
  /** The Slack delivery this change comes from, claimed in the same transaction: a repeat of it changes nothing. */
  deliveryKey?: string;
}

/** An automatic check's result for one item (see `Store.recordCheckResult`). */
export interface CheckResultRecord {
  goLiveId: string;
  itemId: string;
  evidence: Evidence;
  /** The reason a fail sets on the item: the evidence's summary when absent (callers cut a long one to fit). */
  failReason?: string;
}

/** What an item change revoked in the same transaction (src/domain/signoff.ts `revokes`). */
export interface Revoked {
  /** The approvers whose approvals stopped counting (the go-live is back to Preparing). */
  approvers: Actor[];
  /** Section sign-offs of the changed item's section that stopped counting: who signed which section. */
  sections: { sectionId: string; by: Actor }[];
}

/**
 * `changed: false` when the item already had that state, reason and evidence: clicks are idempotent.
 * `locked`: after Go live a person's change needs a reason.
 */
export type ItemChangeResult =
  | { ok: true; changed: boolean; goLive: GoLive; item: ItemRecord; revoked?: Revoked }
  | { ok: false; reason: 'not-found' | 'unknown-item' | 'not-active' | 'locked' };

/** As an item change, plus what the result did to the item: `set` (Golive took it) or `attach` (evidence only). */
export type CheckResultRecorded =
  | { ok: true; changed: boolean; effect: EvidenceEffect; goLive: GoLive; item: ItemRecord; revoked?: Revoked }
  | { ok: false; reason: 'not-found' | 'unknown-item' | 'not-active' };

export type { AuditEvent };

/** Who asks for a sign-off step, with what the rules need that only Slack knows. */
export interface SignOffCommand {
  goLiveId: string;
  actor: Actor;
  /** Members of the user groups named in the go-live's roles, read before the transaction (absent: unreadable). */
  groups: GroupMembers;
  /** The Slack delivery, claimed in the same transaction: a repeat of it changes nothing. */
  deliveryKey?: string;
}

/** A sign-off step; `round` binds an answer to the approval request it was shown with. */
export type SignOffAction =
  | { kind: 'request-approval' }
  | { kind: 'approve'; round: number; comment?: string; justification?: string }
  | { kind: 'reject'; round: number; reason: string }
  | { kind: 'sign-off-section'; sectionId: string }
  | { kind: 'go-live' }
  | { kind: 'set-roles'; roles: Record<string, string[]> };

/**
 * `changed: false`: nothing was written (a repeated delivery, or the same person again). `before` is the status
 * the step found; `revoked` what a change of the sign-off role voided.
 */
export type SignOffResult =
  | { ok: true; changed: boolean; before: GoLiveStatus; goLive: GoLive; signOff: SignOffState; revoked?: Revoked }
  | { ok: false; code: 'not-found' }
  | { ok: false; code: 'stale-request'; goLive: GoLive; signOff: SignOffState }
  | { ok: false; code: 'refused'; refusal: SignOffRefusal; goLive: GoLive; signOff: SignOffState };

/** One row of the sign-off record, revoked ones included (for the go-live record). */
export interface SignOffRecord {
  id: number;
  goLiveId: string;
  kind: 'approval' | 'rejection' | 'section';
  round: number;
  sectionId?: string;
  by: Actor;
  at: number;
  comment?: string;
  justification?: string;
  exceptions?: unknown;
  revoked?: { at: number; by: Actor; reason: string };
}

/** What each Slack message of a go-live shows: its ts, the go-live version it last rendered, and a hash of it. */
export interface MessageRecord {
  goLiveId: string;
  /** `root` or a section id. */
  key: string;
  ts?: string;
  /**
   * The go-live version the message is known to show: set when it is rendered, and moved on by an item's change
   * on the messages of the other sections, which do not show that item.
   */
  renderedVersion: number;
  /** Hash of the text and blocks the message last showed (absent for messages rendered before it was kept). */
  renderedHash?: string;
}

/** A check run's hold on its go-live, until `expiresAt`; the token releases it. */
export interface CheckRunLease extends CheckRunHolder {
  goLiveId: string;
  token: string;
  expiresAt: number;
}

export type CheckRunClaim = { ok: true; lease: CheckRunLease } | { ok: false; holder: CheckRunHolder };

export interface NewNote {
  goLiveId: string;
  itemId?: string;
  by: Actor;
  fields: NoteFields;
  text: string;
  /** The Slack delivery it comes from, claimed in the same transaction: a retried submission adds nothing. */
  deliveryKey?: string;
}

export type AddNoteResult =
  | { ok: true; note: Note; goLive: GoLive; repeated: boolean }
  | { ok: false; reason: 'not-found' | 'unknown-item' };

/** A message record without its content hash: 60,000 of them are read at a start. */
export type MessageVersion = Pick<MessageRecord, 'goLiveId' | 'key' | 'ts' | 'renderedVersion'>;

export interface Store {
  /** Takes the service+environment lock and creates the go-live, or says who holds the lock. */
  startGoLive(input: NewGoLive): Promise<StartResult>;
  getGoLive(id: string): Promise<GoLive | undefined>;
  getChecklist(id: string): Promise<ChecklistView | undefined>;
  findActive(service: string, environment: string): Promise<GoLive | undefined>;
  /**
   * The go-live of this service and environment started last, active or ended; with `from` (a channel id), the
   * last one visible from that channel (src/domain/visibility.ts).
   */
  findLatest(service: string, environment: string, from?: string): Promise<GoLive | undefined>;
  /** Active go-lives (of one service), oldest first; with `from` (a channel id), those visible from that channel. */
  listActive(service?: string, from?: string): Promise<GoLive[]>;
  /** Sets one item's state and appends an audit event, in one transaction. */
  changeItem(change: ItemChange): Promise<ItemChangeResult>;
  /**
   * Applies a check result to one item as `evidenceEffect` says, decided on the item's state read in the same
   * transaction (a person's click just before is respected): `set` is a change by Golive (`item` audit event),
   * `attach` replaces the evidence and keeps state, author, time and reason (`evidence` audit event; an untouched
   * item gets an open record by Golive). Nothing new: `changed: false`, no event, no version bump.
   */
  recordCheckResult(record: CheckResultRecord): Promise<CheckResultRecorded>;
  /**
   * A sign-off step as src/domain/signoff.ts decides it on the state read in this transaction: the row (approval,
   * rejection, section sign-off, roles), the status change and the audit event are written together, or nothing.
   */
  signOff(command: SignOffCommand, action: SignOffAction): Promise<SignOffResult>;
  /** Every sign-off row of a go-live, oldest first, revoked ones included. */
  signOffRecord(goLiveId: string): Promise<SignOffRecord[]>;
  /** Ends the go-live (releases the lock) with an audit event. */
  abortGoLive(id: string, actor: Actor, reason: string): Promise<GoLive | undefined>;
  setRootTs(id: string, ts: string): Promise<void>;
  getMessages(goLiveId: string): Promise<MessageRecord[]>;
  /** Which message of every active go-live shows which version, in one read: what a restart compares. */
  listActiveMessages(): Promise<MessageVersion[]>;
  /** True when the Slack message `ts` in `channelId` is one of this go-live's messages (its root or a section). */
  isMessageOf(goLiveId: string, channelId: string, ts: string): Promise<boolean>;
  saveMessage(record: MessageRecord): Promise<void>;
  /** Adds a note (on the go-live or one of its items) with its audit event; ended go-lives take notes too. */
  addNote(input: NewNote): Promise<AddNoteResult>;
  /** A go-live's notes, oldest first. */
  notesOf(goLiveId: string): Promise<Note[]>;
  /** A go-live's audit events in the order they were appended (the order of its hash chain). */
  auditTrail(goLiveId: string): Promise<AuditEvent[]>;
  /** The same events as their rows store them (JSON as text), for recomputing the hash chain. */
  auditChain(goLiveId: string): Promise<ChainedAuditRow[]>;
  /**
   * Takes the go-live's one check run for `leaseMs`, or names who holds it. A lease that expired (its process died
   * mid-run) is taken over. Holds across restarts and across processes on one database.
   */
  claimCheckRun(claim: { goLiveId: string; by: Actor; leaseMs: number }): Promise<CheckRunClaim>;
  /** Ends the run that took `lease`; a lease since taken over by another run is left alone. */
  releaseCheckRun(lease: Pick<CheckRunLease, 'goLiveId' | 'token'>): Promise<void>;
  /** Records a handled Slack delivery; false when it was handled already (a retry). */
  claimDelivery(key: string): Promise<boolean>;
  /** True when the database accepts a write (for /health/ready). */
  isWritable(): Promise<boolean>;
  close(): Promise<void>;
}

// SQLite result codes that mean the write did not reach the file (read-only file or mount, I/O error, full disk).
const WRITE_REFUSED = /^SQLITE_(READONLY|IOERR|FULL|CANTOPEN|PERM)/;

/** Why the database refused a write ("attempt to write a readonly database"), or undefined for any other error. */
export function storeWriteRefusal(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && WRITE_REFUSED.test(code)) return `${e.message} (${code})`;
  }
  return undefined;
}
