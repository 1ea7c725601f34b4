// /health/* over real HTTP, served by the real Bolt app on PORT in HTTP mode (the app started by startGolive).
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGolive } from '../../src/main.js';
import { systemClock } from '../../src/clock.js';
import { smallTemplate } from '../db/fixtures.js';
import { loadTemplates } from '../../src/templates/loader.js';
import { createAddressPolicy } from '../../src/checks/guard.js';
import { runChecks } from '../../src/checks/runner.js';
import { SLACK_PROBE_INTERVAL_MS } from '../../src/health/slack-reachability.js';
import { Harness } from '../integration/harness.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { ManualClock } from '../support/manual-clock.js';
import { immutableUnsupported, setImmutable } from '../support/immutable.js';
import { postCommand } from '../support/slack-request.js';
import { SIGNING_SECRET, startTestGolive } from './helpers.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

let golive: RunningGolive;
let slack: FakeSlack;
let base: string;
let stop: () => Promise<void>;

beforeEach(async () => {
  ({ golive, slack, base, stop } = await startTestGolive());
});

afterEach(async () => {
  await stop();
});

describe('health endpoints in HTTP mode', () => {
  it('answers ping with pong and live while the process runs', async () => {
    const ping = await fetch(`${base}/health/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('pong');
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'live' });
  });

  it('is ready while the database accepts writes, and 503 once it does not', async () => {
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      slack: { reachable: true, checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    });

    await golive.store.close();
    const notReady = await fetch(`${base}/health/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'not ready', reason: 'database is not writable' });
  });

  const noImmutable = immutableUnsupported();
  it.skipIf(noImmutable !== undefined)(
    `is 503 while the database files refuse writes, and ready again after${noImmutable ? ` (skipped: ${noImmutable})` : ''}`,
    async () => {
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      const file = golive.config.databaseFile;
      // The database and its WAL made immutable while running (the -shm stays: SQLite maps it into memory, and
      // pulling it from under the mapping kills the process instead of failing a write).
      const files = [file, `${file}-wal`];
      setImmutable(files, true);
      try {
        const notReady = await fetch(`${base}/health/ready`);
        expect(notReady.status).toBe(503);
        expect(await notReady.json()).toMatchObject({ status: 'not ready', reason: 'database is not writable' });

        // Every command still gets a private answer: a read answers as usual, a write says the database refused it.
        const send = (text: string) => postCommand(base, SIGNING_SECRET, { text, response_url: slack.responseUrl() });
        expect((await send('start checkout-api production')).status).toBe(200);
        expect((await send('status')).status).toBe(200);
        const answers = await slack.waitFor(
          () => (slack.ephemerals.length >= 2 ? slack.ephemerals.map((e) => e.text ?? '') : undefined),
          15_000,
          'two private answers',
        );
        expect(answers.find((t) => t.includes('cannot save right now'))).toMatch(
          /^Golive: Golive cannot save right now: the database refused the write \(.*SQLITE_(READONLY|IOERR).*\)\. Nothing was changed/,
        );
        expect(answers.some((t) => !t.includes('cannot save'))).toBe(true);
        expect(await golive.store.listActive()).toEqual([]);
      } finally {
        setImmutable(files, false);
      }
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    },
  );

  it('reports version, uptime, active go-lives and scheduler lag', async () => {
    const empty = await fetch(`${base}/health/status`);
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await empty.json()).toMatchObject({
      status: 'ok',
      version: packageJson.version,
      activeGoLives: 0,
      schedulerLagMs: 0,
      databaseWritable: true,
    });

    const templates = loadTemplates();
    if (!templates.ok) throw new Error('default template invalid');
    await golive.store.startGoLive({
      service: 'checkout-api',
      environment: 'production',
      channelId: 'C0DEPLOYS',
      startedBy: 'U0DEPLOYER',
      roles: {},
      template: templates.registry.default,
    });
    const status = (await (await fetch(`${base}/health/status`)).json()) as {
      activeGoLives: number;
      uptimeSeconds: number;
    };
    expect(status.activeGoLives).toBe(1);
    expect(status.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('serves Prometheus metrics with the exposition content type', async () => {
    const res = await fetch(`${base}/health/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE golive_active_go_lives gauge');
    expect(text).toContain('golive_active_go_lives 0');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('serves a page at / saying what Golive is, large enough to compress, naming no version', async () => {
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await home.text();
    expect(html).toContain('<title>Golive</title>');
    expect(html).toContain('Slack bot that runs a production go-live');
    expect(html).toContain('/golive help');
    // nginx compresses from 256 bytes on (deploy/nginx/golive.conf.template, gzip_min_length).
    expect(Buffer.byteLength(html)).toBeGreaterThan(512);
    expect(html).not.toContain(packageJson.version);
    expect(html).not.toMatch(/node|bolt|express/i);
  });

  it('leaves unknown paths to Bolt (404) and refuses unsigned Slack requests', async () => {
    expect((await fetch(`${base}/health/nope`)).status).toBe(404);
    const unsigned = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'command=%2Fgolive&text=help',
    });
    expect(unsigned.status).toBe(401);
  });

  it("passes Golive's own health and metrics checks (it follows its own checklist)", async () => {
    const run = await runChecks(
      [
        {
          id: 'health-endpoints',
          kind: 'health',
          options: { paths: ['/health/ping', '/health/live', '/health/ready', '/health/status', '/health/metrics'] },
        },
        { id: 'prometheus-metrics', kind: 'metrics', options: { path: '/health/metrics' } },
      ],
      { url: new URL(`${base}/`) },
      { timeoutMs: 5000, policy: createAddressPolicy({ allowPrivate: true, allowedHosts: [] }) },
    );
    expect(run.results.map((r) => [r.kind, r.status, r.summary])).toEqual([
      ['health', 'pass', expect.any(String)],
      ['metrics', 'pass', expect.any(String)],
    ]);
  });

  it("reports Slack's reachability from the start's auth.test, without a Slack call per probe", async () => {
    const before = slack.callsOf('auth.test').length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${base}/health/ready`).then((r) => r.json())),
    );
    for (const answer of answers) expect(answer).toMatchObject({ status: 'ready', slack: { reachable: true } });
    expect(slack.callsOf('auth.test').length).toBe(before);
    expect(await (await fetch(`${base}/health/metrics`)).text()).toMatch(/^golive_slack_reachable 1$/m);
  });

  it('refreshes the reachability in the background: a refused auth.test shows, and Golive stays ready', async () => {
    const clock = new ManualClock();
    const probed = await startTestGolive({ clock });
    try {
      probed.slack.failNext('auth.test', 'invalid_auth');
      await clock.advance(SLACK_PROBE_INTERVAL_MS);
      await probed.slack.waitFor(
        () => probed.slack.callsOf('auth.test').length >= 2 || undefined,
        5000,
        'the background auth.test',
      );
      const ready = await Harness.until(async () => {
        const answer = await fetch(`${probed.base}/health/ready`);
        const body = (await answer.json()) as { slack?: { reachable: boolean } };
        return body.slack?.reachable === false ? { status: answer.status, body } : undefined;
      }, 'the refused auth.test in /health/ready');
      expect(ready).toEqual({
        status: 200,
        body: {
          status: 'ready',
          slack: { reachable: false, error: 'invalid_auth', checkedAt: new Date(clock.now()).toISOString() },
        },
      });
      expect(await (await fetch(`${probed.base}/health/metrics`)).text()).toMatch(/^golive_slack_reachable 0$/m);
    } finally {
      await probed.stop();
    }
  });
  it('reports how late the scheduler ran its oldest due job and its jobs by state, in status and metrics', async () => {
    // A standing clock and a ticker that never fires on its own: the test ticks once, by hand.
    const now = Date.UTC(2026, 11, 1, 14, 0, 0);
    const lagging = await startTestGolive({
      clock: { ...systemClock, now: () => now },
      ticker: { every: () => () => undefined },
    });
    try {
      const { golive: app, base: url } = lagging;
      const goLive = await app.store.startGoLive({
        service: 'lagging',
        environment: 'production',
        channelId: 'C0DEPLOYS',
        startedBy: 'U0DEPLOYER',
        roles: {},
        template: smallTemplate(),
      });
      if (!goLive.ok) throw new Error('could not start a go-live');
      await app.store.jobs.schedule([
        {
          goLiveId: goLive.goLive.id,
          kind: 'preflight',
          key: 'late',
          series: 'late',
          dueAt: now - 250,
          priority: 0,
          payload: { t0: now },
        },
      ]);
      expect(await (await fetch(`${url}/health/status`)).json()).toMatchObject({
        schedulerLagMs: 0,
        jobs: { pending: 1, done: 0 },
      });
      await app.scheduler.tick();
      expect(await (await fetch(`${url}/health/status`)).json()).toMatchObject({
        schedulerLagMs: 250,
        jobs: { pending: 0, done: 1, parked: 0 },
      });
      const text = await (await fetch(`${url}/health/metrics`)).text();
      expect(text).toContain('golive_scheduler_lag_seconds 0.25');
      expect(text).toContain('golive_scheduler_ticks_total 1');
      expect(text).toContain('golive_scheduler_jobs_total{outcome="done"} 1');
    } finally {
      await lagging.stop();
    }
  });
});
