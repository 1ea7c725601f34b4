// The post-launch window as use-cases: Go live turns the template's `postlaunch` block into jobs; the scheduler
// runs them here (pre-flight, check-ins with their checks, escalation, failure pings and recoveries, the summary
// and Completed); people acknowledge and roll back. What is said goes out as data through the notifier port.
import type { Logger } from 'pino';
import type { Store } from '../../db/store.js';
import type { JobStore, NewJob, ClaimedJob } from '../../db/job-store.js';
import type { CheckIn, CheckResultLine, Incident, PostLaunchStore } from '../../db/post-launch-store.js';
import { createAddressPolicy } from '../checks/guard.js';
import { runChecks } from '../checks/runner.js';
import type { AddressPolicy, Check, CheckRequest } from '../checks/types.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { CheckKind } from '../domain/check-kind.js';
import { isActive } from '../domain/go-live.js';
import type { Actor, GoLive } from '../domain/go-live.js';
import {
  escalationRole,
  escalationSteps,
  nobodyAnswered,
  onCallRole,
  planPostLaunch,
  summariseWindow,
  unassignedLevels,
} from '../domain/post-launch.js';
import type {
  CheckInPayload,
  EscalatePayload,
  PlannedJob,
  WindowPayload,
  WindowSummary,
} from '../domain/post-launch.js';
import type { PostLaunchPlan, Template, TemplateItem } from '../domain/template.js';
import { RetryLater } from '../scheduler/scheduler.js';
import type { PostLaunch } from './signoff-ports.js';
import type { JobContext, JobHandler } from '../scheduler/scheduler.js';

/** An escalation level as people read it: the role's label and who holds it (Slack mentions, possibly none). */
export interface Level {
  role: string;
  label: string;
  mentions: string[];
}

export interface CheckInView {
  id: string;
  service: string;
  environment: string;
  text: string;
  dueAt: number;
  postedAt: number;
  lateMs?: number;
  /** Missed repeats folded into this one. */
  replaces: number;
  results: CheckResultLine[];
  onCall: Level;
  /** The level the chain has reached (absent: still with the on-call). */
  escalatedTo?: Level;
  nobodyAnswered?: boolean;
  ackedBy?: Actor;
  ackedAt?: number;
}

/** Everything the window says, as data; the Slack side words and lays it out. */
export type PostLaunchMessage =
  | {
      type: 'preflight';
      service: string;
      environment: string;
      t0: number;
      endsAt: number;
      ackWithinMs: number;
      checkIns: number;
      levels: Level[];
      unassigned: Level[];
    }
  | { type: 'check-in'; checkIn: CheckInView }
  | {
      type: 'escalation';
      service: string;
      environment: string;
      checkIn: CheckInView;
      level: Level;
      levelIndex: number;
      nobodyAnswered: boolean;
      waitedMs: number;
      late?: number;
    }
  | { type: 'failure'; service: string; environment: string; kind: CheckKind; summary: string; onCall: Level }
  | { type: 'recovery'; service: string; environment: string; kind: CheckKind; summary: string; failedForMs: number }
  | {
      type: 'summary';
      service: string;
      environment: string;
      t0: number;
      endedAt: number;
      summary: WindowSummary;
      levels: Level[];
    }
  | {
      type: 'rolled-back';
      service: string;
      environment: string;
      by: Actor;
      reason: string;
      onCall: Level;
      cancelled: number;
    }
  | { type: 'parked'; service: string; environment: string; what: string; attempts: number; error: string };

/** A Slack answer, as the scheduler needs to know it: a 429 waits, anything else is a failure to retry. */
export type Delivery = { ok: true; ts?: string } | { ok: false; error: string; retryAfterMs?: number };

/** The Slack side of the window (src/slack/post-launch-notifier.ts). */
export interface PostLaunchNotifier {
  /** Posts in the go-live's thread; answers the message's ts. */
  postInThread(goLive: GoLive, message: PostLaunchMessage): Promise<Delivery>;
  /** Replaces a message this window posted (a check-in showing its acknowledgement or escalation). */
  update(channelId: string, ts: string, message: PostLaunchMessage): Promise<Delivery>;
  /** A direct message to one person (escalations, failure pings, a roll back: never check-ins). */
  direct(userId: string, message: PostLaunchMessage): Promise<Delivery>;
  /** The people behind role mentions (`<@U1>`, `<!subteam^S1>`), to message them directly. */
  membersOf(mentions: readonly string[]): Promise<string[]>;
}

