// The composition root: config → logger → templates → store → services (with their Slack-side ports) → Slack
// app (with /health/* on the same port) → the scheduler. Stopping runs the other way: the scheduler, no new requests,
// work in flight, pending renders, then the Slack probe, then the store
// (src/shutdown.ts: a second signal or a stop past its deadline exits at once). Nothing else builds a service or a port.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { webApi } from '@slack/bolt';
import type { CustomRoute } from '@slack/bolt';
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
import type { Store } from '../db/store.js';
import type { JobStore } from '../db/job-store.js';
import type { PostLaunchStore } from '../db/post-launch-store.js';
import { formatTemplateErrors, loadTemplates } from './templates/loader.js';
import type { TemplateRegistry } from './templates/loader.js';
import { CheckService } from './services/check-service.js';
import { GoLiveService } from './services/go-live-service.js';
import { PostLaunchService } from './services/post-launch.js';
import { ROOT } from './services/ports.js';
import { cronTicker } from './scheduler/cron-ticker.js';
import type { Ticker } from './scheduler/cron-ticker.js';
import { Scheduler } from './scheduler/scheduler.js';
import { SignOffService } from './services/signoff-service.js';
import { WorkTracker } from './services/work.js';
import { createSlackApp, slackClientOptions } from './slack/app.js';
import type { SlackApp } from './slack/app.js';
import { stopOnSignals } from './shutdown.js';
import { renderError } from './slack/blocks/replies.js';
import { renderRoot } from './slack/blocks/root.js';
import { renderSection } from './slack/blocks/section.js';
import { SlackDirectory } from './slack/directory.js';
import { SlackGateway } from './slack/gateway.js';
import { HomePublisher } from './slack/home-publisher.js';
import { CachedGroupMembers } from './services/group-members.js';
import { SlackPeople } from './slack/people.js';
import { SlackNotifier } from './slack/notifier.js';
import { SlackPostLaunchNotifier } from './slack/post-launch-notifier.js';
import { SlackSignOffNotifier } from './slack/signoff-notifier.js';
import { SlackRenderer } from './slack/renderer.js';
import { UpdateBudget } from './slack/update-budget.js';
import type { UpdateBudgetOptions } from './slack/update-budget.js';
import { tellPrivately } from './slack/respond.js';
import type { SlackServices } from './slack/services.js';
import { renderFailedText } from './slack/words.js';

/** A message is re-rendered once it has been quiet this long (at most 4 windows after its first change). */
export const RENDER_WINDOW_MS = 1000;

export interface GoliveParts {
  config: Config;
  store: Store;
  /** Scheduled work and the post-launch window's records, on the same database as `store`. */
  jobs: JobStore;
  postLaunch: PostLaunchStore;
  templates: TemplateRegistry;
  logger: Logger;
  clock: ClockTimer;
  customRoutes?: CustomRoute[];
  renderWindowMs?: number;
  /** The Slack budget's rate and backoff (Tier 3 and 1 s → 30 s unless said otherwise). */
  slackBudget?: Omit<UpdateBudgetOptions, 'clock'>;
  /** The registry /health/metrics serves (the process-wide one unless a test gives its own). */
  metrics?: GoliveMetrics;
}

/** Golive assembled over a store: the services, the Slack app over them, started and stopped in order. */
export interface ComposedGolive {
  services: SlackServices;
  slackApp: SlackApp;
  /** Starts listening, then re-renders the threads of active go-lives that a crash left behind. */
  start(): Promise<void>;
  /** Stops taking requests, waits for work in flight and pending renders. Does not close the store. */
  stop(): Promise<void>;
  /** The bound port (useful with port 0); throws before start(). */
  port(): number;
}

