// The Store contract: what every store must do, written once against the Store interface. A store's test file
// runs it through a factory (test/db/sqlite-store.test.ts for SQLite); a second store (PostgreSQL) runs the
// same suite unchanged. What only one engine can show (its files, pragmas, triggers written behind it) stays
// in that engine's own test file.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import type { Evidence } from '../../src/domain/go-live.js';
import type { Store } from '../../db/store.js';
import { newGoLive, smallTemplate, testClock, wideTemplate } from './fixtures.js';

export interface StoreFactory {
  /** A new, empty database; every store opened on it shares it, as two processes on one database would. */
  database(): string;
  /** A store on `database` (closed by the factory after each test). */
  open(database: string, clock?: Clock): Store;
}

export const passingHealth: Evidence = {
  kind: 'health',
  status: 'pass',
  summary: '5/5 health endpoints answered 200',
  takenAt: Date.UTC(2026, 0, 15, 9, 5),
  details: { paths: ['/health/ping', '/health/ready'], codes: [200, 200] },
};

const failingHealth: Evidence = {
  ...passingHealth,
  status: 'fail',
  summary: '/health/ready 503 (want 2xx)',
  details: { codes: [200, 503] },
};

export async function started(store: Store, overrides = {}) {
  const result = await store.startGoLive(newGoLive(overrides));
  if (!result.ok) throw new Error('expected the go-live to start');
  return result.goLive;
}

