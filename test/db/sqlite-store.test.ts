// The SQLite store against real database files in a temp dir: lock, audited changes, idempotency, restart.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DELIVERY_MEMORY_MS, StoreError, openSqliteStore } from '../../db/sqlite-store.js';
import { ACTIVE_STATUSES } from '../../src/domain/go-live.js';
import type { Evidence } from '../../src/domain/go-live.js';
import { migrationsDir } from '../../src/paths.js';
import { item, newGoLive, smallTemplate, testClock, useStores, wideTemplate } from './fixtures.js';

const stores = useStores();

function rawOpen(file: string): Database.Database {
  return new Database(file);
}

async function started(store: ReturnType<typeof stores.open>, overrides = {}) {
  const result = await store.startGoLive(newGoLive(overrides));
  if (!result.ok) throw new Error('expected the go-live to start');
  return result.goLive;
}

const passingHealth: Evidence = {
  kind: 'health',
  status: 'pass',
  summary: '5/5 health endpoints answered 200',
  takenAt: Date.UTC(2026, 0, 15, 9, 5),
  details: { paths: ['/health/ping', '/health/ready'], codes: [200, 200] },
};

describe('opening a database file', () => {
  it('creates the parent directory, applies every migration and sets the pragmas', () => {
    const file = join(stores.dir(), 'nested', 'dir', 'golive.db');
    stores.open(file);

    const raw = rawOpen(file);
    const tables = raw
      .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)
      .pluck()
      .all();
    expect(tables).toEqual(['__drizzle_migrations', 'audit_events', 'check_ins', 'deliveries', 'go_lives', 'incidents', 'items', 'jobs', 'messages', 'notes', 'sign_offs']);
    const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(raw.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('opens the same file again without re-applying migrations', async () => {
    const file = join(stores.dir(), 'golive.db');
    await stores.open(file).close();
    await stores.open(file).close();
    const raw = rawOpen(file);
    const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(raw.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    raw.close();
  });

  it('accepts a file: prefix and :memory:', async () => {
    const file = join(stores.dir(), 'prefixed.db');
    const prefixed = stores.open(`file:${file}`);
    expect(prefixed.file).toBe(file);
    const memory = stores.open(':memory:');
    expect((await memory.startGoLive(newGoLive())).ok).toBe(true);
  });
});

describe('starting a go-live', () => {
  it('creates it in preparing with version 1, a sortable id and a start event', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);

    expect(goLive).toMatchObject({
      service: 'checkout-api',
      environment: 'production',
      url: 'https://checkout.example.com',
      channelId: 'C0DEPLOY',
      startedBy: 'U0DEPLOYER',
      startedAt: clock.now(),
      status: 'preparing',
      version: 1,
      roles: { approver: ['<@U0APPROVER>'], primary: ['<!subteam^S0ONCALL|@oncall>'] },
    });
    expect(goLive.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(goLive.template).toEqual(smallTemplate());
    expect(goLive).not.toHaveProperty('httpUrl');
    expect(goLive).not.toHaveProperty('rootTs');
    expect(await store.getGoLive(goLive.id)).toEqual(goLive);

    const trail = await store.auditTrail(goLive.id);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      actor: 'U0DEPLOYER',
      action: 'start',
      subject: 'checkout-api/production',
      at: clock.now(),
      before: null,
    });
  });

  it('keeps the template as it was at start, whatever happens to the template afterwards', async () => {
    const file = join(stores.dir(), 'golive.db');
    const template = smallTemplate();
    const goLive = await started(stores.open(file), { template });
    template.sections.pop();
    template.sections[0]!.title = 'Renamed';

    const reopened = stores.open(file);
    expect((await reopened.getGoLive(goLive.id))?.template).toEqual(smallTemplate());
    expect(goLive.template).toEqual(smallTemplate());
    expect(await reopened.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U1' })).toMatchObject({ ok: true });
  });

  it('refuses a second start on the same service and environment, naming the holder', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const first = await started(store);

    const second = await store.startGoLive(newGoLive({ startedBy: 'U0SOMEONE' }));
    expect(second).toEqual({ ok: false, reason: 'locked', holder: first });
    expect(await store.listActive()).toEqual([first]);
  });

  it('lets the same service start in another environment, and another service in the same one', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const production = await started(store);
    const staging = await started(store, { environment: 'staging' });
    const payments = await started(store, { service: 'payments' });

    expect(await store.findActive('checkout-api', 'staging')).toEqual(staging);
    expect((await store.listActive()).map((g) => g.id)).toEqual([production.id, staging.id, payments.id]);
    expect((await store.listActive('checkout-api')).map((g) => g.id)).toEqual([production.id, staging.id]);
  });

  it('keeps the lock in the database: a second store on the same file is refused too', async () => {
    const file = join(stores.dir(), 'golive.db');
    const first = await started(stores.open(file));
    const other = stores.open(file);
    expect(await other.startGoLive(newGoLive())).toEqual({ ok: false, reason: 'locked', holder: first });
  });

  it('keeps the lock even against a row written behind the store, in every active status and in no ended one', async () => {
    const file = join(stores.dir(), 'golive.db');
    stores.open(file);
    const raw = rawOpen(file);
    const insert = raw.prepare(
      `insert into go_lives (id, service, environment, channel_id, started_by, started_at, status, roles, template, version)
       values (?, ?, 'production', 'C1', 'U1', 0, ?, '{}', '{}', 1)`,
    );
    for (const status of ACTIVE_STATUSES) {
      insert.run(`A-${status}`, `svc-${status}`, status);
      for (const other of ACTIVE_STATUSES) expect(() => insert.run(`B-${status}-${other}`, `svc-${status}`, other)).toThrow(/UNIQUE/);
    }
    for (const ended of ['completed', 'rolled_back', 'aborted']) {
      insert.run(`A-${ended}`, `svc-${ended}`, ended);
      insert.run(`B-${ended}`, `svc-${ended}`, ended);
      insert.run(`C-${ended}`, `svc-${ended}`, 'preparing');
    }
    raw.close();
  });
});

