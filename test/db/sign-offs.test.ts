// Sign-offs in the SQLite store, on real database files: each step is its row, its status change and its audit
// event in one transaction; repeats change nothing; an item change revokes what stood; after Go live the
// checklist is locked.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SignOffAction, SignOffCommand } from '../../db/store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import type { Template } from '../../src/domain/template.js';
import { newGoLive, smallTemplate, testClock, useStores } from './fixtures.js';
import type { TestClock } from './fixtures.js';

const stores = useStores();
const DEPLOYER = 'U0DEPLOYER';
const ANA = 'U0ANA';
const BEN = 'U0BEN';
const ALL_ITEMS = ['secret-key', 'debug-off', 'health-endpoints', 'health-ping', 'health-ready', 'backups'];

function template(signoff: Partial<Template['signoff']> = {}): Template {
  const t = smallTemplate();
  t.signoff = { ...t.signoff, ...signoff };
  t.roles.dba = { label: 'Database Admin' };
  const database = t.sections[1];
  if (database) database.owner = 'dba';
  return t;
}

async function setUp(
  signoff: Partial<Template['signoff']> = {},
): Promise<{ store: SqliteStore; clock: TestClock; id: string; file: string }> {
  const clock = testClock();
  const file = join(stores.dir(), 'golive.db');
  const store = stores.open(file, clock);
  const started = await store.startGoLive(
    newGoLive({
      template: template(signoff),
      roles: { approver: [`<@${ANA}>`, `<@${BEN}>`], dba: ['<!subteam^S0DBA>'] },
    }),
  );
  if (!started.ok) throw new Error('expected the go-live to start');
  return { store, clock, id: started.goLive.id, file };
}

async function tickAll(store: SqliteStore, id: string, actor = 'U0DBA'): Promise<void> {
  for (const itemId of ALL_ITEMS) await store.changeItem({ goLiveId: id, itemId, state: 'done', actor });
}

const as = (id: string, actor: string, extra: Partial<SignOffCommand> = {}): SignOffCommand => ({
  goLiveId: id,
  actor,
  groups: new Map([['S0DBA', ['U0DBA']]]),
  ...extra,
});
const approve = (round: number, extra: Partial<Extract<SignOffAction, { kind: 'approve' }>> = {}): SignOffAction => ({
  kind: 'approve',
  round,
  ...extra,
});

