// Automatic checks of a go-live, on demand: refuse what cannot run (no URL, ended, unknown section, a run
// already going), otherwise run after the ack, record each result on its item (Golive ticks or fails it, or
// only attaches evidence to a person's decision), post one summary in the thread and re-render the touched
// messages. Expected refusals are values with the sentence to show.
import type { Logger } from 'pino';
import { metrics as processMetrics } from '../metrics.js';
import type { GoliveMetrics } from '../metrics.js';
import type { Store } from '../../db/store.js';
import { createAddressPolicy } from '../checks/guard.js';
import { checkRequestsOf, dedupeCheckRequests } from '../checks/plan.js';
import { runChecks } from '../checks/runner.js';
import type { AddressPolicy, Check, CheckRequest, CheckResult } from '../checks/types.js';
import type { CheckKind } from '../domain/check-kind.js';
import { findItem, REASON_MAX_LENGTH } from '../domain/checklist.js';
import { isActive, STATUS_WORDS } from '../domain/go-live.js';
import type { Actor, Evidence, GoLive } from '../domain/go-live.js';
import { sleep } from '../clock.js';
import type { ClockTimer } from '../clock.js';
import type { Config } from '../config.js';
import { renderCheckSummary } from '../slack/blocks/check-summary.js';
import { mention, safeName, slackDate, truncate } from '../slack/blocks/mrkdwn.js';
import type { SlackMessage } from '../slack/blocks/common.js';
import { ROOT } from './ports.js';
import type { Renderer } from './ports.js';
import type { SlackGateway } from './slack-gateway.js';
import type { WorkTracker } from './work.js';

export interface CheckRunRequest {
  goLiveId: string;
  /** Who asked: a Slack user id, or `golive` for a scheduled run. */
  actor: Actor;
  /** Only this section's checks; the whole checklist when absent. */
  sectionId?: string;
}

/** A run that was accepted: it goes on after `run()` returns; `finished` settles when the summary is posted. */
export interface StartedRun {
  goLive: GoLive;
  sectionId?: string;
  by: Actor;
  at: number;
  /** How many checks run (repeats of the same check on several items run once). */
  checks: number;
  /** How many items the results land on. */
  items: number;
  finished: Promise<CheckRunReport | undefined>;
}

export interface CheckRunReport {
  results: CheckResult[];
  /** Items whose result could not be recorded (the go-live ended during the run). */
  unrecorded: string[];
  summaryPosted: boolean;
}

export type CheckRefusal = 'not-found' | 'not-active' | 'no-url' | 'unknown-section' | 'no-checks' | 'running';

export type CheckRunOutcome = { ok: true; started: StartedRun } | { ok: false; reason: CheckRefusal; message: string; goLive?: GoLive };

export type FindOutcome = { ok: true; goLive: GoLive } | { ok: false; reason: 'not-found' | 'ambiguous'; message: string };

export interface CheckServiceDeps {
  store: Store;
  renderer: Renderer;
  slack: SlackGateway;
  logger: Logger;
  /** Run times, evidence dates and the wait after a 429 on posting the summary. */
  clock: ClockTimer;
  work: WorkTracker;
  checks: Config['checks'];
  /** The check implementations by kind; the full registry unless a caller narrows it. */
  registry?: Readonly<Partial<Record<CheckKind, Check>>>;
  /** Where each check that ran is counted, by kind and status (the registry /health/metrics serves). */
  metrics?: Pick<GoliveMetrics, 'checkRuns'>;
}

interface Running {
  by: Actor;
  at: number;
}

const PRODUCTION = 'production';

export class CheckService {
  /** Runs in progress in this process, by go-live id. */
  private readonly running = new Map<string, Running>();
  private readonly policy: AddressPolicy;

  constructor(private readonly deps: CheckServiceDeps) {
    this.policy = createAddressPolicy({ allowPrivate: deps.checks.allowPrivate, allowedHosts: deps.checks.allowedHosts });
  }

  /** Who started the run in progress on this go-live, if one is. */
  runningOn(goLiveId: string): Running | undefined {
    return this.running.get(goLiveId);
  }

