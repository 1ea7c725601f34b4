// Automatic checks of a go-live, on demand: refuse what cannot run (no URL, ended, unknown section, a run
// already going), otherwise run after the ack, record each result on its item (Golive ticks or fails it, or
// only attaches evidence to a person's decision), post one summary in the thread and re-render the touched
// messages. Expected refusals are values with a code and the facts; src/slack/words.ts says them.
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
import { isActive } from '../domain/go-live.js';
import type { Actor, CheckRunHolder, Evidence, GoLive } from '../domain/go-live.js';
import { truncate } from '../domain/text.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { ROOT } from './ports.js';
import type { Notifier, Renderer } from './ports.js';
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

/** Why a run did not start, with what the person needs to know to act on it. */
export type CheckRefusal =
  | { ok: false; code: 'not-found' }
  | { ok: false; code: 'not-active' | 'no-url'; goLive: GoLive }
  | { ok: false; code: 'unknown-section'; goLive: GoLive; sectionId: string; sectionsWithChecks: string[] }
  | { ok: false; code: 'no-checks'; goLive: GoLive; sectionTitle?: string }
  | { ok: false; code: 'running'; goLive: GoLive; holder: CheckRunHolder };

export type CheckRunOutcome = { ok: true; started: StartedRun } | CheckRefusal;

/** Which go-live `/golive check <service>` means, or why none: no active one, or several environments. */
export type FindOutcome =
  | { ok: true; goLive: GoLive }
  | { ok: false; code: 'not-found'; service: string }
  | { ok: false; code: 'ambiguous'; service: string; environments: string[] };

export interface CheckServiceDeps {
  store: Store;
  renderer: Renderer;
  notifier: Notifier;
  logger: Logger;
  /** Run times and evidence dates. */
  clock: Clock;
  work: WorkTracker;
  checks: Config['checks'];
  /** The check implementations by kind; the full registry unless a caller narrows it. */
  registry?: Readonly<Partial<Record<CheckKind, Check>>>;
  /** Where each check that ran is counted, by kind and status (the registry /health/metrics serves). */
  metrics?: Pick<GoliveMetrics, 'checkRuns'>;
}

const PRODUCTION = 'production';
const CHECK_RUN_LEASE_MIN_MS = 2 * 60_000;

export class CheckService {
  private readonly policy: AddressPolicy;
  /**
   * How long a run holds its go-live. Checks run in parallel, each within its timeout, so a run lasts about one
   * timeout; the lease only matters when the process died mid-run, and then it frees the go-live after this.
   */
  private readonly leaseMs: number;

  constructor(private readonly deps: CheckServiceDeps) {
    this.leaseMs = Math.max(CHECK_RUN_LEASE_MIN_MS, 10 * deps.checks.timeoutMs);
    this.policy = createAddressPolicy({
      allowPrivate: deps.checks.allowPrivate,
      allowedHosts: deps.checks.allowedHosts,
    });
  }

  /**
   * The active go-live of a service that `/golive check <service>` typed in `channelId` means: production, or the
   * only active one, among those visible from that channel.
   */
  async findForService(service: string, channelId: string): Promise<FindOutcome> {
    const active = await this.deps.store.listActive(service, channelId);
    const production = active.find((g) => g.environment === PRODUCTION);
    if (production) return { ok: true, goLive: production };
    const [only, second] = active;
    if (!only) return { ok: false, code: 'not-found', service };
    if (second) return { ok: false, code: 'ambiguous', service, environments: active.map((g) => g.environment) };
    return { ok: true, goLive: only };
  }