export function storeContract(label: string, factory: StoreFactory): void {
  const fresh = (clock?: Clock): Store => factory.open(factory.database(), clock);

  describe(`Store contract (${label})`, () => {
    describe('starting a go-live', () => {
      it('creates it in preparing with version 1, a sortable id and a start event', async () => {
        const clock = testClock();
        const store = fresh(clock);
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
        const file = factory.database();
        const template = smallTemplate();
        const goLive = await started(factory.open(file), { template });
        template.sections.pop();
        template.sections[0]!.title = 'Renamed';

        const reopened = factory.open(file);
        expect((await reopened.getGoLive(goLive.id))?.template).toEqual(smallTemplate());
        expect(goLive.template).toEqual(smallTemplate());
        expect(
          await reopened.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U1' }),
        ).toMatchObject({ ok: true });
      });
      it('refuses a second start on the same service and environment, naming the holder', async () => {
        const store = fresh();
        const first = await started(store);

        const second = await store.startGoLive(newGoLive({ startedBy: 'U0SOMEONE' }));
        expect(second).toEqual({ ok: false, reason: 'locked', holder: first });
        expect(await store.listActive()).toEqual([first]);
      });
      it('lets the same service start in another environment, and another service in the same one', async () => {
        const store = fresh();
        const production = await started(store);
        const staging = await started(store, { environment: 'staging' });
        const payments = await started(store, { service: 'payments' });

        expect(await store.findActive('checkout-api', 'staging')).toEqual(staging);
        expect((await store.listActive()).map((g) => g.id)).toEqual([production.id, staging.id, payments.id]);
        expect((await store.listActive('checkout-api')).map((g) => g.id)).toEqual([production.id, staging.id]);
      });
      it('keeps whether the channel is private, and finds a private go-live only from its own channel when asked from one', async () => {
        const clock = testClock();
        const file = factory.database();
        const store = factory.open(file, clock);
        const secret = await started(store, { channelId: 'C0SECRET', privateChannel: true });
        const open = await started(store, { service: 'payments' });
        expect(secret.privateChannel).toBe(true);
        expect(open).not.toHaveProperty('privateChannel');
        expect(await factory.open(file).getGoLive(secret.id)).toEqual(secret);
        expect((await store.auditTrail(secret.id))[0]?.after).toMatchObject({
          channelId: 'C0SECRET',
          privateChannel: true,
        });

        expect((await store.listActive(undefined, 'C0SECRET')).map((g) => g.id)).toEqual([secret.id, open.id]);
        expect((await store.listActive(undefined, 'C0OTHER')).map((g) => g.id)).toEqual([open.id]);
        expect(await store.listActive('checkout-api', 'C0OTHER')).toEqual([]);
        expect((await store.listActive('checkout-api')).map((g) => g.id)).toEqual([secret.id]);

        // From elsewhere, the latest is the newest public one (none while only private ones exist).
        await store.abortGoLive(secret.id, 'U0DEPLOYER', 'moved');
        clock.advance(1000);
        const again = await started(store, { channelId: 'C0SECRET', privateChannel: true });
        expect((await store.findLatest('checkout-api', 'production'))?.id).toBe(again.id);
        expect((await store.findLatest('checkout-api', 'production', 'C0SECRET'))?.id).toBe(again.id);
        expect(await store.findLatest('checkout-api', 'production', 'C0OTHER')).toBeUndefined();
        await store.abortGoLive(again.id, 'U0DEPLOYER', 'moved');
        clock.advance(1000);
        const publicOne = await started(store, { channelId: 'C0DEPLOY' });
        await store.abortGoLive(publicOne.id, 'U0DEPLOYER', 'done');
        clock.advance(1000);
        const latestPrivate = await started(store, { channelId: 'C0SECRET', privateChannel: true });
        expect((await store.findLatest('checkout-api', 'production', 'C0OTHER'))?.id).toBe(publicOne.id);
        expect((await store.findLatest('checkout-api', 'production', 'C0SECRET'))?.id).toBe(latestPrivate.id);
      });
      it('keeps the lock in the database: a second store on the same file is refused too', async () => {
        const file = factory.database();
        const first = await started(factory.open(file));
        const other = factory.open(file);
        expect(await other.startGoLive(newGoLive())).toEqual({ ok: false, reason: 'locked', holder: first });
      });
    });

    describe('aborting a go-live', () => {
      it('releases the lock, records who and why, and refuses further ticks', async () => {
        const clock = testClock();
        const store = fresh(clock);
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

        expect(
          await store.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'done', actor: 'U1' }),
        ).toEqual({
          ok: false,
          reason: 'not-active',
        });
        const again = await store.startGoLive(newGoLive());
        expect(again.ok).toBe(true);
      });
      it('aborting twice changes nothing the second time', async () => {
        const store = fresh();
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
        const store = fresh(clock);
        const goLive = await started(store);
        clock.advance(5_000);

        const result = await store.changeItem({
          goLiveId: goLive.id,
          itemId: 'health-ping',
          state: 'done',
          actor: 'U0DBA',
        });
        const item = { itemId: 'health-ping', state: 'done', by: 'U0DBA', at: clock.now() };
        expect(result).toMatchObject({ ok: true, changed: true, item, goLive: { version: 2 } });

        const view = await store.getChecklist(goLive.id);
        expect(view?.goLive.version).toBe(2);
        expect([...(view?.items.values() ?? [])]).toEqual([item]);

        const trail = await store.auditTrail(goLive.id);
        expect(trail.map((e) => e.action)).toEqual(['start', 'item']);
        expect(trail[1]).toMatchObject({
          actor: 'U0DBA',
          subject: 'health-ping',
          at: clock.now(),
          before: null,
          after: item,
        });
      });
      it('records before and after when an item moves on, with its reason', async () => {
        const clock = testClock();
        const store = fresh(clock);
        const goLive = await started(store);
        await store.changeItem({
          goLiveId: goLive.id,
          itemId: 'backups',
          state: 'blocked',
          actor: 'U0DBA',
          reason: 'restore test pending',
        });
        clock.advance(1_000);
        const done = await store.changeItem({
          goLiveId: goLive.id,
          itemId: 'backups',
          state: 'done',
          actor: 'U0INFRA',
        });

        expect(done).toMatchObject({
          ok: true,
          changed: true,
          item: { state: 'done', by: 'U0INFRA' },
          goLive: { version: 3 },
        });
        expect(done.ok && done.item).not.toHaveProperty('reason');
        const last = (await store.auditTrail(goLive.id)).at(-1);
        expect(last?.before).toMatchObject({ state: 'blocked', by: 'U0DBA', reason: 'restore test pending' });
        expect(last?.after).toMatchObject({ state: 'done', by: 'U0INFRA' });
      });
      it('is idempotent: the same click again changes nothing, adds no event and keeps the version', async () => {
        const clock = testClock();
        const store = fresh(clock);
        const goLive = await started(store);
        const change = {
          goLiveId: goLive.id,
          itemId: 'debug-off',
          state: 'na' as const,
          actor: 'U0DBA',
          reason: 'no debug mode',
        };
        const first = await store.changeItem(change);
        clock.advance(1_000);
        const repeat = await store.changeItem({ ...change, actor: 'U0SOMEONE' });

        expect(repeat).toEqual({ ...first, changed: false });
        expect(await store.auditTrail(goLive.id)).toHaveLength(2);
        expect((await store.getGoLive(goLive.id))?.version).toBe(2);
      });
      it('treats opening an untouched item as no change', async () => {
        const store = fresh();
        const goLive = await started(store);
        const result = await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'open', actor: 'U1' });
        expect(result).toMatchObject({
          ok: true,
          changed: false,
          item: { itemId: 'backups', state: 'open' },
          goLive: { version: 1 },
        });
        expect(await store.auditTrail(goLive.id)).toHaveLength(1);
      });
      it('keeps check evidence when a person ticks the item, and compares evidence by content', async () => {
        const store = fresh();
        const goLive = await started(store);
        await store.changeItem({
          goLiveId: goLive.id,
          itemId: 'health-endpoints',
          state: 'done',
          actor: 'golive',
          evidence: passingHealth,
        });

        const reordered = JSON.parse(
          JSON.stringify({
            details: passingHealth.details,
            takenAt: passingHealth.takenAt,
            summary: passingHealth.summary,
            status: 'pass',
            kind: 'health',
          }),
        ) as Evidence;
        const sameEvidence = await store.changeItem({
          goLiveId: goLive.id,
          itemId: 'health-endpoints',
          state: 'done',
          actor: 'golive',
          evidence: reordered,
        });
        expect(sameEvidence).toMatchObject({ ok: true, changed: false });

        const byPerson = await store.changeItem({
          goLiveId: goLive.id,
          itemId: 'health-endpoints',
          state: 'done',
          actor: 'U0INFRA',
        });
        expect(byPerson).toMatchObject({ ok: true, changed: false, item: { evidence: passingHealth } });

        const failed: Evidence = { ...passingHealth, status: 'fail', summary: '/health/ready answered 503 (want 200)' };
        const fails = await store.changeItem({
          goLiveId: goLive.id,
          itemId: 'health-endpoints',
          state: 'failed',
          actor: 'golive',
          evidence: failed,
        });
        expect(fails).toMatchObject({ ok: true, changed: true, item: { state: 'failed', evidence: failed } });
        const view = await store.getChecklist(goLive.id);
        expect(view?.items.get('health-endpoints')?.evidence).toEqual(failed);
      });
      it('says which go-live or item does not exist', async () => {
        const store = fresh();
        const goLive = await started(store);
        expect(
          await store.changeItem({ goLiveId: goLive.id, itemId: 'no-such-item', state: 'done', actor: 'U1' }),
        ).toEqual({
          ok: false,
          reason: 'unknown-item',
        });
        expect(await store.changeItem({ goLiveId: 'nope', itemId: 'backups', state: 'done', actor: 'U1' })).toEqual({
          ok: false,
          reason: 'not-found',
        });
        expect(await store.auditTrail(goLive.id)).toHaveLength(1);
      });
      it('loses nothing under 200 concurrent changes', async () => {
        const store = fresh();
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
        const file = factory.database();
        const a = factory.open(file);
        const b = factory.open(file);
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

    describe('recording a check result', () => {
      it('ticks an open item as Golive with the evidence, in one audited change', async () => {
        const clock = testClock();
        const store = fresh(clock);
        const goLive = await started(store);
        clock.advance(60_000);

        const result = await store.recordCheckResult({
          goLiveId: goLive.id,
          itemId: 'health-endpoints',
          evidence: passingHealth,
        });
        const item = {
          itemId: 'health-endpoints',
          state: 'done',
          by: 'golive',
          at: clock.now(),
          evidence: passingHealth,
        };
        expect(result).toEqual({
          ok: true,
          changed: true,
          effect: { kind: 'set', state: 'done' },
          goLive: expect.objectContaining({ version: 2 }) as unknown,
          item,
        });
        expect((await store.getChecklist(goLive.id))?.items.get('health-endpoints')).toEqual(item);
        expect((await store.auditTrail(goLive.id)).at(-1)).toMatchObject({
          actor: 'golive',
          action: 'item',
          subject: 'health-endpoints',
          before: null,
          after: item,
        });
      });
      it('decides on the state at the moment it lands: a person’s N/A clicked after the run started stays, with the evidence beside it', async () => {
        const clock = testClock();
        const store = fresh(clock);
        const goLive = await started(store);
        // The run starts while the item is open; a person marks it N/A before the pass lands.
        expect((await store.getChecklist(goLive.id))?.items.get('health-endpoints')).toBeUndefined();
        await store.changeItem({
          goLiveId: goLive.id,
          itemId: 'health-endpoints',
          state: 'na',
          actor: 'U0INFRA',
          reason: 'behind the mesh',
        });
        const decided = clock.now();
        clock.advance(60_000);

        const result = await store.recordCheckResult({
          goLiveId: goLive.id,
          itemId: 'health-endpoints',
          evidence: passingHealth,
        });
        const item = {
          itemId: 'health-endpoints',
          state: 'na',
          by: 'U0INFRA',
          at: decided,
          reason: 'behind the mesh',
          evidence: passingHealth,
        };
        expect(result).toEqual({
          ok: true,
          changed: true,
          effect: { kind: 'attach' },
          goLive: expect.objectContaining({ version: 3 }) as unknown,
          item,
        });

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
        const store = fresh(clock);
        const goLive = await started(store);
        await store.changeItem({ goLiveId: goLive.id, itemId: 'health-endpoints', state: 'done', actor: 'U0SECURITY' });
        const personal = { itemId: 'health-endpoints', state: 'done', by: 'U0SECURITY', at: clock.now() };
        clock.advance(60_000);

        const result = await store.recordCheckResult({
          goLiveId: goLive.id,
          itemId: 'health-endpoints',
          evidence: failingHealth,
        });
        const item = {
          itemId: 'health-endpoints',
          state: 'failed',
          by: 'golive',
          at: clock.now(),
          reason: '/health/ready 503 (want 2xx)',
          evidence: failingHealth,
        };
        expect(result).toMatchObject({
          ok: true,
          changed: true,
          effect: { kind: 'set', state: 'failed', reason: '/health/ready 503 (want 2xx)' },
          item,
        });
        expect((await store.getChecklist(goLive.id))?.items.get('health-endpoints')).toEqual(item);
        expect((await store.auditTrail(goLive.id)).at(-1)).toMatchObject({
          actor: 'golive',
          action: 'item',
          subject: 'health-endpoints',
          before: personal,
          after: item,
        });
      });
      it('sets the fail reason the caller gives, keeping the whole summary in the evidence', async () => {
        const store = fresh();
        const goLive = await started(store);
        const result = await store.recordCheckResult({
          goLiveId: goLive.id,
          itemId: 'backups',
          evidence: failingHealth,
          failReason: '/health/ready 5…',
        });
        expect(result).toMatchObject({
          ok: true,
          item: { state: 'failed', reason: '/health/ready 5…', evidence: { summary: '/health/ready 503 (want 2xx)' } },
        });
      });
      it('is idempotent: the same result again changes nothing, adds no event and keeps the version', async () => {
        const clock = testClock();
        const store = fresh(clock);
        const goLive = await started(store);
        await store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: 'U0DBA' });
        const record = { goLiveId: goLive.id, itemId: 'backups', evidence: passingHealth };
        const first = await store.recordCheckResult(record);
        clock.advance(1_000);
        const repeat = await store.recordCheckResult({
          ...record,
          evidence: JSON.parse(JSON.stringify(passingHealth)) as Evidence,
        });

        expect(repeat).toEqual({ ...first, changed: false });
        expect((await store.auditTrail(goLive.id)).map((e) => e.action)).toEqual(['start', 'item', 'evidence']);
        expect((await store.getGoLive(goLive.id))?.version).toBe(3);

        // Newer evidence replaces the older one; the before says what it replaced.
        const newer: Evidence = {
          ...passingHealth,
          status: 'error',
          summary: 'connection refused',
          takenAt: passingHealth.takenAt + 60_000,
        };
        expect(await store.recordCheckResult({ ...record, evidence: newer })).toMatchObject({
          ok: true,
          changed: true,
          effect: { kind: 'attach' },
          item: { state: 'done', by: 'U0DBA', evidence: newer },
        });
        expect((await store.auditTrail(goLive.id)).at(-1)).toMatchObject({
          action: 'evidence',
          before: { evidence: passingHealth },
          after: { evidence: newer },
        });

        // A fail set by Golive, landing again, is no change either.
        const failed = await store.recordCheckResult({ ...record, evidence: failingHealth });
        expect(failed).toMatchObject({ changed: true, item: { state: 'failed', by: 'golive' } });
        expect(await store.recordCheckResult({ ...record, evidence: failingHealth })).toEqual({
          ...failed,
          changed: false,
        });
        expect((await store.getGoLive(goLive.id))?.version).toBe(5);
      });
      it('gives an untouched item an open record by Golive from the start when an error only attaches evidence; a reopen click leaves it alone', async () => {
        const clock = testClock();
        const store = fresh(clock);
        const goLive = await started(store);
        clock.advance(5_000);
        const refused: Evidence = { ...passingHealth, status: 'error', summary: 'connection refused' };

        const result = await store.recordCheckResult({ goLiveId: goLive.id, itemId: 'secret-key', evidence: refused });
        const item = { itemId: 'secret-key', state: 'open', by: 'golive', at: goLive.startedAt, evidence: refused };
        expect(result).toMatchObject({
          ok: true,
          changed: true,
          effect: { kind: 'attach' },
          item,
          goLive: { version: 2 },
        });
        expect((await store.getChecklist(goLive.id))?.items.get('secret-key')).toEqual(item);

        // Reopening an open item is still no change: nobody's name lands on it.
        expect(
          await store.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'open', actor: 'U1' }),
        ).toMatchObject({ changed: false, item });
      });
      it('refuses an unknown go-live or item and an ended go-live, writing nothing', async () => {
        const store = fresh();
        const goLive = await started(store);
        const record = { goLiveId: goLive.id, itemId: 'backups', evidence: passingHealth };
        expect(await store.recordCheckResult({ ...record, itemId: 'no-such-item' })).toEqual({
          ok: false,
          reason: 'unknown-item',
        });
        expect(await store.recordCheckResult({ ...record, goLiveId: 'nope' })).toEqual({
          ok: false,
          reason: 'not-found',
        });
        await store.abortGoLive(goLive.id, 'U0DEPLOYER', 'rolled back');
        expect(await store.recordCheckResult(record)).toEqual({ ok: false, reason: 'not-active' });
        expect((await store.getChecklist(goLive.id))?.items.size).toBe(0);
        expect((await store.auditTrail(goLive.id)).map((e) => e.action)).toEqual(['start', 'abort']);
      });
    });

    describe('the check-run lease', () => {
      const LEASE = 120_000;

      it('gives a go-live one run at a time, names its holder, and frees it when the run releases it', async () => {
        const clock = testClock();
        const store = fresh(clock);
        const goLive = await started(store);
        const first = await store.claimCheckRun({ goLiveId: goLive.id, by: 'U0DANA', leaseMs: LEASE });
        expect(first).toMatchObject({
          ok: true,
          lease: { goLiveId: goLive.id, by: 'U0DANA', at: clock.now(), expiresAt: clock.now() + LEASE },
        });
        expect((await store.getChecklist(goLive.id))?.checkRun).toEqual({ by: 'U0DANA', at: clock.now() });

        clock.advance(1_000);
        expect(await store.claimCheckRun({ goLiveId: goLive.id, by: 'U0LEE', leaseMs: LEASE })).toEqual({
          ok: false,
          holder: { by: 'U0DANA', at: clock.now() - 1_000 },
        });
        const other = await started(store, { service: 'payments' });
        expect(await store.claimCheckRun({ goLiveId: other.id, by: 'U0LEE', leaseMs: LEASE })).toMatchObject({
          ok: true,
        });

        if (first.ok) await store.releaseCheckRun(first.lease);
        expect((await store.getChecklist(goLive.id))?.checkRun).toBeUndefined();
        expect(await store.claimCheckRun({ goLiveId: goLive.id, by: 'U0LEE', leaseMs: LEASE })).toMatchObject({
          ok: true,
          lease: { by: 'U0LEE' },
        });
      });

      it('holds across stores on one database and across a restart', async () => {
        const clock = testClock();
        const database = factory.database();
        const a = factory.open(database, clock);
        const goLive = await started(a);
        expect(await a.claimCheckRun({ goLiveId: goLive.id, by: 'U0DANA', leaseMs: LEASE })).toMatchObject({
          ok: true,
        });
        const b = factory.open(database, clock);
        expect(await b.claimCheckRun({ goLiveId: goLive.id, by: 'U0LEE', leaseMs: LEASE })).toMatchObject({
          ok: false,
          holder: { by: 'U0DANA' },
        });
        await a.close();
        const restarted = factory.open(database, clock);
        expect(await restarted.claimCheckRun({ goLiveId: goLive.id, by: 'U0LEE', leaseMs: LEASE })).toMatchObject({
          ok: false,
          holder: { by: 'U0DANA' },
        });
        expect((await restarted.getChecklist(goLive.id))?.checkRun).toMatchObject({ by: 'U0DANA' });
      });

      it('lets a run whose process died go when its lease expires; the dead run cannot release its successor', async () => {
        const clock = testClock();
        const database = factory.database();
        const died = factory.open(database, clock);
        const goLive = await started(died);
        const lost = await died.claimCheckRun({ goLiveId: goLive.id, by: 'U0DANA', leaseMs: LEASE });
        if (!lost.ok) throw new Error('expected the first claim to hold');
        const survivor = factory.open(database, clock);
        clock.advance(LEASE - 1);
        expect(await survivor.claimCheckRun({ goLiveId: goLive.id, by: 'U0LEE', leaseMs: LEASE })).toMatchObject({
          ok: false,
        });
        clock.advance(1);
        expect((await survivor.getChecklist(goLive.id))?.checkRun).toBeUndefined();
        const next = await survivor.claimCheckRun({ goLiveId: goLive.id, by: 'U0LEE', leaseMs: LEASE });
        expect(next).toMatchObject({ ok: true, lease: { by: 'U0LEE' } });
        await died.releaseCheckRun(lost.lease);
        expect(await survivor.claimCheckRun({ goLiveId: goLive.id, by: 'U0SAM', leaseMs: LEASE })).toMatchObject({
          ok: false,
          holder: { by: 'U0LEE' },
        });
      });
    });
  });
}
