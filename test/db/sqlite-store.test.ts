// The SQLite store against real database files in a temp dir: the Store contract (test/db/store-contract.ts), then
// what only SQLite shows: its files and pragmas, rows and triggers written behind it, processes on one file.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DELIVERY_MEMORY_MS, StoreError, openSqliteStore } from '../../db/sqlite-store.js';
import { ACTIVE_STATUSES } from '../../src/domain/go-live.js';
import { migrationsDir } from '../../src/paths.js';
import { item, newGoLive, testClock, useStores, wideTemplate } from './fixtures.js';
import { passingHealth, started, storeContract } from './store-contract.js';

const stores = useStores();

function rawOpen(file: string): Database.Database {
  return new Database(file);
}

storeContract('SQLite', {
  database: () => join(stores.dir(), 'golive.db'),
  open: (file, clock) => stores.open(file, clock),
});

describe('opening a database file', () => {
  it('creates the parent directory, applies every migration and sets the pragmas', () => {
    const file = join(stores.dir(), 'nested', 'dir', 'golive.db');
    stores.open(file);

    const raw = rawOpen(file);
    const tables = raw
      .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)
      .pluck()
      .all();
    expect(tables).toEqual([
      '__drizzle_migrations',
      'audit_events',
      'check_ins',
      'check_runs',
      'deliveries',
      'go_lives',
      'health_probe',
      'incidents',
      'items',
      'jobs',
      'messages',
      'notes',
      'sign_offs',
    ]);
    const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    expect(raw.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('opens the same file again without re-applying migrations', async () => {
    const file = join(stores.dir(), 'golive.db');
    await stores.open(file).close();
    await stores.open(file).close();
    const raw = rawOpen(file);
    const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
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
      for (const other of ACTIVE_STATUSES)
        expect(() => insert.run(`B-${status}-${other}`, `svc-${status}`, other)).toThrow(/UNIQUE/);
    }
    for (const ended of ['completed', 'rolled_back', 'aborted']) {
      insert.run(`A-${ended}`, `svc-${ended}`, ended);
      insert.run(`B-${ended}`, `svc-${ended}`, ended);
      insert.run(`C-${ended}`, `svc-${ended}`, 'preparing');
    }
    raw.close();
  });
});

describe('changing an item', () => {
  it('writes nothing when the audit event cannot be written: item and event are one transaction', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const goLive = await started(store);
    const raw = rawOpen(file);
    raw.exec(
      `create trigger refuse_audit before insert on audit_events begin select raise(abort, 'audit disk full'); end`,
    );

    await expect(
      store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U1' }),
    ).rejects.toThrow(/audit disk full/);
    raw.exec('drop trigger refuse_audit');
    raw.close();

    const view = await store.getChecklist(goLive.id);
    expect(view?.items.size).toBe(0);
    expect(view?.goLive.version).toBe(1);
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
      if (typeof message === 'object' && message !== null && 'changed' in message)
        resolvePromise(Number(message.changed));
    });
    child.on('exit', (code) => reject(new Error(`tick process exited with ${code} before reporting`)));
  });
}

describe('recording a check result', () => {
  it('writes nothing when the audit event cannot be written, whichever the effect', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const goLive = await started(store);
    await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U0DBA' });
    const raw = rawOpen(file);
    raw.exec(
      `create trigger refuse_audit before insert on audit_events begin select raise(abort, 'audit disk full'); end`,
    );
    await expect(
      store.recordCheckResult({ goLiveId: goLive.id, itemId: 'backups', evidence: passingHealth }),
    ).rejects.toThrow(/audit disk full/);
    await expect(
      store.recordCheckResult({ goLiveId: goLive.id, itemId: 'secret-key', evidence: passingHealth }),
    ).rejects.toThrow(/audit disk full/);
    raw.exec('drop trigger refuse_audit');
    raw.close();
    const view = await store.getChecklist(goLive.id);
    expect([...(view?.items.values() ?? [])]).toEqual([
      expect.objectContaining({ itemId: 'backups', state: 'done', by: 'U0DBA' }),
    ]);
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
    const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    expect(raw.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    raw.close();
  });

  it('loses nothing when three processes tick the same go-live at once', async () => {
    const file = join(stores.dir(), 'golive.db');
    const store = stores.open(file);
    const template = wideTemplate(0);
    const groupItems = ['a', 'b', 'c'].flatMap((prefix) =>
      Array.from({ length: 100 }, (_, i) => item(`${prefix}-${i}`)),
    );
    const goLive = await started(store, {
      template: { ...template, sections: [{ id: 'all', title: 'All', groups: [{ title: 'All', items: groupItems }] }] },
    });

    const children = ['b', 'c'].map((prefix) => startTickProcess(file, goLive.id, prefix, 100));
    await Promise.all(children.map(whenReady));
    const done = children.map(whenDone);
    for (const child of children) child.send('go');
    const mine = Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.changeItem({ goLiveId: goLive.id, itemId: `a-${i}`, state: 'done', actor: 'Ua' }),
      ),
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
    await before.changeItem({
      goLiveId: goLive.id,
      itemId: 'backups',
      state: 'blocked',
      actor: 'U0DBA',
      reason: 'waiting for snapshot',
    });
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
    expect(await after.startGoLive(newGoLive())).toMatchObject({
      ok: false,
      reason: 'locked',
      holder: { id: goLive.id },
    });
  });
});

describe('messages and the thread', () => {
  it('saveMessage updates the ts and rendered version of a message in place', async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    await store.saveMessage({ goLiveId: goLive.id, key: 'database', ts: '1.1', renderedVersion: 1 });
    await store.saveMessage({ goLiveId: goLive.id, key: 'database', ts: '2.2', renderedVersion: 4 });
    expect(await store.getMessages(goLive.id)).toEqual([
      { goLiveId: goLive.id, key: 'database', ts: '2.2', renderedVersion: 4 },
    ]);
  });

  it("an item's change keeps the other sections' messages at the new version, not its own section's, the root's or one behind", async () => {
    const store = stores.open(join(stores.dir(), 'golive.db'));
    const goLive = await started(store);
    for (const [key, ts] of [
      ['root', '1.1'],
      ['security', '1.2'],
      ['database', '1.3'],
    ] as const) {
      await store.saveMessage({ goLiveId: goLive.id, key, ts, renderedVersion: 1 });
    }
    const versions = async () =>
      Object.fromEntries((await store.getMessages(goLive.id)).map((r) => [r.key, r.renderedVersion]));
    await store.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'done', actor: 'U0DANA' });
    expect(await versions()).toEqual({ root: 1, security: 1, database: 2 });
    // The security message has not shown version 2: a change elsewhere does not make it current.
    await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U0DANA' });
    expect(await versions()).toEqual({ root: 1, security: 1, database: 2 });
    expect(await store.listActiveMessages()).toHaveLength(3);
    await store.abortGoLive(goLive.id, 'U0DANA', 'called off');
    expect(await store.listActiveMessages()).toEqual([]);
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
    const click = {
      goLiveId: goLive.id,
      itemId: 'secret-key',
      state: 'done' as const,
      actor: 'U0DANA',
      deliveryKey: 'action:T1:1.5',
    };
    expect(await store.changeItem(click)).toMatchObject({ ok: true, changed: true });
    // Reopened meanwhile by someone else: the retried delivery of the first click must not tick it again.
    await store.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'open', actor: 'U0SAM' });
    expect(await store.changeItem(click)).toMatchObject({
      ok: true,
      changed: false,
      item: { state: 'open', by: 'U0SAM' },
    });
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