describe('aborting a go-live', () => {
  it('releases the lock, records who and why, and refuses further ticks', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);
    clock.advance(60_000);

    const aborted = await store.abortGoLive(goLive.id, 'U0DEPLOYER', 'rollback: payments down');
    expect(aborted).toMatchObject({ id: goLive.id, status: 'aborted', version: 2 });
    expect(await store.findActive('checkout-api', 'production')).toBeUndefined();
    expect(await store.listActive()).toEqual([]);

    const trail = await store.auditTrail(goLive.id);
    expect(trail.at(-1)).toMatchObject({
      action: 'abort',
      actor: 'U0DEPLOYER',
      at: clock.now(),
      before: { status: 'preparing' },
      after: { status: 'aborted', reason: 'rollback: payments down' },
    });

    expect(await store.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'done', actor: 'U1' })).toEqual({
      ok: false,
      reason: 'not-active',
    });
    const again = await store.startGoLive(newGoLive());
    expect(again.ok).toBe(true);
  });

  it('aborting twice changes nothing the second time', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    const first = await store.abortGoLive(goLive.id, 'U1', 'first');
    const second = await store.abortGoLive(goLive.id, 'U2', 'second');
    expect(second).toEqual(first);
    expect((await store.auditTrail(goLive.id)).filter((e) => e.action === 'abort')).toHaveLength(1);
    expect(await store.abortGoLive('01NOSUCHGOLIVE000000000000', 'U1', 'x')).toBeUndefined();
  });
});

