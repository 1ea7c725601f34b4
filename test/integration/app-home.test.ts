// The App Home through the real Bolt receiver: a signed app_home_opened event callback publishes the person's
// view (waiting sign-off, their blocked and open items, active go-lives), refreshed when their go-live changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { postEvent } from '../support/slack-request.js';
import { DEPLOYER, Harness, SECRET } from './harness.js';

const LIVE_TEMPLATE = `
id: watched
name: Watched go-live
version: 1
roles:
  approver: { label: Go-live approver }
  primary: { label: Primary On-Call }
  secondary: { label: Secondary On-Call }
signoff: { role: approver }
sections:
  - id: app
    title: Application
    groups:
      - title: Smoke
        items:
          - { id: smoke, text: "*Smoke test* passed" }
postlaunch:
  duration: 24h
  ack_within: 15m
  escalation: [primary, secondary]
  checkins:
    - { at: 1h, text: Watch error rates }
    - { every: 4h, text: Check health endpoints }
    - { at: 24h, text: Verify backups }
`;

let h: Harness;
let templatesDir: string;
beforeEach(async () => {
  templatesDir = mkdtempSync(join(tmpdir(), 'golive-home-templates-'));
  writeFileSync(join(templatesDir, 'watched.yaml'), LIVE_TEMPLATE);
  h = await Harness.start({ templatesDir });
});
afterEach(async () => {
  await h.stop();
  rmSync(templatesDir, { recursive: true, force: true });
});

function homeOpened(user: string, tab = 'home') {
  return postEvent(h.baseUrl, SECRET, {
    token: 'deprecated-verification-token',
    team_id: h.fake.teamId,
    api_app_id: 'A0GOLIVE',
    event: { type: 'app_home_opened', user, channel: 'D0HOME', tab, event_ts: `${Date.now() / 1000}` },
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
  });
}

const homeText = (user: string) => JSON.stringify(h.fake.homes.get(user)?.blocks ?? []);

