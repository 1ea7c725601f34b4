// Prometheus metrics for /health/metrics: Node's default metrics plus Golive's own. Other modules import
// `metrics` and increment; the registry is what the route renders.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface GoliveMetrics {
  registry: Registry;
  /** Go-lives currently preparing or live (set when scraped and by the services). */
  activeGoLives: Gauge;
  /** Scheduler ticks run. */
  schedulerTicks: Counter;
  /** How late the last tick ran behind its due time, in seconds. */
  schedulerLagSeconds: Gauge;
  /** Scheduled jobs settled, by outcome (`done`, `retried`, `parked`, `rate_limited`, `cancelled`, `collapsed`). */
  schedulerJobs: Counter<'outcome'>;
  /** chat.update calls, by outcome (`ok`, `ratelimited`, `error`). */
  chatUpdates: Counter<'outcome'>;
  /** Automatic check runs, by kind and status (`pass`, `warn`, `fail`, `error`). */
  checkRuns: Counter<'kind' | 'status'>;
  /** 1 when Slack answered the last auth.test, 0 when it did not (src/health/slack-reachability.ts). */
  slackReachable: Gauge;
}

export function createMetrics(): GoliveMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    activeGoLives: new Gauge({
      name: 'golive_active_go_lives',
      help: 'Go-lives currently preparing or live',
      registers,
    }),
    schedulerTicks: new Counter({ name: 'golive_scheduler_ticks_total', help: 'Scheduler ticks run', registers }),
    schedulerLagSeconds: new Gauge({
      name: 'golive_scheduler_lag_seconds',
      help: 'How late the last scheduler tick ran',
      registers,
    }),
    schedulerJobs: new Counter({
      name: 'golive_scheduler_jobs_total',
      help: 'Scheduled jobs settled, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    chatUpdates: new Counter({
      name: 'golive_slack_chat_update_total',
      help: 'chat.update calls made',
      labelNames: ['outcome'],
      registers,
    }),
    checkRuns: new Counter({
      name: 'golive_check_runs_total',
      help: 'Automatic check runs',
      labelNames: ['kind', 'status'],
      registers,
    }),
    slackReachable: new Gauge({
      name: 'golive_slack_reachable',
      help: 'Whether Slack answered the last auth.test (1) or not (0)',
      registers,
    }),
  };
}

/** The process-wide metrics: one registry per process, as Prometheus scrapes one endpoint. */
export const metrics: GoliveMetrics = createMetrics();