describe('changing an item', () => {
  it('writes the item, bumps the version and appends exactly one audit event', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);
    clock.advance(5_000);

    const result = await store.changeItem({ goLiveId: goLive.id, itemId: 'health-ping', state: 'done', actor: 'U0DBA' });
    const item = { itemId: 'health-ping', state: 'done', by: 'U0DBA', at: clock.now() };
    expect(result).toMatchObject({ ok: true, changed: true, item, goLive: { version: 2 } });

    const view = await store.getChecklist(goLive.id);
    expect(view?.goLive.version).toBe(2);
    expect([...(view?.items.values() ?? [])]).toEqual([item]);

    const trail = await store.auditTrail(goLive.id);
    expect(trail.map((e) => e.action)).toEqual(['start', 'item']);
    expect(trail[1]).toMatchObject({ actor: 'U0DBA', subject: 'health-ping', at: clock.now(), before: null, after: item });
  });

  it('records before and after when an item moves on, with its reason', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);
    await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'blocked', actor: 'U0DBA', reason: 'restore test pending' });
    clock.advance(1_000);
    const done = await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U0INFRA' });

    expect(done).toMatchObject({ ok: true, changed: true, item: { state: 'done', by: 'U0INFRA' }, goLive: { version: 3 } });
    expect(done.ok && done.item).not.toHaveProperty('reason');
    const last = (await store.auditTrail(goLive.id)).at(-1);
    expect(last?.before).toMatchObject({ state: 'blocked', by: 'U0DBA', reason: 'restore test pending' });
    expect(last?.after).toMatchObject({ state: 'done', by: 'U0INFRA' });
  });

  it('is idempotent: the same click again changes nothing, adds no event and keeps the version', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);
    const change = { goLiveId: goLive.id, itemId: 'debug-off', state: 'na' as const, actor: 'U0DBA', reason: 'no debug mode' };
    const first = await store.changeItem(change);
    clock.advance(1_000);
    const repeat = await store.changeItem({ ...change, actor: 'U0SOMEONE' });

    expect(repeat).toEqual({ ...first, changed: false });
    expect(await store.auditTrail(goLive.id)).toHaveLength(2);
    expect((await store.getGoLive(goLive.id))?.version).toBe(2);
  });

  it('treats opening an untouched item as no change', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    const result = await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'open', actor: 'U1' });
    expect(result).toMatchObject({ ok: true, changed: false, item: { itemId: 'backups', state: 'open' }, goLive: { version: 1 } });
    expect(await store.auditTrail(goLive.id)).toHaveLength(1);
  });

  it('keeps check evidence when a person ticks the item, and compares evidence by content', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    await store.changeItem({ goLiveId: goLive.id, itemId: 'health-endpoints', state: 'done', actor: 'golive', evidence: passingHealth });

    const reordered = JSON.parse(JSON.stringify({ details: passingHealth.details, takenAt: passingHealth.takenAt, summary: passingHealth.summary, status: 'pass', kind: 'health' })) as Evidence;
    const sameEvidence = await store.changeItem({ goLiveId: goLive.id, itemId: 'health-endpoints', state: 'done', actor: 'golive', evidence: reordered });
    expect(sameEvidence).toMatchObject({ ok: true, changed: false });

    const byPerson = await store.changeItem({ goLiveId: goLive.id, itemId: 'health-endpoints', state: 'done', actor: 'U0INFRA' });
    expect(byPerson).toMatchObject({ ok: true, changed: false, item: { evidence: passingHealth } });

    const failed: Evidence = { ...passingHealth, status: 'fail', summary: '/health/ready answered 503 (want 200)' };
    const fails = await store.changeItem({ goLiveId: goLive.id, itemId: 'health-endpoints', state: 'failed', actor: 'golive', evidence: failed });
    expect(fails).toMatchObject({ ok: true, changed: true, item: { state: 'failed', evidence: failed } });
    const view = await store.getChecklist(goLive.id);
    expect(view?.items.get('health-endpoints')?.evidence).toEqual(failed);
  });

  it('says which go-live or item does not exist', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    expect(await store.changeItem({ goLiveId: goLive.id, itemId: 'no-such-item', state: 'done', actor: 'U1' })).toEqual({
      ok: false,
      reason: 'unknown-item',
    });
    expect(await store.changeItem({ goLiveId: 'nope', itemId: 'backups', state: 'done', actor: 'U1' })).toEqual({
      ok: false,
      reason: 'not-found',
    });
    expect(await store.auditTrail(goLive.id)).toHaveLength(1);
  });

  it('writes nothing when the audit event cannot be written: item and event are one transaction', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const goLive = await started(store);
    const raw = rawOpen(file);
    raw.exec(`create trigger refuse_audit before insert on audit_events begin select raise(abort, 'audit disk full'); end`);

    await expect(store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U1' })).rejects.toThrow(/audit disk full/);
    raw.exec('drop trigger refuse_audit');
    raw.close();

    const view = await store.getChecklist(goLive.id);
    expect(view?.items.size).toBe(0);
    expect(view?.goLive.version).toBe(1);
  });

  it('loses nothing under 200 concurrent changes', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store, { template: wideTemplate(200) });

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.changeItem({ goLiveId: goLive.id, itemId: `item-${i}`, state: 'done', actor: `U${i % 20}` }),
      ),
    );
    expect(results.every((r) => r.ok && r.changed)).toBe(true);
    const view = await store.getChecklist(goLive.id);
    expect(view?.items.size).toBe(200);
    expect(view?.items.get('item-137')).toMatchObject({ state: 'done', by: 'U17' });
    expect(view?.goLive.version).toBe(201);
    expect(await store.auditTrail(goLive.id)).toHaveLength(201);
  });

  it('loses nothing when two stores on one file tick at once', async () => {
    const file = join(stores.dir(), 'golive.db');
    const a = stores.open(file);
    const b = stores.open(file);
    const goLive = await started(a, { template: wideTemplate(100) });

    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? a : b).changeItem({ goLiveId: goLive.id, itemId: `item-${i}`, state: 'done', actor: 'U1' }),
      ),
    );
    const view = await b.getChecklist(goLive.id);
    expect(view?.items.size).toBe(100);
    expect(view?.goLive.version).toBe(101);
  });
});