describe('App Home', () => {
  it('shows an approver the go-live waiting for their sign-off and an owner their open and blocked items', async () => {
    const goLive = await h.startGoLive(
      'checkout-api',
      'production https://checkout.example.com approvers=<@U0ANA> infra=<@U0ANA>',
    );
    await h.store.changeItem({
      goLiveId: goLive.id,
      itemId: 'debug-disabled',
      state: 'blocked',
      actor: 'U0ANA',
      reason: 'waiting on the config PR',
    });
    const requested = await h.store.signOff(
      { goLiveId: goLive.id, actor: DEPLOYER, groups: new Map() },
      { kind: 'request-approval' },
    );
    expect(requested.ok).toBe(true);

    const res = await homeOpened('U0ANA');
    expect(res.status).toBe(200);
    await h.fake.waitFor(() => h.fake.homes.get('U0ANA'), 5000, 'the Home of U0ANA');
    const text = homeText('U0ANA');
    expect(text).toContain('Waiting for your sign-off');
    expect(text).toMatch(/checkout-api · production\* — Awaiting approval, requested by <@U0DEPLOYER>/);
    expect(text).toContain(
      '⛔ *DEBUG* mode disabled (False) — *checkout-api · production*: _waiting on the config PR_',
    );
    // Security Configuration is owned by infra: its open items are hers.
    expect(text).toContain(
      '*SECRET_KEY* generated with cryptographically secure random value (64+ characters) — *checkout-api · production*',
    );
    expect(text).toMatch(/Active go-lives.*Awaiting approval · 0\/144/);
    expect((h.fake.homes.get('U0ANA')!.blocks as unknown[]).length).toBeLessThanOrEqual(100);
    expect(h.fake.invalidPayloads).toEqual([]);
  });

  it('shows someone with nothing to do only the active go-lives, and ignores the Messages tab', async () => {
    await h.startGoLive();
    await homeOpened('U0BYSTANDER', 'messages');
    await homeOpened('U0BYSTANDER');
    await h.fake.waitFor(() => h.fake.homes.get('U0BYSTANDER'), 5000, 'the Home');
    const text = homeText('U0BYSTANDER');
    expect(text).toContain('Nothing waits for your approval.');
    expect(text).toContain('No open item in the sections you own.');
    expect(text).toMatch(/checkout-api · production\* — Preparing · 0\/144/);
    expect(h.fake.callsOf('views.publish')).toHaveLength(1);
  });

  it('shows a private channel’s go-live only to its deployer and role holders', async () => {
    h.fake.setUsergroup('S0DBA', ['U0DBA']);
    await h.startGoLive('ledger', 'production https://ledger.example.com approvers=<@U0ANA> dba=<!subteam^S0DBA>', {
      channel: 'C0SECRET',
      channelName: 'privategroup',
    });
    await h.startGoLive('checkout-api');
    for (const user of [DEPLOYER, 'U0ANA', 'U0DBA', 'U0BYSTANDER']) {
      await homeOpened(user);
      await h.fake.waitFor(() => h.fake.homes.get(user), 5000, `the Home of ${user}`);
    }
    for (const user of [DEPLOYER, 'U0ANA', 'U0DBA'])
      expect(homeText(user), user).toMatch(/ledger · production\* — Preparing · 0\/144/);
    const bystander = homeText('U0BYSTANDER');
    expect(bystander).toMatch(/checkout-api · production\* — Preparing · 0\/144/);
    expect(bystander).not.toContain('ledger');
  });

  it('refreshes the Home of a person concerned once when their go-live changes, coalescing a burst', async () => {
    const goLive = await h.startGoLive('checkout-api', 'production https://checkout.example.com infra=<@U0ANA>');
    await homeOpened('U0ANA');
    await h.fake.waitFor(() => h.fake.homes.get('U0ANA'), 5000, 'the first Home');
    expect(homeText('U0ANA')).toContain('0/144');
    for (const itemId of ['secret-key', 'env-file-permissions', 'all-credentials'])
      await h.click(goLive, itemId, 'done');
    await h.fake.waitFor(() => homeText('U0ANA').includes('3/144'), 10_000, 'the refreshed Home');
    await h.slackApp.services.renderer.flush();
    await h.slackApp.services.homes.stop();
    expect(h.fake.callsOf('views.publish').filter((c) => c.args.user_id === 'U0ANA').length).toBeLessThanOrEqual(3);
    expect(homeText('U0ANA')).not.toContain('*SECRET_KEY* generated');
  });

  it('shows the on-call of a Live go-live the next check-ins they are on call for, soonest first', async () => {
    const res = await h.command(
      'start payments-api production https://payments.example.com template=watched approvers=<@U0ANA> primary=<@U0PAT> secondary=<@U0SAM>',
    );
    expect(res.status).toBe(200);
    const goLive = await h.waitThread('payments-api', 1);
    await h.store.changeItem({ goLiveId: goLive.id, itemId: 'smoke', state: 'done', actor: 'U0PAT' });
    await h.clickButton(ACTION.requestApproval, goLive.id, DEPLOYER);
    await Harness.until(
      async () => (await h.store.getGoLive(goLive.id))?.status === 'awaiting_approval',
      'the approval request',
    );
    await h.clickButton(ACTION.approve, `${goLive.id}|1`, 'U0ANA');
    await Harness.until(async () => (await h.store.getGoLive(goLive.id))?.status === 'approved', 'the approval');
    await h.clickButton(ACTION.goLive, goLive.id, DEPLOYER);
    await Harness.until(
      async () => (await h.store.jobs.listJobs(goLive.id)).some((j) => j.kind === 'checkin'),
      'the window planned at Go live',
    );

    await homeOpened('U0PAT');
    await h.fake.waitFor(() => h.fake.homes.get('U0PAT'), 5000, 'the Home of the primary');
    const text = homeText('U0PAT');
    expect(text).toContain('Your next check-ins');
    // Three per go-live, soonest first: 1h, then the 4h repeat, then the 8h one (the 24h check-in is later).
    const order = ['Watch error rates', 'Check health endpoints', 'Check health endpoints'].map((t) => text.indexOf(t));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(text.match(/Check health endpoints/g)).toHaveLength(2);
    expect(text.indexOf('Watch error rates')).toBeLessThan(text.indexOf('Check health endpoints'));
    expect(text).not.toContain('Verify backups');
    expect(text).toContain('(you: Primary On-Call)');

    await homeOpened('U0SAM');
    await h.fake.waitFor(() => h.fake.homes.get('U0SAM'), 5000, 'the Home of the secondary');
    expect(homeText('U0SAM')).toContain('(you: Secondary On-Call)');
    await homeOpened('U0ANA');
    await h.fake.waitFor(() => h.fake.homes.get('U0ANA'), 5000, 'the Home of the approver');
    expect(homeText('U0ANA')).toContain('No check-in waits for you.');
    expect(h.fake.invalidPayloads).toEqual([]);
  });
});