  /** The active go-live of a service that `/golive check <service>` means: production, or the only active one. */
  async findForService(service: string): Promise<FindOutcome> {
    const { store } = this.deps;
    const production = await store.findActive(service, PRODUCTION);
    if (production) return { ok: true, goLive: production };
    const active = await store.listActive(service);
    const [only, second] = active;
    if (!only) return { ok: false, reason: 'not-found', message: `no active go-live for \`${safeName(service, 80)}\`.` };
    if (second) {
      const environments = active.map((g) => `\`${safeName(g.environment, 40)}\``).join(', ');
      return {
        ok: false,
        reason: 'ambiguous',
        message: `\`${safeName(service, 80)}\` is going live in ${environments}: use the *Run checks* button in the thread of the one you mean.`,
      };
    }
    return { ok: true, goLive: only };
  }

  /** Accepts or refuses a run; an accepted run goes on in the background, tracked so that stop() waits for it. */
  async run(request: CheckRunRequest): Promise<CheckRunOutcome> {
    const goLive = await this.deps.store.getGoLive(request.goLiveId);
    if (!goLive) return { ok: false, reason: 'not-found', message: 'that go-live no longer exists.' };
    if (!isActive(goLive.status)) {
      return { ok: false, reason: 'not-active', message: `this go-live is ${STATUS_WORDS[goLive.status].toLowerCase()}: checks no longer run on it.`, goLive };
    }
    if (!goLive.url) {
      return { ok: false, reason: 'no-url', message: 'this go-live has no URL: start it with a url to run checks', goLive };
    }
    const section = request.sectionId === undefined ? undefined : goLive.template.sections.find((s) => s.id === request.sectionId);
    if (request.sectionId !== undefined && !section) {
      const withChecks = goLive.template.sections.filter((s) => checkRequestsOf(goLive.template, s.id).length > 0).map((s) => `\`${s.id}\``);
      return {
        ok: false,
        reason: 'unknown-section',
        message: `this checklist has no section \`${safeName(request.sectionId, 63)}\`; sections with checks: ${withChecks.join(', ') || 'none'}.`,
        goLive,
      };
    }
    const requests = checkRequestsOf(goLive.template, request.sectionId);
    if (requests.length === 0) {
      const where = section ? `section *${safeName(section.title, 150)}*` : 'this checklist';
      return { ok: false, reason: 'no-checks', message: `${where} has no automatic checks.`, goLive };
    }
    const holder = this.running.get(goLive.id);
    if (holder) {
      return {
        ok: false,
        reason: 'running',
        message: `checks are already running on this go-live, started by ${mention(holder.by)} ${slackDate(holder.at)}. The summary will appear in the thread; try again when it is there.`,
        goLive,
      };
    }
    // Taken before the first await below, so that two clicks in the same tick cannot both start a run.
    const at = this.deps.clock.now();
    this.running.set(goLive.id, { by: request.actor, at });
    // The root shows the run instead of its Run checks button while it lasts.
    this.deps.renderer.refreshRootState(goLive.id);
    const unique = dedupeCheckRequests(requests);
    const finished = this.deps.work.track(
      this.execute(goLive, requests, unique, request.actor, section?.title).finally(() => {
        this.running.delete(goLive.id);
        this.deps.renderer.refreshRootState(goLive.id);
      }),
    );
    return {
      ok: true,
      started: {
        goLive,
        ...(request.sectionId !== undefined ? { sectionId: request.sectionId } : {}),
        by: request.actor,
        at,
        checks: unique.length,
        items: requests.length,
        finished,
      },
    };
  }

