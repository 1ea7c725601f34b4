// The Bolt app: the HTTP receiver at /slack/events (or Socket Mode when an app token is set), Golive's own
// routes beside it, and the listeners over the services it is given (built by src/main.ts). Listeners ack
// first; the work runs after.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { webApi } from '@slack/bolt';
import type { CustomRoute } from '@slack/bolt';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { toBoltLogger } from '../logger.js';
import { webClientOptions } from './gateway.js';
import type { SlackServices } from './services.js';
import * as itemMenu from './actions/item-menu.js';
import * as runChecks from './actions/run-checks.js';
import * as acknowledge from './actions/acknowledge.js';
import * as rollBack from './actions/roll-back.js';
import * as report from './actions/report.js';
import * as note from './views/note.js';
import * as home from './home.js';
import * as golive from './commands/golive.js';
import { Listeners } from './listeners.js';
import { refuseRequestsOutOfTime } from './request-time.js';
import * as itemReason from './views/item-reason.js';
import * as startModal from './views/start-modal.js';
import * as signOffActions from './actions/signoff.js';
import * as signOffViews from './views/signoff.js';

export interface SlackAppDeps {
  config: Config;
  /** Judges each request's timestamp (requests from more than 5 minutes ahead are refused). */
  clock: Clock;
  logger: Logger;
  services: SlackServices;
  customRoutes?: CustomRoute[];
}

export interface SlackApp {
  app: App;
  /** Starts listening; the services are already running. */
  start(): Promise<void>;
  /** Stops taking requests (safe after a failed start). Work in flight is the caller's to wait for. */
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

/** The Web API client options every WebClient of Golive uses, with Golive's logger. */
export function slackClientOptions(config: Config, logger: Logger): webApi.WebClientOptions {
  return { ...webClientOptions(config.slack.apiUrl), logger: toBoltLogger(logger, 'web-api') };
}

export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const { config, logger, services } = deps;
  const boltLogger = toBoltLogger(logger, 'bolt');
  const clientOptions = slackClientOptions(config, logger);
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
      throw new SlackAppError(
        'SLACK_APP_CONFIG',
        'SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
      );
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

  // Never a stack trace in Slack: listeners answer their own expected failures; anything else ends here.
  app.error(async (error) => {
    logger.error({ err: error, code: error.code }, 'unhandled error in a Slack listener');
  });

  // One Bolt listener per kind of request, routing by id (src/slack/listeners.ts).
  const listeners = new Listeners();
  const modules = [
    golive,
    itemMenu,
    itemReason,
    startModal,
    runChecks,
    acknowledge,
    rollBack,
    signOffActions,
    signOffViews,
    report,
    note,
    home,
  ];
  for (const module of modules) module.register(listeners, services);
  listeners.attach(app, logger);

  let boundPort: number | undefined;
  let started = false;

  return {
    app,
    async start() {
      await app.init();
      started = true;
      if (receiver instanceof HTTPReceiver) {
        const server = await receiver.start(config.port);
        boundPort = (server.address() as AddressInfo).port;
      } else {
        await receiver.start();
        // The receiver listens for its routes without waiting; wait here so that port() is right.
        const server = (receiver as unknown as { httpServer?: Server }).httpServer;
        if (server) {
          if (!server.listening)
            await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
          boundPort = (server.address() as AddressInfo).port;
        }
      }
      logger.info({ mode: socketMode ? 'socket' : 'http', port: boundPort }, 'Slack app started');
    },
    async stop() {
      // Safe after a failed start: only a started receiver is stopped.
      if (!started) return;
      started = false;
      await receiver
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'stopping the Slack receiver failed'));
    },
    port() {
      if (boundPort === undefined) throw new SlackAppError('SLACK_APP_NOT_STARTED', 'the Slack app is not started');
      return boundPort;
    },
  };
}