function startTickProcess(file: string, goLiveId: string, prefix: string, count: number): ChildProcess {
  return fork(fileURLToPath(new URL('./tick-process.ts', import.meta.url)), [file, goLiveId, prefix, String(count)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function whenReady(child: ChildProcess): Promise<void> {
  return new Promise((ready, reject) => {
    child.once('message', () => ready());
    child.once('exit', (code) => reject(new Error(`tick process exited with ${code} before it was ready`)));
  });
}

/** The number of items the process changed, once it reports after "go". */
function whenDone(child: ChildProcess): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    child.on('message', (message) => {
      if (typeof message === 'object' && message !== null && 'changed' in message) resolvePromise(Number(message.changed));
    });
    child.on('exit', (code) => reject(new Error(`tick process exited with ${code} before reporting`)));
  });
}

describe('recording a check result', () => {
  const failingHealth: Evidence = { ...passingHealth, status: 'fail', summary: '/health/ready 503 (want 2xx)', details: { codes: [200, 503] } };

  it('ticks an open item as Golive with the evidence, in one audited change', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);
    clock.advance(60_000);

    const result = await store.recordCheckResult({ goLiveId: goLive.id, itemId: 'health-endpoints', evidence: passingHealth });
    const item = { itemId: 'health-endpoints', state: 'done', by: 'golive', at: clock.now(), evidence: passingHealth };
    expect(result).toEqual({ ok: true, changed: true, effect: { kind: 'set', state: 'done' }, goLive: expect.objectContaining({ version: 2 }) as unknown, item });
    expect((await store.getChecklist(goLive.id))?.items.get('health-endpoints')).toEqual(item);
    expect((await store.auditTrail(goLive.id)).at(-1)).toMatchObject({ actor: 'golive', action: 'item', subject: 'health-endpoints', before: null, after: item });
  });

  it('decides on the state at the moment it lands: a person’s N/A clicked after the run started stays, with the evidence beside it', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);
    // The run starts while the item is open; a person marks it N/A before the pass lands.
    expect((await store.getChecklist(goLive.id))?.items.get('health-endpoints')).toBeUndefined();
    await store.changeItem({ goLiveId: goLive.id, itemId: 'health-endpoints', state: 'na', actor: 'U0INFRA', reason: 'behind the mesh' });
    const decided = clock.now();
    clock.advance(60_000);

    const result = await store.recordCheckResult({ goLiveId: goLive.id, itemId: 'health-endpoints', evidence: passingHealth });
    const item = { itemId: 'health-endpoints', state: 'na', by: 'U0INFRA', at: decided, reason: 'behind the mesh', evidence: passingHealth };
    expect(result).toEqual({ ok: true, changed: true, effect: { kind: 'attach' }, goLive: expect.objectContaining({ version: 3 }) as unknown, item });

    const view = await store.getChecklist(goLive.id);
    expect(view?.items.get('health-endpoints')).toEqual(item);
    expect(view?.goLive.version).toBe(3);
    const trail = await store.auditTrail(goLive.id);
    expect(trail.map((e) => e.action)).toEqual(['start', 'item', 'evidence']);
    expect(trail.at(-1)).toMatchObject({
      actor: 'golive',
      action: 'evidence',
      subject: 'health-endpoints',
      at: clock.now(),
      before: { evidence: null },
      after: { evidence: passingHealth },
    });
  });

  it('a fail over a person’s done marks the item failed by Golive, and the audit event keeps the person’s record', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);
    await store.changeItem({ goLiveId: goLive.id, itemId: 'health-endpoints', state: 'done', actor: 'U0SECURITY' });
    const personal = { itemId: 'health-endpoints', state: 'done', by: 'U0SECURITY', at: clock.now() };
    clock.advance(60_000);

    const result = await store.recordCheckResult({ goLiveId: goLive.id, itemId: 'health-endpoints', evidence: failingHealth });
    const item = { itemId: 'health-endpoints', state: 'failed', by: 'golive', at: clock.now(), reason: '/health/ready 503 (want 2xx)', evidence: failingHealth };
    expect(result).toMatchObject({ ok: true, changed: true, effect: { kind: 'set', state: 'failed', reason: '/health/ready 503 (want 2xx)' }, item });
    expect((await store.getChecklist(goLive.id))?.items.get('health-endpoints')).toEqual(item);
    expect((await store.auditTrail(goLive.id)).at(-1)).toMatchObject({ actor: 'golive', action: 'item', subject: 'health-endpoints', before: personal, after: item });
  });

  it('sets the fail reason the caller gives, keeping the whole summary in the evidence', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    const result = await store.recordCheckResult({ goLiveId: goLive.id, itemId: 'backups', evidence: failingHealth, failReason: '/health/ready 5…' });
    expect(result).toMatchObject({ ok: true, item: { state: 'failed', reason: '/health/ready 5…', evidence: { summary: '/health/ready 503 (want 2xx)' } } });
  });

  it('is idempotent: the same result again changes nothing, adds no event and keeps the version', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);
    await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U0DBA' });
    const record = { goLiveId: goLive.id, itemId: 'backups', evidence: passingHealth };
    const first = await store.recordCheckResult(record);
    clock.advance(1_000);
    const repeat = await store.recordCheckResult({ ...record, evidence: JSON.parse(JSON.stringify(passingHealth)) as Evidence });

    expect(repeat).toEqual({ ...first, changed: false });
    expect((await store.auditTrail(goLive.id)).map((e) => e.action)).toEqual(['start', 'item', 'evidence']);
    expect((await store.getGoLive(goLive.id))?.version).toBe(3);

    // Newer evidence replaces the older one; the before says what it replaced.
    const newer: Evidence = { ...passingHealth, status: 'error', summary: 'connection refused', takenAt: passingHealth.takenAt + 60_000 };
    expect(await store.recordCheckResult({ ...record, evidence: newer })).toMatchObject({ ok: true, changed: true, effect: { kind: 'attach' }, item: { state: 'done', by: 'U0DBA', evidence: newer } });
    expect((await store.auditTrail(goLive.id)).at(-1)).toMatchObject({ action: 'evidence', before: { evidence: passingHealth }, after: { evidence: newer } });

    // A fail set by Golive, landing again, is no change either.
    const failed = await store.recordCheckResult({ ...record, evidence: failingHealth });
    expect(failed).toMatchObject({ changed: true, item: { state: 'failed', by: 'golive' } });
    expect(await store.recordCheckResult({ ...record, evidence: failingHealth })).toEqual({ ...failed, changed: false });
    expect((await store.getGoLive(goLive.id))?.version).toBe(5);
  });

  it('gives an untouched item an open record by Golive from the start when an error only attaches evidence; a reopen click leaves it alone', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const goLive = await started(store);
    clock.advance(5_000);
    const refused: Evidence = { ...passingHealth, status: 'error', summary: 'connection refused' };

    const result = await store.recordCheckResult({ goLiveId: goLive.id, itemId: 'secret-key', evidence: refused });
    const item = { itemId: 'secret-key', state: 'open', by: 'golive', at: goLive.startedAt, evidence: refused };
    expect(result).toMatchObject({ ok: true, changed: true, effect: { kind: 'attach' }, item, goLive: { version: 2 } });
    expect((await store.getChecklist(goLive.id))?.items.get('secret-key')).toEqual(item);

    // Reopening an open item is still no change: nobody's name lands on it.
    expect(await store.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'open', actor: 'U1' })).toMatchObject({ changed: false, item });
  });

  it('refuses an unknown go-live or item and an ended go-live, writing nothing', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    const record = { goLiveId: goLive.id, itemId: 'backups', evidence: passingHealth };
    expect(await store.recordCheckResult({ ...record, itemId: 'no-such-item' })).toEqual({ ok: false, reason: 'unknown-item' });
    expect(await store.recordCheckResult({ ...record, goLiveId: 'nope' })).toEqual({ ok: false, reason: 'not-found' });
    await store.abortGoLive(goLive.id, 'U0DEPLOYER', 'rolled back');
    expect(await store.recordCheckResult(record)).toEqual({ ok: false, reason: 'not-active' });
    expect((await store.getChecklist(goLive.id))?.items.size).toBe(0);
    expect((await store.auditTrail(goLive.id)).map((e) => e.action)).toEqual(['start', 'abort']);
  });

  it('writes nothing when the audit event cannot be written, whichever the effect', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const goLive = await started(store);
    await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U0DBA' });
    const raw = rawOpen(file);
    raw.exec(`create trigger refuse_audit before insert on audit_events begin select raise(abort, 'audit disk full'); end`);
    await expect(store.recordCheckResult({ goLiveId: goLive.id, itemId: 'backups', evidence: passingHealth })).rejects.toThrow(/audit disk full/);
    await expect(store.recordCheckResult({ goLiveId: goLive.id, itemId: 'secret-key', evidence: passingHealth })).rejects.toThrow(/audit disk full/);
    raw.exec('drop trigger refuse_audit');
    raw.close();
    const view = await store.getChecklist(goLive.id);
    expect([...(view?.items.values() ?? [])]).toEqual([expect.objectContaining({ itemId: 'backups', state: 'done', by: 'U0DBA' })]);
    expect(view?.items.get('backups')?.evidence).toBeUndefined();
    expect(view?.goLive.version).toBe(2);
  });
});

