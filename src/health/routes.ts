// Golive's own HTTP routes (it follows its own checklist): `/` and the health endpoints, served as Bolt
// customRoutes on PORT in both HTTP and Socket Mode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Clock } from '../clock.js';
import type { Store } from '../../db/store.js';
import type { GoliveMetrics } from '../metrics.js';
import { packageRoot } from '../paths.js';
import { sendHomePage } from './home-page.js';
import type { SlackReachability } from './slack-reachability.js';
import type { Logger } from '../logger.js';

export interface HealthDeps {
  store: Pick<Store, 'isWritable' | 'listActive'>;
  clock: Clock;
  metrics: GoliveMetrics;
  logger?: Logger;
  /** Whether Slack answered the last auth.test (cached: reading it costs no Slack call). */
  slackReachability?: () => SlackReachability;
  /** Milliseconds the scheduler runs behind; 0 until a scheduler reports it. */
  schedulerLagMs?: () => number;
  /** Scheduled jobs by state (pending, claimed, done, failed, parked, cancelled); absent without a scheduler. */
  schedulerJobs?: () => Promise<Record<string, number>>;
  /** When the process started serving (clock time); defaults to now. */
  startedAt?: number;
  version?: string;
}

export interface HealthStatus {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  activeGoLives: number;
  schedulerLagMs: number;
  /** Scheduled jobs by state. */
  jobs: Record<string, number>;
  databaseWritable: boolean;
}

export const packageVersion: string = (
  JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown): void =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

export function healthRoutes(deps: HealthDeps): CustomRoute[] {
  const startedAt = deps.startedAt ?? deps.clock.now();
  const version = deps.version ?? packageVersion;
  const lag = deps.schedulerLagMs ?? (() => 0);

  // A handler must never throw into Bolt's server: a failure is a 500 (or 503 for readiness), logged.
  const guarded =
    (name: string, handler: (res: ServerResponse) => Promise<void> | void, failStatus = 500) =>
    (_req: unknown, res: ServerResponse): void => {
      Promise.resolve()
        .then(() => handler(res))
        .catch((err: unknown) => {
          deps.logger?.error({ err, route: name }, 'health route failed');
          if (!res.headersSent) json(res, failStatus, { status: 'error', reason: 'internal error' });
          else res.end();
        });
    };

  const slackStatus = (): { slack?: { reachable: boolean; checkedAt: string; error?: string } } => {
    const known = deps.slackReachability?.();
    if (known?.reachable === undefined || known.checkedAt === undefined) return {};
    const { reachable, checkedAt, error } = known;
    return {
      slack: { reachable, checkedAt: new Date(checkedAt).toISOString(), ...(error !== undefined ? { error } : {}) },
    };
  };

  const writable = async (): Promise<boolean> => {
    try {
      return await deps.store.isWritable();
    } catch {
      return false;
    }
  };

  return [
    { path: '/', method: 'GET', handler: guarded('home', sendHomePage) },
    {
      path: '/health/ping',
      method: 'GET',
      handler: guarded('ping', (res) => send(res, 200, 'text/plain; charset=utf-8', 'pong')),
    },
    { path: '/health/live', method: 'GET', handler: guarded('live', (res) => json(res, 200, { status: 'live' })) },
    {
      path: '/health/ready',
      method: 'GET',
      handler: guarded(
        'ready',
        async (res) => {
          // Slack's reachability is reported, not judged: without Slack Golive still saves every change and
          // catches its threads up later, so taking it out of a load balancer would only lose requests.
          const slack = slackStatus();
          if (await writable()) json(res, 200, { status: 'ready', ...slack });
          else json(res, 503, { status: 'not ready', reason: 'database is not writable', ...slack });
        },
        503,
      ),
    },
    {
      path: '/health/status',
      method: 'GET',
      handler: guarded('status', async (res) => {
        const [active, databaseWritable, jobs] = await Promise.all([
          deps.store.listActive(),
          writable(),
          deps.schedulerJobs?.() ?? {},
        ]);
        deps.metrics.activeGoLives.set(active.length);
        const body: HealthStatus = {
          status: databaseWritable ? 'ok' : 'degraded',
          version,
          uptimeSeconds: Math.max(0, Math.floor((deps.clock.now() - startedAt) / 1000)),
          activeGoLives: active.length,
          schedulerLagMs: lag(),
          jobs,
          databaseWritable,
        };
        json(res, 200, body);
      }),
    },
    {
      path: '/health/metrics',
      method: 'GET',
      handler: guarded('metrics', async (res) => {
        deps.metrics.activeGoLives.set((await deps.store.listActive()).length);
        deps.metrics.schedulerLagSeconds.set(lag() / 1000);
        send(res, 200, deps.metrics.registry.contentType, await deps.metrics.registry.metrics());
      }),
    },
  ];
}
