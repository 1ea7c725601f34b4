// The SQLite schema of Golive. drizzle-kit generates migrations/ from this file; the store applies them at open.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ACTIVE_STATUSES } from '../src/domain/go-live.js';
import type { Evidence, GoLiveStatus, ItemState } from '../src/domain/go-live.js';
import type { Template } from '../src/domain/template.js';

export const goLives = sqliteTable(
  'go_lives',
  {
    id: text('id').primaryKey(),
    service: text('service').notNull(),
    environment: text('environment').notNull(),
    url: text('url'),
    httpUrl: text('http_url'),
    channelId: text('channel_id').notNull(),
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
  },
  (t) => [
    // The lock: at most one active go-live per service and environment, enforced by the database itself,
    // for every active status (src/domain/go-live.ts).
    uniqueIndex('go_lives_active_lock')
      .on(t.service, t.environment)
      .where(sql.raw(`status in (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`)),
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
     * Hex SHA-256 of the event's canonical content and `prevHash` (src/domain/audit-chain.ts). Nullable only so
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