// Each child is a tsx process that compiles the store at start-up: seconds apiece on a busy machine, so these
// tests wait for the children longer than the default; what they assert does not depend on how long it takes.
describe('several processes on one file', { timeout: 120_000 }, () => {
  it('six processes opening a fresh file at once all open it, and migrations are applied once', async () => {
    const file = join(stores.dir(), 'fresh.db');
    const children = ['a', 'b', 'c', 'd', 'e', 'f'].map((prefix) => startTickProcess(file, '-', prefix, 0));
    await Promise.all(children.map(whenReady));
    const done = children.map(whenDone);
    for (const child of children) child.send('go');
    expect(await Promise.all(done)).toEqual([0, 0, 0, 0, 0, 0]);

    const raw = rawOpen(file);
    const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(raw.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    raw.close();
  });


  it('loses nothing when three processes tick the same go-live at once', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const template = wideTemplate(0);
    const groupItems = ['a', 'b', 'c'].flatMap((prefix) => Array.from({ length: 100 }, (_, i) => item(`${prefix}-${i}`)));
    const goLive = await started(store, {
      template: { ...template, sections: [{ id: 'all', title: 'All', groups: [{ title: 'All', items: groupItems }] }] },
    });

    const children = ['b', 'c'].map((prefix) => startTickProcess(file, goLive.id, prefix, 100));
    await Promise.all(children.map(whenReady));
    const done = children.map(whenDone);
    for (const child of children) child.send('go');
    const mine = Promise.all(
      Array.from({ length: 100 }, (_, i) => store.changeItem({ goLiveId: goLive.id, itemId: `a-${i}`, state: 'done', actor: 'Ua' })),
    );

    expect(await Promise.all(done)).toEqual([100, 100]);
    expect((await mine).every((r) => r.ok && r.changed)).toBe(true);
    const view = await store.getChecklist(goLive.id);
    expect(view?.items.size).toBe(300);
    expect(view?.goLive.version).toBe(301);
    expect(await store.auditTrail(goLive.id)).toHaveLength(301);
  });
});

