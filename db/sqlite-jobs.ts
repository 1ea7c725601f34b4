// The jobs table on SQLite. A claim is one IMMEDIATE transaction (the write lock taken up front, so two processes
// on one file claim one after the other and never the same row); the claim path's statements are prepared once.
import type Database from 'better-sqlite3';
import type { Clock } from '../src/clock.js';
import { ENDED_STATUSES } from '../src/domain/go-live.js';
import { collapseDue } from '../src/domain/post-launch.js';
import { newId } from './ids.js';
import { JOB_STATES } from './job-store.js';
import type { ClaimRequest, ClaimResult, ClaimedJob, Job, JobState, JobStore, NewJob } from './job-store.js';

/** One audit event, appended through the owning store's one audit function. */
export interface AuditAppendInput {
  goLiveId: string;
  at: number;
  actor: string;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
}

/** What the jobs and post-launch stores need from the store that owns the file (db/sqlite-store.ts). */
export interface SqliteHost {
  connection: Database.Database;
  clock: Clock;
  /** Runs `work` in one IMMEDIATE transaction on `connection`, with the store's audit append bound to it. */
  write<T>(work: (audit: (event: AuditAppendInput) => void) => T): T;
}

/** Go-live statuses after which nothing of it runs (src/domain/go-live.ts). */
const ENDED_SQL = ENDED_STATUSES.map((s) => `'${s}'`).join(', ');

interface JobRow {
  id: string;
  go_live_id: string;
  kind: string;
  key: string;
  series: string;
  due_at: number;
  priority: number;
  payload: string;
  state: JobState;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  progress: string;
  last_error: string | null;
  note: string | null;
}

function toJob(row: JobRow): Job {
  const job: Job = {
    id: row.id,
    goLiveId: row.go_live_id,
    kind: row.kind,
    key: row.key,
    series: row.series,
    dueAt: row.due_at,
    priority: row.priority,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state,
    attempts: row.attempts,
    progress: JSON.parse(row.progress) as string[],
  };
  if (row.lease_owner !== null) job.leaseOwner = row.lease_owner;
  if (row.lease_expires_at !== null) job.leaseExpiresAt = row.lease_expires_at;
  if (row.last_error !== null) job.lastError = row.last_error;
  if (row.note !== null) job.note = row.note;
  return job;
}

const ERROR_MAX = 500;

