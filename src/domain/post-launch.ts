// The first hours after Go live as plain data: which jobs a template's `postlaunch` block becomes, how an
// unanswered check-in escalates, how work missed during downtime collapses and how late it is, whether a
// check result is a new failure or a recovery, and what the end-of-window summary says. No clock, no I/O.
import type { CheckStatus, CheckKind } from './check-kind.js';
import type { DurationMs, PostLaunchPlan } from './template.js';

export type PostLaunchJobKind = 'preflight' | 'checkin' | 'escalate' | 'end';

/** Every planned job knows its window, so that any of them can tell where the window ends. */
export interface WindowPayload {
  /** Go live: the window's start. */
  t0: number;
}

export interface CheckInPayload extends WindowPayload {
  /** Index of the check-in in the template's `checkins`. */
  checkin: number;
  /** 1 for an `at` check-in; the repeat number (1 = first `every` after T0) otherwise. */
  occurrence: number;
}

export interface EscalatePayload {
  /** The check-in (its job id) that nobody acknowledged. */
  checkInId: string;
  /** The escalation level this step moves to; `escalation.length` means nobody answered at any level. */
  level: number;
}

export type JobPayload = WindowPayload | CheckInPayload | EscalatePayload;

/** One job of the plan, before it is a row. */
export interface PlannedJob {
  kind: PostLaunchJobKind;
  /** Unique within a go-live: planning twice adds nothing. */
  key: string;
  /** Repeats of one schedule share a series: several missed at once run as one, the latest. */
  series: string;
  dueAt: number;
  /** Among jobs due at the same moment, lower runs first: check-ins before the end-of-window summary. */
  priority: number;
  payload: JobPayload;
}

export const PRIORITY: Record<PostLaunchJobKind, number> = { preflight: 0, checkin: 10, escalate: 20, end: 100 };

/**
 * The jobs of a window opened at `t0`: the pre-flight post at T0, each check-in at `at` or at every multiple of
 * `every` up to and including the end, and the end of the window at `duration`, after what falls at that moment.
 */
export function planPostLaunch(plan: PostLaunchPlan, t0: number): PlannedJob[] {
  const jobs: PlannedJob[] = [
    {
      kind: 'preflight',
      key: 'preflight',
      series: 'preflight',
      dueAt: t0,
      priority: PRIORITY.preflight,
      payload: { t0 },
    },
  ];
  plan.checkins.forEach((spec, checkin) => {
    const offsets =
      spec.at !== undefined ? [spec.at] : spec.every !== undefined ? repeats(spec.every, plan.durationMs) : [];
    offsets.forEach((offset, i) => {
      const occurrence = i + 1;
      jobs.push({
        kind: 'checkin',
        key: `checkin:${checkin}:${occurrence}`,
        series: `checkin:${checkin}`,
        dueAt: t0 + offset,
        priority: PRIORITY.checkin,
        payload: { t0, checkin, occurrence },
      });
    });
  });
  jobs.push({
    kind: 'end',
    key: 'end',
    series: 'end',
    dueAt: t0 + plan.durationMs,
    priority: PRIORITY.end,
    payload: { t0 },
  });
  return sortJobs(jobs);
}

function repeats(every: DurationMs, duration: DurationMs): DurationMs[] {
  const out: DurationMs[] = [];
  for (let offset = every; offset <= duration; offset += every) out.push(offset);
  return out;
}

/**
 * The escalation of a check-in posted at `postedAt`: one step per `ack_within` to each next role, then one that
 * says nobody answered (the chain stays at its last role). Steps at or after the window's end are left out:
 * nothing posts after the summary. Steps missed while Golive was down fold into the latest role reached (one
 * direct message, to where the chain is now); "nobody answered" is a series of its own, so that folding never
 * swallows the one step that tells the last role directly.
 */
export function escalationSteps(
  plan: PostLaunchPlan,
  checkInId: string,
  postedAt: number,
  windowEndsAt: number,
): PlannedJob[] {
  const steps: PlannedJob[] = [];
  for (let level = 1; level <= plan.escalation.length; level++) {
    const dueAt = postedAt + level * plan.ackWithinMs;
    if (dueAt >= windowEndsAt) break;
    steps.push({
      kind: 'escalate',
      key: `escalate:${checkInId}:${level}`,
      series: level < plan.escalation.length ? escalationSeries(checkInId).roles : escalationSeries(checkInId).nobody,
      dueAt,
      priority: PRIORITY.escalate,
      payload: { checkInId, level },
    });
  }
  return steps;
}

/** The job series of a check-in's escalation: its steps to roles, and its "nobody answered" step. */
export function escalationSeries(checkInId: string): { roles: string; nobody: string } {
  return { roles: `escalate:${checkInId}`, nobody: `escalate:${checkInId}:nobody` };
}

/** The role an escalation level points at: past the last role, the chain stays on the last one. */
export function escalationRole(plan: PostLaunchPlan, level: number): string | undefined {
  return plan.escalation[Math.min(level, plan.escalation.length - 1)];
}

/** True when this step is the one after the last role: nobody answered anywhere. */
export function nobodyAnswered(plan: PostLaunchPlan, level: number): boolean {
  return level >= plan.escalation.length;
}