describe('restart on the same file', () => {
  it('a reopened store sees the go-live, its items, messages and audit trail as they were', async () => {
    const file = join(stores.dir(), 'golive.db');
    const clock = testClock();
    const before = stores.open(file, clock);
    const goLive = await started(before);
    await before.setRootTs(goLive.id, '1736931600.000100');
    await before.saveMessage({ goLiveId: goLive.id, key: 'root', ts: '1736931600.000100', renderedVersion: 1 });
    await before.saveMessage({ goLiveId: goLive.id, key: 'security', renderedVersion: 0 });
    await before.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'done', actor: 'U0INFRA' });
    await before.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'blocked', actor: 'U0DBA', reason: 'waiting for snapshot' });
    const view = await before.getChecklist(goLive.id);
    const trail = await before.auditTrail(goLive.id);
    const sent = await before.getMessages(goLive.id);
    await before.close();

    const after = stores.open(file, clock);
    expect(await after.getChecklist(goLive.id)).toEqual(view);
    expect(view?.goLive.rootTs).toBe('1736931600.000100');
    expect(await after.auditTrail(goLive.id)).toEqual(trail);
    expect(await after.getMessages(goLive.id)).toEqual(sent);
    expect(sent).toEqual([
      { goLiveId: goLive.id, key: 'root', ts: '1736931600.000100', renderedVersion: 1 },
      { goLiveId: goLive.id, key: 'security', renderedVersion: 0 },
    ]);
    expect(await after.startGoLive(newGoLive())).toMatchObject({ ok: false, reason: 'locked', holder: { id: goLive.id } });
  });
});

