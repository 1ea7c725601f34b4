// The SQLite store (embedded default): one file, WAL, migrations applied at open. Every mutating method is
// one IMMEDIATE transaction that changes state and appends its audit event, so a crash leaves both or neither.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { and, asc, desc, eq, getTableColumns, gt, isNull, lt, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Clock } from '../src/clock.js';
import { auditHash, storedJson } from '../src/record/audit-chain.js';
import { findItem, validateItemChange } from '../src/domain/checklist.js';
import { GOLIVE_ACTOR, isActive } from '../src/domain/go-live.js';
import type { Actor, ChecklistView, GoLive, ItemRecord } from '../src/domain/go-live.js';
import { decideCheckResult, decideItemChange, untouchedItem } from '../src/domain/item-change.js';
import type { ItemContext, ItemDecision } from '../src/domain/item-change.js';
import { transition } from '../src/domain/lifecycle.js';
import {
  approvalLine,
  decideApprove,
  decideGoLive,
  decideReject,
  decideRequest,
  decideRoleChange,
  decideSectionSignOff,
  NO_SIGN_OFF,
  revokes,
} from '../src/domain/signoff.js';
import type { SignOffContext, SignOffRefusal } from '../src/domain/signoff.js';
import type { Template } from '../src/domain/template.js';
import { visibleFrom } from '../src/domain/visibility.js';
import { migrationsDir } from '../src/paths.js';
import { newId } from './ids.js';
import { direct } from './direct-statement.js';
import type { Prepared, Selected } from './direct-statement.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import type { CheckpointResult } from './wal-checkpointer.js';
import { SqliteJobStore } from './sqlite-jobs.js';
import type { SqliteHost } from './sqlite-jobs.js';
import { SqlitePostLaunchStore } from './sqlite-post-launch.js';
import { AuditChainRows } from './audit-chain-rows.js';
import { ACTIVE_STATUS_SQL, auditEvents, checkRuns, deliveries, goLives, items, messages, notes } from './schema.js';
import type { AuditRow, ChainedAuditRow } from '../src/record/audit-chain.js';
import { SignOffRows, sectionSignOffsOf } from './sqlite-signoffs.js';
import type { Note } from '../src/domain/note.js';
import type {
  AddNoteResult,
  NewNote,
  AuditEvent,
  CheckResultRecord,
  CheckRunClaim,
  CheckRunLease,
  CheckResultRecorded,
  ItemChange,
  ItemChangeResult,
  MessageRecord,
  MessageVersion,
  NewGoLive,
  Revoked,
  SignOffAction,
  SignOffCommand,
  SignOffRecord,
  SignOffResult,
  StartResult,
  Store,
} from './store.js';

/** Deliveries older than this are forgotten: Slack stops retrying long before. */
export const DELIVERY_MEMORY_MS = 60 * 60 * 1000;

export type StoreErrorCode = 'STORE_CLOSED' | 'GO_LIVE_NOT_FOUND' | 'LOCK_RACE' | 'SCHEMA_BEHIND';

/** An unexpected store failure, with a stable code for logs and callers. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export interface SqliteStoreOptions {
  /** A file path (a `file:` prefix is tolerated) or `:memory:`. */
  file: string;
  clock: Clock;
  /**
   * Open an existing file only to read it (the CLI's report and verify): nothing is created or migrated, and a
   * file that misses migrations is refused with SCHEMA_BEHIND rather than read wrongly.
   */
  readonly?: boolean;
  /**
   * Where WAL checkpoints run: `worker` (default) in a worker thread beside the store (db/wal-checkpointer.ts),
   * never inside a commit; `inline` is SQLite's own auto-checkpoint in whichever commit crosses ~1000 pages.
   */
  walCheckpoint?: 'worker' | 'inline';
  /** How often the worker checkpoints (default 1 s). */
  checkpointIntervalMs?: number;
  /** Told when the checkpoint worker fails (the store then falls back to SQLite's auto-checkpoint). */
  onCheckpointFailure?: (error: Error) => void;
}

/** A WAL beyond this many pages (16 MB at 4 KiB) is restarted by the checkpointer, and truncated to it on reset. */
const MAX_WAL_PAGES = 4000;

type GoLiveRow = typeof goLives.$inferSelect;
/** A go-live row without its template snapshot: the snapshot never changes, so it is read once and cached. */
type GoLiveHead = Omit<GoLiveRow, 'template'>;
const { template: _template, ...headColumns } = getTableColumns(goLives);
const itemColumns = getTableColumns(items);
const messageColumns = getTableColumns(messages);
type ItemRow = typeof items.$inferSelect;
type ItemChanged = Extract<ItemChangeResult, { ok: true }>;
/** What a sign-off step changes on the go-live's row. */
type HeadChange = Partial<Pick<GoLiveHead, 'status' | 'approvalRound' | 'liveAt' | 'roles'>>;
/** The active go-live and current record of an item about to change. */
interface ItemTarget {
  row: GoLiveHead;
  goLive: GoLive;
  existing: ItemRecord | undefined;
}
type Db = BetterSQLite3Database<Record<string, never>>;
// Work inside a transaction runs on the store's one connection: its handle is the database itself (see `write`).
type Tx = Db;

/** A value bound as it is, past drizzle's column encoder (JSON columns get text we serialised, NULL stays NULL). */
const bound = (name: string) => sql`${sql.placeholder(name)}`;

/** A json-mode column's text, as drizzle writes it; null stays SQL NULL. */
const jsonText = storedJson;

/**
 * The statements of the click path, built and prepared once: a click paid more for drizzle building each query
 * and SQLite preparing it than for running it. They run on the same connection, so inside the caller's transaction.
 */
