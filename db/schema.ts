// The SQLite schema of Golive. drizzle-kit generates migrations/ from this file; the store applies them at open.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ACTIVE_STATUSES } from '../src/domain/go-live.js';
import type { Evidence, GoLiveStatus, ItemState } from '../src/domain/go-live.js';
import type { Blockers } from '../src/domain/signoff.js';
import type { NoteFields } from '../src/domain/note.js';
import type { Template } from '../src/domain/template.js';

/**
 * The active statuses as SQL literals, the very text of the lock index's WHERE: SQLite uses a partial index only
 * for a query whose WHERE repeats it (bound parameters do not), so the lock lookup stays one index probe.
 */
export const ACTIVE_STATUS_SQL = `status in (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`;

export const goLives = sqliteTable(
  'go_lives',
  {
    id: text('id').primaryKey(),
    service: text('service').notNull(),
    environment: text('environment').notNull(),
    url: text('url'),
    httpUrl: text('http_url'),
    channelId: text('channel_id').notNull(),
    /** Started in a private channel, group DM or DM: seen only from there (src/domain/visibility.ts). */
    privateChannel: integer('private_channel', { mode: 'boolean' }).notNull().default(false),
    rootTs: text('root_ts'),
    startedBy: text('started_by').notNull(),
    /** Epoch milliseconds, from the store's clock. */
    startedAt: integer('started_at').notNull(),
    status: text('status').$type<GoLiveStatus>().notNull(),
    roles: text('roles', { mode: 'json' }).$type<Record<string, string[]>>().notNull(),
    /** The template snapshot taken at start: editing a template never changes a running go-live. */
    template: text('template', { mode: 'json' }).$type<Template>().notNull(),
    version: integer('version').notNull(),
    endedAt: integer('ended_at'),
    endReason: text('end_reason'),
    /** The approval request's number: 0 before the first; each Request approval starts a new one. */
    approvalRound: integer('approval_round').notNull().default(0),
    /** T0: when Go live was pressed. */
    liveAt: integer('live_at'),
  },
  (t) => [
    // The lock: at most one active go-live per service and environment, enforced by the database itself,
    // for every active status (src/domain/go-live.ts).
    uniqueIndex('go_lives_active_lock').on(t.service, t.environment).where(sql.raw(ACTIVE_STATUS_SQL)),
    index('go_lives_status').on(t.status),
  ],
);

export const items = sqliteTable(
  'items',
  {
    goLiveId: text('go_live_id')
      .notNull()
      .references(() => goLives.id),
    itemId: text('item_id').notNull(),
    state: text('state').$type<ItemState>().notNull(),
    by: text('by').notNull(),
    at: integer('at').notNull(),
    reason: text('reason'),
    evidence: text('evidence', { mode: 'json' }).$type<Evidence>(),
  },
  (t) => [primaryKey({ columns: [t.goLiveId, t.itemId] })],
);

/** Append-only (triggers in migrations/ refuse updates and deletes), and a hash chain per go-live. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    goLiveId: text('go_live_id')
      .notNull()
      .references(() => goLives.id),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    before: text('before', { mode: 'json' }).$type<unknown>(),
    after: text('after', { mode: 'json' }).$type<unknown>(),
    /**
     * Hex SHA-256 of the event's canonical content and `prevHash` (src/record/audit-chain.ts). Nullable only so
     * that the store can chain the events written before migration 0004 (0005's triggers allow that once); the
     * database refuses a new event without one.
     */
    hash: text('hash'),
    /** `hash` of the event before it in the same go-live; null for a go-live's first event. */
    prevHash: text('prev_hash'),
  },
  (t) => [index('audit_events_go_live').on(t.goLiveId, t.id)],
);

export const messages = sqliteTable(
  'messages',
  {
    goLiveId: text('go_live_id')
      .notNull()
      .references(() => goLives.id),
    /** `root` or a section id. */
    key: text('key').notNull(),
    ts: text('ts'),
    renderedVersion: integer('rendered_version').notNull(),
    /** sha256 of what the message last showed (text and blocks), so an unchanged render costs no chat.update. */
    renderedHash: text('rendered_hash'),
  },
  (t) => [primaryKey({ columns: [t.goLiveId, t.key] })],
);

/** Slack deliveries already handled, so that a retry is not handled twice; pruned after an hour. */
export const deliveries = sqliteTable(
  'deliveries',
  {
    key: text('key').primaryKey(),
    at: integer('at').notNull(),
  },
  (t) => [index('deliveries_at').on(t.at)],
);

/**
 * Approvals, rejections and section sign-offs, one row each, written with their audit event. Never deleted: a
 * revocation sets `revoked_*`, so the record keeps every approval that was given and why it stopped counting.
 */
