// The scheduler's tick (docs/ARCHITECTURE.md: ≤ 10 ms with 10,000 pending jobs over 500 live go-lives; a due job fires ≤ 1
// tick late): an empty tick beside a tick over 10,000 pending jobs (nothing due, then a few due each tick), the
// default 24-hour plan on an injected clock, and how late due jobs fire with node-cron driving a 1 s tick.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../db/sqlite-store.js';
import type { SqliteStore } from '../db/sqlite-store.js';
import type { NewJob } from '../db/job-store.js';
import { planPostLaunch } from '../src/domain/post-launch.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { cronTicker } from '../src/scheduler/cron-ticker.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import type { JobHandler } from '../src/scheduler/scheduler.js';
import { defaultTemplate } from '../src/templates/default.js';

const GO_LIVES = 500;
const JOBS_PER_GO_LIVE = 20;
const TARGET_MS = 10;
const T0 = Date.UTC(2026, 11, 1, 14, 0, 0);
const MINUTE = 60_000;

const silent = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, done) => done() }) });

interface World {
  dir: string;
  store: SqliteStore;
  now: { value: number };
  goLiveIds: string[];
}

async function world(goLives: number): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'golive-bench-sched-'));
  const now = { value: T0 };
  const store = openSqliteStore({ file: join(dir, 'golive.db'), clock: { now: () => now.value } });
  const template = defaultTemplate();
  const goLiveIds: string[] = [];
  for (let i = 0; i < goLives; i++) {
    const started = await store.startGoLive({ service: `svc-${i}`, environment: 'production', channelId: 'C0BENCH', startedBy: 'U0BENCH', roles: {}, template });
    if (!started.ok) throw new Error('start failed');
    goLiveIds.push(started.goLive.id);
  }
  const raw = new Database(join(dir, 'golive.db'));
  raw.prepare(`UPDATE go_lives SET status = 'live'`).run();
  raw.close();
  return { dir, store, now, goLiveIds };
}

function scheduler(w: World, handler: JobHandler, owner = 'bench'): Scheduler {
  const handlers = { bench: handler, preflight: handler, checkin: handler, escalate: handler, end: handler };
  return new Scheduler({ jobs: w.store.jobs, clock: { now: () => w.now.value }, tickMs: 15_000, owner, handlers, logger: silent, metrics: createMetrics() });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function timeTicks(s: Scheduler, count: number, between: () => void = () => undefined): Promise<{ p50: number; p99: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    between();
    const start = performance.now();
    await s.tick();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times.at(-1) ?? NaN };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

export default async function bench(): Promise<void> {
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const noop: JobHandler = async () => undefined;

  const empty = await world(0);
  const emptyTick = await timeTicks(scheduler(empty, noop), 500);
  await empty.store.close();
  rmSync(empty.dir, { recursive: true, force: true });

  const busy = await world(GO_LIVES);
  // 20 jobs per go-live spread over the next 24 hours: 10,000 pending.
  const jobs: NewJob[] = busy.goLiveIds.flatMap((goLiveId, g) =>
    Array.from({ length: JOBS_PER_GO_LIVE }, (_, k) => ({ goLiveId, kind: 'bench', key: `j${k}`, series: `s${k}`, dueAt: T0 + MINUTE + ((g * 37 + k * 72) % 1440) * MINUTE, priority: 10, payload: {} })),
  );
  await busy.store.jobs.schedule(jobs);
  const pending = (await busy.store.jobs.countByState()).pending;
  const s = scheduler(busy, noop);
  const idle = await timeTicks(s, 500);
  // Ticks 15 s apart through the first hours: each claims and runs the few jobs that fell due.
  let ran = 0;
  const counting: JobHandler = async () => void (ran += 1);
  const due = await timeTicks(scheduler(busy, counting), 480, () => (busy.now.value += 15_000));
  const perTick = ran / 480;

  console.log(`| tick (target ≤ ${TARGET_MS} ms) | p50 | p99 | max |`);
  console.log(`|---|---|---|---|`);
  console.log(`| empty database | ${fmt(emptyTick.p50)} | ${fmt(emptyTick.p99)} | ${fmt(emptyTick.max)} |`);
  console.log(`| ${pending} pending over ${GO_LIVES} live go-lives, none due | ${fmt(idle.p50)} | ${fmt(idle.p99)} | ${fmt(idle.max)} |`);
  console.log(`| same, ~${perTick.toFixed(1)} due per tick, claimed, run, completed | ${fmt(due.p50)} | ${fmt(due.p99)} | ${fmt(due.max)} |`);
  await busy.store.close();
  rmSync(busy.dir, { recursive: true, force: true });

  // The default template's whole window on an injected clock: the scheduler and store part, no Slack.
  const plan = await world(1);
  const goLiveId = plan.goLiveIds[0] ?? '';
  const planned = planPostLaunch(defaultTemplate().postlaunch ?? { durationMs: 0, ackWithinMs: 0, escalation: [], checkins: [] }, T0);
  await plan.store.jobs.schedule(planned.map((j) => ({ goLiveId, kind: j.kind, key: j.key, series: j.series, dueAt: j.dueAt, priority: j.priority, payload: j.payload })));
  const planScheduler = scheduler(plan, noop);
  const started = performance.now();
  let ticks = 0;
  for (let next = await plan.store.jobs.nextDueAt(); next !== undefined; next = await plan.store.jobs.nextDueAt()) {
    plan.now.value = Math.max(plan.now.value, next);
    await planScheduler.tick();
    ticks++;
  }
  console.log(`default 24-hour plan (${planned.length} jobs) on an injected clock: ${ticks} ticks in ${fmt(performance.now() - started)}`);
  await plan.store.close();
  rmSync(plan.dir, { recursive: true, force: true });

  // Real time: node-cron drives a 1 s tick; 20 jobs fall due at random moments over 8 s.
  const live = await world(4);
  const realNow = () => Date.now();
  const liveStore = openSqliteStore({ file: join(live.dir, 'golive.db'), clock: { now: realNow } });
  const base = Date.now() + 500;
  const dueTimes = Array.from({ length: 20 }, (_, i) => base + Math.floor(((i * 7919) % 8000) + (i % 3) * 13));
  await liveStore.jobs.schedule(dueTimes.map((dueAt, i) => ({ goLiveId: live.goLiveIds[i % 4] ?? '', kind: 'bench', key: `rt${i}`, series: `rt${i}`, dueAt, priority: 10, payload: {} })));
  const lateness: number[] = [];
  const realScheduler = new Scheduler({
    jobs: liveStore.jobs,
    clock: { now: realNow },
    ticker: cronTicker(realNow),
    tickMs: 1000,
    owner: 'bench-realtime',
    handlers: { bench: async (job) => void lateness.push(Date.now() - job.dueAt) },
    logger: silent,
    metrics: createMetrics(),
  });
  realScheduler.start();
  while (lateness.length < dueTimes.length && Date.now() < base + 15_000) await new Promise((r) => setTimeout(r, 100));
  await realScheduler.stop();
  lateness.sort((a, b) => a - b);
  console.log(
    `due jobs fired by node-cron at GOLIVE_TICK=1s (target ≤ 1 tick late): ${lateness.length}/${dueTimes.length}, late by p50 ${lateness[Math.floor(lateness.length / 2)] ?? NaN} ms, max ${lateness.at(-1) ?? NaN} ms`,
  );
  await liveStore.close();
  await live.store.close();
  rmSync(live.dir, { recursive: true, force: true });
}