function prepareHotStatements(db: Db, sqlite: Database.Database) {
  // A select names its columns once: drizzle builds the SQL from them and the statement decodes its rows by them.
  const select = <C extends Record<string, Selected>, Q extends Prepared>(columns: C, build: (columns: C) => Q) =>
    direct(sqlite, build(columns), columns);
  return {
    headById: select(headColumns, (columns) =>
      db
        .select(columns)
        .from(goLives)
        .where(eq(goLives.id, sql.placeholder('id'))),
    ),
    // Whether a message (channel + ts) is one of a go-live's own, asked before every click's ack: building and
    // preparing this join per click cost more than the rest of the click's store work.
    messageOf: select({ key: messages.key }, (columns) =>
      db
        .select(columns)
        .from(messages)
        .innerJoin(goLives, eq(goLives.id, messages.goLiveId))
        .where(
          and(
            eq(messages.goLiveId, sql.placeholder('goLiveId')),
            eq(messages.ts, sql.placeholder('ts')),
            eq(goLives.channelId, sql.placeholder('channelId')),
          ),
        ),
    ),
    // Read as raw text: the json column mode would parse it, and a snapshot is only parsed when its text is new.
    templateJson: select({ json: sql<string>`${goLives.template}` }, (columns) =>
      db
        .select(columns)
        .from(goLives)
        .where(eq(goLives.id, sql.placeholder('id'))),
    ),
    // The active go-lives whose snapshot is the same text as this go-live's (compared inside SQLite).
    sameTemplate: select({ id: goLives.id }, (columns) =>
      db
        .select(columns)
        .from(goLives)
        .where(
          and(
            sql.raw(ACTIVE_STATUS_SQL),
            sql`${goLives.template} = (select t.template from go_lives t where t.id = ${sql.placeholder('id')})`,
          ),
        ),
    ),
    // Every active go-live, oldest first: a start reads 5,000 of them at once.
    active: select(headColumns, (columns) =>
      db
        .select(columns)
        .from(goLives)
        .where(sql.raw(ACTIVE_STATUS_SQL))
        .orderBy(asc(goLives.startedAt), asc(goLives.id)),
    ),
    item: select(itemColumns, (columns) =>
      db
        .select(columns)
        .from(items)
        .where(and(eq(items.goLiveId, sql.placeholder('goLiveId')), eq(items.itemId, sql.placeholder('itemId')))),
    ),
    itemsOf: select(itemColumns, (columns) =>
      db
        .select(columns)
        .from(items)
        .where(eq(items.goLiveId, sql.placeholder('goLiveId'))),
    ),
    upsertItem: direct(
      sqlite,
      db
        .insert(items)
        .values({
          goLiveId: bound('goLiveId'),
          itemId: bound('itemId'),
          state: bound('state'),
          by: bound('by'),
          at: bound('at'),
          reason: bound('reason'),
          evidence: bound('evidence'),
        })
        .onConflictDoUpdate({
          target: [items.goLiveId, items.itemId],
          set: {
            state: sql`excluded.state`,
            by: sql`excluded.by`,
            at: sql`excluded.at`,
            reason: sql`excluded.reason`,
            evidence: sql`excluded.evidence`,
          },
        }),
    ),
    setVersion: direct(
      sqlite,
      db
        .update(goLives)
        .set({ version: bound('version') })
        .where(eq(goLives.id, sql.placeholder('id'))),
    ),
    appendAudit: direct(
      sqlite,
      db.insert(auditEvents).values({
        goLiveId: bound('goLiveId'),
        at: bound('at'),
        actor: bound('actor'),
        action: bound('action'),
        subject: bound('subject'),
        before: bound('before'),
        after: bound('after'),
        hash: bound('hash'),
        prevHash: bound('prevHash'),
      }),
    ),
    lastAuditHash: select({ hash: auditEvents.hash }, (columns) =>
      db
        .select(columns)
        .from(auditEvents)
        .where(eq(auditEvents.goLiveId, sql.placeholder('goLiveId')))
        .orderBy(desc(auditEvents.id))
        .limit(1),
    ),
    checkRunOf: select({ by: checkRuns.by, at: checkRuns.startedAt }, (columns) =>
      db
        .select(columns)
        .from(checkRuns)
        .where(
          and(eq(checkRuns.goLiveId, sql.placeholder('goLiveId')), gt(checkRuns.expiresAt, sql.placeholder('now'))),
        ),
    ),
    // An item's change shows on the root and on its own section's message only (a section message shows its own
    // items and the go-live's status): the other sections' messages that showed the version before it show this
    // one too. `sections` is a JSON array of their ids; a section's further parts (`id#2`) are left behind.
    keepSectionsCurrent: direct(
      sqlite,
      db
        .update(messages)
        .set({ renderedVersion: bound('version') })
        .where(
          and(
            eq(messages.goLiveId, sql.placeholder('goLiveId')),
            sql`${messages.renderedVersion} = ${sql.placeholder('version')} - 1`,
            sql`${messages.ts} is not null`,
            sql`${messages.key} in (select value from json_each(${sql.placeholder('sections')}))`,
          ),
        ),
    ),
    // A render reads a go-live's message records and writes one back per message: a render per changed message
    // while people click, on the same event loop as their acks.
    messagesOf: select(messageColumns, (columns) =>
      db
        .select(columns)
        .from(messages)
        .where(eq(messages.goLiveId, sql.placeholder('goLiveId')))
        .orderBy(asc(messages.key)),
    ),
    saveMessage: direct(
      sqlite,
      db
        .insert(messages)
        .values({
          goLiveId: bound('goLiveId'),
          key: bound('key'),
          ts: bound('ts'),
          renderedVersion: bound('renderedVersion'),
          renderedHash: bound('renderedHash'),
        })
        .onConflictDoUpdate({
          target: [messages.goLiveId, messages.key],
          set: { ts: bound('ts'), renderedVersion: bound('renderedVersion'), renderedHash: bound('renderedHash') },
        }),
    ),
    forgetDeliveries: direct(sqlite, db.delete(deliveries).where(lt(deliveries.at, sql.placeholder('before')))),
    claimDelivery: direct(
      sqlite,
      db
        .insert(deliveries)
        .values({ key: bound('key'), at: bound('at') })
        .onConflictDoNothing(),
    ),
  };
}

function transactionOn(sqlite: Database.Database, db: Db) {
  return sqlite.transaction(<T>(work: (tx: Tx) => T): T => work(db));
}

function toGoLive(row: GoLiveHead, template: Template): GoLive {
  const goLive: GoLive = {
    id: row.id,
    service: row.service,
    environment: row.environment,
    channelId: row.channelId,
    startedBy: row.startedBy,
    startedAt: row.startedAt,
    status: row.status,
    roles: row.roles,
    template,
    version: row.version,
  };
  if (row.url !== null) goLive.url = row.url;
  if (row.httpUrl !== null) goLive.httpUrl = row.httpUrl;
  if (row.rootTs !== null) goLive.rootTs = row.rootTs;
  if (row.liveAt !== null) goLive.liveAt = row.liveAt;
  if (row.privateChannel) goLive.privateChannel = true;
  return goLive;
}