/** Builds the services and their Slack-side ports over a store, and the Slack app over the services. */
export function composeGolive(parts: GoliveParts): ComposedGolive {
  const { config, store, templates, logger, clock } = parts;
  const slack = new SlackGateway(
    new webApi.WebClient(config.slack.botToken, slackClientOptions(config, logger)),
    logger.child({ component: 'slack' }),
    parts.metrics,
  );
  const work = new WorkTracker();
  const directory = new SlackDirectory(slack);
  const homes = new HomePublisher({
    store,
    jobs: parts.jobs,
    slack,
    logger: logger.child({ component: 'app-home' }),
    clock,
    groups: new CachedGroupMembers(directory, clock),
  });
  const renderer = new SlackRenderer({
    store,
    slack,
    clock,
    messages: {
      root: (view) => {
        // Every change re-renders the root: the moment to refresh the App Home of those concerned.
        homes.changed(view);
        return renderRoot(view, { checksRunning: view.checkRun !== undefined });
      },
      section: (view, sectionId) => renderSection(view, sectionId),
    },
    logger: logger.child({ component: 'renderer' }),
    // One chat.update budget for every go-live of the workspace (this app's bot token).
    budget: new UpdateBudget({ clock, ...parts.slackBudget }),
    windowMs: parts.renderWindowMs ?? RENDER_WINDOW_MS,
    // The change is in the database; the people who made it are told why they do not see it yet.
    onRenderFailed: async (goLiveId, target, error, waiting) => {
      logger.warn(
        { goLiveId, target, slackError: error, waiting: waiting.length },
        'a checklist message could not be updated: telling who waits on it',
      );
      const message = renderError(renderFailedText(error));
      await Promise.all(
        waiting.map((w) =>
          tellPrivately(
            slack,
            logger,
            {
              user: w.userId,
              channel: w.channelId,
              ...(w.threadTs !== undefined ? { threadTs: w.threadTs } : {}),
              ...(w.responseUrl !== undefined ? { responseUrl: w.responseUrl } : {}),
            },
            message,
          ),
        ),
      );
    },
  });
  const postLaunch = new PostLaunchService({
    store,
    jobs: parts.jobs,
    postLaunch: parts.postLaunch,
    notifier: new SlackPostLaunchNotifier(slack, logger.child({ component: 'post-launch' })),
    clock,
    logger: logger.child({ component: 'post-launch' }),
    checks: config.checks,
    // Completed or Rolled back: the root shows it (and loses its buttons).
    onEnded: (goLiveId) => renderer.refresh(goLiveId, [ROOT]),
  });
  const signOffs = new SignOffService({
    store,
    work,
    renderer,
    directory,
    notifier: new SlackSignOffNotifier(slack, logger.child({ component: 'sign-off' })),
    // Go live starts the first 24 hours: the window's jobs are planned from the template snapshot.
    postLaunch,
    clock,
    logger: logger.child({ component: 'sign-off' }),
  });
  const services: SlackServices = {
    store,
    templates,
    logger,
    clock,
    slack,
    renderer,
    work,
    goLives: new GoLiveService({
      store,
      templates,
      renderer,
      directory,
      logger: logger.child({ component: 'go-live' }),
      signOff: signOffs,
    }),
    signOffs,
    checks: new CheckService({
      store,
      renderer,
      notifier: new SlackNotifier(slack, logger.child({ component: 'checks' }), clock),
      logger: logger.child({ component: 'checks' }),
      clock,
      work,
      checks: config.checks,
      ...(parts.metrics ? { metrics: parts.metrics } : {}),
    }),
    postLaunch,
    people: new SlackPeople(slack, clock),
    homes,
  };
  const slackApp = createSlackApp({
    config,
    clock,
    logger,
    services,
    ...(parts.customRoutes !== undefined ? { customRoutes: parts.customRoutes } : {}),
  });

  return {
    services,
    slackApp,
    async start() {
      // Read before the receiver listens: a go-live started from now on renders itself, in order.
      const active = await store.listActive().catch((error: unknown) => {
        logger.error({ err: error }, 'could not list active go-lives to catch their threads up');
        return [];
      });
      const behind = active.map((g) => g.id);
      // Before the scheduler's first tick: a window a crash left unplanned runs, what fell due marked late.
      await postLaunch.resume(active).then(
        (planned) =>
          planned > 0 &&
          logger.warn({ goLives: planned }, 'planned the post-launch windows a stop cut off after Go live'),
        (error: unknown) => logger.error({ err: error }, 'could not plan the post-launch windows a stop cut off'),
      );
      await slackApp.start();
      // Renders a crash cut off are repaired now, not at the next click; unchanged messages cost no Slack call.
      if (behind.length > 0) {
        logger.info({ goLives: behind.length }, 'catching up the threads of active go-lives');
        void renderer.catchUp(behind).then(
          (report) => logger.info(report, 'threads caught up'),
          (error: unknown) => logger.error({ err: error }, 'catching up the threads failed'),
        );
      }
    },
    async stop() {
      await slackApp.stop();
      await work.idle();
      await renderer.stop();
      await homes.stop();
      logger.info('Slack app stopped');
    },
    port: () => slackApp.port(),
  };
}

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
  slack: ComposedGolive;
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
    return {
      ok: false,
      reason: `golive: cannot start: a checklist template is invalid\n${formatTemplateErrors(templates.errors).trimEnd()}`,
    };
  }

  let store: SqliteStore;
  try {
    store = openSqliteStore({
      file: config.databaseFile,
      clock,
      onCheckpointFailure: (error) =>
        logger.error({ err: error }, 'WAL checkpoints fell back into commits: the checkpoint worker failed'),
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      reason: `golive: cannot start: DATABASE_URL ${JSON.stringify(config.databaseFile)} cannot be opened (${why}): check the path and its permissions`,
    };
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
  // The scheduler needs the services' handlers and the routes need the scheduler: bound once both exist.
  const bound: { scheduler?: Scheduler } = {};
  let slack: ComposedGolive | undefined;
  // The start's own auth.test is the first answer; after it, one probe a minute in the background.
  const slackReachability = new SlackReachabilityMonitor({
    probe: () => (slack ? slack.slackApp.app.client.auth.test() : Promise.reject(new Error('not started'))),
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
    slack = composeGolive({
      config,
      store,
      jobs: store.jobs,
      postLaunch: store.postLaunch,
      templates: templates.registry,
      logger,
      clock,
      customRoutes,
      metrics,
    });
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
  logger.info(
    { mode, port, database: config.databaseFile, templates: templates.registry.list().map((t) => t.id) },
    'golive started',
  );

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

const REFUSED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'missing_scope',
]);

/** The operator's fix for a start failure they can act on; undefined for anything unexpected (rethrown). */
export function startFailure(err: unknown, config: Config): string | undefined {
  const e = err as {
    code?: unknown;
    data?: { error?: unknown };
    statusCode?: unknown;
    original?: { message?: unknown; cause?: { message?: unknown } };
  };
  if (e?.code === 'EADDRINUSE')
    return `PORT ${config.port} is already in use: stop the other process or choose another PORT`;
  if (e?.code === 'EACCES') return `PORT ${config.port} needs more privileges: choose a port above 1023`;
  if (
    e?.code === 'slack_webapi_platform_error' &&
    typeof e.data?.error === 'string' &&
    REFUSED_TOKEN.has(e.data.error)
  ) {
    const appToken =
      config.slack.appToken !== undefined ? ' and SLACK_APP_TOKEN (app-level token with connections:write)' : '';
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