function prepare(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO jobs (id, go_live_id, kind, key, series, due_at, priority, payload, state, attempts, progress, created_at)
       VALUES (@id, @goLiveId, @kind, @key, @series, @dueAt, @priority, @payload, 'pending', 0, '[]', @now)
       ON CONFLICT (go_live_id, key) DO NOTHING`,
    ),
    // Whether a claim has anything to do: a due pending job or an expired lease (one index range each, on
    // jobs_state_due; claimed rows are few). Read without the write lock, which a tick with nothing due never takes.
    anythingDue: db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'pending' AND due_at <= @now)
             OR EXISTS (SELECT 1 FROM jobs WHERE state = 'claimed' AND lease_expires_at <= @now)`,
      )
      .pluck(),
    // Due work of an ended go-live never runs: cancelled where it stands.
    cancelEnded: db.prepare(
      `UPDATE jobs SET state = 'cancelled', note = 'the go-live ended', finished_at = @now, lease_owner = NULL, lease_expires_at = NULL
       WHERE state = 'pending' AND due_at <= @now
         AND EXISTS (SELECT 1 FROM go_lives g WHERE g.id = jobs.go_live_id AND g.status IN (${ENDED_SQL}))`,
    ),
    // A go-live whose jobs someone holds a live lease on is theirs until they finish: its order is kept.
    duePending: db.prepare(
      `SELECT * FROM jobs WHERE state = 'pending' AND due_at <= @now
         AND go_live_id NOT IN (SELECT go_live_id FROM jobs WHERE state = 'claimed' AND lease_expires_at > @now)
       ORDER BY due_at, priority, id LIMIT @limit`,
    ),
    expiredClaims: db.prepare(
      `SELECT * FROM jobs WHERE state = 'claimed' AND lease_expires_at <= @now
         AND go_live_id NOT IN (SELECT go_live_id FROM jobs WHERE state = 'claimed' AND lease_expires_at > @now)
       ORDER BY due_at, priority, id LIMIT @limit`,
    ),
    endedGoLives: db.prepare(
      `SELECT id FROM go_lives WHERE status IN (${ENDED_SQL}) AND id IN (SELECT value FROM json_each(@ids))`,
    ),
    cancelOne: db.prepare(
      `UPDATE jobs SET state = 'cancelled', note = 'the go-live ended', finished_at = @now, lease_owner = NULL, lease_expires_at = NULL WHERE id = @id`,
    ),
    collapse: db.prepare(
      `UPDATE jobs SET state = 'done', note = @note, finished_at = @now, lease_owner = NULL, lease_expires_at = NULL WHERE id = @id`,
    ),
    claim: db.prepare(
      `UPDATE jobs SET state = 'claimed', lease_owner = @owner, lease_expires_at = @expires, attempts = attempts + 1 WHERE id = @id`,
    ),
    progress: db.prepare(
      `UPDATE jobs SET progress = @progress, lease_expires_at = @expires WHERE id = @id AND state = 'claimed' AND lease_owner = @owner`,
    ),
    complete: db.prepare(
      `UPDATE jobs SET state = 'done', note = coalesce(@note, note), finished_at = @now, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = @id AND state = 'claimed' AND lease_owner = @owner`,
    ),
    retry: db.prepare(
      `UPDATE jobs SET state = 'pending', due_at = @dueAt, last_error = @error, attempts = attempts - @uncount, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = @id AND state = 'claimed' AND lease_owner = @owner`,
    ),
    park: db.prepare(
      `UPDATE jobs SET state = 'parked', last_error = @error, finished_at = @now, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = @id AND state = 'claimed' AND lease_owner = @owner`,
    ),
    release: db.prepare(
      `UPDATE jobs SET state = 'pending', attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL WHERE state = 'claimed' AND lease_owner = @owner`,
    ),
    cancelPending: db.prepare(
      `UPDATE jobs SET state = 'cancelled', note = @note, finished_at = @now WHERE go_live_id = @goLiveId AND state = 'pending'`,
    ),
    cancelSeries: db.prepare(
      `UPDATE jobs SET state = 'cancelled', note = @note, finished_at = @now WHERE go_live_id = @goLiveId AND state = 'pending' AND series = @series`,
    ),
    countByState: db.prepare(`SELECT state, count(*) AS n FROM jobs GROUP BY state`),
    nextDue: db.prepare(`SELECT min(due_at) AS due FROM jobs WHERE state = 'pending'`),
    list: db.prepare(`SELECT * FROM jobs WHERE go_live_id = @goLiveId ORDER BY due_at, priority, id`),
  };
}

export class SqliteJobStore implements JobStore {
  private readonly sql: ReturnType<typeof prepare>;

  constructor(private readonly host: SqliteHost) {
    this.sql = prepare(host.connection);
  }

  async schedule(jobs: readonly NewJob[]): Promise<number> {
    if (jobs.length === 0) return 0;
    return this.host.write(() => this.scheduleInWrite(jobs));
  }

  /** Inside a caller's write transaction (a check-in and its escalation steps are recorded together). */
  scheduleInWrite(jobs: readonly NewJob[]): number {
    let added = 0;
    for (const job of jobs) {
      const now = this.host.clock.now();
      added += this.sql.insert.run({
        id: newId(now),
        goLiveId: job.goLiveId,
        kind: job.kind,
        key: job.key,
        series: job.series,
        dueAt: job.dueAt,
        priority: job.priority,
        payload: JSON.stringify(job.payload ?? {}),
        now,
      }).changes;
    }
    return added;
  }