describe('messages and the thread', () => {
  it('saveMessage updates the ts and rendered version of a message in place', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    await store.saveMessage({ goLiveId: goLive.id, key: 'database', ts: '1.1', renderedVersion: 1 });
    await store.saveMessage({ goLiveId: goLive.id, key: 'database', ts: '2.2', renderedVersion: 4 });
    expect(await store.getMessages(goLive.id)).toEqual([{ goLiveId: goLive.id, key: 'database', ts: '2.2', renderedVersion: 4 }]);
  });

  it('setRootTs is audited once per new ts and refuses an unknown go-live', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    await store.setRootTs(goLive.id, '1.1');
    await store.setRootTs(goLive.id, '1.1');
    await store.setRootTs(goLive.id, '2.2');
    const threads = (await store.auditTrail(goLive.id)).filter((e) => e.action === 'thread');
    expect(threads.map((e) => e.after)).toEqual([{ rootTs: '1.1' }, { rootTs: '2.2' }]);
    await expect(store.setRootTs('nope', '1.1')).rejects.toMatchObject({ code: 'GO_LIVE_NOT_FOUND' });
  });
});

describe('the audit trail', () => {
  it('cannot be edited or deleted, even behind the store', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const goLive = await started(store);
    const raw = rawOpen(file);
    expect(() => raw.prepare(`update audit_events set actor = 'U0MALLORY'`).run()).toThrow(/append-only/);
    expect(() => raw.prepare('delete from audit_events').run()).toThrow(/append-only/);
    raw.close();
    expect((await store.auditTrail(goLive.id))[0]?.actor).toBe('U0DEPLOYER');
  });
});

