// Scheduler tests: a real SQLite file per test, a settable clock, a silent logger, and a go-live to hang jobs on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import type { NewJob } from '../../db/job-store.js';
import { createLogger } from '../../src/logger.js';
import type { Logger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import type { GoliveMetrics } from '../../src/metrics.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { JobHandler, SchedulerOptions } from '../../src/scheduler/scheduler.js';
import { newGoLive, testClock } from '../db/fixtures.js';
import type { TestClock } from '../db/fixtures.js';

export const T0 = Date.UTC(2026, 11, 1, 14, 0, 0);
export const TICK = 15_000;

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export function memoryLogger(): { logger: Logger; lines: LogRecord[] } {
  const lines: LogRecord[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

export class SchedulerWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'golive-sched-'));
  readonly file = join(this.dir, 'golive.db');
  readonly clock: TestClock = testClock(T0);
  readonly metrics: GoliveMetrics = createMetrics();
  readonly log = memoryLogger();
  private readonly stores: SqliteStore[] = [];

  open(): SqliteStore {
    const store = openSqliteStore({ file: this.file, clock: this.clock });
    this.stores.push(store);
    return store;
  }

  scheduler(
    store: SqliteStore,
    handlers: Record<string, JobHandler>,
    options: Partial<SchedulerOptions> = {},
  ): Scheduler {
    return new Scheduler({
      jobs: store.jobs,
      clock: this.clock,
      tickMs: TICK,
      owner: options.owner ?? `test-${this.stores.length}`,
      handlers,
      logger: this.log.logger,
      metrics: this.metrics,
      ...options,
    });
  }

  async goLive(store: SqliteStore, service = 'checkout-api'): Promise<string> {
    const started = await store.startGoLive(newGoLive({ service }));
    if (!started.ok) throw new Error('could not start a go-live');
    return started.goLive.id;
  }

  async close(): Promise<void> {
    for (const store of this.stores) await store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function job(goLiveId: string, key: string, dueAt: number, extra: Partial<NewJob> = {}): NewJob {
  return { goLiveId, kind: 'test', key, series: key, dueAt, priority: 10, payload: {}, ...extra };
}

/** Ticks at each next due time until nothing is pending (the clock jumps; nothing sleeps). */
export async function runToEnd(
  world: SchedulerWorld,
  schedulers: Scheduler[],
  store: SqliteStore,
  maxTicks = 10_000,
): Promise<number> {
  let ticks = 0;
  for (;;) {
    const next = await store.jobs.nextDueAt();
    if (next === undefined) return ticks;
    if (next > world.clock.now()) world.clock.set(next);
    await Promise.all(schedulers.map((s) => s.tick()));
    if (++ticks > maxTicks) throw new Error('the plan did not finish');
  }
}
