// Sign-off end to end: the real Bolt receiver with signed requests, the fake Slack Web API, a real SQLite file.
// Each test reads what people would see (thread, direct messages, private answers, the root) and the rows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GoLive } from '../../src/domain/go-live.js';
import { ACTION, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, DEPLOYER, Harness } from './harness.js';

const ANA = 'U0ANA';
const BEN = 'U0BEN';
const GIL = 'U0GIL';
const EVE = 'U0EVE';
const DBA = 'U0DBA';

/** A small checklist: three items (one with an automatic check), a section owned by the DBA role, two approvers needed. */
const QUORUM_TEMPLATE = `
id: quorum
name: Small go-live
version: 1
roles:
  approver: { label: Go-live approver }
  dba: { label: Database Admin }
  primary: { label: Primary On-Call }
signoff:
  role: approver
  approvals: 2
  allow_deployer: false
  evidence_max_age: 24h
  allow_exceptions: true
sections:
  - id: app
    title: Application
    groups:
      - title: Secrets
        items:
          - { id: secret-key, text: "*SECRET_KEY* generated" }
          - id: tls-cert
            text: "*TLS certificate* valid"
            check: { kind: tls-certificate }
  - id: database
    title: Database
    owner: dba
    groups:
      - title: Backups
        items:
          - { id: backups, text: "*Backups* configured" }
postlaunch:
  duration: 24h
  ack_within: 15m
  escalation: [primary]
  checkins:
    - { at: 15m, text: Monitor logs for errors }
approval: Deployment Approved By
`;

const ITEMS = ['secret-key', 'tls-cert', 'backups'];

let harness: Harness | undefined;
let templatesDir: string | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  if (templatesDir) rmSync(templatesDir, { recursive: true, force: true });
  templatesDir = undefined;
});

async function start(): Promise<Harness> {
  templatesDir = mkdtempSync(join(tmpdir(), 'golive-templates-'));
  writeFileSync(join(templatesDir, 'quorum.yaml'), QUORUM_TEMPLATE);
  harness = await Harness.start({ templatesDir });
  return harness;
}

/** Starts a go-live of the small template with these roles and waits for its thread. */
async function startSmall(
  h: Harness,
  roles = `approvers=<@${ANA}|ana>,<@${BEN}|ben> dba=<@${DBA}|dba>`,
): Promise<GoLive> {
  const res = await h.command(`start checkout-api production https://checkout.example.com template=quorum ${roles}`);
  expect(res.status).toBe(200);
  return h.waitThread('checkout-api', 2);
}

/** Every item done, as people would tick them (through the store: the ticking path has its own tests). */
async function completeChecklist(h: Harness, goLive: GoLive): Promise<void> {
  for (const itemId of ITEMS) await h.store.changeItem({ goLiveId: goLive.id, itemId, state: 'done', actor: DBA });
}

const messagesTo = (h: Harness, user: string): string[] => h.fake.messages(user).map((m) => Harness.textOf(m));
const threadText = (h: Harness, goLive: GoLive): string =>
  h
    .thread(goLive)
    .map((m) => Harness.textOf(m))
    .join('\n');
const status = async (h: Harness, goLive: GoLive) => (await h.store.getGoLive(goLive.id))?.status;

async function requestApproval(h: Harness, goLive: GoLive): Promise<void> {
  await h.clickButton(ACTION.requestApproval, goLive.id, DEPLOYER);
  await requested(h, goLive);
}

async function requested(h: Harness, goLive: GoLive): Promise<void> {
  await Harness.until(async () => (await status(h, goLive)) === 'awaiting_approval', 'the go-live to await approval');
  await h.fake.waitFor(
    () => h.thread(goLive).find((m) => JSON.stringify(m.blocks ?? []).includes(ACTION.approve)),
    5000,
    'the approval request in the thread',
  );
}