export interface PostLaunchServiceDeps {
  store: Pick<Store, 'getGoLive'>;
  jobs: JobStore;
  postLaunch: PostLaunchStore;
  notifier: PostLaunchNotifier;
  clock: Clock;
  logger: Logger;
  checks: Config['checks'];
  /** The check implementations by kind; the full registry unless a test narrows it. */
  registry?: Readonly<Partial<Record<CheckKind, Check>>>;
  /** Told when a window ends (Completed, Rolled back), to re-render the root message. */
  onEnded?: (goLiveId: string) => void;
}

export type AcknowledgeOutcome =
  | { ok: true; changed: boolean; checkIn: CheckIn; updated: boolean }
  | { ok: false; message: string };

export interface RollBackRequest {
  goLiveId: string;
  userId: string;
  reason: string;
}

export type RollBackOutcome = { ok: true; goLive: GoLive } | { ok: false; message: string };

const REASON_MAX = 500;

function deliveredOrThrow(delivery: Delivery, what: string): string | undefined {
  if (delivery.ok) return delivery.ts;
  if (delivery.retryAfterMs !== undefined) throw new RetryLater(delivery.retryAfterMs, `${what}: rate limited`);
  throw new Error(`${what}: ${delivery.error}`);
}

/** The options a template gives a check kind on its items (the health paths…), for a check-in that names the kind. */
function optionsFor(template: Template, kind: CheckKind): Readonly<Record<string, unknown>> {
  const visit = (items: readonly TemplateItem[]): Readonly<Record<string, unknown>> | undefined => {
    for (const item of items) {
      if (item.check?.kind === kind) return item.check.options;
      const inner = visit(item.items);
      if (inner) return inner;
    }
    return undefined;
  };
  for (const section of template.sections)
    for (const group of section.groups) {
      const found = visit(group.items);
      if (found) return found;
    }
  return {};
}

export class PostLaunchService implements PostLaunch {
  private readonly policy: AddressPolicy;

  constructor(private readonly deps: PostLaunchServiceDeps) {
    this.policy = createAddressPolicy({
      allowPrivate: deps.checks.allowPrivate,
      allowedHosts: deps.checks.allowedHosts,
    });
  }

  /** The window's jobs, relative to T0; starting twice adds nothing. */
  async start(goLiveId: string, t0: number): Promise<void> {
    const goLive = await this.deps.store.getGoLive(goLiveId);
    const plan = goLive?.template.postlaunch;
    if (!goLive || !plan) return;
    const added = await this.deps.jobs.schedule(planPostLaunch(plan, t0).map((job) => toNewJob(goLiveId, job)));
    this.deps.logger.info({ goLiveId, t0, jobs: added }, 'post-launch window planned');
  }

  /**
   * Plans the window of each live go-live that has none: Go live commits Live, then posts the approval line, then
   * plans; a process that died in between left a go-live Live with nothing scheduled (no check-in, no end, the
   * lock held for good). Run at start, before the first tick. Answers how many windows it planned.
   */
  async resume(goLives: readonly GoLive[]): Promise<number> {
    let planned = 0;
    for (const goLive of goLives) {
      if (goLive.status !== 'live' || goLive.liveAt === undefined || !goLive.template.postlaunch) continue;
      if ((await this.deps.jobs.listJobs(goLive.id)).length > 0) continue;
      await this.start(goLive.id, goLive.liveAt);
      planned += 1;
    }
    return planned;
  }

  /** What the scheduler runs, by job kind. */
  handlers(): Record<string, JobHandler> {
    return {
      preflight: (job) => this.preflight(job),
      checkin: (job, ctx) => this.checkIn(job, ctx),
      escalate: (job, ctx) => this.escalate(job, ctx),
      end: (job, ctx) => this.end(job, ctx),
    };
  }