function toItem(row: ItemRow): ItemRecord {
  const record: ItemRecord = { itemId: row.itemId, state: row.state, by: row.by, at: row.at };
  if (row.reason !== null) record.reason = row.reason;
  if (row.evidence !== null) record.evidence = row.evidence;
  return record;
}

function toNote(row: typeof notes.$inferSelect): Note {
  const note: Note = { id: row.id, goLiveId: row.goLiveId, by: row.by, at: row.at, fields: row.fields, text: row.text };
  if (row.itemId !== null) note.itemId = row.itemId;
  return note;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  }
  return false;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function normaliseFile(file: string): string {
  return file.startsWith('file:') ? file.slice('file:'.length) : file;
}

/**
 * Processes opening a fresh file at once race twice: switching to WAL takes a lock SQLite will not wait
 * for (SQLITE_BUSY at once, whatever busy_timeout says), and drizzle reads the applied migrations outside
 * its transaction, so the loser may try to create tables that now exist. Both settle on a second look.
 */
function retryWhileAnotherProcessSetsUp(setUp: () => void, budgetMs = 10_000): void {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      setUp();
      return;
    } catch (error) {
      if (!raceOfSetUp(error) || Date.now() > deadline) throw error;
      // A synchronous pause: the store is opened in a constructor, once, at start-up.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(200, 10 * attempt) + Math.random() * 20);
    }
  }
}

/** drizzle wraps SQLite's error in its own: look down the cause chain. */
function raceOfSetUp(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/database is locked|already exists/i.test(e.message)) return true;
    if (String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return true;
  }
  return false;
}

export class SqliteStore implements Store {
  private readonly sqlite: Database.Database;
  private readonly db: Db;
  /**
   * `work` in one transaction, made once: drizzle's `transaction` makes better-sqlite3's transaction functions
   * and a transaction object anew on every call (~2.7 KB of garbage a click, before its ack).
   */
  private readonly transaction: ReturnType<typeof transactionOn>;
  private readonly clock: Clock;
  private readonly hot: ReturnType<typeof prepareHotStatements>;
  private readonly signOffRows: SignOffRows;
  private readonly chainRows: AuditChainRows;
  /** Template snapshots by go-live id, interned by content: 500 go-lives on one template share one object. */
  private readonly templateById = new Map<string, Template>();
  /** Keyed by the snapshot's JSON text itself: a lookup is one string compare, cheaper than hashing it per go-live. */
  private readonly templateByJson = new Map<string, Template>();
  private checkpointer: WalCheckpointer | undefined;

  constructor(options: SqliteStoreOptions) {
    const file = normaliseFile(options.file);
    this.clock = options.clock;
    if (options.readonly) {
      this.sqlite = new Database(file, { readonly: true, fileMustExist: true });
      this.db = drizzle(this.sqlite);
      this.transaction = transactionOn(this.sqlite, this.db);
      this.refuseIfBehind();
      this.hot = prepareHotStatements(this.db, this.sqlite);
      this.signOffRows = new SignOffRows(this.db);
      this.chainRows = new AuditChainRows(this.sqlite);
      return;
    }
    if (file !== ':memory:' && file !== '') mkdirSync(dirname(resolve(file)), { recursive: true });
    this.sqlite = new Database(file);
    try {
      // busy_timeout first: most lock waits are then SQLite's own; the retry below covers the rest.
      this.sqlite.pragma('busy_timeout = 5000');
      this.db = drizzle(this.sqlite);
      this.transaction = transactionOn(this.sqlite, this.db);
      const db = this.db;
      retryWhileAnotherProcessSetsUp(() => {
        this.sqlite.pragma('journal_mode = WAL');
        migrate(db, { migrationsFolder: migrationsDir });
      });
      this.hot = prepareHotStatements(db, this.sqlite);
      this.signOffRows = new SignOffRows(db);
      this.chainRows = new AuditChainRows(this.sqlite);
      this.chainUnhashedEvents();
      this.sqlite.pragma('foreign_keys = ON');
      this.sqlite.pragma('synchronous = NORMAL');
      // SQLite's own 2 MB page cache, not better-sqlite3's 16 MB: reading go-live heads walks their template
      // snapshots' overflow pages, which filled ~11 MB for 500 go-lives without making anything faster.
      this.sqlite.pragma('cache_size = -2000');
      if (
        (options.walCheckpoint ?? 'worker') === 'worker' &&
        this.sqlite.pragma('journal_mode', { simple: true }) === 'wal'
      ) {
        this.startCheckpointer(options);
      }
    } catch (error) {
      this.sqlite.close();
      throw error;
    }
  }

  /** A read-only store cannot migrate: it refuses a file that lacks migrations this version reads with. */
  private refuseIfBehind(): void {
    let applied = 0;
    try {
      applied = this.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get() as number;
    } catch {
      // No migrations table: not a database Golive has ever opened; counted as none applied.
    }
    const known = readMigrationFiles({ migrationsFolder: migrationsDir }).length;
    if (applied < known) {
      this.sqlite.close();
      throw new StoreError(
        'SCHEMA_BEHIND',
        `the database ${this.sqlite.name} has ${applied} of ${known} migrations: start this version of Golive on it once to migrate it`,
      );
    }
  }

  /** Commits stop checkpointing; the worker does it, and SQLite's own comes back if the worker fails. */
  private startCheckpointer(options: SqliteStoreOptions): void {
    const pageSize = Number(this.sqlite.pragma('page_size', { simple: true }));
    this.sqlite.pragma(`journal_size_limit = ${MAX_WAL_PAGES * pageSize}`);
    this.sqlite.pragma('wal_autocheckpoint = 0');
    this.checkpointer = new WalCheckpointer({
      file: this.sqlite.name,
      intervalMs: options.checkpointIntervalMs ?? 1000,
      maxWalPages: MAX_WAL_PAGES,
      onFailure: (error) => {
        const failed = this.checkpointer;
        this.checkpointer = undefined;
        void failed?.close();
        if (this.sqlite.open) this.sqlite.pragma('wal_autocheckpoint = 1000');
        options.onCheckpointFailure?.(error);
      },
    });
  }

  /** One WAL checkpoint pass now, in the checkpoint worker; undefined when commits checkpoint themselves. */
  async checkpoint(): Promise<CheckpointResult | undefined> {
    this.open();
    return this.checkpointer?.checkpoint();
  }

  /** The file this store writes, as SQLite resolved it (empty for `:memory:`). */
  get file(): string {
    return this.sqlite.name;
  }

  private open(): Db {
    if (!this.sqlite.open) throw new StoreError('STORE_CLOSED', 'the store is closed');
    return this.db;
  }