  /** Accepts or refuses a run; an accepted run goes on in the background, tracked so that stop() waits for it. */
  async run(request: CheckRunRequest): Promise<CheckRunOutcome> {
    const goLive = await this.deps.store.getGoLive(request.goLiveId);
    if (!goLive) return { ok: false, code: 'not-found' };
    if (!isActive(goLive.status)) return { ok: false, code: 'not-active', goLive };
    if (!goLive.url) return { ok: false, code: 'no-url', goLive };
    const section =
      request.sectionId === undefined ? undefined : goLive.template.sections.find((s) => s.id === request.sectionId);
    if (request.sectionId !== undefined && !section) {
      const sectionsWithChecks = goLive.template.sections
        .filter((s) => checkRequestsOf(goLive.template, s.id).length > 0)
        .map((s) => s.id);
      return { ok: false, code: 'unknown-section', goLive, sectionId: request.sectionId, sectionsWithChecks };
    }
    const requests = checkRequestsOf(goLive.template, request.sectionId);
    if (requests.length === 0)
      return { ok: false, code: 'no-checks', goLive, ...(section ? { sectionTitle: section.title } : {}) };
    // One run per go-live, held in the database: across processes on one file and across a restart.
    const claim = await this.deps.store.claimCheckRun({
      goLiveId: goLive.id,
      by: request.actor,
      leaseMs: this.leaseMs,
    });
    if (!claim.ok) return { ok: false, code: 'running', goLive, holder: claim.holder };
    const { lease } = claim;
    const at = lease.at;
    // The root shows the run instead of its Run checks button while it lasts.
    this.deps.renderer.refreshRootState(goLive.id);
    const unique = dedupeCheckRequests(requests);
    const finished = this.deps.work.track(
      this.execute(goLive, requests, unique, request.actor, section?.title).finally(async () => {
        await this.deps.store
          .releaseCheckRun(lease)
          .catch((error: unknown) =>
            this.deps.logger.error(
              { err: error, goLiveId: goLive.id },
              'releasing a check run failed; its lease expires on its own',
            ),
          );
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
      const run = await runChecks(
        unique,
        { url: new URL(goLive.url as string), ...(goLive.httpUrl ? { httpUrl: new URL(goLive.httpUrl) } : {}) },
        {
          timeoutMs: this.deps.checks.timeoutMs,
          policy: this.policy,
          ...(this.deps.registry ? { checks: this.deps.registry } : {}),
        },
      );
      for (const ran of run.results)
        (this.deps.metrics ?? processMetrics).checkRuns.inc({ kind: ran.kind, status: ran.status });
      // Each item gets the result of the check that ran for it (one run serves items with the same check).
      const results = requests.map((r): CheckResult => {
        // runChecks answers in request order; dedupe tells whether two requests are the same check.
        const index = unique.findIndex((u) => u.kind === r.kind && dedupeCheckRequests([u, r]).length === 1);
        const ran = run.results[index];
        const result = ran ?? {
          kind: r.kind,
          status: 'error',
          summary: 'the check did not run',
          evidence: {},
          durationMs: 0,
          id: r.id,
        };
        return { ...result, id: r.id };
      });
      const takenAt = clock.now();
      const { touched, unrecorded } = await this.record(goLive, results, takenAt);
      const summaryPosted = await this.deps.notifier.checkSummary(goLive, {
        results,
        ...(sectionTitle !== undefined ? { sectionTitle } : {}),
        by,
        finishedAt: takenAt,
        durationMs: run.durationMs,
      });
      if (touched.size > 0) this.deps.renderer.refresh(goLive.id, [...touched, ROOT]);
      logger.info(
        {
          goLiveId: goLive.id,
          checks: unique.length,
          items: results.length,
          failed: results.filter((r) => r.status === 'fail').length,
          durationMs: run.durationMs,
        },
        'checks run',
      );
      return { results, unrecorded, summaryPosted };
    } catch (error) {
      logger.error({ err: error, goLiveId: goLive.id }, 'a check run failed');
      await this.deps.notifier.checkRunFailed(goLive);
      return undefined;
    }
  }

  /**
   * Records each result on its item; the store applies `evidenceEffect` to the item's state as it is when the
   * result lands (Golive ticks or fails an item under its own name, and only attaches evidence to what a person
   * resolved). Returns the sections touched and the items whose result could not be recorded.
   */
  private async record(
    goLive: GoLive,
    results: readonly CheckResult[],
    takenAt: number,
  ): Promise<{ touched: Set<string>; unrecorded: string[] }> {
    const { store, logger } = this.deps;
    const touched = new Set<string>();
    const unrecorded: string[] = [];
    for (const result of results) {
      const evidence: Evidence = {
        kind: result.kind,
        status: result.status,
        summary: result.summary,
        takenAt,
        details: result.evidence,
      };
      const recorded = await store.recordCheckResult({
        goLiveId: goLive.id,
        itemId: result.id,
        evidence,
        failReason: truncate(result.summary, REASON_MAX_LENGTH),
      });
      if (!recorded.ok) {
        logger.warn(
          { goLiveId: goLive.id, itemId: result.id, reason: recorded.reason },
          'a check result could not be recorded',
        );
        unrecorded.push(result.id);
        continue;
      }
      const sectionId = findItem(goLive.template, result.id)?.sectionId;
      if (recorded.changed && sectionId !== undefined) touched.add(sectionId);
    }
    return { touched, unrecorded };
  }
}
