// Every golive_* metric /health/metrics names moves where its event happens, read from the endpoint itself:
// go-lives started, chat.update answered ok / 429 / error, checks run by kind and status, Slack reachable.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGolive } from '../../src/main.js';
import { createMetrics } from '../../src/metrics.js';
import type { GoliveMetrics } from '../../src/metrics.js';
import { tickItem, waitFor } from '../support/bot-process.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { postCommand } from '../support/slack-request.js';
import { SIGNING_SECRET, startTestGolive } from './helpers.js';

const CHANNEL = 'C0METRICS';
/** The scheduler's job metrics count post-launch jobs, which only a go-live that went live has (not this test's). */
const WAITING_FOR_SCHEDULER = new Set([
  'golive_scheduler_ticks_total',
  'golive_scheduler_lag_seconds',
  'golive_scheduler_jobs_total',
]);

let golive: RunningGolive;
let slack: FakeSlack;
let base: string;
let stop: () => Promise<void>;
let metrics: GoliveMetrics;

beforeEach(async () => {
  metrics = createMetrics();
  ({ golive, slack, base, stop } = await startTestGolive({ metrics }));
});
afterEach(() => stop());

/** golive_* samples from /health/metrics: `name{labels}` → value. */
async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/health/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(golive_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match?.[1] && match[2]) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

describe('/health/metrics moves', () => {
  it(
    'counts go-lives, chat.update outcomes, check runs and Slack reachability where they happen',
    { timeout: 60_000 },
    async () => {
      // One go-live, its thread posted.
      const started = await postCommand(base, SIGNING_SECRET, {
        text: 'start checkout-api production https://127.0.0.1:9/',
        user_id: 'U0DEPLOYER',
        channel_id: CHANNEL,
      });
      expect(started.status).toBe(200);
      const goLive = await waitFor(async () => {
        const found = await golive.store.findActive('checkout-api', 'production');
        return found?.rootTs !== undefined && slack.thread(CHANNEL, found.rootTs).length >= 11 ? found : undefined;
      }, 'the thread');
      const section = slack.thread(CHANNEL, goLive.rootTs ?? '')[0];
      if (!section) throw new Error('no section message');

      // chat.update: once refused with 429 (then retried: ok), once refused for good (error).
      slack.rateLimitNext('chat.update', 0);
      expect((await tickItem(base, SIGNING_SECRET, goLive.id, section, 'secret-key', 'U0DANA')).status).toBe(200);
      await waitFor(
        () => slack.callsOf('chat.update').filter((c) => c.error === undefined).length >= 2 || undefined,
        'the tick rendered',
      );
      slack.failNext('chat.update', 'channel_not_found', 5);
      expect((await tickItem(base, SIGNING_SECRET, goLive.id, section, 'debug-disabled', 'U0DANA')).status).toBe(200);
      await waitFor(
        () => slack.callsOf('chat.update').some((c) => c.error === 'channel_not_found') || undefined,
        'the refused render',
      );

      // Checks from Slack: the target refuses connections, so every kind runs and errors or fails.
      expect(
        (
          await postCommand(base, SIGNING_SECRET, {
            text: 'check checkout-api',
            user_id: 'U0DEPLOYER',
            channel_id: CHANNEL,
          })
        ).status,
      ).toBe(200);
      const samples = await waitFor(
        async () => {
          const now = await scrape();
          const checkRuns = [...now.entries()].filter(([name]) => name.startsWith('golive_check_runs_total{'));
          const errors = now.get('golive_slack_chat_update_total{outcome="error"}') ?? 0;
          return checkRuns.length >= 5 && errors > 0 ? now : undefined;
        },
        'the check runs and the refused render in /health/metrics',
        30_000,
      );

      expect(samples.get('golive_active_go_lives')).toBe(1);
      expect(samples.get('golive_slack_reachable')).toBe(1);
      expect(samples.get('golive_slack_chat_update_total{outcome="ok"}')).toBeGreaterThanOrEqual(1);
      expect(samples.get('golive_slack_chat_update_total{outcome="ratelimited"}')).toBe(1);
      expect(samples.get('golive_slack_chat_update_total{outcome="error"}')).toBeGreaterThanOrEqual(1);
      expect(samples.get('golive_check_runs_total{kind="tls-certificate",status="error"}')).toBeGreaterThanOrEqual(1);

      // Every golive_* family the registry names has moved, except the scheduler's, which has nothing to count yet.
      const families = (await metrics.registry.getMetricsAsJSON())
        .map((m) => m.name)
        .filter((name) => name.startsWith('golive_'));
      const unmoved = families.filter(
        (name) =>
          !WAITING_FOR_SCHEDULER.has(name) &&
          ![...samples.entries()].some(([sample, value]) => sample.split('{')[0] === name && value > 0),
      );
      expect(unmoved).toEqual([]);
    },
  );
});