export const signOffs = sqliteTable(
  'sign_offs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    goLiveId: text('go_live_id')
      .notNull()
      .references(() => goLives.id),
    kind: text('kind').$type<'approval' | 'rejection' | 'section'>().notNull(),
    /** The approval request it answers (go_lives.approval_round at the time). */
    round: integer('round').notNull(),
    /** For a section sign-off: which section. */
    sectionId: text('section_id'),
    by: text('by').notNull(),
    at: integer('at').notNull(),
    /** An approval's optional comment, or a rejection's reason. */
    comment: text('comment'),
    /** Approve with exceptions: the approver's justification, and what stood in the way then. */
    justification: text('justification'),
    exceptions: text('exceptions', { mode: 'json' }).$type<Blockers>(),
    revokedAt: integer('revoked_at'),
    revokedBy: text('revoked_by'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [
    index('sign_offs_go_live').on(t.goLiveId, t.kind, t.round),
    // One approval per person per request, and one standing sign-off per person per section: a repeat is a no-op.
    uniqueIndex('sign_offs_one_approval')
      .on(t.goLiveId, t.round, t.by)
      .where(sql`kind = 'approval'`),
    uniqueIndex('sign_offs_one_section')
      .on(t.goLiveId, t.sectionId, t.by)
      .where(sql`kind = 'section' and revoked_at is null`),
  ],
);

/** Scheduled work (src/scheduler/): claimed in one transaction with a lease, so two processes never run a job twice. */
export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    goLiveId: text('go_live_id')
      .notNull()
      .references(() => goLives.id),
    kind: text('kind').notNull(),
    /** Unique per go-live: planning the same job twice adds nothing. */
    key: text('key').notNull(),
    /** Repeats of one schedule share a series; several due at once run as the latest (src/domain/post-launch.ts). */
    series: text('series').notNull(),
    dueAt: integer('due_at').notNull(),
    priority: integer('priority').notNull(),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    state: text('state').$type<'pending' | 'claimed' | 'done' | 'failed' | 'parked' | 'cancelled'>().notNull(),
    attempts: integer('attempts').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    /** Steps already done by an earlier attempt (a retry does not post twice). */
    progress: text('progress', { mode: 'json' }).$type<string[]>().notNull(),
    lastError: text('last_error'),
    /** Why it ended the way it did: collapsed into another, cancelled because the go-live ended, fired late. */
    note: text('note'),
    createdAt: integer('created_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    uniqueIndex('jobs_go_live_key').on(t.goLiveId, t.key),
    index('jobs_state_due').on(t.state, t.dueAt),
    index('jobs_go_live_state').on(t.goLiveId, t.state),
  ],
);

/** Check-ins posted during the post-launch window: their message, escalation level and acknowledgement. */
export const checkIns = sqliteTable(
  'check_ins',
  {
    /** The id of the job that posted it. */
    id: text('id').primaryKey(),
    goLiveId: text('go_live_id')
      .notNull()
      .references(() => goLives.id),
    text: text('text').notNull(),
    dueAt: integer('due_at').notNull(),
    postedAt: integer('posted_at').notNull(),
    lateMs: integer('late_ms'),
    /** Missed repeats of its series folded into it (after a downtime): every re-render of its message says so. */
    replaces: integer('replaces').notNull().default(0),
    channelId: text('channel_id').notNull(),
    ts: text('ts').notNull(),
    results: text('results', { mode: 'json' }).$type<{ kind: string; status: string; summary: string }[]>().notNull(),
    level: integer('level').notNull(),
    ackedBy: text('acked_by'),
    ackedAt: integer('acked_at'),
  },
  (t) => [index('check_ins_go_live').on(t.goLiveId, t.postedAt)],
);

/** A check failing during the window: pinged once while open, closed by its recovery. */
export const incidents = sqliteTable(
  'incidents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    goLiveId: text('go_live_id')
      .notNull()
      .references(() => goLives.id),
    kind: text('kind').notNull(),
    summary: text('summary').notNull(),
    failedAt: integer('failed_at').notNull(),
    pingedAt: integer('pinged_at'),
    recoveredAt: integer('recovered_at'),
    recoverySummary: text('recovery_summary'),
    recoveryPostedAt: integer('recovery_posted_at'),
  },
  // One open failure per check kind: a second run that sees it fail changes nothing.
  (t) => [
    uniqueIndex('incidents_open')
      .on(t.goLiveId, t.kind)
      .where(sql`recovered_at is null`),
  ],
);

/** One row, rewritten by every readiness probe: a committed write, so /health/ready sees a file that refuses writes. */
export const healthProbe = sqliteTable('health_probe', {
  id: integer('id').primaryKey(),
  at: integer('at').notNull(),
});

/**
 * One automatic check run per go-live at a time, across restarts and processes on one file: a lease. A run
 * whose process died holds it only until `expires_at`; `token` lets only the run that took it release it.
 */
export const checkRuns = sqliteTable('check_runs', {
  goLiveId: text('go_live_id')
    .primaryKey()
    .references(() => goLives.id),
  token: text('token').notNull(),
  by: text('by').notNull(),
  startedAt: integer('started_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** Notes on a go-live (the seed's Notes block) or on one of its items; written with an audit event, never changed. */
export const notes = sqliteTable(
  'notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    goLiveId: text('go_live_id')
      .notNull()
      .references(() => goLives.id),
    /** Null for a note on the whole go-live. */
    itemId: text('item_id'),
    by: text('by').notNull(),
    at: integer('at').notNull(),
    fields: text('fields', { mode: 'json' }).$type<NoteFields>().notNull(),
    text: text('text').notNull(),
  },
  (t) => [index('notes_go_live').on(t.goLiveId, t.id)],
);
