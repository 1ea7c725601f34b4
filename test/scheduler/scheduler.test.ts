// The durable scheduler on a real SQLite file: claims are leases, two instances never run a job twice, a dead
// process's lease is taken over, failures retry with backoff and park once, a 429 waits, ended go-lives' jobs
// never run, missed repeats collapse, stop() gives leases back.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetryLater } from '../../src/scheduler/scheduler.js';
import type { JobHandler } from '../../src/scheduler/scheduler.js';
import type { ClaimedJob } from '../../db/job-store.js';
import { job, runToEnd, SchedulerWorld, T0, TICK } from './support.js';

const M = 60_000;
let world: SchedulerWorld;

beforeEach(() => {
  world = new SchedulerWorld();
});
afterEach(async () => {
  await world.close();
});

/** A handler that records each run (job key and the context it saw) and yields, so that runs interleave. */
function recorder(): {
  runs: { key: string; owner?: string; lateMs?: number; replaces: number }[];
  handler: JobHandler;
} {
  const runs: { key: string; owner?: string; lateMs?: number; replaces: number }[] = [];
  return {
    runs,
    handler: async (claimed: ClaimedJob, ctx) => {
      await nextTurn();
      runs.push({
        key: claimed.key,
        ...(claimed.leaseOwner !== undefined ? { owner: claimed.leaseOwner } : {}),
        ...(ctx.lateMs !== undefined ? { lateMs: ctx.lateMs } : {}),
        replaces: ctx.replaces,
      });
    },
  };
}

describe('claiming and running', () => {
  it('runs each due job once, in due order, and leaves future ones pending', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    await store.jobs.schedule([
      job(goLive, 'b', T0 + 2 * M),
      job(goLive, 'a', T0 + M),
      job(goLive, 'later', T0 + 60 * M),
    ]);
    expect(await store.jobs.schedule([job(goLive, 'a', T0 + M)])).toBe(0);
    const { runs, handler } = recorder();
    const scheduler = world.scheduler(store, { test: handler });

    expect(await scheduler.tick()).toMatchObject({ claimed: 0, ran: 0 });
    world.clock.set(T0 + 2 * M);
    expect(await scheduler.tick()).toMatchObject({ claimed: 2, ran: 2 });
    expect(await scheduler.tick()).toMatchObject({ claimed: 0 });
    expect(runs.map((r) => r.key)).toEqual(['a', 'b']);
    expect(await store.jobs.countByState()).toMatchObject({ pending: 1, done: 2, claimed: 0 });
    expect(world.metrics.schedulerTicks).toBeDefined();
    const ticks = await world.metrics.registry.getSingleMetricAsString('golive_scheduler_ticks_total');
    expect(ticks).toMatch(/golive_scheduler_ticks_total 3/);
    expect(await world.metrics.registry.getSingleMetricAsString('golive_scheduler_jobs_total')).toMatch(
      /outcome="done"} 2/,
    );
  });

  it('two scheduler instances on one database file run every job exactly once', async () => {
    const first = world.open();
    const second = world.open();
    const goLives = await Promise.all(Array.from({ length: 20 }, (_, i) => world.goLive(first, `svc-${i}`)));
    const jobs = goLives.flatMap((g, i) =>
      Array.from({ length: 10 }, (_, k) => job(g, `j${k}`, T0 + ((i * 7 + k * 13) % 50) * M)),
    );
    await first.jobs.schedule(jobs);
    const a = recorder();
    const b = recorder();
    const one = world.scheduler(first, { test: a.handler }, { owner: 'process-a', batch: 7 });
    const two = world.scheduler(second, { test: b.handler }, { owner: 'process-b', batch: 7 });

    // Everything is due at once (a backlog): both instances claim, batch after batch, side by side.
    world.clock.set(T0 + 60 * M);
    await runToEnd(world, [one, two], first);

    const all = [...a.runs, ...b.runs].map((r) => `${r.owner ?? ''}`);
    expect(all).toHaveLength(200);
    expect(a.runs.length).toBeGreaterThan(0);
    expect(b.runs.length).toBeGreaterThan(0);
    const counts = await first.jobs.countByState();
    expect(counts).toMatchObject({ done: 200, pending: 0, claimed: 0 });
    // Every job ran once: 200 runs over 200 distinct (go-live, key) jobs.
    const distinct = new Set<string>();
    for (const g of goLives) for (const j of await first.jobs.listJobs(g)) if (j.state === 'done') distinct.add(j.id);
    expect(distinct.size).toBe(200);
  });

  it('a job held by a process that died is run by another once the lease expires, and only then', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    await store.jobs.schedule([job(goLive, 'held', T0)]);
    // The dead process claimed it and never came back.
    const claimed = await store.jobs.claimDue({ now: T0, owner: 'dead-process', leaseMs: 5 * M, limit: 10 });
    expect(claimed.jobs.map((j) => j.key)).toEqual(['held']);

    const other = world.open();
    const { runs, handler } = recorder();
    const scheduler = world.scheduler(other, { test: handler }, { owner: 'survivor' });
    world.clock.set(T0 + 5 * M - 1);
    expect(await scheduler.tick()).toMatchObject({ claimed: 0 });
    world.clock.set(T0 + 5 * M);
    expect(await scheduler.tick()).toMatchObject({ claimed: 1, ran: 1 });
    expect(runs).toEqual([{ key: 'held', owner: 'survivor', lateMs: 5 * M, replaces: 0 }]);
    // The dead process cannot finish it afterwards: its lease is gone.
    expect(await store.jobs.complete(claimed.jobs[0]?.id ?? '', 'dead-process', T0 + 6 * M)).toBe(false);
    const [row] = await store.jobs.listJobs(goLive);
    expect(row).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('a process SIGKILLed while it runs a job keeps it from nobody: the next process runs it once its lease expires', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    await store.jobs.schedule([job(goLive, 'interrupted', T0)]);
    const child = fork(fileURLToPath(new URL('./claim-process.ts', import.meta.url)), [world.file, String(T0)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [message] = (await once(child, 'message')) as [{ claimed: string }];
    expect(message).toEqual({ claimed: 'interrupted' });
    child.kill('SIGKILL');
    await once(child, 'exit');

    const [held] = await store.jobs.listJobs(goLive);
    expect(held).toMatchObject({ state: 'claimed', leaseOwner: `doomed-${child.pid}`, attempts: 1 });
    const { runs, handler } = recorder();
    const survivor = world.scheduler(store, { test: handler }, { owner: 'survivor' });
    world.clock.set(T0 + 5 * M - 1);
    await survivor.tick();
    expect(runs).toEqual([]);
    world.clock.set(T0 + 5 * M);
    await survivor.tick();
    await survivor.tick();
    expect(runs.map((r) => r.key)).toEqual(['interrupted']);
    expect((await store.jobs.listJobs(goLive))[0]).toMatchObject({ state: 'done', attempts: 2 });
  }, 60_000);

  it('stop() gives this process’s leases back at once, without counting an attempt', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    const other = await world.goLive(store, 'payments');
    await store.jobs.schedule([job(goLive, 'first', T0), job(goLive, 'second', T0 + 1), job(other, 'third', T0)]);
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ran: string[] = [];
    let inHand: () => void = () => undefined;
    const firstStarted = new Promise<void>((resolve) => {
      inHand = resolve;
    });
    const scheduler = world.scheduler(store, {
      test: async (claimed) => {
        ran.push(claimed.key);
        if (claimed.key === 'first') {
          inHand();
          await blocked;
        }
      },
    });
    world.clock.set(T0 + 1);
    const tick = scheduler.tick();
    await firstStarted;
    const stopping = scheduler.stop();
    release();
    await Promise.all([tick, stopping]);
    const rows = [...(await store.jobs.listJobs(goLive)), ...(await store.jobs.listJobs(other))];
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey.first).toMatchObject({ state: 'done' });
    // What the stopping process had claimed but not started is pending again, free for the next process.
    expect(byKey.second).toMatchObject({ state: 'pending', attempts: 0 });
    expect(rows.filter((r) => r.state === 'claimed')).toEqual([]);
    expect(ran).not.toContain('second');
  });
});

