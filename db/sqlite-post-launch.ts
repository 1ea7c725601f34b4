// The post-launch tables on SQLite (check_ins, incidents) and the window's end. Every change is one IMMEDIATE
// transaction of the owning store, with its audit event appended through that store's one audit function.
import { checkTransition, escalationSeries } from '../src/domain/post-launch.js';
import { transition } from '../src/domain/lifecycle.js';
import { isActive } from '../src/domain/go-live.js';
import type { Actor, GoLiveStatus } from '../src/domain/go-live.js';
import type { CheckKind } from '../src/domain/check-kind.js';
import type { NewJob } from './job-store.js';
import type { SqliteHost } from './sqlite-jobs.js';
import type { SqliteJobStore } from './sqlite-jobs.js';
import type {
  AcknowledgeResult,
  CheckIn,
  CheckResultLine,
  EndWindowResult,
  EscalateResult,
  Incident,
  PostLaunchStore,
} from './post-launch-store.js';

interface CheckInRow {
  id: string;
  go_live_id: string;
  text: string;
  due_at: number;
  posted_at: number;
  late_ms: number | null;
  replaces: number;
  channel_id: string;
  ts: string;
  results: string;
  level: number;
  acked_by: string | null;
  acked_at: number | null;
}

interface IncidentRow {
  id: number;
  go_live_id: string;
  kind: string;
  summary: string;
  failed_at: number;
  pinged_at: number | null;
  recovered_at: number | null;
  recovery_summary: string | null;
  recovery_posted_at: number | null;
}

function toCheckIn(row: CheckInRow): CheckIn {
  const checkIn: CheckIn = {
    id: row.id,
    goLiveId: row.go_live_id,
    text: row.text,
    dueAt: row.due_at,
    postedAt: row.posted_at,
    replaces: row.replaces,
    channelId: row.channel_id,
    ts: row.ts,
    results: JSON.parse(row.results) as CheckResultLine[],
    level: row.level,
  };
  if (row.late_ms !== null) checkIn.lateMs = row.late_ms;
  if (row.acked_by !== null) checkIn.ackedBy = row.acked_by;
  if (row.acked_at !== null) checkIn.ackedAt = row.acked_at;
  return checkIn;
}

function toIncident(row: IncidentRow): Incident {
  const incident: Incident = {
    id: row.id,
    goLiveId: row.go_live_id,
    kind: row.kind as CheckKind,
    summary: row.summary,
    failedAt: row.failed_at,
  };
  if (row.pinged_at !== null) incident.pingedAt = row.pinged_at;
  if (row.recovered_at !== null) incident.recoveredAt = row.recovered_at;
  if (row.recovery_summary !== null) incident.recoverySummary = row.recovery_summary;
  if (row.recovery_posted_at !== null) incident.recoveryPostedAt = row.recovery_posted_at;
  return incident;
}

function prepare(host: SqliteHost) {
  const db = host.connection;
  return {
    status: db.prepare(`SELECT status, service, environment FROM go_lives WHERE id = ?`),
    insertCheckIn: db.prepare(
      `INSERT INTO check_ins (id, go_live_id, text, due_at, posted_at, late_ms, replaces, channel_id, ts, results, level)
       VALUES (@id, @goLiveId, @text, @dueAt, @postedAt, @lateMs, @replaces, @channelId, @ts, @results, 0)
       ON CONFLICT (id) DO NOTHING`,
    ),
    checkIn: db.prepare(`SELECT * FROM check_ins WHERE id = ?`),
    checkInsOf: db.prepare(`SELECT * FROM check_ins WHERE go_live_id = ? ORDER BY posted_at, id`),
    ack: db.prepare(`UPDATE check_ins SET acked_by = @by, acked_at = @at WHERE id = @id AND acked_by IS NULL`),
    level: db.prepare(`UPDATE check_ins SET level = @level WHERE id = @id AND level < @level`),
    openIncident: db.prepare(`SELECT * FROM incidents WHERE go_live_id = ? AND kind = ? AND recovered_at IS NULL`),
    openIncidentInsert: db.prepare(`INSERT INTO incidents (go_live_id, kind, summary, failed_at) VALUES (?, ?, ?, ?)`),
    recover: db.prepare(`UPDATE incidents SET recovered_at = ?, recovery_summary = ? WHERE id = ?`),
    pings: db.prepare(`SELECT * FROM incidents WHERE go_live_id = ? AND pinged_at IS NULL ORDER BY id`),
    recoveries: db.prepare(
      `SELECT * FROM incidents WHERE go_live_id = ? AND recovered_at IS NOT NULL AND pinged_at IS NOT NULL AND recovery_posted_at IS NULL ORDER BY id`,
    ),
    markPinged: db.prepare(`UPDATE incidents SET pinged_at = ? WHERE id = ? AND pinged_at IS NULL`),
    markRecovery: db.prepare(`UPDATE incidents SET recovery_posted_at = ? WHERE id = ? AND recovery_posted_at IS NULL`),
    incidentsOf: db.prepare(`SELECT * FROM incidents WHERE go_live_id = ? ORDER BY failed_at, id`),
    endGoLive: db.prepare(
      `UPDATE go_lives SET status = @status, ended_at = @at, end_reason = @reason, version = version + 1 WHERE id = @id`,
    ),
  };
}

