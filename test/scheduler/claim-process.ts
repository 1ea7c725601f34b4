// A Golive process for the lease test: it opens the database file, ticks its scheduler once at the clock time it
// is given, and its job never finishes: it reports "claimed" over IPC and waits to be killed holding the lease.
import { Writable } from 'node:stream';
import { openSqliteStore } from '../../db/sqlite-store.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';

const [file, nowText] = process.argv.slice(2);
if (!file || !nowText) throw new Error('usage: claim-process <file> <now>');
const now = Number(nowText);
const store = openSqliteStore({ file, clock: { now: () => now } });
const scheduler = new Scheduler({
  jobs: store.jobs,
  clock: { now: () => now },
  tickMs: 15_000,
  owner: `doomed-${process.pid}`,
  handlers: {
    test: async (job) => {
      process.send?.({ claimed: job.key });
      await new Promise(() => undefined);
    },
  },
  logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
  metrics: createMetrics(),
});
void scheduler.tick();