  /** Runs `work` in one IMMEDIATE transaction: the write lock is taken up front, so no upgrade deadlocks. */
  private write<T>(work: (tx: Tx) => T): T {
    this.open();
    // better-sqlite3 types a transaction's result as its function's, and a generic's comes back as unknown.
    return this.transaction.immediate(work) as T;
  }

  /** Reads in one transaction, so that what is read is one consistent snapshot even beside another process. */
  private read<T>(work: (tx: Tx) => T): T {
    this.open();
    return this.transaction.deferred(work) as T;
  }

  /**
   * The one way an audit event is written: chained to the go-live's last event (its hash and prev_hash), in the
   * caller's write transaction, so no other append can come between the read of the last hash and this insert.
   * `_tx`: only ever called inside a write; the prepared statements run on that transaction's connection.
   */
  private audit(_tx: Tx, event: Omit<AuditRow, 'before' | 'after'> & { before: unknown; after: unknown }): void {
    const row: AuditRow = { ...event, before: jsonText(event.before), after: jsonText(event.after) };
    const prevHash = this.hot.lastAuditHash.get({ goLiveId: event.goLiveId })?.hash ?? null;
    this.hot.appendAudit.run({ ...row, hash: auditHash(row, prevHash), prevHash });
  }

  /**
   * Chains the events written before migration 0004 gave events a hash (SQL has no SHA-256, so this step of the
   * migration runs here, right after `migrate`). Idempotent: it only touches events without a hash, which
   * migration 0005's triggers let it fill in once; new events always come with theirs.
   */
  private chainUnhashedEvents(): void {
    // A read first: the write lock is only taken (once, after the upgrade) when there is something to chain.
    if (!this.db.select({ id: auditEvents.id }).from(auditEvents).where(isNull(auditEvents.hash)).limit(1).get())
      return;
    const fill = this.sqlite.prepare('UPDATE audit_events SET hash = ?, prev_hash = ? WHERE id = ?');
    this.write((tx) => {
      const pending = tx
        .selectDistinct({ goLiveId: auditEvents.goLiveId })
        .from(auditEvents)
        .where(isNull(auditEvents.hash))
        .all();
      for (const { goLiveId } of pending) {
        let prevHash: string | null = null;
        for (const row of this.chainRows.of(goLiveId)) {
          const hash: string = row.hash ?? auditHash(row, prevHash);
          if (row.hash === null) fill.run(hash, prevHash, row.id);
          prevHash = hash;
        }
      }
    });
  }

  /** The parsed, frozen snapshot for this JSON text, shared with every go-live that started on it. */
  private intern(json: string): Template {
    let template = this.templateByJson.get(json);
    if (!template) {
      template = deepFreeze(JSON.parse(json) as Template);
      this.templateByJson.set(json, template);
    }
    return template;
  }

  private toGoLive(tx: Tx, head: GoLiveHead): GoLive {
    let template = this.templateById.get(head.id);
    if (!template) {
      const raw = this.hot.templateJson.get({ id: head.id });
      if (!raw) throw new StoreError('GO_LIVE_NOT_FOUND', `no go-live ${head.id}`);
      template = this.intern(raw.json);
      this.templateById.set(head.id, template);
    }
    return toGoLive(head, template);
  }

  private headById(_tx: Tx, id: string): GoLiveHead | undefined {
    return this.hot.headById.get({ id });
  }

  private activeRow(tx: Tx, service: string, environment: string): GoLiveHead | undefined {
    return tx
      .select(headColumns)
      .from(goLives)
      .where(and(eq(goLives.service, service), eq(goLives.environment, environment), sql.raw(ACTIVE_STATUS_SQL)))
      .get();
  }

  async startGoLive(input: NewGoLive): Promise<StartResult> {
    // Two attempts: a unique violation means another process took the lock between our check and insert;
    // the second attempt then finds and reports that holder.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        return this.write((tx): StartResult => {
          const holder = this.activeRow(tx, input.service, input.environment);
          if (holder) return { ok: false, reason: 'locked', holder: this.toGoLive(tx, holder) };
          const now = this.clock.now();
          const template = this.intern(JSON.stringify(input.template));
          const row: GoLiveRow = {
            id: newId(now),
            service: input.service,
            environment: input.environment,
            url: input.url ?? null,
            httpUrl: input.httpUrl ?? null,
            channelId: input.channelId,
            privateChannel: input.privateChannel === true,
            rootTs: null,
            startedBy: input.startedBy,
            startedAt: now,
            status: 'preparing',
            roles: input.roles,
            template,
            version: 1,
            endedAt: null,
            endReason: null,
            approvalRound: 0,
            liveAt: null,
          };
          tx.insert(goLives).values(row).run();
          this.audit(tx, {
            goLiveId: row.id,
            at: now,
            actor: input.startedBy,
            action: 'start',
            subject: `${input.service}/${input.environment}`,
            before: null,
            after: {
              service: row.service,
              environment: row.environment,
              url: row.url,
              httpUrl: row.httpUrl,
              channelId: row.channelId,
              ...(row.privateChannel ? { privateChannel: true } : {}),
              roles: row.roles,
              template: { id: input.template.id, version: input.template.version },
            },
          });
          this.templateById.set(row.id, template);
          return { ok: true, goLive: toGoLive(row, template) };
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    throw new StoreError('LOCK_RACE', `the lock on ${input.service}/${input.environment} kept changing hands`);
  }

  async getGoLive(id: string): Promise<GoLive | undefined> {
    return this.read((tx) => {
      const head = this.headById(tx, id);
      return head ? this.toGoLive(tx, head) : undefined;
    });
  }

  async getChecklist(id: string): Promise<ChecklistView | undefined> {
    return this.read((tx) => {
      const head = this.headById(tx, id);
      if (!head) return undefined;
      return this.view(tx, head);
    });
  }

  async findActive(service: string, environment: string): Promise<GoLive | undefined> {
    return this.read((tx) => {
      const head = this.activeRow(tx, service, environment);
      return head ? this.toGoLive(tx, head) : undefined;
    });
  }

  async findLatest(service: string, environment: string, from?: string): Promise<GoLive | undefined> {
    return this.read((tx) => {
      const newestFirst = tx
        .select(headColumns)
        .from(goLives)
        .where(and(eq(goLives.service, service), eq(goLives.environment, environment)))
        .orderBy(desc(goLives.startedAt), desc(goLives.id));
      const head =
        from === undefined ? newestFirst.limit(1).get() : newestFirst.all().find((h) => visibleFrom(h, from));
      return head ? this.toGoLive(tx, head) : undefined;
    });
  }