export class SqlitePostLaunchStore implements PostLaunchStore {
  private readonly sql: ReturnType<typeof prepare>;

  constructor(
    private readonly host: SqliteHost,
    private readonly jobs: SqliteJobStore,
  ) {
    this.sql = prepare(host);
  }

  private goLiveStatus(goLiveId: string): { status: GoLiveStatus; service: string; environment: string } | undefined {
    return this.sql.status.get(goLiveId) as { status: GoLiveStatus; service: string; environment: string } | undefined;
  }

  async recordCheckIn(checkIn: CheckIn, escalation: readonly NewJob[]): Promise<void> {
    this.host.write((audit) => {
      const added = this.sql.insertCheckIn.run({
        id: checkIn.id,
        goLiveId: checkIn.goLiveId,
        text: checkIn.text,
        dueAt: checkIn.dueAt,
        postedAt: checkIn.postedAt,
        lateMs: checkIn.lateMs ?? null,
        replaces: checkIn.replaces,
        channelId: checkIn.channelId,
        ts: checkIn.ts,
        results: JSON.stringify(checkIn.results),
      }).changes;
      if (added === 0) return;
      this.jobs.scheduleInWrite(escalation);
      audit({
        goLiveId: checkIn.goLiveId,
        at: checkIn.postedAt,
        actor: 'golive',
        action: 'check-in',
        subject: checkIn.id,
        before: null,
        after: {
          text: checkIn.text,
          dueAt: checkIn.dueAt,
          lateMs: checkIn.lateMs ?? null,
          ...(checkIn.replaces > 0 ? { replaces: checkIn.replaces } : {}),
          results: checkIn.results,
        },
      });
    });
  }

  async getCheckIn(id: string): Promise<CheckIn | undefined> {
    const row = this.sql.checkIn.get(id) as CheckInRow | undefined;
    return row ? toCheckIn(row) : undefined;
  }

  async listCheckIns(goLiveId: string): Promise<CheckIn[]> {
    return (this.sql.checkInsOf.all(goLiveId) as CheckInRow[]).map(toCheckIn);
  }

  async acknowledge(checkInId: string, by: Actor, at: number): Promise<AcknowledgeResult> {
    return this.host.write((audit): AcknowledgeResult => {
      const row = this.sql.checkIn.get(checkInId) as CheckInRow | undefined;
      if (!row) return { ok: false, reason: 'not-found' };
      const before = toCheckIn(row);
      if (before.ackedBy !== undefined) return { ok: true, changed: false, checkIn: before };
      const goLive = this.goLiveStatus(before.goLiveId);
      if (!goLive || !isActive(goLive.status)) return { ok: false, reason: 'ended', checkIn: before };
      this.sql.ack.run({ id: checkInId, by, at });
      const note = `acknowledged by ${by}`;
      const cancelled = Object.values(escalationSeries(checkInId)).reduce(
        (n, series) => n + this.jobs.cancelPendingInWrite(before.goLiveId, at, note, series),
        0,
      );
      audit({
        goLiveId: before.goLiveId,
        at,
        actor: by,
        action: 'acknowledge',
        subject: checkInId,
        before: { ackedBy: null, level: before.level },
        after: { ackedBy: by, ackedAt: at, afterMs: at - before.postedAt, escalationsCancelled: cancelled },
      });
      return { ok: true, changed: true, checkIn: { ...before, ackedBy: by, ackedAt: at } };
    });
  }