  async claimDue({ now, owner, leaseMs, limit }: ClaimRequest): Promise<ClaimResult> {
    // Nothing due and no lease expired: the write below would change nothing (it only touches such rows).
    if (this.sql.anythingDue.get({ now }) === 0) return { jobs: [], cancelled: 0, collapsed: 0 };
    return this.host.write((): ClaimResult => {
      const cancelled = this.sql.cancelEnded.run({ now }).changes;
      const rows = [
        ...(this.sql.expiredClaims.all({ now, limit }) as JobRow[]),
        ...(this.sql.duePending.all({ now, limit }) as JobRow[]),
      ];
      if (rows.length === 0) return { jobs: [], cancelled, collapsed: 0 };
      let candidates = rows.map(toJob);
      const oldestDueAt = Math.min(...candidates.map((j) => j.dueAt));
      // A lease that expired on a go-live that has ended since: cancelled, not run.
      const ended = new Set(
        (
          this.sql.endedGoLives.all({ ids: JSON.stringify([...new Set(candidates.map((j) => j.goLiveId))]) }) as {
            id: string;
          }[]
        ).map((r) => r.id),
      );
      let endedCancelled = 0;
      candidates = candidates.filter((job) => {
        if (!ended.has(job.goLiveId)) return true;
        this.sql.cancelOne.run({ id: job.id, now });
        endedCancelled += 1;
        return false;
      });
      const byGoLive = new Map<string, Job[]>();
      for (const job of candidates) byGoLive.set(job.goLiveId, [...(byGoLive.get(job.goLiveId) ?? []), job]);
      const claimed: ClaimedJob[] = [];
      let collapsed = 0;
      for (const jobs of byGoLive.values()) {
        const { run, collapsed: folded } = collapseDue(jobs);
        for (const { job, into } of folded)
          this.sql.collapse.run({ id: job.id, now, note: `collapsed into ${into.key}` });
        collapsed += folded.length;
        for (const job of run) {
          this.sql.claim.run({ id: job.id, owner, expires: now + leaseMs });
          claimed.push({
            ...job,
            state: 'claimed',
            attempts: job.attempts + 1,
            leaseOwner: owner,
            leaseExpiresAt: now + leaseMs,
            replaces: folded.filter((f) => f.into === job).length,
          });
        }
      }
      return { jobs: claimed, cancelled: cancelled + endedCancelled, collapsed, oldestDueAt };
    });
  }

  async saveProgress(id: string, owner: string, progress: readonly string[], leaseExpiresAt: number): Promise<boolean> {
    return this.host.write(
      () =>
        this.sql.progress.run({ id, owner, progress: JSON.stringify(progress), expires: leaseExpiresAt }).changes === 1,
    );
  }

  async complete(id: string, owner: string, now: number, note?: string): Promise<boolean> {
    return this.host.write(() => this.sql.complete.run({ id, owner, now, note: note ?? null }).changes === 1);
  }

  async retry(id: string, owner: string, dueAt: number, error: string, countAttempt: boolean): Promise<boolean> {
    return this.host.write(
      () =>
        this.sql.retry.run({ id, owner, dueAt, error: error.slice(0, ERROR_MAX), uncount: countAttempt ? 0 : 1 })
          .changes === 1,
    );
  }

  async park(id: string, owner: string, now: number, error: string): Promise<boolean> {
    return this.host.write(() => this.sql.park.run({ id, owner, now, error: error.slice(0, ERROR_MAX) }).changes === 1);
  }

  async release(owner: string): Promise<number> {
    return this.host.write(() => this.sql.release.run({ owner }).changes);
  }

  async cancelPending(goLiveId: string, now: number, note: string, series?: string): Promise<number> {
    return this.host.write(() => this.cancelPendingInWrite(goLiveId, now, note, series));
  }

  /** Inside a caller's write transaction (a go-live ending cancels its jobs in the same one). */
  cancelPendingInWrite(goLiveId: string, now: number, note: string, series?: string): number {
    return series === undefined
      ? this.sql.cancelPending.run({ goLiveId, now, note }).changes
      : this.sql.cancelSeries.run({ goLiveId, now, note, series }).changes;
  }

  async countByState(): Promise<Record<JobState, number>> {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const row of this.sql.countByState.all() as { state: JobState; n: number }[]) counts[row.state] = row.n;
    return counts;
  }

  async nextDueAt(): Promise<number | undefined> {
    const row = this.sql.nextDue.get() as { due: number | null } | undefined;
    return row?.due ?? undefined;
  }

  async listJobs(goLiveId: string): Promise<Job[]> {
    return (this.sql.list.all({ goLiveId }) as JobRow[]).map(toJob);
  }
}