describe('failures', () => {
  it('retries with a doubling backoff, then parks the job and reports it once', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    await store.jobs.schedule([job(goLive, 'flaky', T0)]);
    const parked: string[] = [];
    const attempts: number[] = [];
    const scheduler = world.scheduler(
      store,
      {
        test: async (claimed) => {
          attempts.push(world.clock.now() - T0);
          throw new Error(`Slack answered channel_not_found (attempt ${claimed.attempts})`);
        },
      },
      {
        maxAttempts: 4,
        backoffMs: 30_000,
        onParked: async (claimed, error) => void parked.push(`${claimed.key}: ${error}`),
      },
    );
    await runToEnd(world, [scheduler], store);
    expect(attempts).toEqual([0, 30_000, 90_000, 210_000]);
    expect(parked).toEqual(['flaky: Slack answered channel_not_found (attempt 4)']);
    const [row] = await store.jobs.listJobs(goLive);
    expect(row).toMatchObject({
      state: 'parked',
      attempts: 4,
      lastError: 'Slack answered channel_not_found (attempt 4)',
    });
    world.clock.advance(24 * 60 * M);
    expect(await scheduler.tick()).toMatchObject({ claimed: 0 });
    expect(parked).toHaveLength(1);
    expect(await world.metrics.registry.getSingleMetricAsString('golive_scheduler_jobs_total')).toMatch(
      /outcome="retried"} 3[\s\S]*outcome="parked"} 1|outcome="parked"} 1[\s\S]*outcome="retried"} 3/,
    );
  });

  it('a Slack 429 waits for Retry-After without losing the job or counting an attempt', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    await store.jobs.schedule([job(goLive, 'post', T0)]);
    const seen: number[] = [];
    const scheduler = world.scheduler(store, {
      test: async () => {
        seen.push(world.clock.now() - T0);
        if (seen.length === 1) throw new RetryLater(7_000);
      },
    });
    await scheduler.tick();
    expect((await store.jobs.listJobs(goLive))[0]).toMatchObject({ state: 'pending', attempts: 0, dueAt: T0 + 7_000 });
    world.clock.set(T0 + 6_999);
    await scheduler.tick();
    expect(seen).toEqual([0]);
    world.clock.set(T0 + 7_000);
    await scheduler.tick();
    expect(seen).toEqual([0, 7_000]);
    expect((await store.jobs.listJobs(goLive))[0]).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('a job that fails holds back the later jobs of its go-live, so their order is kept', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    await store.jobs.schedule([
      job(goLive, 'checkin', T0, { priority: 10 }),
      job(goLive, 'end', T0, { priority: 100 }),
    ]);
    const ran: string[] = [];
    let fail = true;
    const scheduler = world.scheduler(store, {
      test: async (claimed) => {
        if (claimed.key === 'checkin' && fail) {
          fail = false;
          throw new Error('transport');
        }
        ran.push(claimed.key);
      },
    });
    await runToEnd(world, [scheduler], store);
    expect(ran).toEqual(['checkin', 'end']);
  });

  it('a step finished before a failure is not run again by the retry', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    await store.jobs.schedule([job(goLive, 'two-steps', T0)]);
    const posted: string[] = [];
    let attempt = 0;
    const scheduler = world.scheduler(store, {
      test: async (_claimed, ctx) => {
        attempt += 1;
        await ctx.step('thread', async () => void posted.push('thread'));
        await ctx.step('dm', async () => {
          if (attempt === 1) throw new RetryLater(1000);
          posted.push('dm');
        });
      },
    });
    await runToEnd(world, [scheduler], store);
    expect(posted).toEqual(['thread', 'dm']);
  });
});