  async escalate(checkInId: string, level: number, at: number): Promise<EscalateResult> {
    return this.host.write((audit): EscalateResult => {
      const row = this.sql.checkIn.get(checkInId) as CheckInRow | undefined;
      if (!row) return { status: 'not-found' };
      const checkIn = toCheckIn(row);
      if (checkIn.ackedBy !== undefined) return { status: 'acknowledged' };
      const goLive = this.goLiveStatus(checkIn.goLiveId);
      if (!goLive || !isActive(goLive.status)) return { status: 'ended' };
      if (this.sql.level.run({ id: checkInId, level }).changes === 1) {
        audit({
          goLiveId: checkIn.goLiveId,
          at,
          actor: 'golive',
          action: 'escalate',
          subject: checkInId,
          before: { level: checkIn.level },
          after: { level },
        });
      }
      return { status: 'escalated', checkIn: { ...checkIn, level: Math.max(level, checkIn.level) } };
    });
  }

  async applyCheckResults(goLiveId: string, results: readonly CheckResultLine[], at: number): Promise<void> {
    this.host.write((audit) => {
      for (const result of results) {
        const open = this.sql.openIncident.get(goLiveId, result.kind) as IncidentRow | undefined;
        const change = checkTransition(open !== undefined, result.status);
        if (change === 'failed') {
          this.sql.openIncidentInsert.run(goLiveId, result.kind, result.summary, at);
          audit({
            goLiveId,
            at,
            actor: 'golive',
            action: 'check-failed',
            subject: result.kind,
            before: null,
            after: { summary: result.summary },
          });
        } else if (change === 'recovered' && open) {
          this.sql.recover.run(at, result.summary, open.id);
          audit({
            goLiveId,
            at,
            actor: 'golive',
            action: 'check-recovered',
            subject: result.kind,
            before: { summary: open.summary, failedAt: open.failed_at },
            after: { summary: result.summary },
          });
        }
      }
    });
  }

  async pendingNotices(goLiveId: string): Promise<{ pings: Incident[]; recoveries: Incident[] }> {
    return {
      pings: (this.sql.pings.all(goLiveId) as IncidentRow[]).map(toIncident),
      recoveries: (this.sql.recoveries.all(goLiveId) as IncidentRow[]).map(toIncident),
    };
  }

  async markPinged(incidentId: number, at: number): Promise<void> {
    this.host.write(() => this.sql.markPinged.run(at, incidentId));
  }

  async markRecoveryPosted(incidentId: number, at: number): Promise<void> {
    this.host.write(() => this.sql.markRecovery.run(at, incidentId));
  }

  async listIncidents(goLiveId: string): Promise<Incident[]> {
    return (this.sql.incidentsOf.all(goLiveId) as IncidentRow[]).map(toIncident);
  }

  async endWindow(
    goLiveId: string,
    event: 'complete' | 'roll-back',
    actor: Actor,
    at: number,
    reason?: string,
  ): Promise<EndWindowResult> {
    return this.host.write((audit): EndWindowResult => {
      const goLive = this.goLiveStatus(goLiveId);
      if (!goLive) return { ok: false, code: 'not-found' };
      const next = transition(goLive, event);
      if (!next.ok) return { ok: false, code: next.code };
      this.sql.endGoLive.run({ id: goLiveId, status: next.status, at, reason: reason ?? null });
      const cancelled = this.jobs.cancelPendingInWrite(
        goLiveId,
        at,
        event === 'complete' ? 'the window ended' : 'rolled back',
      );
      audit({
        goLiveId,
        at,
        actor,
        action: event,
        subject: `${goLive.service}/${goLive.environment}`,
        before: { status: goLive.status },
        after: { status: next.status, ...(reason !== undefined ? { reason } : {}), jobsCancelled: cancelled },
      });
      return { ok: true, status: next.status, cancelled };
    });
  }
}