  /** A job that keeps failing is reported once in its thread. */
  async reportParked(job: ClaimedJob, error: string): Promise<void> {
    const goLive = await this.deps.store.getGoLive(job.goLiveId);
    if (!goLive) return;
    const what =
      job.kind === 'checkin'
        ? 'a check-in'
        : job.kind === 'escalate'
          ? 'an escalation'
          : job.kind === 'end'
            ? 'the end of the window'
            : 'the pre-flight';
    await this.deps.notifier.postInThread(goLive, {
      type: 'parked',
      service: goLive.service,
      environment: goLive.environment,
      what,
      attempts: job.attempts,
      error,
    });
  }

  /** The live go-live a job belongs to with its plan, or nothing when it ended (its job then does nothing). */
  private async window(goLiveId: string): Promise<{ goLive: GoLive; plan: PostLaunchPlan } | undefined> {
    const goLive = await this.deps.store.getGoLive(goLiveId);
    const plan = goLive?.template.postlaunch;
    if (!goLive || !plan || !isActive(goLive.status)) return undefined;
    return { goLive, plan };
  }

  private level(goLive: GoLive, plan: PostLaunchPlan, index: number): Level {
    const role = escalationRole(plan, index) ?? onCallRole(plan) ?? '';
    return { role, label: goLive.template.roles[role]?.label ?? role, mentions: [...(goLive.roles[role] ?? [])] };
  }

  private levels(goLive: GoLive, plan: PostLaunchPlan): Level[] {
    return plan.escalation.map((_, i) => this.level(goLive, plan, i));
  }

  private async preflight(job: ClaimedJob): Promise<void> {
    const open = await this.window(job.goLiveId);
    if (!open) return;
    const { goLive, plan } = open;
    const { t0 } = job.payload as WindowPayload;
    const levels = this.levels(goLive, plan);
    const unassigned = new Set(unassignedLevels(plan, goLive.roles));
    const checkIns = (await this.deps.jobs.listJobs(goLive.id)).filter((j) => j.kind === 'checkin').length;
    deliveredOrThrow(
      await this.deps.notifier.postInThread(goLive, {
        type: 'preflight',
        service: goLive.service,
        environment: goLive.environment,
        t0,
        endsAt: t0 + plan.durationMs,
        ackWithinMs: plan.ackWithinMs,
        checkIns,
        levels,
        unassigned: levels.filter((l) => unassigned.has(l.role)),
      }),
      'the pre-flight post',
    );
  }

  private async checkIn(job: ClaimedJob, ctx: JobContext): Promise<void> {
    const open = await this.window(job.goLiveId);
    if (!open) return;
    const { goLive, plan } = open;
    const payload = job.payload as CheckInPayload;
    const spec = plan.checkins[payload.checkin];
    if (!spec) return;
    await ctx.step('post', async () => {
      const results = await this.runCheckInChecks(goLive, spec.checks);
      // The checks take seconds: a roll back meanwhile means this check-in never posts.
      if (!(await this.window(goLive.id))) return;
      const view: CheckInView = {
        id: job.id,
        service: goLive.service,
        environment: goLive.environment,
        text: spec.text ?? `Checks: ${spec.checks.join(', ')}`,
        dueAt: job.dueAt,
        postedAt: ctx.now,
        ...(ctx.lateMs !== undefined ? { lateMs: ctx.lateMs } : {}),
        replaces: ctx.replaces,
        results,
        onCall: this.level(goLive, plan, 0),
      };
      const ts =
        deliveredOrThrow(
          await this.deps.notifier.postInThread(goLive, { type: 'check-in', checkIn: view }),
          'the check-in post',
        ) ?? '';
      const escalation = escalationSteps(plan, job.id, ctx.now, payload.t0 + plan.durationMs).map((step) =>
        toNewJob(goLive.id, step),
      );
      await this.deps.postLaunch.recordCheckIn(
        {
          id: job.id,
          goLiveId: goLive.id,
          text: view.text,
          dueAt: job.dueAt,
          postedAt: ctx.now,
          ...(ctx.lateMs !== undefined ? { lateMs: ctx.lateMs } : {}),
          replaces: ctx.replaces,
          channelId: goLive.channelId,
          ts,
          results,
          level: 0,
        },
        escalation,
      );
    });
    const posted = await this.deps.postLaunch.getCheckIn(job.id);
    if (!posted || posted.results.length === 0) return;
    await this.deps.postLaunch.applyCheckResults(goLive.id, posted.results, ctx.now);
    await this.deliverNotices(goLive, plan, ctx);
  }