describe('Slack deliveries', () => {
  it('claims a delivery once; a retry of it is refused', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    expect(await store.claimDelivery('evt:Ev123')).toBe(true);
    expect(await store.claimDelivery('evt:Ev123')).toBe(false);
    expect(await store.claimDelivery('evt:Ev124')).toBe(true);
  });

  it('claims the delivery of an item change in the same transaction: a retry of the click changes nothing', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    const click = { goLiveId: goLive.id, itemId: 'secret-key', state: 'done' as const, actor: 'U0DANA', deliveryKey: 'action:T1:1.5' };
    expect(await store.changeItem(click)).toMatchObject({ ok: true, changed: true });
    // Reopened meanwhile by someone else: the retried delivery of the first click must not tick it again.
    await store.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'open', actor: 'U0SAM' });
    expect(await store.changeItem(click)).toMatchObject({ ok: true, changed: false, item: { state: 'open', by: 'U0SAM' } });
    expect((await store.auditTrail(goLive.id)).filter((e) => e.action === 'item')).toHaveLength(2);
    expect(await store.claimDelivery('action:T1:1.5')).toBe(false);
  });

  it('forgets deliveries after an hour', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    await store.claimDelivery('evt:Ev1');
    clock.advance(DELIVERY_MEMORY_MS - 1);
    expect(await store.claimDelivery('evt:Ev1')).toBe(false);
    clock.advance(2);
    expect(await store.claimDelivery('evt:Ev1')).toBe(true);
  });

  it('remembers deliveries across a restart', async () => {
    const file = join(stores.dir(), 'golive.db');
    await stores.open(file).claimDelivery('cmd:trigger-1');
    expect(await stores.open(file).claimDelivery('cmd:trigger-1')).toBe(false);
  });
});

describe('health and lifecycle', () => {
  it('is writable while open, leaves no trace of the probe, and is not writable once closed', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    expect(await store.isWritable()).toBe(true);
    const raw = rawOpen(file);
    expect(raw.prepare('select count(*) from deliveries').pluck().get()).toBe(0);
    raw.close();
    await store.close();
    expect(await store.isWritable()).toBe(false);
  });

  it('is not writable while another connection holds the write lock past the busy timeout', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const raw = rawOpen(file);
    raw.exec('begin immediate');
    try {
      // The store waits busy_timeout (5 s) for the lock before giving up.
      expect(await store.isWritable()).toBe(false);
    } finally {
      raw.exec('rollback');
      raw.close();
    }
    expect(await store.isWritable()).toBe(true);
  });

  it('close is idempotent, and a closed store answers with a coded error', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    await store.close();
    await store.close();
    await expect(store.getGoLive('x')).rejects.toBeInstanceOf(StoreError);
    await expect(store.startGoLive(newGoLive())).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('backs up online into a file that opens as a store with the same state', async () => {
    const dir = stores.dir();
    const store = stores.open(join(dir, 'golive.db'));
    const goLive = await started(store);
    await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U0DBA' });
    const backupFile = join(dir, 'backups', 'golive-backup.db');
    await store.backup(backupFile);

    const restored = stores.open(backupFile);
    expect(await restored.getChecklist(goLive.id)).toEqual(await store.getChecklist(goLive.id));
  });

  it('refuses a file that is not a database when it opens, not later', () => {
    const file = join(stores.dir(), 'notes.txt');
    writeFileSync(file, 'Deployment Approved By: nobody\n'.repeat(200));
    expect(() => openSqliteStore({ file, clock: testClock() })).toThrow(/not a database/);
  });
});
