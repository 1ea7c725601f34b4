// The Bolt app: the HTTP receiver at /slack/events (or Socket Mode when an app token is set), Golive's own
// routes beside it, the listeners, and the services they call. Listeners ack first; the work runs after.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { webApi } from '@slack/bolt';
import type { CustomRoute } from '@slack/bolt';
import type { Store } from '../../db/store.js';
import type { ClockTimer } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { GoliveMetrics } from '../metrics.js';
import { toBoltLogger } from '../logger.js';
import type { TemplateRegistry } from '../templates/loader.js';
import { CheckService } from '../services/check-service.js';
import { GoLiveService } from '../services/go-live-service.js';
import { SlackRenderer } from './renderer.js';
import { UpdateBudget } from './update-budget.js';
import type { UpdateBudgetOptions } from './update-budget.js';
import { SlackGateway, webClientOptions } from '../services/slack-gateway.js';
import { WorkTracker } from '../services/work.js';
import type { SlackMessage } from './blocks/common.js';
import { renderRoot } from './blocks/root.js';
import { renderSection } from './blocks/section.js';
import { renderError } from './blocks/replies.js';
import { tellPrivately } from './respond.js';
import * as itemMenu from './actions/item-menu.js';
import * as runChecks from './actions/run-checks.js';
import { ROOT } from '../services/ports.js';
import * as acknowledge from './actions/acknowledge.js';
import * as rollBack from './actions/roll-back.js';
import { SlackPostLaunchNotifier } from './post-launch-notifier.js';
import { PostLaunchService } from '../services/post-launch.js';
import type { JobStore } from '../../db/job-store.js';
import type { PostLaunchStore } from '../../db/post-launch-store.js';
import * as report from './actions/report.js';
import * as note from './views/note.js';
import * as home from './home.js';
import { HomePublisher } from './home.js';
import { SlackPeople } from './people.js';
import * as golive from './commands/golive.js';
import { refuseRequestsOutOfTime } from './request-time.js';
import * as itemReason from './views/item-reason.js';
import * as startModal from './views/start-modal.js';

/** A message is re-rendered once it has been quiet this long (at most 4 windows after its first change). */
export const RENDER_WINDOW_MS = 1000;

/** What a person whose change could not be shown reads: it is saved, and when it will show. */
export function renderFailedText(error: string): string {
  const code = error.replace(/[^a-z0-9_ -]/gi, '').slice(0, 80) || 'unknown_error';
  return `Your change is saved, but I could not update the checklist message in Slack (\`${code}\`). It will show on the next successful update.`;
}

export interface SlackAppDeps {
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

/** What the listeners call: handed to each `register(app, services)`. */
export interface SlackServices {
  store: Store;
  templates: TemplateRegistry;
  logger: Logger;
  clock: ClockTimer;
  slack: SlackGateway;
  renderer: SlackRenderer;
  goLives: GoLiveService;
  /** Work running after an ack; stop() waits for it. */
  work: WorkTracker;
  /** Automatic checks on demand (Run checks, `/golive check`). */
  checks: CheckService;
  /** The first hours after Go live: its jobs' handlers, Acknowledge, Roll back. */
  postLaunch: PostLaunchService;
  /** People by name (users.info, cached) for records and the App Home. */
  people: SlackPeople;
  /** Each person's App Home, published on opening and refreshed when their go-lives change. */
  homes: HomePublisher;
}

export interface SlackApp {
  app: App;
  services: SlackServices;
  start(): Promise<void>;
  /** Stops taking requests, waits for work in flight and pending renders. Does not close the store. */
  stop(): Promise<void>;
  /** The bound port (useful with port 0); throws before start(). */
  port(): number;
}

export type SlackAppErrorCode = 'SLACK_APP_CONFIG' | 'SLACK_APP_NOT_STARTED';

export class SlackAppError extends Error {
  constructor(
    readonly code: SlackAppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SlackAppError';
  }
}

export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const { config, logger } = deps;
  const boltLogger = toBoltLogger(logger, 'bolt');
  const clientOptions: webApi.WebClientOptions = { ...webClientOptions(config.slack.apiUrl), logger: toBoltLogger(logger, 'web-api') };
  const customRoutes = deps.customRoutes ?? [];
  const socketMode = config.slack.appToken !== undefined && config.slack.appToken.length > 0;