  async listActive(service?: string, from?: string): Promise<GoLive[]> {
    return this.read((tx) => {
      const heads =
        service === undefined
          ? this.hot.active.all()
          : tx
              .select(headColumns)
              .from(goLives)
              .where(and(sql.raw(ACTIVE_STATUS_SQL), eq(goLives.service, service)))
              .orderBy(asc(goLives.startedAt), asc(goLives.id))
              .all();
      const visible = heads.filter((head) => from === undefined || visibleFrom(head, from));
      this.shareTemplates(visible.map((head) => head.id));
      return visible.map((head) => this.toGoLive(tx, head));
    });
  }

  /**
   * Caches the snapshots of these go-lives, one read of each distinct snapshot: SQLite itself finds the go-lives
   * whose snapshot is the same text, so a start on 5,000 go-lives does not bring 5,000 copies of ~19 KB into the heap.
   */
  private shareTemplates(ids: readonly string[]): void {
    const missing = new Set(ids.filter((id) => !this.templateById.has(id)));
    for (const first of missing) {
      const raw = this.hot.templateJson.get({ id: first });
      if (!raw) continue;
      const template = this.intern(raw.json);
      for (const { id } of this.hot.sameTemplate.all({ id: first })) {
        if (missing.delete(id)) this.templateById.set(id, template);
      }
      missing.delete(first);
      this.templateById.set(first, template);
    }
  }

  /** A go-live with its items and standing sign-offs, read in one transaction. */
  private view(tx: Tx, head: GoLiveHead): ChecklistView {
    const records = this.hot.itemsOf.all({ goLiveId: head.id });
    const checkRun = this.hot.checkRunOf.get({ goLiveId: head.id, now: this.clock.now() });
    return {
      goLive: this.toGoLive(tx, head),
      items: new Map(records.map((r) => [r.itemId, toItem(r)] as const)),
      signOff: this.signOffRows.state(head.id, head.approvalRound),
      ...(checkRun ? { checkRun } : {}),
    };
  }

  /**
   * Sets one item as the domain decides (`decideItemChange`) and appends its audit event, in one transaction.
   * After Go live a person's change needs a reason (the pre-launch checklist is locked) and is audited as a
   * post-launch change; before it, a change while approvals stand revokes them (see `persist`).
   */
  async changeItem(change: ItemChange): Promise<ItemChangeResult> {
    return this.write((tx): ItemChangeResult => {
      const repeated = change.deliveryKey !== undefined && !this.claim(change.deliveryKey);
      const target = this.itemTarget(tx, change.goLiveId, change.itemId);
      if (!target.ok) return target;
      if (
        !repeated &&
        target.row.status === 'live' &&
        change.actor !== GOLIVE_ACTOR &&
        !validateItemChange(change, { afterGoLive: true }).ok
      ) {
        return { ok: false, reason: 'locked' };
      }
      const context = this.itemContext(target);
      // A repeat of a handled delivery changes nothing, whatever the item's state is now.
      const decision: ItemDecision = repeated
        ? { changed: false, item: context.current ?? untouchedItem(change.itemId, context.goLive) }
        : decideItemChange(change, context);
      return this.persist(tx, target, decision);
    });
  }

  /**
   * Applies a check result as `decideCheckResult` decides on the item's state read here, in the write transaction:
   * a person's click that landed while the checks ran is what the rule sees, never a state read before.
   */
  async recordCheckResult(record: CheckResultRecord): Promise<CheckResultRecorded> {
    return this.write((tx): CheckResultRecorded => {
      const target = this.itemTarget(tx, record.goLiveId, record.itemId);
      if (!target.ok) return target;
      const decision = decideCheckResult(record.itemId, record, this.itemContext(target));
      return { ...this.persist(tx, target, decision), effect: decision.effect };
    });
  }

  private itemContext({ row, existing }: ItemTarget): ItemContext {
    return { current: existing, goLive: { startedBy: row.startedBy, startedAt: row.startedAt }, now: this.clock.now() };
  }

  /**
   * Inside a write: stores what the domain decided: the item's whole record, a version bump and the audit event.
   * A change of state (not a mere evidence refresh) voids what was signed on the checklist as it was: the standing
   * approvals (`revokes`: back to Preparing) and the sign-offs of the item's section, with a `revoke` event.
   */
  private persist(tx: Tx, target: ItemTarget, decision: ItemDecision): ItemChanged {
    const { row, goLive } = target;
    if (!decision.changed) return { ok: true, changed: false, goLive, item: decision.item };
    const { item } = decision;
    // After Go live the checklist is locked: what changes now is a post-launch change, and the record says so.
    const event =
      row.status === 'live' && decision.event.action === 'item'
        ? { ...decision.event, after: { ...item, postLaunch: true } }
        : decision.event;
    this.hot.upsertItem.run({
      goLiveId: row.id,
      itemId: item.itemId,
      state: item.state,
      by: item.by,
      at: item.at,
      reason: item.reason ?? null,
      evidence: jsonText(item.evidence),
    });
    const version = row.version + 1;
    this.hot.setVersion.run({ version, id: row.id });
    this.audit(tx, { goLiveId: row.id, subject: item.itemId, ...event });
    const changed: ItemChanged = { ok: true, changed: true, goLive: { ...goLive, version }, item };
    const result = event.action === 'item' ? this.revokeOnChange(tx, { ...row, version }, changed, event) : changed;
    // What it revoked may show on every message (as the service renders it): those then wait for their render.
    const sectionId = findItem(goLive.template, item.itemId)?.sectionId;
    if (result.revoked === undefined && result.goLive.status === row.status && sectionId !== undefined) {
      const sections = JSON.stringify(goLive.template.sections.flatMap((s) => (s.id === sectionId ? [] : [s.id])));
      this.hot.keepSectionsCurrent.run({ goLiveId: row.id, version, sections });
    }
    return result;
  }