  /** Pings the on-call once per new failure (thread, then each of them directly) and posts each recovery. */
  private async deliverNotices(goLive: GoLive, plan: PostLaunchPlan, ctx: JobContext): Promise<void> {
    const { postLaunch, notifier } = this.deps;
    const { pings, recoveries } = await postLaunch.pendingNotices(goLive.id);
    const onCall = this.level(goLive, plan, 0);
    for (const incident of pings) {
      const message: PostLaunchMessage = {
        type: 'failure',
        service: goLive.service,
        environment: goLive.environment,
        kind: incident.kind,
        summary: incident.summary,
        onCall,
      };
      await ctx.step(`ping:${incident.id}:thread`, async () => {
        deliveredOrThrow(await notifier.postInThread(goLive, message), 'the failure ping');
      });
      await this.directToEach(onCall.mentions, message, `ping:${incident.id}`, ctx);
      await postLaunch.markPinged(incident.id, ctx.now);
    }
    for (const incident of recoveries) await this.postRecovery(goLive, incident, ctx);
  }

  private async postRecovery(goLive: GoLive, incident: Incident, ctx: JobContext): Promise<void> {
    await ctx.step(`recovery:${incident.id}`, async () => {
      deliveredOrThrow(
        await this.deps.notifier.postInThread(goLive, {
          type: 'recovery',
          service: goLive.service,
          environment: goLive.environment,
          kind: incident.kind,
          summary: incident.recoverySummary ?? '',
          failedForMs: (incident.recoveredAt ?? ctx.now) - incident.failedAt,
        }),
        'the recovery post',
      );
    });
    await this.deps.postLaunch.markRecoveryPosted(incident.id, ctx.now);
  }

  /** One direct message per person behind the mentions; each a step, so a retry reaches only those not reached. */
  private async directToEach(
    mentions: readonly string[],
    message: PostLaunchMessage,
    stepPrefix: string,
    ctx: JobContext,
  ): Promise<void> {
    const people = await this.deps.notifier.membersOf(mentions);
    for (const userId of people) {
      await ctx.step(`${stepPrefix}:dm:${userId}`, async () => {
        const sent = await this.deps.notifier.direct(userId, message);
        // A person Slack will not message (deactivated, no DM) is logged; only a 429 is waited for.
        if (!sent.ok && sent.retryAfterMs !== undefined)
          throw new RetryLater(sent.retryAfterMs, 'a direct message: rate limited');
        if (!sent.ok) this.deps.logger.warn({ userId, slackError: sent.error }, 'a direct message could not be sent');
      });
    }
  }

  private async escalate(job: ClaimedJob, ctx: JobContext): Promise<void> {
    const open = await this.window(job.goLiveId);
    if (!open) return;
    const { goLive, plan } = open;
    const { checkInId, level } = job.payload as EscalatePayload;
    const moved = await this.deps.postLaunch.escalate(checkInId, level, ctx.now);
    if (moved.status !== 'escalated') return;
    const nobody = nobodyAnswered(plan, level);
    const target = this.level(goLive, plan, level);
    const view = this.checkInView(goLive, plan, moved.checkIn);
    const message: PostLaunchMessage = {
      type: 'escalation',
      service: goLive.service,
      environment: goLive.environment,
      checkIn: view,
      level: target,
      levelIndex: Math.min(level, plan.escalation.length - 1),
      nobodyAnswered: nobody,
      waitedMs: ctx.now - moved.checkIn.postedAt,
      ...(ctx.lateMs !== undefined ? { late: ctx.lateMs } : {}),
    };
    await ctx.step('thread', async () => {
      deliveredOrThrow(await this.deps.notifier.postInThread(goLive, message), 'the escalation');
    });
    if (!nobody) await this.directToEach(target.mentions, message, 'escalation', ctx);
    await ctx.step('update', async () => {
      const updated = await this.deps.notifier.update(moved.checkIn.channelId, moved.checkIn.ts, {
        type: 'check-in',
        checkIn: view,
      });
      if (!updated.ok)
        this.deps.logger.warn(
          { checkInId, slackError: updated.error },
          'the check-in message could not show its escalation',
        );
    });
  }