  let receiver: HTTPReceiver | SocketModeReceiver;
  if (socketMode) {
    receiver = new SocketModeReceiver({
      appToken: config.slack.appToken as string,
      logger: toBoltLogger(logger, 'socket-mode'),
      customRoutes,
      installerOptions: { port: config.port, clientOptions },
    });
  } else {
    if (!config.slack.signingSecret) {
      throw new SlackAppError('SLACK_APP_CONFIG', 'SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
    }
    receiver = new HTTPReceiver({
      signingSecret: config.slack.signingSecret,
      endpoints: ['/slack/events'],
      port: config.port,
      customRoutes,
      // The ack goes out first; the listener keeps working after the response.
      processBeforeResponse: false,
      logger: boltLogger,
    });
    refuseRequestsOutOfTime(receiver, deps.clock, logger);
  }

  const app = new App({
    receiver,
    token: config.slack.botToken,
    logger: boltLogger,
    clientOptions,
    // auth.test runs in start(), where a bad token is an error the caller sees, not a stray rejection.
    deferInitialization: true,
    // Golive keeps its state in its store; Bolt's conversation-context middleware would only cost each request.
    convoStore: false,
  });

  const slack = new SlackGateway(app.client, logger.child({ component: 'slack' }), deps.metrics);
  // Built before the services it reads, which exist by the time anything is published.
  const homes = new HomePublisher(() => services);
  const renderer = new SlackRenderer({
    store: deps.store,
    slack,
    messages: {
      // `checks` is declared below (it renders through this renderer); this runs only once both exist.
      root: (view): SlackMessage => {
        // Every change re-renders the root: the moment to refresh the App Home of those concerned.
        homes.changed(view);
        return renderRoot(view, { checksRunning: checks.runningOn(view.goLive.id) !== undefined });
      },
      section: (view, sectionId) => renderSection(view, sectionId),
    },
    logger: logger.child({ component: 'renderer' }),
    clock: deps.clock,
    // One chat.update budget for every go-live of the workspace (this app's bot token).
    budget: new UpdateBudget({ clock: deps.clock, ...deps.slackBudget }),
    windowMs: deps.renderWindowMs ?? RENDER_WINDOW_MS,
    // The change is in the database; the people who made it are told why they do not see it yet.
    onRenderFailed: async (goLiveId, target, error, waiting) => {
      logger.warn({ goLiveId, target, slackError: error, waiting: waiting.length }, 'a checklist message could not be updated: telling who waits on it');
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
  const work = new WorkTracker();
  const checks = new CheckService({ store: deps.store, renderer, slack, logger: logger.child({ component: 'checks' }), clock: deps.clock, work, checks: config.checks, ...(deps.metrics ? { metrics: deps.metrics } : {}) });
  const services: SlackServices = {
    store: deps.store,
    templates: deps.templates,
    logger,
    clock: deps.clock,
    slack,
    renderer,
    goLives: new GoLiveService({ store: deps.store, templates: deps.templates, renderer, slack, logger: logger.child({ component: 'go-live' }) }),
    work,
    checks,
    postLaunch: new PostLaunchService({
      store: deps.store,
      jobs: deps.jobs,
      postLaunch: deps.postLaunch,
      notifier: new SlackPostLaunchNotifier(slack, logger.child({ component: 'post-launch' })),
      clock: deps.clock,
      logger: logger.child({ component: 'post-launch' }),
      checks: config.checks,
      // Completed or Rolled back: the root shows it (and loses its buttons).
      onEnded: (goLiveId) => renderer.refresh(goLiveId, [ROOT]),
    }),
    people: new SlackPeople(slack, deps.clock),
    homes,
  };

  // Never a stack trace in Slack: listeners answer their own expected failures; anything else ends here.
  app.error(async (error) => {
    logger.error({ err: error, code: error.code }, 'unhandled error in a Slack listener');
  });

  golive.register(app, services);
  itemMenu.register(app, services);
  itemReason.register(app, services);
  startModal.register(app, services);
  runChecks.register(app, services);
  acknowledge.register(app, services);
  rollBack.register(app, services);
  report.register(app, services);
  note.register(app, services);
  home.register(app, services);

  let boundPort: number | undefined;
  let started = false;

  return {
    app,
    services,
    async start() {
      await app.init();
      // Read before the receiver listens: a go-live started from now on renders itself, in order.
      const behind = await deps.store.listActive().then(
        (active) => active.map((g) => g.id),
        (error: unknown) => {
          logger.error({ err: error }, 'could not list active go-lives to catch their threads up');
          return [];
        },
      );
      started = true;
      if (receiver instanceof HTTPReceiver) {
        const server = (await receiver.start(config.port)) as Server;
        boundPort = (server.address() as AddressInfo).port;
      } else {
        await receiver.start();
        // The receiver listens for its routes without waiting; wait here so that port() is right.
        const server = (receiver as unknown as { httpServer?: Server }).httpServer;
        if (server) {
          if (!server.listening) await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
          boundPort = (server.address() as AddressInfo).port;
        }
      }
      logger.info({ mode: socketMode ? 'socket' : 'http', port: boundPort }, 'Slack app started');
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
      // Safe after a failed start: only a started receiver is stopped.
      if (started) {
        started = false;
        await receiver.stop().catch((error: unknown) => logger.warn({ err: error }, 'stopping the Slack receiver failed'));
      }
      await services.work.idle();
      await renderer.stop();
      await homes.stop();
      logger.info('Slack app stopped');
    },
    port() {
      if (boundPort === undefined) throw new SlackAppError('SLACK_APP_NOT_STARTED', 'the Slack app is not started');
      return boundPort;
    },
  };
}