  /** Inside a write, after an item change: revokes what the change voids (see `persist`); nothing when nothing stands. */
  private revokeOnChange(
    tx: Tx,
    row: GoLiveHead,
    changed: ItemChanged,
    event: { at: number; actor: Actor },
  ): ItemChanged {
    const sectionId = findItem(changed.goLive.template, changed.item.itemId)?.sectionId;
    const owned = changed.goLive.template.sections.some((s) => s.id === sectionId && s.owner !== undefined);
    // The click path reads sign-offs only when something could stand.
    if (!owned && row.status !== 'awaiting_approval' && row.status !== 'approved') return changed;
    const state = this.signOffRows.state(row.id, row.approvalRound);
    const approvals = revokes(row, state.approvals) ? state.approvals : [];
    const sections = sectionId === undefined ? [] : sectionSignOffsOf(state, sectionId);
    if (approvals.length === 0 && sections.length === 0) return changed;

    const reason = `${changed.item.itemId} changed`;
    this.signOffRows.revoke(
      row.id,
      { ...(approvals.length > 0 ? { round: row.approvalRound } : {}), sectionIds: sections.map((s) => s.sectionId) },
      { at: event.at, actor: event.actor, reason },
    );
    let goLive = changed.goLive;
    if (approvals.length > 0) {
      const next = transition(row, 'revoke');
      if (next.ok) {
        tx.update(goLives).set({ status: next.status }).where(eq(goLives.id, row.id)).run();
        goLive = { ...goLive, status: next.status };
      }
    }
    const revoked: Revoked = {
      approvers: approvals.map((a) => a.by),
      sections: sections.map((s) => ({ sectionId: s.sectionId, by: s.by })),
    };
    this.audit(tx, {
      goLiveId: row.id,
      at: event.at,
      actor: event.actor,
      action: 'revoke',
      subject: changed.item.itemId,
      before: { status: row.status, approvers: revoked.approvers, sections: revoked.sections },
      after: { status: goLive.status, reason },
    });
    return { ...changed, goLive, revoked };
  }

  /** The active go-live and current record of an item about to change, or why it cannot change. */
  private itemTarget(
    tx: Tx,
    goLiveId: string,
    itemId: string,
  ): ({ ok: true } & ItemTarget) | { ok: false; reason: 'not-found' | 'unknown-item' | 'not-active' } {
    const row = this.headById(tx, goLiveId);
    if (!row) return { ok: false, reason: 'not-found' };
    if (!isActive(row.status)) return { ok: false, reason: 'not-active' };
    const goLive = this.toGoLive(tx, row);
    if (!findItem(goLive.template, itemId)) return { ok: false, reason: 'unknown-item' };
    const existingRow = this.hot.item.get({ goLiveId, itemId });
    return { ok: true, row, goLive, existing: existingRow ? toItem(existingRow) : undefined };
  }

  /** Aborts an active go-live (the lock is released). An ended one is returned as it is, with no new event. */
  async abortGoLive(id: string, actor: Actor, reason: string): Promise<GoLive | undefined> {
    return this.write((tx) => {
      const row = this.headById(tx, id);
      if (!row) return undefined;
      const next = transition(row, 'abort');
      if (!next.ok) return this.toGoLive(tx, row);
      const now = this.clock.now();
      const ended: GoLiveHead = {
        ...row,
        status: next.status,
        endedAt: now,
        endReason: reason,
        version: row.version + 1,
      };
      tx.update(goLives)
        .set({ status: ended.status, endedAt: ended.endedAt, endReason: ended.endReason, version: ended.version })
        .where(eq(goLives.id, id))
        .run();
      this.audit(tx, {
        goLiveId: id,
        at: now,
        actor,
        action: 'abort',
        subject: `${row.service}/${row.environment}`,
        before: { status: row.status },
        after: { status: ended.status, reason },
      });
      // Nothing scheduled for an ended go-live ever runs.
      this.jobs.cancelPendingInWrite(id, now, 'the go-live was aborted');
      return this.toGoLive(tx, ended);
    });
  }