describe('sign-off in the store', () => {
  it('request → approve (quorum of two, a retry and a repeat counting once) → go live, every step audited with who and when', async () => {
    const { store, clock, id } = await setUp({ approvals: 2 });
    await tickAll(store, id);

    clock.advance(60_000);
    const requested = await store.signOff(as(id, DEPLOYER, { deliveryKey: 'req-1' }), { kind: 'request-approval' });
    expect(requested).toMatchObject({
      ok: true,
      changed: true,
      before: 'preparing',
      goLive: { status: 'awaiting_approval' },
      signOff: { round: 1, approvals: [] },
    });

    clock.advance(60_000);
    const first = await store.signOff(as(id, ANA, { deliveryKey: 'ana-1' }), approve(1, { comment: 'looks good' }));
    expect(first).toMatchObject({
      ok: true,
      changed: true,
      goLive: { status: 'awaiting_approval' },
      signOff: { approvals: [{ by: ANA, comment: 'looks good' }] },
    });
    // Slack retries the same delivery; Ana clicks again: both change nothing.
    expect(await store.signOff(as(id, ANA, { deliveryKey: 'ana-1' }), approve(1))).toMatchObject({
      ok: true,
      changed: false,
    });
    expect(await store.signOff(as(id, ANA, { deliveryKey: 'ana-2' }), approve(1))).toMatchObject({
      ok: true,
      changed: false,
      signOff: { approvals: [{ by: ANA }] },
    });

    const second = await store.signOff(as(id, BEN, { deliveryKey: 'ben-1' }), approve(1));
    expect(second).toMatchObject({
      ok: true,
      changed: true,
      before: 'awaiting_approval',
      goLive: { status: 'approved' },
    });
    if (!second.ok) return;
    expect(second.signOff.approvals.map((a) => a.by)).toEqual([ANA, BEN]);

    clock.advance(60_000);
    expect(await store.signOff(as(id, ANA), { kind: 'go-live' })).toMatchObject({
      ok: false,
      code: 'refused',
      refusal: { code: 'not-deployer' },
    });
    const live = await store.signOff(as(id, DEPLOYER), { kind: 'go-live' });
    expect(live).toMatchObject({ ok: true, changed: true, goLive: { status: 'live', liveAt: clock.now() } });
    expect((await store.getGoLive(id))?.liveAt).toBe(clock.now());

    const trail = (await store.auditTrail(id)).filter((e) => !['item', 'start'].includes(e.action));
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['request-approval', DEPLOYER],
      ['approve', ANA],
      ['approve', BEN],
      ['go-live', DEPLOYER],
    ]);
    expect(trail.every((e) => e.at > 0)).toBe(true);
    expect(trail[3]?.after).toMatchObject({
      status: 'live',
      approvalLine: `Deployment Approved By: <@${ANA}>, <@${BEN}>  Date: 2026-01-15`,
    });
    expect((await store.signOffRecord(id)).map((r) => [r.kind, r.by, r.round])).toEqual([
      ['approval', ANA, 1],
      ['approval', BEN, 1],
    ]);
  });

  it('refuses with what stands in the way and writes nothing', async () => {
    const { store, id } = await setUp();
    await store.signOff(as(id, DEPLOYER), { kind: 'request-approval' });
    const before = (await store.auditTrail(id)).length;

    expect(await store.signOff(as(id, 'U0EVE'), approve(1))).toMatchObject({
      ok: false,
      code: 'refused',
      refusal: { code: 'not-role-holder' },
    });
    expect(await store.signOff(as(id, ANA), approve(1))).toMatchObject({
      ok: false,
      code: 'refused',
      refusal: { code: 'incomplete', blockers: { open: ALL_ITEMS.map((itemId) => ({ itemId })) } },
    });
    expect(await store.signOff(as(id, ANA), approve(0))).toMatchObject({ ok: false, code: 'stale-request' });
    expect(await store.signOff(as('nope', ANA), approve(1))).toEqual({ ok: false, code: 'not-found' });
    expect((await store.auditTrail(id)).length).toBe(before);
    expect(await store.signOffRecord(id)).toEqual([]);
  });

  it('an item change after an approval revokes it: back to Preparing, the row kept with who revoked it and why', async () => {
    const { store, clock, id } = await setUp({ approvals: 2 });
    await tickAll(store, id);
    await store.signOff(as(id, DEPLOYER), { kind: 'request-approval' });
    await store.signOff(as(id, ANA), approve(1));

    clock.advance(5_000);
    const changed = await store.changeItem({ goLiveId: id, itemId: 'debug-off', state: 'open', actor: 'U0DBA' });
    expect(changed).toMatchObject({
      ok: true,
      changed: true,
      goLive: { status: 'preparing' },
      revoked: { approvers: [ANA], sections: [] },
    });
    expect((await store.getChecklist(id))?.signOff).toEqual({ round: 1, approvals: [], sections: [] });
    expect((await store.signOffRecord(id))[0]).toMatchObject({
      kind: 'approval',
      by: ANA,
      revoked: { at: clock.now(), by: 'U0DBA', reason: 'debug-off changed' },
    });
    expect((await store.auditTrail(id)).at(-1)).toMatchObject({
      action: 'revoke',
      actor: 'U0DBA',
      at: clock.now(),
      before: { status: 'awaiting_approval', approvers: [ANA] },
      after: { status: 'preparing' },
    });
    // Nothing stands any more: the next change revokes nothing.
    expect(
      await store.changeItem({ goLiveId: id, itemId: 'debug-off', state: 'done', actor: 'U0DBA' }),
    ).not.toHaveProperty('revoked');
    // The old request's buttons no longer count; a new request starts over.
    expect(await store.signOff(as(id, BEN), approve(1))).toMatchObject({
      ok: false,
      code: 'refused',
      refusal: { code: 'lifecycle', refusal: 'not-requested' },
    });
    expect(await store.signOff(as(id, DEPLOYER), { kind: 'request-approval' })).toMatchObject({
      ok: true,
      signOff: { round: 2, approvals: [] },
    });
    expect(await store.signOff(as(id, BEN), approve(1))).toMatchObject({ ok: false, code: 'stale-request' });
  });

  it('reject records the reason; a new request starts over', async () => {
    const { store, id } = await setUp();
    await store.signOff(as(id, DEPLOYER), { kind: 'request-approval' });
    expect(await store.signOff(as(id, ANA), { kind: 'reject', round: 1, reason: '  ' })).toMatchObject({
      ok: false,
      refusal: { code: 'text-required' },
    });
    const rejected = await store.signOff(as(id, ANA), { kind: 'reject', round: 1, reason: 'no rollback plan' });
    expect(rejected).toMatchObject({
      ok: true,
      goLive: { status: 'rejected' },
      signOff: { rejection: { by: ANA, reason: 'no rollback plan' } },
    });
    expect((await store.auditTrail(id)).at(-1)).toMatchObject({
      action: 'reject',
      actor: ANA,
      after: { status: 'rejected', reason: 'no rollback plan' },
    });
    expect(await store.signOff(as(id, DEPLOYER), { kind: 'request-approval' })).toMatchObject({
      ok: true,
      goLive: { status: 'awaiting_approval' },
      signOff: { round: 2, approvals: [] },
    });
    expect((await store.getChecklist(id))?.signOff?.rejection).toBeUndefined();
  });

  it('approve with exceptions records the justification and what it was given despite', async () => {
    const { store, id } = await setUp({ allowExceptions: true });
    await store.signOff(as(id, DEPLOYER), { kind: 'request-approval' });
    const approved = await store.signOff(
      as(id, ANA),
      approve(1, { justification: 'secrets rotated by hand, see INC-42' }),
    );
    expect(approved).toMatchObject({
      ok: true,
      goLive: { status: 'approved' },
      signOff: { approvals: [{ by: ANA, justification: 'secrets rotated by hand, see INC-42' }] },
    });
    const [row] = await store.signOffRecord(id);
    expect(row).toMatchObject({
      justification: 'secrets rotated by hand, see INC-42',
      exceptions: { open: ALL_ITEMS.map((itemId) => ({ itemId })) },
    });
    expect((await store.auditTrail(id)).at(-1)).toMatchObject({
      action: 'approve',
      after: { justification: 'secrets rotated by hand, see INC-42' },
    });
  });

  it('section sign-off by the owner role through its group, revoked by a change in that section only', async () => {
    const { store, id } = await setUp();
    await store.changeItem({ goLiveId: id, itemId: 'backups', state: 'done', actor: 'U0DBA' });
    expect(await store.signOff(as(id, ANA), { kind: 'sign-off-section', sectionId: 'database' })).toMatchObject({
      ok: false,
      refusal: { code: 'not-role-holder' },
    });
    expect(await store.signOff(as(id, 'U0DBA'), { kind: 'sign-off-section', sectionId: 'database' })).toMatchObject({
      ok: true,
      changed: true,
      signOff: { sections: [{ sectionId: 'database', by: 'U0DBA' }] },
    });
    expect(await store.signOff(as(id, 'U0DBA'), { kind: 'sign-off-section', sectionId: 'database' })).toMatchObject({
      ok: true,
      changed: false,
    });

    expect(
      await store.changeItem({ goLiveId: id, itemId: 'secret-key', state: 'done', actor: 'U0DBA' }),
    ).not.toHaveProperty('revoked');
    const changed = await store.changeItem({
      goLiveId: id,
      itemId: 'backups',
      state: 'na',
      reason: 'no database',
      actor: 'U0DBA',
    });
    expect(changed).toMatchObject({
      ok: true,
      goLive: { status: 'preparing' },
      revoked: { approvers: [], sections: [{ sectionId: 'database', by: 'U0DBA' }] },
    });
    expect((await store.getChecklist(id))?.signOff?.sections).toEqual([]);
    // Signed off again after the change: a new row (the unique index only holds standing sign-offs).
    expect(await store.signOff(as(id, 'U0DBA'), { kind: 'sign-off-section', sectionId: 'database' })).toMatchObject({
      ok: true,
      changed: true,
    });
  });

  it('after Go live a change needs a reason and is audited as post-launch', async () => {
    const { store, id } = await setUp();
    await tickAll(store, id);
    await store.signOff(as(id, DEPLOYER), { kind: 'request-approval' });
    await store.signOff(as(id, ANA), approve(1));
    await store.signOff(as(id, DEPLOYER), { kind: 'go-live' });

    expect(await store.changeItem({ goLiveId: id, itemId: 'backups', state: 'open', actor: 'U0DBA' })).toEqual({
      ok: false,
      reason: 'locked',
    });
    const changed = await store.changeItem({
      goLiveId: id,
      itemId: 'backups',
      state: 'open',
      reason: 'backup job failed overnight',
      actor: 'U0DBA',
    });
    expect(changed).toMatchObject({
      ok: true,
      changed: true,
      goLive: { status: 'live' },
      item: { state: 'open', reason: 'backup job failed overnight' },
    });
    expect(changed).not.toHaveProperty('revoked');
    expect((await store.auditTrail(id)).at(-1)).toMatchObject({
      action: 'item',
      actor: 'U0DBA',
      after: { postLaunch: true, reason: 'backup job failed overnight' },
    });
  });

  it('Edit roles: audited with before and after; changing the approvers voids their approvals', async () => {
    const { store, id } = await setUp({ allowExceptions: true });
    await store.signOff(as(id, DEPLOYER), { kind: 'request-approval' });
    await store.signOff(as(id, ANA), approve(1, { justification: 'fine' }));

    expect(await store.signOff(as(id, 'U0EVE'), { kind: 'set-roles', roles: { primary: ['<@U0EVE>'] } })).toMatchObject(
      { ok: false, refusal: { code: 'not-deployer-or-role-holder' } },
    );
    const onCall = await store.signOff(as(id, DEPLOYER), { kind: 'set-roles', roles: { primary: ['<@U0ONCALL>'] } });
    expect(onCall).toMatchObject({
      ok: true,
      changed: true,
      goLive: { status: 'approved', roles: { primary: ['<@U0ONCALL>'], approver: [`<@${ANA}>`, `<@${BEN}>`] } },
    });
    expect(onCall).not.toHaveProperty('revoked');
    expect((await store.auditTrail(id)).at(-1)).toMatchObject({
      action: 'roles',
      actor: DEPLOYER,
      before: { roles: { primary: [] } },
      after: { roles: { primary: ['<@U0ONCALL>'] } },
    });

    const approvers = await store.signOff(as(id, ANA), { kind: 'set-roles', roles: { approver: [`<@${BEN}>`] } });
    expect(approvers).toMatchObject({
      ok: true,
      goLive: { status: 'preparing', roles: { approver: [`<@${BEN}>`] } },
      revoked: { approvers: [ANA] },
    });
    expect((await store.auditTrail(id)).slice(-2).map((e) => e.action)).toEqual(['roles', 'revoke']);
  });

  it('keeps one approval per person per request even against rows written behind the store', async () => {
    const { store, id, file } = await setUp();
    await store.signOff(as(id, DEPLOYER), { kind: 'request-approval' });
    const raw = new Database(file);
    const insert = raw.prepare(
      `insert into sign_offs (go_live_id, kind, round, by, at) values (?, 'approval', 1, ?, 0)`,
    );
    insert.run(id, ANA);
    expect(() => insert.run(id, ANA)).toThrow(/UNIQUE/);
    raw.close();
  });

  it('a clock is the only time source: the approval is dated by it', async () => {
    const clock = testClock(Date.UTC(2026, 11, 1, 12, 0));
    const store = stores.open(join(stores.dir(), 'g.db'), clock);
    const started = await store.startGoLive(
      newGoLive({ template: template({ allowExceptions: true }), roles: { approver: [`<@${ANA}>`] } }),
    );
    if (!started.ok) throw new Error('expected a start');
    await store.signOff(as(started.goLive.id, DEPLOYER), { kind: 'request-approval' });
    clock.advance(90_000);
    await store.signOff(as(started.goLive.id, ANA), approve(1, { justification: 'ok' }));
    expect((await store.signOffRecord(started.goLive.id))[0]?.at).toBe(Date.UTC(2026, 11, 1, 12, 1, 30));
  });
});
