// The durable scheduler: every tick claims due jobs in one transaction (a lease), runs each go-live's jobs in
// order, and settles each one: done, retried with backoff, parked after too many failures (reported once), or
// put back untouched until a Slack 429's Retry-After has passed. Time comes from the Clock port; node-cron (or a test) drives the ticks.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { GoliveMetrics } from '../metrics.js';
import { lateness } from '../domain/post-launch.js';
import type { ClaimedJob, JobState, JobStore } from '../../db/job-store.js';
import type { Ticker } from './cron-ticker.js';

/** Thrown by a job that must wait (Slack answered 429): it runs again after `retryAfterMs`, no attempt counted. */
export class RetryLater extends Error {
  constructor(
    readonly retryAfterMs: number,
    message = 'rate limited',
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

export interface JobContext {
  now: number;
  /** How late the job fires, when it is later than a tick's normal delay (downtime, a backlog). */
  lateMs?: number;
  /** Earlier repeats of its series that were due too and are folded into this run. */
  replaces: number;
  /**
   * Runs `work` once across attempts: a step an earlier attempt finished is skipped, so a retry after a failure
   * half-way does not post twice. The step is recorded when `work` resolves.
   */
  step(name: string, work: () => Promise<void>): Promise<void>;
}

export type JobHandler = (job: ClaimedJob, ctx: JobContext) => Promise<void>;

export interface SchedulerOptions {
  jobs: JobStore;
  clock: Clock;
  /** Drives start() (node-cron in the process); without one only tick() runs (tests drive it). */
  ticker?: Ticker;
  tickMs: number;
  /** Who holds the leases this process takes (unique per process). */
  owner: string;
  handlers: Readonly<Record<string, JobHandler>>;
  /** Told once when a job is parked (it will not be tried again). */
  onParked?: (job: ClaimedJob, error: string) => Promise<void>;
  logger: Logger;
  metrics: GoliveMetrics;
  /** How long a claim holds; a job still claimed after it is someone else's to run. Default 5 minutes. */
  leaseMs?: number;
  /** Failures before a job is parked. Default 5. */
  maxAttempts?: number;
  /** First retry delay, doubled each time up to `maxBackoffMs`. Defaults 30 s and 15 min. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Jobs claimed per tick. Default 200. */
  batch?: number;
}

export interface TickReport {
  claimed: number;
  ran: number;
  retried: number;
  parked: number;
  cancelled: number;
  collapsed: number;
  /** True when the tick did not run because the previous one had not finished. */
  skipped?: boolean;
}

const DEFAULTS = { leaseMs: 5 * 60_000, maxAttempts: 5, backoffMs: 30_000, maxBackoffMs: 15 * 60_000, batch: 200 };

export class Scheduler {
  private readonly options: SchedulerOptions & typeof DEFAULTS;
  private stopTimer: (() => void) | undefined;
  private running: Promise<TickReport> | undefined;
  private stopping = false;
  private lastTickAt: number | undefined;
  private lastLagMs = 0;

  constructor(options: SchedulerOptions) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Ticks every `tickMs` through the timer until stop(). */
  start(): void {
    const { ticker, tickMs, logger } = this.options;
    if (!ticker) throw new Error('the scheduler needs a ticker to start on its own');
    this.stopping = false;
    this.stopTimer = ticker.every(tickMs, () => {
      this.tick().catch((err: unknown) => logger.error({ err }, 'a scheduler tick failed'));
    });
  }

  /** How far behind the scheduler runs: the oldest due job's wait at the last tick, or the ticks that did not come. */
  lagMs(): number {
    const { clock, tickMs } = this.options;
    const silence = this.lastTickAt === undefined ? 0 : Math.max(0, clock.now() - this.lastTickAt - 2 * tickMs);
    return Math.max(this.lastLagMs, silence);
  }

  jobsByState(): Promise<Record<JobState, number>> {
    return this.options.jobs.countByState();
  }

  /** One tick: claim, run, settle. A tick while the previous one still runs is skipped (counted as lag). */
  tick(): Promise<TickReport> {
    if (this.running)
      return Promise.resolve({ claimed: 0, ran: 0, retried: 0, parked: 0, cancelled: 0, collapsed: 0, skipped: true });
    const run = this.runTick().finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async runTick(): Promise<TickReport> {
    const { jobs, clock, owner, leaseMs, batch, metrics } = this.options;
    const now = clock.now();
    this.lastTickAt = now;
    metrics.schedulerTicks.inc();
    const claim = await jobs.claimDue({ now, owner, leaseMs, limit: batch });
    this.lastLagMs = claim.oldestDueAt === undefined ? 0 : Math.max(0, now - claim.oldestDueAt);
    metrics.schedulerLagSeconds.set(this.lastLagMs / 1000);
    const report: TickReport = {
      claimed: claim.jobs.length,
      ran: 0,
      retried: 0,
      parked: 0,
      cancelled: claim.cancelled,
      collapsed: claim.collapsed,
    };
    if (claim.cancelled > 0) metrics.schedulerJobs.inc({ outcome: 'cancelled' }, claim.cancelled);
    if (claim.collapsed > 0) metrics.schedulerJobs.inc({ outcome: 'collapsed' }, claim.collapsed);
    // Each go-live's jobs in order (its last check-ins before its summary); go-lives side by side.
    const byGoLive = new Map<string, ClaimedJob[]>();
    for (const job of claim.jobs) byGoLive.set(job.goLiveId, [...(byGoLive.get(job.goLiveId) ?? []), job]);
    await Promise.all(
      [...byGoLive.values()].map(async (queue) => {
        for (const [index, job] of queue.entries()) {
          const { outcome, nextDueAt } = this.stopping
            ? { outcome: 'released' as const, nextDueAt: job.dueAt }
            : await this.runJob(job);
          if (outcome === 'done') report.ran += 1;
          if (outcome === 'retried') report.retried += 1;
          if (outcome === 'parked') report.parked += 1;
          if (outcome === 'done' || outcome === 'parked') continue;
          if (outcome === 'released') await jobs.retry(job.id, owner, job.dueAt, 'stopped before it ran', false);
          // A job that did not finish holds back the rest of its go-live (never before it), so that order is kept.
          for (const rest of queue.slice(index + 1)) {
            await jobs.retry(
              rest.id,
              owner,
              Math.max(rest.dueAt, nextDueAt ?? rest.dueAt),
              'waiting for an earlier job',
              false,
            );
          }
          return;
        }
      }),
    );
    return report;
  }

  private async runJob(
    job: ClaimedJob,
  ): Promise<{ outcome: 'done' | 'retried' | 'parked' | 'waiting' | 'lost'; nextDueAt?: number }> {
    const { jobs, clock, owner, handlers, logger, metrics, tickMs, leaseMs } = this.options;
    const now = clock.now();
    const handler = handlers[job.kind];
    const log = logger.child({ jobId: job.id, goLiveId: job.goLiveId, kind: job.kind, key: job.key });
    const late = lateness(job.dueAt, now, 2 * tickMs);
    const progress = [...job.progress];
    const ctx: JobContext = {
      now,
      replaces: job.replaces,
      ...(late.late ? { lateMs: late.byMs } : {}),
      step: async (name, work) => {
        if (progress.includes(name)) return;
        await work();
        progress.push(name);
        if (!(await jobs.saveProgress(job.id, owner, progress, clock.now() + leaseMs))) {
          throw new LeaseLost(job.id);
        }
      },
    };
    try {
      if (!handler) throw new Error(`no handler for jobs of kind ${job.kind}`);
      await handler(job, ctx);
      const note = late.late ? `fired ${late.byMs} ms late` : undefined;
      if (!(await jobs.complete(job.id, owner, clock.now(), note))) throw new LeaseLost(job.id);
      metrics.schedulerJobs.inc({ outcome: 'done' });
      log.info({ lateMs: late.late ? late.byMs : 0, replaces: job.replaces }, 'job done');
      return { outcome: 'done' };
    } catch (error) {
      if (error instanceof LeaseLost) {
        log.warn('the lease on a job was lost while it ran: another process has it now');
        return { outcome: 'lost' };
      }
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof RetryLater) {
        const nextDueAt = clock.now() + error.retryAfterMs;
        await jobs.retry(job.id, owner, nextDueAt, message, false);
        metrics.schedulerJobs.inc({ outcome: 'rate_limited' });
        log.warn({ retryAfterMs: error.retryAfterMs }, 'job waits for Slack’s Retry-After');
        return { outcome: 'waiting', nextDueAt };
      }
      if (job.attempts >= this.options.maxAttempts) {
        await jobs.park(job.id, owner, clock.now(), message);
        metrics.schedulerJobs.inc({ outcome: 'parked' });
        log.error({ err: error, attempts: job.attempts }, 'job parked after repeated failures');
        await this.options
          .onParked?.(job, message)
          .catch((err: unknown) => log.error({ err }, 'the parked job could not be reported'));
        return { outcome: 'parked' };
      }
      const delay = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (job.attempts - 1));
      const nextDueAt = clock.now() + delay;
      await jobs.retry(job.id, owner, nextDueAt, message, true);
      metrics.schedulerJobs.inc({ outcome: 'retried' });
      log.warn({ err: error, attempts: job.attempts, retryInMs: delay }, 'job failed: retrying later');
      return { outcome: 'retried', nextDueAt };
    }
  }

  /** Stops ticking, lets the job in hand finish, and gives this process's other leases back. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopTimer?.();
    this.stopTimer = undefined;
    await this.running?.catch(() => undefined);
    await this.options.jobs.release(this.options.owner);
  }
}

class LeaseLost extends Error {
  constructor(id: string) {
    super(`lease on job ${id} lost`);
    this.name = 'LeaseLost';
  }
}
