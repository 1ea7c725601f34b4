import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VIEW } from '../../src/slack/ids.js';
import { START_FIELD } from '../../src/slack/blocks/modals.js';
import { newTriggerId, postInteraction } from '../support/slack-request.js';
import { CHANNEL, DEPLOYER, Harness, SECRET } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.stop();
});

describe('signatures', () => {
  it('answers 401 to a forged signature and posts nothing', async () => {
    const res = await h.command('start checkout-api', { request: { forgeSignature: true } });
    expect(res.status).toBe(401);
    expect(h.fake.callsOf().filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(h.fake.ephemerals).toEqual([]);
    expect(await h.store.listActive()).toEqual([]);
  });

  it('answers 401 to a stale timestamp and posts nothing', async () => {
    const res = await h.command('start checkout-api', { request: { staleTimestamp: true } });
    expect(res.status).toBe(401);
    expect(h.fake.callsOf().filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(await h.store.listActive()).toEqual([]);
  });

  it('answers 401 to a correctly signed request timestamped more than 5 minutes ahead, and posts nothing', async () => {
    const tenMinutesAhead = Math.floor(Date.now() / 1000) + 10 * 60;
    const res = await h.command('start checkout-api', { request: { timestamp: tenMinutesAhead } });
    expect(res.status).toBe(401);
    expect(h.fake.callsOf().filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(await h.store.listActive()).toEqual([]);
    // Within the window (a clock a minute ahead) the same request is taken.
    const res2 = await h.command('help', { request: { timestamp: Math.floor(Date.now() / 1000) + 60 } });
    expect(res2.status).toBe(200);
  });

  it('answers 401 to a forged click and changes nothing', async () => {
    const goLive = await h.startGoLive();
    const item = goLive.template.sections[0]?.groups[0]?.items[0]?.id ?? '';
    const before = h.fake.calls.length;
    const res = await h.click(goLive, item, 'done', 'U0MALLORY', { forgeSignature: true });
    expect(res.status).toBe(401);
    await h.slackApp.services.renderer.flush();
    expect(h.fake.calls.length).toBe(before);
    expect((await h.checklist(goLive.id)).items.size).toBe(0);
  });
});

describe('hostile input', () => {
  const names: [string, string][] = [
    ['a thousand <script> tags', '<script>'.repeat(1000)],
    ['the same as Slack escapes it', '&lt;script&gt;'.repeat(1000)],
    ['300 characters', 'x'.repeat(300)],
    ['emoji', 'checkout-🚀🔥'],
    ['a mention', '<@U0BOSS|boss>'],
    ['a channel ping', '<!channel>'],
  ];
  for (const [what, name] of names) {
    it(`refuses ${what} as a service name with a clear private reply`, async () => {
      const res = await h.command(`start ${name} production`);
      expect(res.status).toBe(200);
      const answer = await h.waitForPrivate(/not a valid service name/);
      expect(answer.length).toBeLessThan(4000);
      expect(answer).not.toMatch(/<script>|<!channel>|<@U0BOSS/);
      expect(h.fake.callsOf('chat.postMessage')).toEqual([]);
      expect(h.fake.invalidPayloads).toEqual([]);
    });
  }

  it('answers unknown words with the usage, privately', async () => {
    await h.command('deploy everything now');
    const answer = await h.waitForPrivate(/not a `\/golive` command/);
    expect(answer).toContain('/golive start');
  });
});

describe('status and help', () => {
  it('answers help privately', async () => {
    await h.command('help');
    const answer = await h.waitForPrivate(/usage of \/golive/);
    expect(answer).toContain('/golive status');
    expect(h.fake.callsOf('chat.postMessage')).toEqual([]);
  });

  it('lists active go-lives with progress and a link to each thread', async () => {
    await h.command('status');
    await h.waitForPrivate(/No active go-live/);
    const goLive = await h.startGoLive();
    await h.click(goLive, goLive.template.sections[0]?.groups[0]?.items[0]?.id ?? '', 'done', 'U0DANA');
    await h.slackApp.services.work.idle();
    await h.command('status checkout-api');
    const answer = await h.waitForPrivate(/Active go-lives/);
    expect(answer).toContain('1/144');
    expect(answer).toContain(`/archives/${CHANNEL}/p${(goLive.rootTs ?? '').replace('.', '')}`);
  });
});

describe('abort', () => {
  it('lets only the deployer or an approver abort', async () => {
    const goLive = await h.startGoLive('checkout-api', 'production approvers=<@U0APPROVER>');
    await h.command('abort checkout-api because I can', { user: 'U0STRANGER' });
    await h.waitForPrivate(/only <@U0DEPLOYER>/, 'U0STRANGER');
    expect((await h.store.getGoLive(goLive.id))?.status).toBe('preparing');

    await h.command('abort checkout-api database migration failed', { user: 'U0APPROVER' });
    await h.waitForPrivate(/Aborted/, 'U0APPROVER');
    expect((await h.store.getGoLive(goLive.id))?.status).toBe('aborted');
    await h.fake.waitFor(
      () => /Aborted/.test(Harness.textOf(h.fake.message(CHANNEL, goLive.rootTs ?? ''))),
      5000,
      'the root to say aborted',
    );
    // The lock is free again.
    await h.startGoLive();
  });
});

describe('the start form', () => {
  it('opens on a bare start and starts the go-live from the submission', async () => {
    await h.command('start');
    const view = await h.fake.waitFor(
      (f) => f.views().find((v) => v.view.callback_id === VIEW.startModal),
      5000,
      'the start form',
    );
    const values = {
      [START_FIELD.service]: { [START_FIELD.service]: { type: 'plain_text_input', value: 'Billing' } },
      [START_FIELD.environment]: { [START_FIELD.environment]: { type: 'plain_text_input', value: 'staging' } },
      [START_FIELD.url]: { [START_FIELD.url]: { type: 'plain_text_input', value: 'https://billing.example.com' } },
      [START_FIELD.approvers]: {
        [START_FIELD.approvers]: { type: 'multi_users_select', selected_users: ['U0APPROVER'] },
      },
      [START_FIELD.groups]: { [START_FIELD.groups]: { type: 'plain_text_input', value: 'dba=<!subteam^S0DBA|@dba>' } },
    };
    const submit = (state: unknown) =>
      postInteraction(h.baseUrl, SECRET, {
        type: 'view_submission',
        team: { id: h.fake.teamId, domain: 'golive-test' },
        user: { id: DEPLOYER, username: 'deployer', name: 'deployer', team_id: h.fake.teamId },
        api_app_id: 'A0GOLIVE',
        token: 'deprecated-verification-token',
        trigger_id: newTriggerId(),
        view: { ...view.view, id: view.id, hash: view.hash, team_id: h.fake.teamId, state: { values: state } },
        response_urls: [],
      });
    const refused = await submit({
      ...values,
      [START_FIELD.service]: { [START_FIELD.service]: { type: 'plain_text_input', value: '<b>x</b>' } },
    });
    expect(refused.json).toMatchObject({
      response_action: 'errors',
      errors: { [START_FIELD.service]: expect.stringMatching(/not a valid service name/) },
    });

    const res = await submit(values);
    expect(res.status).toBe(200);
    const goLive = await h.waitThread('billing', 11, 'staging');
    expect(goLive.roles).toEqual({ approver: ['<@U0APPROVER>'], dba: ['<!subteam^S0DBA>'] });
    expect(goLive.url).toBe('https://billing.example.com/');
  });
});