describe('sign-off through Slack', () => {
  it('Request approval posts the request in the thread and to each approver directly; a quorum of two counts a repeated click once; Go live posts the approval line', async () => {
    const h = await start();
    const goLive = await startSmall(h);
    await completeChecklist(h, goLive);

    // The root offers Request approval; Go live is not there before approval.
    await h.fake.waitFor(
      () => h.rootText(goLive).includes(ACTION.requestApproval) || undefined,
      5000,
      'the Request approval button',
    );
    expect(h.rootText(goLive)).not.toContain(ACTION.goLive);

    await h.clickButton(ACTION.requestApproval, goLive.id, DEPLOYER);
    await requested(h, goLive);
    const request = h.thread(goLive).find((m) => JSON.stringify(m.blocks ?? []).includes(ACTION.approve));
    expect(Harness.textOf(request)).toMatch(/requests approval/);
    expect(Harness.textOf(request)).toContain('0 of 2 needed');
    expect(Harness.textOf(request)).toContain('Sections not yet signed off: Database (Database Admin)');
    for (const approver of [ANA, BEN]) {
      await h.fake.waitFor(
        () => messagesTo(h, approver).find((t) => t.includes(ACTION.approve) && t.includes('requests approval')),
        5000,
        `${approver} asked directly`,
      );
    }
    expect(messagesTo(h, DEPLOYER)).toEqual([]);
    // A repeated request (from the root as it was) while one is pending says so privately.
    await h.clickLastAgain();
    await h.waitForPrivate(/already pending/, DEPLOYER);

    // Ana approves; her second click (and Slack's retry of it) counts once.
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, ANA, { dm: true });
    await h.fake.waitFor(
      () => threadText(h, goLive).includes(`<@${ANA}> approved`) || undefined,
      5000,
      'Ana’s approval in the thread',
    );
    await h.retryLastClick();
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, ANA);
    await h.waitForPrivate(/already approved/, ANA);
    expect(await status(h, goLive)).toBe('awaiting_approval');
    expect((await h.checklist(goLive.id)).signOff?.approvals.map((a) => a.by)).toEqual([ANA]);
    await h.fake.waitFor(() => h.rootText(goLive).includes('1 of 2') || undefined, 5000, 'the root to show 1 of 2');

    await h.clickButton(ACTION.approve, `${goLive.id}|1`, BEN);
    await Harness.until(async () => (await status(h, goLive)) === 'approved', 'the go-live to be approved');
    await h.fake.waitFor(
      () => (h.rootText(goLive).includes('2 of 2') && h.rootText(goLive).includes(ACTION.goLive)) || undefined,
      5000,
      'the root with 2 of 2 and Go live',
    );
    expect(h.rootText(goLive)).toContain('Approved');

    // Only the deployer may go live.
    await h.clickButton(ACTION.goLive, goLive.id, ANA);
    await h.waitForPrivate(/only the deployer, <@U0DEPLOYER>, may do that/, ANA);
    expect(await status(h, goLive)).toBe('approved');

    await h.command('live checkout-api');
    await Harness.until(async () => (await status(h, goLive)) === 'live', 'the go-live to be live');
    const line = await h.fake.waitFor(
      () =>
        h
          .thread(goLive)
          .map((m) => m.text ?? '')
          .find((t) => t.includes('Deployment Approved By')),
      5000,
      'the approval line',
    );
    const today = new Date((await h.store.getGoLive(goLive.id))?.liveAt ?? 0).toISOString().slice(0, 10);
    expect(line).toContain(`Deployment Approved By: <@${ANA}>, <@${BEN}>  Date: ${today}`);
    await h.fake.waitFor(
      () => (h.rootText(goLive).includes('Live') && !h.rootText(goLive).includes(ACTION.requestApproval)) || undefined,
      5000,
      'the root to show Live',
    );
    // Go live started the first 24 hours: the window's jobs are planned from the go-live's moment.
    await Harness.until(
      async () => (await h.store.jobs.listJobs(goLive.id)).length > 0,
      'the post-launch jobs to be planned',
    );
    const liveAt = (await h.store.getGoLive(goLive.id))?.liveAt ?? 0;
    const planned = (await h.store.jobs.listJobs(goLive.id)).map((j) => [j.kind, j.dueAt - liveAt, j.state]);
    expect(planned.map(([kind]) => kind)).toContain('preflight');
    expect(planned).toContainEqual(['checkin', 15 * 60_000, 'pending']);
    expect(h.rootText(goLive)).toContain(ACTION.rollBack);

    const trail = await h.store.auditTrail(goLive.id);
    const steps = trail
      .filter((e) => ['request-approval', 'approve', 'go-live'].includes(e.action))
      .map((e) => [e.action, e.actor]);
    expect(steps).toEqual([
      ['request-approval', DEPLOYER],
      ['approve', ANA],
      ['approve', BEN],
      ['go-live', DEPLOYER],
    ]);
    expect(trail.every((e) => e.at > 0)).toBe(true);
    expect(h.errors()).toEqual([]);
  });

  it('refuses a non-approver, the deployer approving their own go-live, open items by name and stale evidence with its age; nothing changes', async () => {
    const h = await start();
    const goLive = await startSmall(h, `approvers=<@${ANA}|ana>,<@${DEPLOYER}|me> dba=<@${DBA}|dba>`);
    await requestApproval(h, goLive);

    await h.clickButton(ACTION.approve, `${goLive.id}|1`, EVE);
    await h.waitForPrivate(
      /only a \*Go-live approver\* may do that; that role is held by <@U0ANA>, <@U0DEPLOYER>\. Nothing changed/,
      EVE,
    );
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, DEPLOYER);
    await h.waitForPrivate(/you started this go-live, so you may not approve it/, DEPLOYER);
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, ANA);
    const open = await h.waitForPrivate(/what stands in the way/, ANA);
    expect(open).toContain('*SECRET_KEY* generated');
    expect(open).toContain('*TLS certificate* valid');
    expect(open).toContain('*Backups* configured');
    expect(open).toContain('Approve with exceptions');

    await h.store.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'done', actor: DBA });
    await h.store.changeItem({ goLiveId: goLive.id, itemId: 'backups', state: 'done', actor: DBA });
    const old = Date.now() - 30 * 3_600_000;
    await h.store.changeItem({
      goLiveId: goLive.id,
      itemId: 'tls-cert',
      state: 'done',
      actor: 'golive',
      evidence: {
        kind: 'tls-certificate',
        status: 'pass',
        summary: 'certificate expires in 80 days (want ≥ 30)',
        takenAt: old,
      },
    });
    // Those changes came before any approval: nothing to revoke, the request stands.
    expect(await status(h, goLive)).toBe('awaiting_approval');
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, ANA);
    await h.waitForPrivate(/`tls-certificate` evidence is 30 h old \(at most 24 h\): run the checks again/, ANA);

    expect((await h.checklist(goLive.id)).signOff?.approvals).toEqual([]);
    expect((await h.store.auditTrail(goLive.id)).some((e) => e.action === 'approve')).toBe(false);
    expect(h.errors()).toEqual([]);
  });

  it('a change after an approval revokes it: the thread says so and the approver is told directly', async () => {
    const h = await start();
    const goLive = await startSmall(h);
    await completeChecklist(h, goLive);
    await requestApproval(h, goLive);
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, ANA);
    await Harness.until(
      async () => ((await h.checklist(goLive.id)).signOff?.approvals.length ?? 0) === 1 || undefined,
      'Ana’s approval',
    );

    await h.click(goLive, 'secret-key', 'open', DBA);
    await Harness.until(async () => (await status(h, goLive)) === 'preparing', 'the go-live back to Preparing');
    await h.fake.waitFor(
      () => threadText(h, goLive).includes('is revoked') || undefined,
      5000,
      'the revocation in the thread',
    );
    expect(threadText(h, goLive)).toContain(
      `*SECRET_KEY* generated changed by <@${DBA}> after approval: the approval of <@${ANA}> is revoked`,
    );
    await h.fake.waitFor(
      () => messagesTo(h, ANA).find((t) => t.includes('Your approval of')),
      5000,
      'Ana told directly',
    );
    expect((await h.store.auditTrail(goLive.id)).find((e) => e.action === 'revoke')).toMatchObject({
      actor: DBA,
      before: { approvers: [ANA] },
    });
    // The old request's buttons no longer count.
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, BEN);
    await h.waitForPrivate(/no approval is requested right now/, BEN);
  });

  it('Reject asks a reason, posts it in the thread and tells the deployer; Approve with exceptions records the justification', async () => {
    const h = await start();
    const goLive = await startSmall(h);
    await requestApproval(h, goLive);

    await h.clickButton(ACTION.reject, `${goLive.id}|1`, BEN);
    const form = await h.fake.waitFor(
      (f) => f.views().find((v) => v.view.callback_id === VIEW.signOffText),
      5000,
      'the reject form',
    );
    const empty = await h.submitForm(form, { text: '   ' }, BEN);
    expect(empty.body).toContain('required');
    expect(await status(h, goLive)).toBe('awaiting_approval');
    await h.submitForm(form, { text: 'no rollback plan for the schema change' }, BEN);
    await Harness.until(async () => (await status(h, goLive)) === 'rejected', 'the go-live rejected');
    await h.fake.waitFor(
      () => threadText(h, goLive).includes('rejected this go-live: no rollback plan') || undefined,
      5000,
      'the reason in the thread',
    );
    await h.fake.waitFor(
      () => messagesTo(h, DEPLOYER).find((t) => t.includes('no rollback plan')),
      5000,
      'the deployer told',
    );
    await h.fake.waitFor(
      () => (h.rootText(goLive).includes('Rejected') && h.rootText(goLive).includes('no rollback plan')) || undefined,
      5000,
      'the root shows the rejection',
    );

    // A new request starts over; Ana approves despite the open items, with a justification.
    await h.clickButton(ACTION.requestApproval, goLive.id, DEPLOYER);
    await Harness.until(
      async () => (await h.checklist(goLive.id)).signOff?.round === 2 || undefined,
      'the second request',
    );
    await h.clickButton(ACTION.approveWithExceptions, `${goLive.id}|2`, ANA);
    const justify = await h.fake.waitFor(
      (f) =>
        f
          .views()
          .filter((v) => v.view.callback_id === VIEW.signOffText)
          .at(1),
      5000,
      'the exceptions form',
    );
    await h.submitForm(justify, { text: 'backups verified by hand, INC-42' }, ANA);
    await Harness.until(
      async () => ((await h.checklist(goLive.id)).signOff?.approvals.length ?? 0) === 1 || undefined,
      'the approval with exceptions',
    );
    const [row] = (await h.store.signOffRecord(goLive.id)).filter((r) => r.kind === 'approval');
    expect(row).toMatchObject({
      by: ANA,
      round: 2,
      justification: 'backups verified by hand, INC-42',
      exceptions: { open: ITEMS.map((itemId) => ({ itemId })) },
    });
    await h.fake.waitFor(
      () => threadText(h, goLive).includes('approved *with exceptions*: backups verified by hand') || undefined,
      5000,
      'the exceptions in the thread',
    );
    await h.fake.waitFor(
      () => h.rootText(goLive).includes('with exceptions: backups verified by hand') || undefined,
      5000,
      'the root shows the exceptions',
    );
  });

  it('after Go live a change needs a reason (a form) and shows as a post-launch change', async () => {
    const h = await start();
    const goLive = await startSmall(h, `approvers=<@${ANA}|ana>,<@${BEN}|ben>`);
    await completeChecklist(h, goLive);
    await requestApproval(h, goLive);
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, ANA);
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, BEN);
    await Harness.until(async () => (await status(h, goLive)) === 'approved', 'approved');
    await h.clickButton(ACTION.goLive, goLive.id, DEPLOYER);
    await Harness.until(async () => (await status(h, goLive)) === 'live', 'live');

    await h.click(goLive, 'backups', 'open', DBA);
    const form = await h.fake.waitFor(
      (f) => f.views().find((v) => v.view.callback_id === VIEW.signOffText),
      5000,
      'the post-launch reason form',
    );
    expect((await h.checklist(goLive.id)).items.get('backups')?.state).toBe('done');
    await h.submitForm(form, { text: 'last night’s backup failed' }, DBA);
    await Harness.until(
      async () => (await h.checklist(goLive.id)).items.get('backups')?.state === 'open' || undefined,
      'the change saved',
    );
    await h.fake.waitFor(
      () => h.itemText(goLive, 'backups').includes('post-launch change') || undefined,
      5000,
      'the item marked post-launch',
    );
    expect(h.itemText(goLive, 'backups')).toContain('last night’s backup failed');
    expect((await h.store.auditTrail(goLive.id)).at(-1)).toMatchObject({
      action: 'item',
      actor: DBA,
      after: { postLaunch: true },
    });
    expect(await status(h, goLive)).toBe('live');
  });

  it('Abort ends the go-live in any active status, releases the lock, tells the thread and the approvers of a pending request', async () => {
    const h = await start();
    const goLive = await startSmall(h);
    await requestApproval(h, goLive);

    await h.clickButton(ACTION.abort, goLive.id, EVE);
    const refused = await h.fake.waitFor(
      (f) => f.views().find((v) => v.view.callback_id === VIEW.signOffText),
      5000,
      'the abort form',
    );
    await h.submitForm(refused, { text: 'I want to' }, EVE);
    await h.waitForPrivate(/only the deployer \(<@U0DEPLOYER>\) or a \*Go-live approver\* may do that/, EVE);
    expect(await status(h, goLive)).toBe('awaiting_approval');

    await h.command('abort checkout-api payments provider is down');
    await Harness.until(async () => (await status(h, goLive)) === 'aborted', 'aborted');
    await h.fake.waitFor(
      () => threadText(h, goLive).includes('aborted this go-live: payments provider is down') || undefined,
      5000,
      'the thread told',
    );
    for (const approver of [ANA, BEN]) {
      await h.fake.waitFor(
        () => messagesTo(h, approver).find((t) => t.includes('withdrawn')),
        5000,
        `${approver} told`,
      );
    }
    await h.fake.waitFor(
      () => (h.rootText(goLive).includes('Aborted') && !h.rootText(goLive).includes(ACTION.abort)) || undefined,
      5000,
      'the root without controls',
    );
    expect(await h.store.findActive('checkout-api', 'production')).toBeUndefined();
  });

  it('a user group as approvers: its members may approve, others not; Sign off section by the owner role; Edit roles audited and shown', async () => {
    const h = await start();
    h.fake.setUsergroup('S0RELEASE', [GIL, ANA]);
    const goLive = await startSmall(h, `approvers=<!subteam^S0RELEASE|@release> dba=<@${DBA}|dba>`);
    await completeChecklist(h, goLive);

    await h.clickButton(ACTION.signOffSection, `${goLive.id}|database`, ANA);
    await h.waitForPrivate(/only a \*Database Admin\* may do that/, ANA);
    await h.clickButton(ACTION.signOffSection, `${goLive.id}|database`, DBA);
    await h.fake.waitFor(
      () => threadText(h, goLive).includes(`<@${DBA}> signed off *Database*`) || undefined,
      5000,
      'the section signed off',
    );

    await requestApproval(h, goLive);
    // The group's members get the request directly.
    for (const member of [GIL, ANA])
      await h.fake.waitFor(
        () => messagesTo(h, member).find((t) => t.includes('requests approval')),
        5000,
        `${member} asked`,
      );
    expect(h.fake.callsOf('usergroups.users.list').length).toBeGreaterThan(0);
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, BEN);
    await h.waitForPrivate(/only a \*Go-live approver\* may do that; that role is held by <!subteam\^S0RELEASE>/, BEN);
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, GIL);
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, ANA);
    await Harness.until(async () => (await status(h, goLive)) === 'approved', 'approved by the group');

    // Edit roles: the deployer sets the primary on-call; audited and shown on the root.
    await h.clickButton(ACTION.editRoles, goLive.id, DEPLOYER);
    const form = await h.fake.waitFor(
      (f) => f.views().find((v) => v.view.callback_id === VIEW.editRoles),
      5000,
      'the roles form',
    );
    const bad = await h.submitForm(
      form,
      { approver: '<!subteam^S0RELEASE|@release>', dba: `<@${DBA}|dba>`, primary: 'bob' },
      DEPLOYER,
    );
    expect(bad.body).toContain('is not a Slack person or group');
    await h.submitForm(
      form,
      { approver: '<!subteam^S0RELEASE|@release>', dba: `<@${DBA}|dba>`, primary: '<@U0ONCALL|oncall>' },
      DEPLOYER,
    );
    await h.fake.waitFor(
      () => h.rootText(goLive).includes('*Primary On-Call:* <@U0ONCALL>') || undefined,
      5000,
      'the root shows the new on-call',
    );
    expect((await h.store.auditTrail(goLive.id)).find((e) => e.action === 'roles')).toMatchObject({
      actor: DEPLOYER,
      after: { roles: { primary: ['<@U0ONCALL>'] } },
    });
    expect(await status(h, goLive)).toBe('approved');
  });

  it('a group Slack will not list is told to the deployer, not swallowed', async () => {
    const h = await start();
    const goLive = await startSmall(h, `approvers=<!subteam^S0GONE|@gone>,<@${ANA}|ana>`);
    await h.clickButton(ACTION.requestApproval, goLive.id, DEPLOYER);
    await h.waitForPrivate(/could not read the members of <!subteam\^S0GONE>/, DEPLOYER);
    expect(await status(h, goLive)).toBe('awaiting_approval');
    await h.fake.waitFor(() => messagesTo(h, ANA).find((t) => t.includes('requests approval')), 5000, 'Ana asked');
    expect(CHANNEL).toBe(goLive.channelId);
  });
});
