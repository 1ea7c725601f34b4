// Composition root: config → logger → store → templates → Slack app (with /health/* on the same port).
// SIGTERM/SIGINT stop the app first (no new requests, work in flight, pending renders), then the Slack probe,
// then close the store (src/shutdown.ts: a second signal or a stop past its deadline exits at once).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { systemClock } from './clock.js';
import type { ClockTimer } from './clock.js';
import { formatConfigProblems, loadConfig } from './config.js';
import type { Config, Env } from './config.js';
import { healthRoutes } from './health/routes.js';
import { SlackReachabilityMonitor } from './health/slack-reachability.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { metrics as processMetrics } from './metrics.js';
import type { GoliveMetrics } from './metrics.js';
import { openSqliteStore } from '../db/sqlite-store.js';
import type { SqliteStore } from '../db/sqlite-store.js';
import { formatTemplateErrors, loadTemplates } from './templates/loader.js';
import { createSlackApp } from './slack/app.js';
import { cronTicker } from './scheduler/cron-ticker.js';
import type { Ticker } from './scheduler/cron-ticker.js';
import { Scheduler } from './scheduler/scheduler.js';
import type { SlackApp } from './slack/app.js';
import { stopOnSignals } from './shutdown.js';

export interface GoliveDeps {
  clock?: ClockTimer;
  logger?: Logger;
  metrics?: GoliveMetrics;
  /** Drives the scheduler's ticks; node-cron every GOLIVE_TICK unless a test brings its own. */
  ticker?: Ticker;
}

export interface RunningGolive {
  config: Config;
  /** The SQLite store (the CLI and tests reach its jobs and post-launch records through it). */
  store: SqliteStore;
  logger: Logger;
  slack: SlackApp;
  /** Runs the scheduled work (the post-launch window) every GOLIVE_TICK. */
  scheduler: Scheduler;
  /** The port /slack/events and /health/* listen on (the bound one when PORT is 0). */
  port: number;
  /** Stops the scheduler (its leases given back), then the Slack app, then closes the store; safe to call twice. */
  stop(): Promise<void>;
}

/** Expected start failures are values: the message is what the operator reads on stderr. */
export type StartGoliveResult = { ok: true; golive: RunningGolive } | { ok: false; reason: string };

export async function startGolive(config: Config, deps: GoliveDeps = {}): Promise<StartGoliveResult> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger({ level: config.logLevel });

  const templates = loadTemplates(config.templatesDir !== undefined ? { dir: config.templatesDir } : {});
  if (!templates.ok) {
    return { ok: false, reason: `golive: cannot start: a checklist template is invalid\n${formatTemplateErrors(templates.errors).trimEnd()}` };
  }

  let store: SqliteStore;
  try {
    store = openSqliteStore({
      file: config.databaseFile,
      clock,
      onCheckpointFailure: (error) => logger.error({ err: error }, 'WAL checkpoints fell back into commits: the checkpoint worker failed'),
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: `golive: cannot start: DATABASE_URL ${JSON.stringify(config.databaseFile)} cannot be opened (${why}): check the path and its permissions` };
  }
  // A file that opens but refuses writes would give a bot that acks and saves nothing: refuse it now.
  if (!(await store.isWritable())) {
    await store.close();
    return {
      ok: false,
      reason: `golive: cannot start: DATABASE_URL ${JSON.stringify(config.databaseFile)} is read-only: make the file, its directory and any -wal/-shm files beside it writable by the user running Golive, or set DATABASE_URL to a writable path`,
    };
  }
  const metrics = deps.metrics ?? processMetrics;
  // The scheduler needs the Slack app's handlers and the routes need the scheduler: bound once both exist.
  const bound: { scheduler?: Scheduler } = {};
  let slack: SlackApp | undefined;
  // The start's own auth.test is the first answer; after it, one probe a minute in the background.
  const slackReachability = new SlackReachabilityMonitor({
    probe: () => (slack ? slack.app.client.auth.test() : Promise.reject(new Error('not started'))),
    clock,
    logger: logger.child({ component: 'slack-probe' }),
    gauge: metrics.slackReachable,
  });
  const customRoutes = healthRoutes({
    store,
    clock,
    metrics,
    logger,
    schedulerLagMs: () => bound.scheduler?.lagMs() ?? 0,
    schedulerJobs: () => store.jobs.countByState(),
    slackReachability: () => slackReachability.current(),
  });
  try {
    slack = createSlackApp({ config, store, jobs: store.jobs, postLaunch: store.postLaunch, templates: templates.registry, logger, clock, customRoutes, metrics });
    await slack.start();
  } catch (err) {
    await slack?.stop().catch(() => undefined);
    await store.close();
    const reason = startFailure(err, config);
    if (reason === undefined) throw err;
    return { ok: false, reason: `golive: cannot start: ${reason}` };
  }
  const postLaunch = slack.services.postLaunch;
  const jobs = new Scheduler({
    jobs: store.jobs,
    clock,
    ticker: deps.ticker ?? cronTicker(() => clock.now()),
    tickMs: config.tickMs,
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    handlers: postLaunch.handlers(),
    onParked: (job, error) => postLaunch.reportParked(job, error),
    logger: logger.child({ component: 'scheduler' }),
    metrics,
  });
  bound.scheduler = jobs;
  jobs.start();
  slackReachability.record(true);
  slackReachability.start();
  const mode = config.slack.appToken !== undefined ? 'socket' : 'http';
  const port = slack.port();
  logger.info({ mode, port, database: config.databaseFile, templates: templates.registry.list().map((t) => t.id) }, 'golive started');

  let stopping: Promise<void> | undefined;
  const running = slack;
  return {
    ok: true,
    golive: {
      config,
      store,
      logger,
      slack: running,
      scheduler: jobs,
      port,
      stop: () => {
        stopping ??= (async () => {
          try {
            await jobs.stop().catch((err: unknown) => logger.error({ err }, 'stopping the scheduler failed'));
            await running.stop();
            await slackReachability.stop();
          } finally {
            await store.close();
            logger.info('golive stopped');
          }
        })();
        return stopping;
      },
    },
  };
}

