// The click's own commit, timed on the store: the same clicks (claim + item change + audit event, one
// transaction) against two files, one with SQLite's auto-checkpoint inside commits (the old way) and one with the
// checkpoint in the store's worker thread. Chunks alternate between the two so machine noise hits both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';
import { flattenItems } from '../../src/domain/checklist.js';
import type { GoLive } from '../../src/domain/go-live.js';
import { loadTemplates } from '../../src/templates/loader.js';

export interface CommitTail {
  mode: 'inline' | 'worker';
  clicks: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

const CLICKS = 20_000;
const CHUNKS = 10;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export async function commitTails(): Promise<CommitTail[]> {
  const loaded = loadTemplates();
  if (!loaded.ok) throw new Error('templates do not load');
  const template = loaded.registry.default;
  const dir = mkdtempSync(join(tmpdir(), 'golive-commit-'));
  const modes = ['inline', 'worker'] as const;
  const runs: { mode: (typeof modes)[number]; store: SqliteStore; goLive: GoLive; times: number[]; k: number }[] = [];
  try {
    for (const mode of modes) {
      const store = openSqliteStore({ file: join(dir, `${mode}.db`), clock: systemClock, walCheckpoint: mode });
      const started = await store.startGoLive({
        service: 'commit-bench',
        environment: 'production',
        channelId: 'C0BENCH',
        startedBy: 'U0BENCH',
        roles: {},
        template,
      });
      if (!started.ok) throw new Error('the bench go-live did not start');
      runs.push({ mode, store, goLive: started.goLive, times: [], k: 0 });
    }
    const items = flattenItems(template).map((f) => f.item.id);
    for (let chunk = 0; chunk < CHUNKS; chunk += 1) {
      for (const run of runs) {
        for (let i = 0; i < CLICKS / CHUNKS; i += 1, run.k += 1) {
          const itemId = items[run.k % items.length] as string;
          const state = Math.floor(run.k / items.length) % 2 === 0 ? 'done' : 'open';
          const t0 = performance.now();
          const result = await run.store.changeItem({
            goLiveId: run.goLive.id,
            itemId,
            state,
            actor: 'U0BENCH',
            deliveryKey: `bench:${run.mode}:${run.k}`,
          });
          run.times.push(performance.now() - t0);
          if (!result.ok || !result.changed) throw new Error(`click ${run.k} (${run.mode}) changed nothing`);
        }
      }
    }
    return runs.map(({ mode, times }) => {
      const sorted = [...times].sort((a, b) => a - b);
      return {
        mode,
        clicks: sorted.length,
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        p999: quantile(sorted, 0.999),
        max: sorted.at(-1) ?? Number.NaN,
      };
    });
  } finally {
    for (const run of runs) await run.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
