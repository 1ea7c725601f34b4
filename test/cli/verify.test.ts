// `golive verify` on real database files: intact, then each tampering done behind Golive's back with SQL
// (the append-only triggers dropped first, as someone with the file would), each named with exit 1.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import { main } from '../../src/cli.js';
import { auditHash } from '../../src/record/audit-chain.js';
import { newGoLive, testClock } from '../db/fixtures.js';
import { recordingIo } from '../support/cli-io.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Fixture {
  file: string;
  goLiveId: string;
  /** Row ids of the checkout-api go-live's events, in order; another go-live's events are interleaved. */
  ids: number[];
}

/** checkout-api with 6 events, interleaved with another service's, written by the store and closed. */
async function fixture(): Promise<Fixture> {
  dir = mkdtempSync(join(tmpdir(), 'golive-verify-'));
  const file = join(dir, 'golive.db');
  const clock = testClock();
  const store = openSqliteStore({ file, clock });
  const started = await store.startGoLive(newGoLive());
  const other = await store.startGoLive(newGoLive({ service: 'payments' }));
  if (!started.ok || !other.ok) throw new Error('expected both go-lives to start');
  for (const itemId of ['secret-key', 'debug-off', 'backups']) {
    clock.advance(60_000);
    await store.changeItem({ goLiveId: started.goLive.id, itemId, state: 'done', actor: 'U0DANA' });
    await store.changeItem({ goLiveId: other.goLive.id, itemId, state: 'na', actor: 'U0LEE', reason: 'not used' });
  }
  await store.changeItem({ goLiveId: started.goLive.id, itemId: 'secret-key', state: 'open', actor: 'U0DANA' });
  await store.abortGoLive(started.goLive.id, 'U0DANA', 'moved to Friday');
  const ids = (await store.auditTrail(started.goLive.id)).map((e) => e.id);
  await store.close();
  return { file, goLiveId: started.goLive.id, ids };
}

/** Opens the file as someone with sqlite3 would, without the append-only triggers. */
function tamper(file: string, work: (db: Database.Database) => void): void {
  const db = new Database(file);
  db.exec(
    'DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_events_hashed;',
  );
  work(db);
  db.close();
}

async function verify(file: string, ...args: string[]) {
  const io = recordingIo({ DATABASE_URL: `file:${file}` });
  const code = await main(['verify', ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('golive verify', () => {
  it('exits 0 on an intact chain, by service (latest go-live in production) or by id', async () => {
    const { file, goLiveId } = await fixture();
    const byService = await verify(file, 'checkout-api');
    expect(byService).toMatchObject({ code: 0, err: '' });
    expect(byService.out).toMatch(
      new RegExp(
        `^checkout-api/production \\(${goLiveId}\\): 6 audit events, chain intact; last hash [0-9a-f]{64}\\n$`,
      ),
    );
    expect(await verify(file, goLiveId)).toMatchObject({ code: 0, out: byService.out });
    expect((await verify(file, 'payments', '--env', 'production')).code).toBe(0);
  });

  it('exits 1 naming an edited event', async () => {
    const { file, ids } = await fixture();
    tamper(file, (db) => db.prepare(`UPDATE audit_events SET actor = 'U0MALLORY' WHERE id = ?`).run(ids[2]));
    const result = await verify(file, 'checkout-api');
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `event ${ids[2]} (item debug-off by U0MALLORY at 2026-01-15T09:02:00.000Z) does not fit: edited`,
    );
    expect(result.out).toContain('(position 3 of 6)');
  });

  it('exits 1 naming the event after a removed one', async () => {
    const { file, ids } = await fixture();
    tamper(file, (db) => db.prepare('DELETE FROM audit_events WHERE id = ?').run(ids[2]));
    const result = await verify(file, 'checkout-api');
    expect(result.code).toBe(1);
    expect(result.out).toContain(`event ${ids[3]} (item backups by U0DANA`);
    expect(result.out).toContain('does not fit: removed: the event it follows is not in the trail (position 3 of 5)');
  });

  it('exits 1 naming the first event out of order when two events swap places', async () => {
    const { file, ids } = await fixture();
    const [a, b] = [ids[1]!, ids[2]!];
    tamper(file, (db) => {
      const move = db.prepare('UPDATE audit_events SET id = ? WHERE id = ?');
      move.run(-1, a);
      move.run(a, b);
      move.run(b, -1);
    });
    const result = await verify(file, 'checkout-api');
    expect(result.code).toBe(1);
    expect(result.out).toContain(`event ${a} (item debug-off by U0DANA`);
    expect(result.out).toContain(`does not fit: reordered: it follows event ${b}, which comes after it`);
  });

  it('exits 1 naming an inserted event, even one forged with a correct hash and link', async () => {
    const { file, goLiveId, ids } = await fixture();
    tamper(file, (db) => {
      // Make room after the second event, then slip in a tick that never happened, hashed as Golive would.
      db.prepare('UPDATE audit_events SET id = id + 1000 WHERE id > ?').run(ids[1]);
      const prevHash = db.prepare('SELECT hash FROM audit_events WHERE id = ?').pluck().get(ids[1]) as string;
      const forged = {
        goLiveId,
        at: Date.UTC(2026, 0, 15, 9, 1, 30),
        actor: 'U0MALLORY',
        action: 'item',
        subject: 'backups',
        before: null,
        after: '{"state":"done"}',
      };
      db.prepare(
        `INSERT INTO audit_events (id, go_live_id, at, actor, action, subject, before, after, hash, prev_hash)
         VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
      ).run(
        ids[1]! + 1,
        goLiveId,
        forged.at,
        forged.actor,
        forged.action,
        forged.subject,
        forged.after,
        auditHash(forged, prevHash),
        prevHash,
      );
    });
    const result = await verify(file, 'checkout-api');
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `event ${ids[1]! + 1} (item backups by U0MALLORY at 2026-01-15T09:01:30.000Z) does not fit: inserted`,
    );
    expect(result.out).toContain(`event ${ids[2]! + 1000} follows event ${ids[1]} directly`);
  });

  it('exits 1 on an event written around the store without a hash', async () => {
    const { file, goLiveId } = await fixture();
    tamper(file, (db) =>
      db
        .prepare(
          `INSERT INTO audit_events (go_live_id, at, actor, action, subject) VALUES (?, 0, 'U0MALLORY', 'item', 'backups')`,
        )
        .run(goLiveId),
    );
    const result = await verify(file, goLiveId);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      'does not fit: edited: it has no hash: it was written around Golive (position 7 of 7)',
    );
  });

  it('exits 2 on usage errors and unknown go-lives, and never creates a database', async () => {
    const { file } = await fixture();
    expect(await verify(file)).toMatchObject({ code: 2, err: expect.stringContaining('usage: golive verify') });
    expect(await verify(file, 'a', 'b')).toMatchObject({ code: 2, err: expect.stringContaining('unexpected b') });
    expect(await verify(file, 'checkout-api', '--bogus')).toMatchObject({ code: 2 });
    expect(await verify(file, 'checkout-api', '--env', 'staging')).toMatchObject({
      code: 2,
      err: 'golive verify: no go-live checkout-api and no go-live of service checkout-api in staging\n',
    });
    const missing = join(dir!, 'nope.db');
    expect(await verify(missing, 'checkout-api')).toMatchObject({
      code: 2,
      err: expect.stringContaining(`no database at ${missing}`),
    });
    expect(existsSync(missing)).toBe(false);
  });
});