  /**
   * A sign-off step, decided by src/domain/signoff.ts on the state read here and written with its row, status
   * change and audit event. A repeated delivery, or the same person approving or signing off again, writes nothing.
   * An answer to an older approval request than the current one is refused as stale.
   */
  async signOff(command: SignOffCommand, action: SignOffAction): Promise<SignOffResult> {
    return this.write((tx): SignOffResult => {
      const repeated = command.deliveryKey !== undefined && !this.claim(command.deliveryKey);
      const row = this.headById(tx, command.goLiveId);
      if (!row) return { ok: false, code: 'not-found' };
      const view = this.view(tx, row);
      const { goLive } = view;
      const signOff = view.signOff ?? NO_SIGN_OFF;
      const unchanged: SignOffResult = { ok: true, changed: false, before: row.status, goLive, signOff };
      if (repeated) return unchanged;
      const refused = (refusal: SignOffRefusal): SignOffResult => ({
        ok: false,
        code: 'refused',
        refusal,
        goLive,
        signOff,
      });
      if ('round' in action && action.round !== row.approvalRound && isActive(row.status))
        return { ok: false, code: 'stale-request', goLive, signOff };

      const now = this.clock.now();
      const { actor } = command;
      const ctx: SignOffContext = { view, approvals: signOff.approvals, groups: command.groups, now };
      const commit = (head: HeadChange, event: { action: string; subject?: string; before: unknown; after: unknown }) =>
        this.commitSignOff(tx, row, head, { at: now, actor, subject: `${row.service}/${row.environment}`, ...event });
      switch (action.kind) {
        case 'request-approval': {
          const decision = decideRequest(goLive, actor);
          if (!decision.ok) return refused(decision.refusal);
          const round = row.approvalRound + 1;
          return commit(
            { status: decision.status, approvalRound: round },
            {
              action: 'request-approval',
              before: { status: row.status, round: row.approvalRound },
              after: { status: decision.status, round },
            },
          );
        }
        case 'approve': {
          const decision = decideApprove(ctx, {
            userId: actor,
            ...(action.comment !== undefined ? { comment: action.comment } : {}),
            ...(action.justification !== undefined ? { justification: action.justification } : {}),
          });
          if (!decision.ok) return refused(decision.refusal);
          if (decision.repeat) return unchanged;
          const { approval } = decision;
          this.signOffRows.insert({
            goLiveId: row.id,
            kind: 'approval',
            round: row.approvalRound,
            ...approval,
            ...(decision.exceptions ? { exceptions: decision.exceptions } : {}),
          });
          return commit(
            { status: decision.status },
            {
              action: 'approve',
              before: { status: row.status, approvals: decision.count - 1 },
              after: {
                status: decision.status,
                approvals: decision.count,
                needed: decision.needed,
                round: row.approvalRound,
                ...approval,
                ...(decision.exceptions ? { exceptions: decision.exceptions } : {}),
              },
            },
          );
        }
        case 'reject': {
          const decision = decideReject(ctx, actor, action.reason);
          if (!decision.ok) return refused(decision.refusal);
          this.signOffRows.insert({
            goLiveId: row.id,
            kind: 'rejection',
            round: row.approvalRound,
            by: actor,
            at: now,
            comment: decision.reason,
          });
          return commit(
            { status: decision.status },
            {
              action: 'reject',
              before: { status: row.status },
              after: { status: decision.status, round: row.approvalRound, reason: decision.reason },
            },
          );
        }
        case 'sign-off-section': {
          const decision = decideSectionSignOff(ctx, signOff.sections, actor, action.sectionId);
          if (!decision.ok) return refused(decision.refusal);
          if (decision.repeat) return unchanged;
          this.signOffRows.insert({ goLiveId: row.id, kind: 'section', round: row.approvalRound, ...decision.signOff });
          return commit(
            {},
            {
              action: 'sign-off-section',
              subject: action.sectionId,
              before: null,
              after: { sectionId: action.sectionId, by: actor, at: now },
            },
          );
        }
        case 'go-live': {
          const decision = decideGoLive(goLive, actor);
          if (!decision.ok) return refused(decision.refusal);
          const approvers = signOff.approvals.map((a) => `<@${a.by}>`);
          return commit(
            { status: decision.status, liveAt: now },
            {
              action: 'go-live',
              before: { status: row.status },
              after: {
                status: decision.status,
                liveAt: now,
                approvalLine: approvalLine(goLive.template, approvers, now),
              },
            },
          );
        }
        case 'set-roles': {
          const decision = decideRoleChange(goLive, actor, command.groups, action.roles);
          if (!decision.ok) return refused(decision.refusal);
          if (decision.changed.length === 0) return unchanged;
          const pick = (roles: Record<string, string[]>) =>
            Object.fromEntries(decision.changed.map((role) => [role, roles[role] ?? []]));
          // New approvers did not see what the old ones approved: a change of the sign-off role voids their approvals.
          const voids = decision.changed.includes(goLive.template.signoff.role) && revokes(row, signOff.approvals);
          const head: HeadChange = { roles: decision.roles };
          if (voids) {
            this.signOffRows.revoke(
              row.id,
              { round: row.approvalRound, sectionIds: [] },
              { at: now, actor, reason: 'approvers changed' },
            );
            const next = transition(row, 'revoke');
            if (next.ok) head.status = next.status;
          }
          const result = commit(head, {
            action: 'roles',
            before: { roles: pick(row.roles) },
            after: { roles: pick(decision.roles) },
          });
          if (!voids || !result.ok) return result;
          const revoked: Revoked = { approvers: signOff.approvals.map((a) => a.by), sections: [] };
          this.audit(tx, {
            goLiveId: row.id,
            at: now,
            actor,
            action: 'revoke',
            subject: 'roles',
            before: { status: row.status, approvers: revoked.approvers, sections: [] },
            after: { status: result.goLive.status, reason: 'approvers changed' },
          });
          return { ...result, revoked };
        }
      }
    });
  }

  /** Inside a write: applies a sign-off step's change to the go-live's row (a version bump) and appends its event. */
  private commitSignOff(
    tx: Tx,
    row: GoLiveHead,
    head: HeadChange,
    event: { at: number; actor: Actor; action: string; subject: string; before: unknown; after: unknown },
  ): SignOffResult {
    const next: GoLiveHead = { ...row, ...head, version: row.version + 1 };
    tx.update(goLives)
      .set({ ...head, version: next.version })
      .where(eq(goLives.id, row.id))
      .run();
    this.audit(tx, { goLiveId: row.id, ...event });
    return {
      ok: true,
      changed: true,
      before: row.status,
      goLive: this.toGoLive(tx, next),
      signOff: this.signOffRows.state(row.id, next.approvalRound),
    };
  }

  async signOffRecord(goLiveId: string): Promise<SignOffRecord[]> {
    return this.read(() => this.signOffRows.record(goLiveId));
  }

  /** Records the thread's root message; audited, because it is where the go-live lives in Slack. */
  async setRootTs(id: string, ts: string): Promise<void> {
    this.write((tx) => {
      const row = tx.select({ rootTs: goLives.rootTs }).from(goLives).where(eq(goLives.id, id)).get();
      if (!row) throw new StoreError('GO_LIVE_NOT_FOUND', `no go-live ${id}`);
      if (row.rootTs === ts) return;
      tx.update(goLives).set({ rootTs: ts }).where(eq(goLives.id, id)).run();
      this.audit(tx, {
        goLiveId: id,
        at: this.clock.now(),
        actor: GOLIVE_ACTOR,
        action: 'thread',
        subject: 'root',
        before: { rootTs: row.rootTs },
        after: { rootTs: ts },
      });
    });
  }

  async getMessages(goLiveId: string): Promise<MessageRecord[]> {
    this.open();
    return this.hot.messagesOf.all({ goLiveId }).map((r) => {
      const record: MessageRecord = { goLiveId: r.goLiveId, key: r.key, renderedVersion: r.renderedVersion };
      if (r.ts !== null) record.ts = r.ts;
      if (r.renderedHash !== null) record.renderedHash = r.renderedHash;
      return record;
    });
  }

  async listActiveMessages(): Promise<MessageVersion[]> {
    this.open();
    // Straight from SQLite, row by row: 60,000 rows for 5,000 go-lives at a start, never all held twice.
    const rows = this.sqlite
      .prepare(
        `SELECT m.go_live_id, m.key, m.ts, m.rendered_version FROM go_lives g JOIN messages m ON m.go_live_id = g.id WHERE ${ACTIVE_STATUS_SQL}`,
      )
      .raw()
      .iterate() as IterableIterator<[string, string, string | null, number]>;
    const versions: MessageVersion[] = [];
    for (const [goLiveId, key, ts, renderedVersion] of rows)
      versions.push(ts === null ? { goLiveId, key, renderedVersion } : { goLiveId, key, ts, renderedVersion });
    return versions;
  }

  async isMessageOf(goLiveId: string, channelId: string, ts: string): Promise<boolean> {
    // By primary-key prefix (go_live_id): a handful of rows, on the click path.
    this.open();
    return this.hot.messageOf.get({ goLiveId, channelId, ts }) !== undefined;
  }