  /** The run itself; never rejects: an unexpected failure is logged and told in the thread. */
  private async execute(
    goLive: GoLive,
    requests: readonly CheckRequest[],
    unique: readonly CheckRequest[],
    by: Actor,
    sectionTitle: string | undefined,
  ): Promise<CheckRunReport | undefined> {
    const { logger, clock } = this.deps;
    try {
      const run = await runChecks(unique, { url: new URL(goLive.url as string), ...(goLive.httpUrl ? { httpUrl: new URL(goLive.httpUrl) } : {}) }, {
        timeoutMs: this.deps.checks.timeoutMs,
        policy: this.policy,
        ...(this.deps.registry ? { checks: this.deps.registry } : {}),
      });
      for (const ran of run.results) (this.deps.metrics ?? processMetrics).checkRuns.inc({ kind: ran.kind, status: ran.status });
      // Each item gets the result of the check that ran for it (one run serves items with the same check).
      const results = requests.map((r): CheckResult => {
        // runChecks answers in request order; dedupe tells whether two requests are the same check.
        const index = unique.findIndex((u) => u.kind === r.kind && dedupeCheckRequests([u, r]).length === 1);
        const ran = run.results[index];
        const result = ran ?? { kind: r.kind, status: 'error', summary: 'the check did not run', evidence: {}, durationMs: 0, id: r.id };
        return { ...result, id: r.id };
      });
      const takenAt = clock.now();
      const { touched, unrecorded } = await this.record(goLive, results, takenAt);
      const summary = renderCheckSummary(results, {
        service: goLive.service,
        environment: goLive.environment,
        ...(sectionTitle !== undefined ? { sectionTitle } : {}),
        by,
        finishedAt: takenAt,
        durationMs: run.durationMs,
      });
      const summaryPosted = await this.post(goLive, summary);
      if (touched.size > 0) this.deps.renderer.refresh(goLive.id, [...touched, ROOT]);
      logger.info(
        { goLiveId: goLive.id, checks: unique.length, items: results.length, failed: results.filter((r) => r.status === 'fail').length, durationMs: run.durationMs },
        'checks run',
      );
      return { results, unrecorded, summaryPosted };
    } catch (error) {
      logger.error({ err: error, goLiveId: goLive.id }, 'a check run failed');
      await this.post(goLive, {
        text: 'The checks could not finish; it is logged.',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: ':warning: The checks could not finish because of an error on my side; it is logged. Try again in a moment.' } }],
      });
      return undefined;
    }
  }

  /**
   * Records each result on its item; the store applies `evidenceEffect` to the item's state as it is when the
   * result lands (Golive ticks or fails an item under its own name, and only attaches evidence to what a person
   * resolved). Returns the sections touched and the items whose result could not be recorded.
   */
  private async record(goLive: GoLive, results: readonly CheckResult[], takenAt: number): Promise<{ touched: Set<string>; unrecorded: string[] }> {
    const { store, logger } = this.deps;
    const touched = new Set<string>();
    const unrecorded: string[] = [];
    for (const result of results) {
      const evidence: Evidence = { kind: result.kind, status: result.status, summary: result.summary, takenAt, details: result.evidence };
      const recorded = await store.recordCheckResult({
        goLiveId: goLive.id,
        itemId: result.id,
        evidence,
        failReason: truncate(result.summary, REASON_MAX_LENGTH),
      });
      if (!recorded.ok) {
        logger.warn({ goLiveId: goLive.id, itemId: result.id, reason: recorded.reason }, 'a check result could not be recorded');
        unrecorded.push(result.id);
        continue;
      }
      const sectionId = findItem(goLive.template, result.id)?.sectionId;
      if (recorded.changed && sectionId !== undefined) touched.add(sectionId);
    }
    return { touched, unrecorded };
  }

  /** Posts in the go-live's thread, once more after a 429's Retry-After. */
  private async post(goLive: GoLive, message: SlackMessage): Promise<boolean> {
    const { slack, logger } = this.deps;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const posted = await slack.postMessage({ channel: goLive.channelId, ...(goLive.rootTs !== undefined ? { threadTs: goLive.rootTs } : {}), ...message });
      if (posted.ok) return true;
      if (posted.kind !== 'rate-limited') break;
      await sleep(this.deps.clock, Math.min(posted.retryAfterMs, 30_000));
    }
    logger.error({ goLiveId: goLive.id }, 'the check summary could not be posted');
    return false;
  }
}