/** The current on-call: the first role of `escalation`. */
export function onCallRole(plan: PostLaunchPlan): string | undefined {
  return plan.escalation[0];
}

/** The escalation levels (role ids, in order) nobody is assigned to. */
export function unassignedLevels(plan: PostLaunchPlan, roles: Readonly<Record<string, readonly string[]>>): string[] {
  return plan.escalation.filter((role) => (roles[role] ?? []).length === 0);
}

export interface DueJob {
  id: string;
  series: string;
  dueAt: number;
  priority: number;
}

/**
 * Several due jobs of one series (repeats missed while Golive was down) run as one: the latest. The others are
 * `collapsed` into it. `run` keeps due order: by due time, then priority.
 */
export function collapseDue<J extends DueJob>(due: readonly J[]): { run: J[]; collapsed: { job: J; into: J }[] } {
  const latest = new Map<string, J>();
  for (const job of due) {
    const kept = latest.get(job.series);
    if (!kept || job.dueAt > kept.dueAt || (job.dueAt === kept.dueAt && job.id > kept.id)) latest.set(job.series, job);
  }
  const run = sortJobs(due.filter((job) => latest.get(job.series) === job));
  const collapsed = due
    .filter((job) => latest.get(job.series) !== job)
    .map((job) => ({ job, into: latest.get(job.series) as J }));
  return { run, collapsed };
}

export function sortJobs<J extends { dueAt: number; priority: number }>(jobs: J[]): J[] {
  return jobs.sort((a, b) => a.dueAt - b.dueAt || a.priority - b.priority);
}

/**
 * How late a job fires. A job up to `toleranceMs` behind is on time (a tick's normal delay); beyond that it is
 * late (Golive was down or behind) and says by how much.
 */
export function lateness(dueAt: number, firedAt: number, toleranceMs: number): { late: boolean; byMs: number } {
  const byMs = Math.max(0, firedAt - dueAt);
  return { late: byMs > toleranceMs, byMs };
}

/** What a check result means for the window: a new failure pings once, a pass after one is its recovery. */
export type CheckTransition = 'failed' | 'recovered' | 'unchanged';

export function checkTransition(failing: boolean, status: CheckStatus): CheckTransition {
  if (status === 'fail') return failing ? 'unchanged' : 'failed';
  // An error observed nothing about the target: neither a failure nor a recovery.
  if (status === 'error') return 'unchanged';
  return failing ? 'recovered' : 'unchanged';
}

/** `1h 5m`, `4m 10s`, `12s`: elapsed times as people read them (two units at most). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: [number, string][] = [
    [d, 'd'],
    [h, 'h'],
    [m, 'm'],
    [s, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}

/** A posted check-in as the summary needs it. */
export interface CheckInRecord {
  id: string;
  text: string;
  dueAt: number;
  postedAt: number;
  lateMs?: number;
  /** Highest escalation level reached (0: only the on-call was asked). */
  level: number;
  ackedBy?: string;
  ackedAt?: number;
}

export interface IncidentRecord {
  kind: CheckKind;
  summary: string;
  failedAt: number;
  recoveredAt?: number;
}

export interface WindowSummary {
  checkIns: number;
  late: number;
  acknowledged: { id: string; text: string; by: string; afterMs: number }[];
  unacknowledged: { id: string; text: string; level: number }[];
  /** Check-ins that escalated past the on-call, and how far. */
  escalations: { id: string; text: string; level: number }[];
  failures: IncidentRecord[];
  recovered: number;
  /** Median time from post to acknowledgement, when anything was acknowledged. */
  medianAckMs?: number;
}

/** The end-of-window summary's facts, from the check-ins posted and the failures seen. */
export function summariseWindow(
  checkIns: readonly CheckInRecord[],
  incidents: readonly IncidentRecord[],
): WindowSummary {
  const ordered = [...checkIns].sort((a, b) => a.postedAt - b.postedAt || a.id.localeCompare(b.id));
  const acknowledged = ordered
    .filter((c) => c.ackedBy !== undefined && c.ackedAt !== undefined)
    .map((c) => ({
      id: c.id,
      text: c.text,
      by: c.ackedBy as string,
      afterMs: Math.max(0, (c.ackedAt as number) - c.postedAt),
    }));
  const times = acknowledged.map((a) => a.afterMs).sort((a, b) => a - b);
  const summary: WindowSummary = {
    checkIns: ordered.length,
    late: ordered.filter((c) => c.lateMs !== undefined).length,
    acknowledged,
    unacknowledged: ordered
      .filter((c) => c.ackedBy === undefined)
      .map((c) => ({ id: c.id, text: c.text, level: c.level })),
    escalations: ordered.filter((c) => c.level > 0).map((c) => ({ id: c.id, text: c.text, level: c.level })),
    failures: [...incidents].sort((a, b) => a.failedAt - b.failedAt),
    recovered: incidents.filter((i) => i.recoveredAt !== undefined).length,
  };
  if (times.length > 0) summary.medianAckMs = times[Math.floor((times.length - 1) / 2)];
  return summary;
}
