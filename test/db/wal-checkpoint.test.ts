// WAL checkpoints run in a worker thread, never inside a click's commit: the store's commits leave every frame in
// the WAL, the worker's passes move them into the database file, and the WAL restarts so it stays bounded.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore, SqliteStoreOptions } from '../../db/sqlite-store.js';
import { newGoLive, testClock, useStores, wideTemplate } from './fixtures.js';

const stores = useStores();
const HOUR = 3600_000;

function open(options: Partial<SqliteStoreOptions> = {}): { store: SqliteStore; file: string } {
  const file = join(stores.dir(), 'golive.db');
  const store = openSqliteStore({ file, clock: testClock(), checkpointIntervalMs: HOUR, ...options });
  // Closed by useStores after the test.
  stores.track(store);
  return { store, file };
}

/** `count` clicks on a 50-item go-live, each its own committed transaction; returns the largest WAL seen. */
async function clicks(store: SqliteStore, file: string, count: number): Promise<number> {
  const started = await store.startGoLive(
    newGoLive({ service: `svc-${Math.random().toString(36).slice(2)}`, template: wideTemplate(50) }),
  );
  if (!started.ok) throw new Error('expected the go-live to start');
  let largest = 0;
  for (let i = 0; i < count; i += 1) {
    const result = await store.changeItem({
      goLiveId: started.goLive.id,
      itemId: `item-${i % 50}`,
      state: i % 100 < 50 ? 'done' : 'open',
      actor: 'U0DANA',
    });
    if (!result.ok || !result.changed) throw new Error(`click ${i} did not change its item`);
    largest = Math.max(largest, statSync(`${file}-wal`).size);
  }
  return largest;
}

const walPages = (bytes: number): number => bytes / (4096 + 24);

describe('WAL checkpoints off the click path', () => {
  it('no commit checkpoints: the WAL keeps every frame until a worker pass moves them all into the database', async () => {
    const { store, file } = open();
    const dbBefore = statSync(file).size;
    // ~5 pages a click: 400 clicks are twice the 1000 pages at which SQLite's auto-checkpoint would run in a commit.
    expect(walPages(await clicks(store, file, 400))).toBeGreaterThan(2000);
    expect(statSync(file).size).toBe(dbBefore);

    const pass = await store.checkpoint();
    expect(pass).toMatchObject({ mode: 'PASSIVE', busy: 0 });
    expect(pass?.checkpointed).toBe(pass?.log);
    expect(statSync(file).size).toBeGreaterThan(dbBefore);
    // The next commit starts the WAL over: the following pass finds only that commit's frames.
    await clicks(store, file, 1);
    const next = await store.checkpoint();
    expect(next?.log).toBeLessThan(50);
  });

  it('with inline checkpoints (the baseline) commits checkpoint themselves at ~1000 pages', async () => {
    const { store, file } = open({ walCheckpoint: 'inline' });
    expect(walPages(await clicks(store, file, 400))).toBeLessThan(1100);
    expect(await store.checkpoint()).toBeUndefined();
  });

  it('keeps the WAL file bounded over many rounds of clicks and passes', async () => {
    const { store, file } = open();
    const first = await clicks(store, file, 100);
    await store.checkpoint();
    for (let round = 0; round < 5; round += 1) {
      expect(await clicks(store, file, 100)).toBeLessThanOrEqual(first * 1.1);
      await store.checkpoint();
    }
  });

  it('checkpoints on its own, every interval, while the store keeps taking clicks', async () => {
    const { store, file } = open({ checkpointIntervalMs: 20 });
    const dbBefore = statSync(file).size;
    await clicks(store, file, 50);
    // Polled: the pass comes when the worker's timer fires, on its own thread.
    while (statSync(file).size <= dbBefore) await new Promise((resolve) => setTimeout(resolve, 10));
    await clicks(store, file, 50);
  });

  it('a reader on an old snapshot (a backup, a verify) never makes clicks wait for it, even with the WAL past its bound', async () => {
    const { store, file } = open({ checkpointIntervalMs: 10 });
    const reader = new Database(file, { readonly: true });
    try {
      reader.prepare('BEGIN').run();
      reader.prepare('SELECT count(*) FROM items').get();
      // ~5 pages a click: past 1,000 clicks the WAL is over its 4,000-page bound, so each pass (every 10 ms) is a
      // RESTART that cannot finish while the reader holds its snapshot. Each one used to hold the write lock for
      // a second waiting for the reader, so the clicks queued behind pass after pass until one failed as locked.
      await clicks(store, file, 1500);
      const pass = await store.checkpoint();
      expect(pass).toMatchObject({ mode: 'RESTART', busy: 1 });
      expect(walPages(statSync(`${file}-wal`).size)).toBeGreaterThan(4000);
    } finally {
      reader.close();
    }
    // Once the reader has gone, the next pass restarts the WAL: the following click starts the file over.
    expect(await store.checkpoint()).toMatchObject({ mode: 'RESTART', busy: 0 });
    await clicks(store, file, 1);
    expect((await store.checkpoint())?.log).toBeLessThan(50);
  });

  it('closing ends the worker and leaves no WAL behind', async () => {
    const { store, file } = open();
    await clicks(store, file, 20);
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    await expect(store.checkpoint()).rejects.toThrow(/closed/);
  });
});
