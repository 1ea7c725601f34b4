// Whether Slack answered Golive's last `auth.test`, for /health/ready and the golive_slack_reachable gauge. The
// answer is cached and refreshed in the background every interval, so a readiness probe never costs a Slack
// call (a load balancer probing every second would otherwise spend the workspace's rate limit).
import type { Gauge } from 'prom-client';
import type { ClockTimer, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';

export interface SlackReachability {
  /** Undefined until the first answer (or failure) is known. */
  reachable?: boolean;
  /** Clock time of that answer. */
  checkedAt?: number;
  /** Slack's error code (`invalid_auth`…) or why no answer came (`unreachable`), when not reachable. */
  error?: string;
}

export interface SlackReachabilityOptions {
  /** One `auth.test`; rejects when Slack refuses or cannot be reached. */
  probe: () => Promise<unknown>;
  clock: ClockTimer;
  logger: Logger;
  gauge?: Gauge;
  intervalMs?: number;
}

export const SLACK_PROBE_INTERVAL_MS = 60_000;

/** Slack's own error code when it answered, `unreachable` when nothing answered. */
function errorCode(error: unknown): string {
  const e = error as { data?: { error?: unknown } };
  return typeof e?.data?.error === 'string' ? e.data.error : 'unreachable';
}

export class SlackReachabilityMonitor {
  private state: SlackReachability = {};
  private timer: TimerHandle | undefined;
  private probing: Promise<void> | undefined;
  private stopped = false;
  private readonly intervalMs: number;

  constructor(private readonly options: SlackReachabilityOptions) {
    this.intervalMs = options.intervalMs ?? SLACK_PROBE_INTERVAL_MS;
  }

  current(): SlackReachability {
    return { ...this.state };
  }

  /** An answer seen elsewhere (the start's own auth.test): counts as a probe, so none is needed now. */
  record(reachable: boolean, error?: string): void {
    const was = this.state.reachable;
    this.state = { reachable, checkedAt: this.options.clock.now(), ...(error !== undefined ? { error } : {}) };
    this.options.gauge?.set(reachable ? 1 : 0);
    if (was !== undefined && was !== reachable) {
      if (reachable) this.options.logger.info('Slack answers again');
      else this.options.logger.warn({ slackError: error }, 'Slack does not answer auth.test');
    }
  }

  /** Probes every interval from now on (the first one an interval from now). */
  start(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.arm();
  }

  /** One probe now; resolves once its answer is recorded. */
  refresh(): Promise<void> {
    this.probing ??= this.options
      .probe()
      .then(
        () => this.record(true),
        (error: unknown) => this.record(false, errorCode(error)),
      )
      .finally(() => {
        this.probing = undefined;
      });
    return this.probing;
  }

  /** No more probes; waits for one in flight, so nothing runs after the process stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.probing;
  }

  private arm(): void {
    this.timer = this.options.clock.setTimeout(() => {
      void this.refresh().then(() => {
        if (!this.stopped) this.arm();
      });
    }, this.intervalMs);
  }
}