  private checkInView(goLive: GoLive, plan: PostLaunchPlan, checkIn: CheckIn): CheckInView {
    const view: CheckInView = {
      id: checkIn.id,
      service: goLive.service,
      environment: goLive.environment,
      text: checkIn.text,
      dueAt: checkIn.dueAt,
      postedAt: checkIn.postedAt,
      ...(checkIn.lateMs !== undefined ? { lateMs: checkIn.lateMs } : {}),
      replaces: checkIn.replaces,
      results: checkIn.results,
      onCall: this.level(goLive, plan, 0),
    };
    if (checkIn.level > 0) {
      view.escalatedTo = this.level(goLive, plan, checkIn.level);
      if (nobodyAnswered(plan, checkIn.level)) view.nobodyAnswered = true;
    }
    if (checkIn.ackedBy !== undefined) view.ackedBy = checkIn.ackedBy;
    if (checkIn.ackedAt !== undefined) view.ackedAt = checkIn.ackedAt;
    return view;
  }

  private async end(job: ClaimedJob, ctx: JobContext): Promise<void> {
    const open = await this.window(job.goLiveId);
    if (!open) return;
    const { goLive, plan } = open;
    const { t0 } = job.payload as WindowPayload;
    await ctx.step('summary', async () => {
      const [checkIns, incidents] = await Promise.all([
        this.deps.postLaunch.listCheckIns(goLive.id),
        this.deps.postLaunch.listIncidents(goLive.id),
      ]);
      const summary = summariseWindow(
        checkIns.map((c) => ({ ...c, text: c.text })),
        incidents.map((i) => ({
          kind: i.kind,
          summary: i.summary,
          failedAt: i.failedAt,
          ...(i.recoveredAt !== undefined ? { recoveredAt: i.recoveredAt } : {}),
        })),
      );
      deliveredOrThrow(
        await this.deps.notifier.postInThread(goLive, {
          type: 'summary',
          service: goLive.service,
          environment: goLive.environment,
          t0,
          endedAt: ctx.now,
          summary,
          levels: this.levels(goLive, plan),
        }),
        'the end-of-window summary',
      );
    });
    const ended = await this.deps.postLaunch.endWindow(goLive.id, 'complete', 'golive', ctx.now);
    if (!ended.ok) {
      this.deps.logger.warn({ goLiveId: goLive.id, code: ended.code }, 'the window could not be completed');
      return;
    }
    this.deps.logger.info({ goLiveId: goLive.id, cancelled: ended.cancelled }, 'post-launch window completed');
    this.deps.onEnded?.(goLive.id);
  }

  /** The check-in's checks against the go-live's URL, with the options its checklist gives each kind. */
  private async runCheckInChecks(goLive: GoLive, kinds: readonly CheckKind[]): Promise<CheckResultLine[]> {
    if (kinds.length === 0) return [];
    if (goLive.url === undefined)
      return kinds.map((kind) => ({ kind, status: 'error', summary: 'this go-live has no URL to check' }));
    const requests: CheckRequest[] = kinds.map((kind) => ({
      id: kind,
      kind,
      options: optionsFor(goLive.template, kind),
    }));
    const run = await runChecks(
      requests,
      { url: new URL(goLive.url), ...(goLive.httpUrl ? { httpUrl: new URL(goLive.httpUrl) } : {}) },
      {
        timeoutMs: this.deps.checks.timeoutMs,
        policy: this.policy,
        ...(this.deps.registry ? { checks: this.deps.registry } : {}),
      },
    );
    return run.results.map((r) => ({ kind: r.kind, status: r.status, summary: r.summary }));
  }