  /** Renderer bookkeeping (which ts shows which version and content): not a change to the go-live, so not audited. */
  async saveMessage(record: MessageRecord): Promise<void> {
    const values = {
      goLiveId: record.goLiveId,
      key: record.key,
      ts: record.ts ?? null,
      renderedVersion: record.renderedVersion,
      renderedHash: record.renderedHash ?? null,
    };
    // One statement: SQLite's autocommit makes it its own transaction, without a BEGIN and COMMIT around it.
    this.open();
    this.hot.saveMessage.run(values);
  }

  async auditTrail(goLiveId: string): Promise<AuditEvent[]> {
    const rows = this.open()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.goLiveId, goLiveId))
      .orderBy(asc(auditEvents.id))
      .all();
    return rows.map((r) => ({ ...r, before: r.before ?? null, after: r.after ?? null }));
  }

  async addNote(input: NewNote): Promise<AddNoteResult> {
    return this.write((tx): AddNoteResult => {
      const repeated = input.deliveryKey !== undefined && !this.claim(input.deliveryKey);
      const head = this.headById(tx, input.goLiveId);
      if (!head) return { ok: false, reason: 'not-found' };
      const goLive = this.toGoLive(tx, head);
      if (input.itemId !== undefined && !findItem(goLive.template, input.itemId))
        return { ok: false, reason: 'unknown-item' };
      if (repeated) {
        const last = tx
          .select()
          .from(notes)
          .where(eq(notes.goLiveId, input.goLiveId))
          .orderBy(desc(notes.id))
          .limit(1)
          .get();
        if (last) return { ok: true, note: toNote(last), goLive, repeated: true };
      }
      const row = tx
        .insert(notes)
        .values({
          goLiveId: input.goLiveId,
          itemId: input.itemId ?? null,
          by: input.by,
          at: this.clock.now(),
          fields: input.fields,
          text: input.text,
        })
        .returning()
        .get();
      const note = toNote(row);
      const { id, goLiveId: _g, by: _b, at: _a, ...after } = note;
      this.audit(tx, {
        goLiveId: note.goLiveId,
        at: note.at,
        actor: note.by,
        action: 'note',
        subject: note.itemId ?? 'root',
        before: null,
        after: { id, ...after },
      });
      return { ok: true, note, goLive, repeated: false };
    });
  }

  async notesOf(goLiveId: string): Promise<Note[]> {
    return this.open()
      .select()
      .from(notes)
      .where(eq(notes.goLiveId, goLiveId))
      .orderBy(asc(notes.id))
      .all()
      .map(toNote);
  }

  async auditChain(goLiveId: string): Promise<ChainedAuditRow[]> {
    return [...this.auditChainRows(goLiveId)];
  }

  /** The same rows as `auditChain`, read a batch at a time on each iteration instead of held all at once. */
  auditChainRows(goLiveId: string): Iterable<ChainedAuditRow> {
    this.open();
    return this.chainRows.of(goLiveId);
  }

  async claimCheckRun(claim: { goLiveId: string; by: Actor; leaseMs: number }): Promise<CheckRunClaim> {
    return this.write((tx): CheckRunClaim => {
      const now = this.clock.now();
      const held = this.hot.checkRunOf.get({ goLiveId: claim.goLiveId, now });
      if (held) return { ok: false, holder: held };
      const lease: CheckRunLease = {
        goLiveId: claim.goLiveId,
        token: randomUUID(),
        by: claim.by,
        at: now,
        expiresAt: now + claim.leaseMs,
      };
      const row = {
        goLiveId: lease.goLiveId,
        token: lease.token,
        by: lease.by,
        startedAt: lease.at,
        expiresAt: lease.expiresAt,
      };
      // An expired lease (its run's process died) is taken over in place.
      tx.insert(checkRuns)
        .values(row)
        .onConflictDoUpdate({
          target: checkRuns.goLiveId,
          set: { token: row.token, by: row.by, startedAt: row.startedAt, expiresAt: row.expiresAt },
        })
        .run();
      return { ok: true, lease };
    });
  }

  async releaseCheckRun(lease: Pick<CheckRunLease, 'goLiveId' | 'token'>): Promise<void> {
    this.write((tx) => {
      tx.delete(checkRuns)
        .where(and(eq(checkRuns.goLiveId, lease.goLiveId), eq(checkRuns.token, lease.token)))
        .run();
    });
  }

  async claimDelivery(key: string): Promise<boolean> {
    return this.write(() => this.claim(key));
  }

  /** Inside a write transaction: records a delivery, false when it was recorded already. */
  private claim(key: string): boolean {
    const now = this.clock.now();
    this.hot.forgetDeliveries.run({ before: now - DELIVERY_MEMORY_MS });
    return this.hot.claimDelivery.run({ key, at: now }).changes === 1;
  }

  /**
   * Commits a write of the probe row: a rolled-back write never reaches the file, so it would call a database
   * whose files refuse writes (read-only mount, immutable files, full disk) writable.
   */
  async isWritable(): Promise<boolean> {
    if (!this.sqlite.open) return false;
    try {
      this.sqlite
        .transaction(() => {
          this.sqlite
            .prepare('INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at')
            .run(this.clock.now());
        })
        .immediate();
      return true;
    } catch {
      return false;
    }
  }

  /** An online backup of the whole database into `toFile`, safe while the bot keeps writing. */
  async backup(toFile: string): Promise<void> {
    this.open();
    mkdirSync(dirname(resolve(toFile)), { recursive: true });
    await this.sqlite.backup(toFile);
  }

  private jobStore: SqliteJobStore | undefined;
  private postLaunchStore: SqlitePostLaunchStore | undefined;

  /** The file's connection and this store's write transaction, with its one audit append bound to it. */
  private host(): SqliteHost {
    return {
      connection: this.sqlite,
      clock: this.clock,
      write: (work) => this.write((tx) => work((event) => this.audit(tx, event))),
    };
  }

  /** Scheduled work on this file (db/sqlite-jobs.ts). */
  get jobs(): SqliteJobStore {
    this.jobStore ??= new SqliteJobStore(this.host());
    return this.jobStore;
  }

  /** Check-ins, failures during the window and its end, on this file (db/sqlite-post-launch.ts). */
  get postLaunch(): SqlitePostLaunchStore {
    this.postLaunchStore ??= new SqlitePostLaunchStore(this.host(), this.jobs);
    return this.postLaunchStore;
  }

  async close(): Promise<void> {
    // The worker's connection first: the store's, closing last, checkpoints what is left and removes the WAL.
    const checkpointer = this.checkpointer;
    this.checkpointer = undefined;
    await checkpointer?.close();
    if (this.sqlite.open) this.sqlite.close();
  }
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}