const REFUSED_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type', 'missing_scope']);

/** The operator's fix for a start failure they can act on; undefined for anything unexpected (rethrown). */
export function startFailure(err: unknown, config: Config): string | undefined {
  const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; original?: { message?: unknown; cause?: { message?: unknown } } };
  if (e?.code === 'EADDRINUSE') return `PORT ${config.port} is already in use: stop the other process or choose another PORT`;
  if (e?.code === 'EACCES') return `PORT ${config.port} needs more privileges: choose a port above 1023`;
  if (e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string' && REFUSED_TOKEN.has(e.data.error)) {
    const appToken = config.slack.appToken !== undefined ? ' and SLACK_APP_TOKEN (app-level token with connections:write)' : '';
    return `Slack refused the token (${e.data.error}): check SLACK_BOT_TOKEN (the Bot User OAuth Token, xoxb-…)${appToken}; reinstall the app if it was revoked`;
  }
  if (e?.code === 'slack_webapi_request_error') {
    const cause = e.original?.cause?.message ?? e.original?.message;
    const detail = typeof cause === 'string' ? ` (${cause})` : '';
    return `cannot reach the Slack Web API at ${config.slack.apiUrl}${detail}: check SLACK_API_URL, the network and any proxy`;
  }
  if (e?.code === 'slack_webapi_http_error') {
    return `the Slack Web API at ${config.slack.apiUrl} answered HTTP ${String(e.statusCode)}: check SLACK_API_URL`;
  }
  return undefined;
}

/** The process: configuration refused or a bad template → message on stderr, exit code 1, no stack trace. */
export async function main(env: Env = process.env): Promise<void> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    console.error(formatConfigProblems(loaded.problems));
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({ level: loaded.config.logLevel });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    // Socket Mode's route server reports a taken PORT as an 'error' event nobody awaits: say it plainly.
    const reason = startFailure(err, loaded.config);
    if (reason !== undefined) console.error(`golive: cannot start: ${reason}`);
    else logger.fatal({ err }, 'uncaught exception: stopping');
    process.exit(1);
  });

  let started: StartGoliveResult;
  try {
    started = await startGolive(loaded.config, { logger });
  } catch (err) {
    logger.fatal({ err }, 'golive could not start');
    console.error(`golive: cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
    return;
  }
  if (!started.ok) {
    console.error(started.reason);
    process.exitCode = 1;
    return;
  }
  const { golive } = started;
  stopOnSignals({ target: process, stop: () => golive.stop(), clock: systemClock, logger });
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  await main();
}