  /** Anyone in the channel may acknowledge; the first one is recorded and stops the chain, later ones change nothing. */
  async acknowledge(checkInId: string, userId: string): Promise<AcknowledgeOutcome> {
    const { postLaunch, clock, notifier } = this.deps;
    const result = await postLaunch.acknowledge(checkInId, userId, clock.now());
    if (!result.ok) {
      return {
        ok: false,
        message:
          result.reason === 'ended'
            ? 'this go-live’s post-launch window has ended.'
            : 'that check-in no longer exists.',
      };
    }
    if (!result.changed) return { ok: true, changed: false, checkIn: result.checkIn, updated: false };
    const goLive = await this.deps.store.getGoLive(result.checkIn.goLiveId);
    const plan = goLive?.template.postlaunch;
    if (!goLive || !plan) return { ok: true, changed: true, checkIn: result.checkIn, updated: false };
    const updated = await notifier.update(result.checkIn.channelId, result.checkIn.ts, {
      type: 'check-in',
      checkIn: this.checkInView(goLive, plan, result.checkIn),
    });
    this.deps.logger.info(
      { checkInId, by: userId, afterMs: (result.checkIn.ackedAt ?? 0) - result.checkIn.postedAt },
      'check-in acknowledged',
    );
    return { ok: true, changed: true, checkIn: result.checkIn, updated: updated.ok };
  }

  /** Whether this person may roll back: the deployer, or someone holding one of the escalation roles. */
  async mayRollBack(goLive: GoLive, userId: string): Promise<boolean> {
    if (goLive.startedBy === userId) return true;
    const plan = goLive.template.postlaunch;
    const mentions = (plan?.escalation ?? []).flatMap((role) => goLive.roles[role] ?? []);
    return (await this.deps.notifier.membersOf(mentions)).includes(userId);
  }

  /** Roll back: status Rolled back, pending jobs cancelled, the on-call told (thread and directly), recorded. */
  async rollBack(request: RollBackRequest): Promise<RollBackOutcome> {
    const { store, postLaunch, clock, notifier, logger } = this.deps;
    const reason = request.reason.trim();
    if (reason.length === 0) return { ok: false, message: 'a roll back needs a reason.' };
    if (reason.length > REASON_MAX)
      return { ok: false, message: `the reason is too long (at most ${REASON_MAX} characters).` };
    const goLive = await store.getGoLive(request.goLiveId);
    if (!goLive) return { ok: false, message: 'that go-live no longer exists.' };
    if (!(await this.mayRollBack(goLive, request.userId))) {
      const roles = (goLive.template.postlaunch?.escalation ?? []).map((r) => goLive.template.roles[r]?.label ?? r);
      return {
        ok: false,
        message: `only <@${goLive.startedBy}> (who started it) or the on-call (${roles.join(', ') || 'no roles'}) may roll back this go-live.`,
      };
    }
    const ended = await postLaunch.endWindow(goLive.id, 'roll-back', request.userId, clock.now(), reason);
    if (!ended.ok) {
      const why =
        ended.code === 'ended'
          ? `this go-live has already ended (${goLive.status.replace('_', ' ')}).`
          : 'only a live go-live can be rolled back.';
      return { ok: false, message: why };
    }
    logger.info({ goLiveId: goLive.id, by: request.userId, cancelled: ended.cancelled }, 'go-live rolled back');
    const plan = goLive.template.postlaunch;
    const onCall: Level = plan ? this.level(goLive, plan, 0) : { role: '', label: 'On-call', mentions: [] };
    const message: PostLaunchMessage = {
      type: 'rolled-back',
      service: goLive.service,
      environment: goLive.environment,
      by: request.userId,
      reason,
      onCall,
      cancelled: ended.cancelled,
    };
    const posted = await notifier.postInThread(goLive, message);
    if (!posted.ok)
      logger.warn({ goLiveId: goLive.id, slackError: posted.error }, 'the roll back could not be told in the thread');
    for (const userId of await notifier.membersOf(onCall.mentions)) {
      if (userId === request.userId) continue;
      const sent = await notifier.direct(userId, message);
      if (!sent.ok)
        logger.warn({ userId, slackError: sent.error }, 'the on-call could not be told of the roll back directly');
    }
    this.deps.onEnded?.(goLive.id);
    const current = (await store.getGoLive(goLive.id)) ?? goLive;
    return { ok: true, goLive: current };
  }
}

function toNewJob(goLiveId: string, job: PlannedJob): NewJob {
  return {
    goLiveId,
    kind: job.kind,
    key: job.key,
    series: job.series,
    dueAt: job.dueAt,
    priority: job.priority,
    payload: job.payload,
  };
}
