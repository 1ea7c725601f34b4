// The store's audit hash chain on real files: every append is chained per go-live, events written before the
// chain existed are chained when the store opens (once), and the table stays append-only.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { StoreError, openSqliteStore } from '../../db/sqlite-store.js';
import { auditHash, rowOf, verifyChain } from '../../src/record/audit-chain.js';
import { migrationsDir } from '../../src/paths.js';
import { newGoLive, testClock, useStores } from './fixtures.js';

const stores = useStores();

/** A database as Golive left it before the chain: the migrations before audit_hash_chain, with events written then. */
function legacyDatabase(file: string): void {
  const folder = join(stores.dir(), 'migrations');
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  journal.entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e) => e.tag.endsWith('_audit_hash_chain')),
  );
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries) copyFileSync(join(migrationsDir, `${tag}.sql`), join(folder, `${tag}.sql`));
  const db = new Database(file);
  migrate(drizzle(db), { migrationsFolder: folder });
  const goLive = db.prepare(
    `INSERT INTO go_lives (id, service, environment, channel_id, started_by, started_at, status, roles, template, version)
     VALUES (?, ?, 'production', 'C1', 'U0DANA', 0, 'preparing', '{}', '{"id":"small"}', 1)`,
  );
  const event = db.prepare(
    'INSERT INTO audit_events (go_live_id, at, actor, action, subject, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  goLive.run('G-OLD-1', 'checkout-api');
  goLive.run('G-OLD-2', 'payments');
  event.run('G-OLD-1', 1, 'U0DANA', 'start', 'checkout-api/production', null, '{"service":"checkout-api"}');
  event.run('G-OLD-2', 2, 'U0LEE', 'start', 'payments/production', null, null);
  event.run('G-OLD-1', 3, 'U0DANA', 'item', 'secret-key', null, '{"state":"done","by":"U0DANA","at":3}');
  event.run(
    'G-OLD-1',
    4,
    'golive',
    'evidence',
    'hsts',
    '{"evidence":null}',
    '{"evidence":{"summary":"max-age 1 year","status":"pass"}}',
  );
  db.close();
}

describe('the audit chain in the store', () => {
  it('chains each go-live’s events on their own, in the order they were appended', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const a = await store.startGoLive(newGoLive());
    const b = await store.startGoLive(newGoLive({ service: 'payments' }));
    if (!a.ok || !b.ok) throw new Error('expected both to start');
    await store.changeItem({ goLiveId: a.goLive.id, itemId: 'secret-key', state: 'done', actor: 'U1' });
    await store.changeItem({
      goLiveId: b.goLive.id,
      itemId: 'secret-key',
      state: 'na',
      actor: 'U2',
      reason: 'no secrets',
    });
    await store.setRootTs(a.goLive.id, '1700000000.000100');

    const trail = await store.auditChain(a.goLive.id);
    expect(trail.map((e) => e.action)).toEqual(['start', 'item', 'thread']);
    expect((await store.auditTrail(a.goLive.id)).map(rowOf)).toEqual(trail);
    expect(trail[0]!.prevHash).toBeNull();
    expect(trail[1]!.prevHash).toBe(trail[0]!.hash);
    expect(trail[2]!.prevHash).toBe(trail[1]!.hash);
    for (const event of trail) expect(event.hash).toBe(auditHash(event, event.prevHash));
    expect(verifyChain(trail)).toMatchObject({ ok: true, count: 3, head: trail[2]!.hash });
    expect(verifyChain(await store.auditChain(b.goLive.id))).toMatchObject({ ok: true, count: 2 });
  });

  it('keeps the table append-only, and refuses an event without a hash', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const started = await store.startGoLive(newGoLive());
    if (!started.ok) throw new Error('expected a start');
    const raw = new Database(file);
    expect(() => raw.prepare(`UPDATE audit_events SET actor = 'U0MALLORY'`).run()).toThrow(/append-only/);
    expect(() => raw.prepare(`UPDATE audit_events SET hash = 'x'`).run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    expect(() =>
      raw
        .prepare(`INSERT INTO audit_events (go_live_id, at, actor, action, subject) VALUES (?, 0, 'U1', 'item', 'x')`)
        .run(started.goLive.id),
    ).toThrow(/with their hash/);
    raw.close();
    expect(verifyChain(await store.auditChain(started.goLive.id)).ok).toBe(true);
  });

  it('chains the events written before the chain existed when it opens the file, once', async () => {
    const file = join(stores.dir(), 'golive.db');
    legacyDatabase(file);

    const store = stores.open(file);
    const old = await store.auditChain('G-OLD-1');
    expect(old.map((e) => e.subject)).toEqual(['checkout-api/production', 'secret-key', 'hsts']);
    expect(verifyChain(old)).toMatchObject({ ok: true, count: 3 });
    expect(old[0]!.prevHash).toBeNull();
    expect(verifyChain(await store.auditChain('G-OLD-2'))).toMatchObject({ ok: true, count: 1 });

    // The migrated table is as strict as ever: the chained events can no longer be touched.
    const raw = new Database(file);
    expect(() => raw.prepare(`UPDATE audit_events SET hash = 'x' WHERE go_live_id = 'G-OLD-1'`).run()).toThrow(
      /append-only/,
    );
    expect(() => raw.prepare(`DELETE FROM audit_events WHERE go_live_id = 'G-OLD-1'`).run()).toThrow(/append-only/);
    raw.close();

    // Opening again changes nothing, and a new go-live chains as usual.
    await store.close();
    const again = stores.open(file);
    expect(await again.auditChain('G-OLD-1')).toEqual(old);
    const fresh = await again.startGoLive(newGoLive({ service: 'search' }));
    expect(fresh.ok && verifyChain(await again.auditChain(fresh.goLive.id)).ok).toBe(true);
  });

  it('opens read-only without writing, and refuses a file that misses migrations', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const started = await store.startGoLive(newGoLive());
    if (!started.ok) throw new Error('expected a start');
    const reader = openSqliteStore({ file, clock: testClock(), readonly: true });
    expect(await reader.findLatest('checkout-api', 'production')).toEqual(started.goLive);
    await expect(reader.startGoLive(newGoLive({ service: 'other' }))).rejects.toThrow(/readonly/);
    await reader.close();

    const legacy = join(stores.dir(), 'legacy.db');
    legacyDatabase(legacy);
    let refusal: unknown;
    try {
      openSqliteStore({ file: legacy, clock: testClock(), readonly: true });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(StoreError);
    expect(refusal).toMatchObject({
      code: 'SCHEMA_BEHIND',
      message: expect.stringMatching(/has \d+ of \d+ migrations: start this version of Golive/),
    });
  });
});
