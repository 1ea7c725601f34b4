// The scheduler's tick (docs/ARCHITECTURE.md: ≤ 10 ms with 10,000 pending jobs over 500 live go-lives; a due job fires ≤ 1
// tick late): a tick over 10,000 pending jobs (nothing due, then six hours of 15 s ticks that claim, run and
// complete what falls due), each interleaved with an empty database's tick as its baseline from the same moments;
// after a warm-up, thousands of ticks, p50/p99/p99.9/max, and for the ticks over the target where their time went
// (on a CPU, waiting for one, blocked, during a GC). Then the default 24-hour plan on an injected clock, and how late
// due jobs fire with node-cron driving a 1 s tick.
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
import { TimeAccounting } from './support/where-time-goes.js';
import type { Timed } from './support/where-time-goes.js';

const GO_LIVES = 500;
const JOBS_PER_GO_LIVE = 20;
/** Jobs due after the measured hours, so that at least 10,000 stay pending while due ones are run. */
const LATER_PER_GO_LIVE = 5;
const TARGET_MS = 10;
const WARM_UP = 300;
const IDLE_TICKS = 3000;
/** Six hours of 15 s ticks. */
const DUE_TICKS = 1440;
const TICK_MS = 15_000;
const T0 = Date.UTC(2026, 11, 1, 14, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

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
    const started = await store.startGoLive({
      service: `svc-${i}`,
      environment: 'production',
      channelId: 'C0BENCH',
      startedBy: 'U0BENCH',
      roles: {},
      template,
    });
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
  return new Scheduler({
    jobs: w.store.jobs,
    clock: { now: () => w.now.value },
    tickMs: TICK_MS,
    owner,
    handlers,
    logger: silent,
    metrics: createMetrics(),
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const share = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;

/**
 * One table row: the tail figures, the mean time on a CPU per tick (schedstat's on-CPU time only moves at
 * scheduler events, so it is exact summed over many ticks, not for one), and where the time of the ticks over the
 * target went: waiting for a CPU (exact: counted when the thread gets one back), on one, or blocked.
 */
function row(label: string, samples: readonly Timed[], clock: TimeAccounting): string {
  const wall = samples.map((t) => t.wallMs).sort((a, b) => a - b);
  const meanCpu = samples.reduce((sum, t) => sum + t.cpuMs, 0) / samples.length;
  const slow = samples.filter((t) => t.wallMs > TARGET_MS);
  let over = '0';
  if (slow.length > 0) {
    const total = slow.reduce((sum, t) => sum + t.wallMs, 0);
    const wait = slow.reduce((sum, t) => sum + t.waitMs, 0);
    const cpu = Math.min(
      total - wait,
      slow.reduce((sum, t) => sum + t.cpuMs, 0),
    );
    over =
      `${slow.length}: ${share(wait, total)} waiting for a CPU, ${share(cpu, total)} on one, ${share(total - wait - cpu, total)} blocked; ` +
      `${slow.filter((t) => clock.duringGc(t)).length} during a GC`;
  }
  const cols = [
    percentile(wall, 0.5),
    percentile(wall, 0.99),
    percentile(wall, 0.999),
    wall.at(-1) ?? NaN,
    meanCpu,
  ].map(fmt);
  return `| ${label} | ${samples.length} | ${cols.join(' | ')} | ${over} |`;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export default async function bench(): Promise<void> {
  const loadBefore = load();
  const noop: JobHandler = async () => undefined;
  const clock = new TimeAccounting();

  const empty = await world(0);
  const busy = await world(GO_LIVES);
  // 20 jobs per go-live spread over the next 24 hours: 10,000 pending.
  const jobs: NewJob[] = busy.goLiveIds.flatMap((goLiveId, g) =>
    Array.from({ length: JOBS_PER_GO_LIVE }, (_, k) => ({
      goLiveId,
      kind: 'bench',
      key: `j${k}`,
      series: `s${k}`,
      dueAt: T0 + MINUTE + ((g * 37 + k * 72) % 1440) * MINUTE,
      priority: 10,
      payload: {},
    })),
  );
  await busy.store.jobs.schedule(jobs);
  const pending = (await busy.store.jobs.countByState()).pending;
  const baseline = scheduler(empty, noop);
  const loaded = scheduler(busy, noop);
  for (let i = 0; i < WARM_UP; i++) {
    await baseline.tick();
    await loaded.tick();
  }
  // Nothing due: the empty database's tick and the loaded one alternate, so machine noise hits both alike.
  const idleBaseline: Timed[] = [];
  const idle: Timed[] = [];
  for (let i = 0; i < IDLE_TICKS; i++) {
    idleBaseline.push(await clock.time(() => baseline.tick()));
    idle.push(await clock.time(() => loaded.tick()));
  }

  // Six hours of 15 s ticks, each claiming and running (a no-op handler) and completing the jobs that fell due.
  await busy.store.jobs.schedule(
    busy.goLiveIds.flatMap((goLiveId, g) =>
      Array.from({ length: LATER_PER_GO_LIVE }, (_, k) => ({
        goLiveId,
        kind: 'bench',
        key: `later${k}`,
        series: `later${k}`,
        dueAt: T0 + 25 * HOUR + g * MINUTE + k,
        priority: 10,
        payload: {},
      })),
    ),
  );
  const pendingBefore = (await busy.store.jobs.countByState()).pending;
  const dueBaseline: Timed[] = [];
  const due: Timed[] = [];
  const running: Timed[] = [];
  let ran = 0;
  for (let i = 0; i < DUE_TICKS; i++) {
    busy.now.value += TICK_MS;
    let report = { ran: 0 };
    const timed = await clock.time(async () => (report = await loaded.tick()));
    due.push(timed);
    if (report.ran > 0) running.push(timed);
    ran += report.ran;
    dueBaseline.push(await clock.time(() => baseline.tick()));
  }
  const pendingAfter = (await busy.store.jobs.countByState()).pending;
  await new Promise((resolve) => setImmediate(resolve));
  clock.stop();

  console.log(`load average ${loadBefore} before, ${load()} after; ${WARM_UP} ticks of each kind first, not counted`);
  console.log(
    `| tick (target ≤ ${TARGET_MS} ms) | ticks | p50 | p99 | p99.9 | max | on a CPU, mean | over ${TARGET_MS} ms: where their time went |`,
  );
  console.log(`|---|---|---|---|---|---|---|---|`);
  console.log(row('empty database (baseline of the next row, alternating with it)', idleBaseline, clock));
  console.log(row(`${pending} pending over ${GO_LIVES} live go-lives, none due`, idle, clock));
  console.log(row('empty database (baseline of the next rows, alternating with them)', dueBaseline, clock));
  console.log(
    row(
      `${pendingBefore} → ${pendingAfter} pending, 15 s apart: ${ran} due jobs claimed, run and completed`,
      due,
      clock,
    ),
  );
  console.log(
    row(`of those, the ticks that ran jobs (${(ran / Math.max(1, running.length)).toFixed(1)} each)`, running, clock),
  );
  await empty.store.close();
  await busy.store.close();
  rmSync(empty.dir, { recursive: true, force: true });
  rmSync(busy.dir, { recursive: true, force: true });

  // The default template's whole window on an injected clock: the scheduler and store part, no Slack.
  const plan = await world(1);
  const goLiveId = plan.goLiveIds[0] ?? '';
  const planned = planPostLaunch(
    defaultTemplate().postlaunch ?? { durationMs: 0, ackWithinMs: 0, escalation: [], checkins: [] },
    T0,
  );
  await plan.store.jobs.schedule(
    planned.map((j) => ({
      goLiveId,
      kind: j.kind,
      key: j.key,
      series: j.series,
      dueAt: j.dueAt,
      priority: j.priority,
      payload: j.payload,
    })),
  );
  const planScheduler = scheduler(plan, noop);
  const started = performance.now();
  let ticks = 0;
  for (let next = await plan.store.jobs.nextDueAt(); next !== undefined; next = await plan.store.jobs.nextDueAt()) {
    plan.now.value = Math.max(plan.now.value, next);
    await planScheduler.tick();
    ticks++;
  }
  console.log(
    `default 24-hour plan (${planned.length} jobs) on an injected clock: ${ticks} ticks in ${fmt(performance.now() - started)}`,
  );
  await plan.store.close();
  rmSync(plan.dir, { recursive: true, force: true });

  // Real time: node-cron drives a 1 s tick; 20 jobs fall due at random moments over 8 s.
  const live = await world(4);
  const realNow = () => Date.now();
  const liveStore = openSqliteStore({ file: join(live.dir, 'golive.db'), clock: { now: realNow } });
  const base = Date.now() + 500;
  const dueTimes = Array.from({ length: 20 }, (_, i) => base + Math.floor(((i * 7919) % 8000) + (i % 3) * 13));
  await liveStore.jobs.schedule(
    dueTimes.map((dueAt, i) => ({
      goLiveId: live.goLiveIds[i % 4] ?? '',
      kind: 'bench',
      key: `rt${i}`,
      series: `rt${i}`,
      dueAt,
      priority: 10,
      payload: {},
    })),
  );
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