describe('ended go-lives and downtime', () => {
  it('jobs of an aborted go-live are cancelled and never run', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    await store.jobs.schedule([job(goLive, 'soon', T0 + M), job(goLive, 'later', T0 + 2 * M)]);
    const { runs, handler } = recorder();
    const scheduler = world.scheduler(store, { test: handler });
    await store.abortGoLive(goLive, 'U0DEPLOYER', 'wrong build');
    world.clock.set(T0 + 3 * M);
    await scheduler.tick();
    expect(runs).toEqual([]);
    expect((await store.jobs.listJobs(goLive)).map((j) => j.state)).toEqual(['cancelled', 'cancelled']);
  });

  it('a job claimed before its go-live ended and whose lease then expired is cancelled, not run', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    await store.jobs.schedule([job(goLive, 'in-flight', T0)]);
    await store.jobs.claimDue({ now: T0, owner: 'dead', leaseMs: M, limit: 10 });
    await store.abortGoLive(goLive, 'U0DEPLOYER', 'stop');
    const { runs, handler } = recorder();
    world.clock.set(T0 + 2 * M);
    expect(await world.scheduler(store, { test: handler }).tick()).toMatchObject({ claimed: 0, cancelled: 1 });
    expect(runs).toEqual([]);
  });

  it('repeats missed while down collapse into one run that says how late it is and how many it replaces', async () => {
    const store = world.open();
    const goLive = await world.goLive(store);
    const hourly = [1, 2, 3, 4].map((h) => job(goLive, `hourly:${h}`, T0 + h * 60 * M, { series: 'hourly' }));
    await store.jobs.schedule([...hourly, job(goLive, 'once', T0 + 90 * M)]);
    const { runs, handler } = recorder();
    const scheduler = world.scheduler(store, { test: handler });
    world.clock.set(T0 + 3 * 60 * M + 20 * M);
    expect(await scheduler.tick()).toMatchObject({ claimed: 2, ran: 2, collapsed: 2 });
    expect(runs.map(({ key, lateMs, replaces }) => ({ key, lateMs, replaces }))).toEqual([
      { key: 'once', lateMs: 110 * M, replaces: 0 },
      { key: 'hourly:3', lateMs: 20 * M, replaces: 2 },
    ]);
    const states = Object.fromEntries((await store.jobs.listJobs(goLive)).map((j) => [j.key, [j.state, j.note]]));
    expect(states).toMatchObject({
      'hourly:1': ['done', 'collapsed into hourly:3'],
      'hourly:2': ['done', 'collapsed into hourly:3'],
      'hourly:4': ['pending', undefined],
    });
    // A job a tick behind is on time: no lateness is claimed for it.
    world.clock.set(T0 + 4 * 60 * M + TICK);
    await scheduler.tick();
    expect(runs.at(-1)).toEqual({ key: 'hourly:4', owner: expect.any(String), replaces: 0 });
    expect(scheduler.lagMs()).toBe(TICK);
  });
});
