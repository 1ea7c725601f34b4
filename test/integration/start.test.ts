import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL, DEPLOYER, Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.stop();
});

describe('/golive start', () => {
  it('posts the root message and one message per section in its thread, at 0/144', async () => {
    const res = await h.command(
      'start checkout-api production https://checkout.example.com approvers=<@U0APPROVER|ana>',
    );
    expect(res.status).toBe(200);
    const goLive = await h.waitThread('checkout-api', 11);
    const root = h.fake.message(CHANNEL, goLive.rootTs ?? '');
    const rootText = Harness.textOf(root);
    expect(rootText).toContain('checkout-api');
    expect(rootText).toContain('0/144');
    expect(rootText).toContain(`<@${DEPLOYER}>`);
    expect(rootText).toContain('<@U0APPROVER>');
    const thread = h.fake.thread(CHANNEL, goLive.rootTs ?? '');
    expect(thread).toHaveLength(11);
    const titles = goLive.template.sections.map((s) => s.title.replace(/&/g, '&amp;'));
    thread.forEach((message, i) => expect(Harness.textOf(message)).toContain(titles[i] ?? '?'));
    expect(h.fake.invalidPayloads).toEqual([]);
    const messages = await h.store.getMessages(goLive.id);
    expect(messages.map((m) => m.key).sort()).toEqual(['root', ...goLive.template.sections.map((s) => s.id)].sort());
    expect(h.errors()).toEqual([]);
  });

  it('answers a second start privately with a link to the thread that holds the lock', async () => {
    const goLive = await h.startGoLive();
    const posted = h.fake.callsOf('chat.postMessage').length;
    await h.command('start checkout-api', { user: 'U0SECOND' });
    const answer = await h.waitForPrivate(/already has a go-live running/, 'U0SECOND');
    expect(answer).toContain(`/archives/${CHANNEL}/p${(goLive.rootTs ?? '').replace('.', '')}`);
    expect(answer).toContain(`<@${DEPLOYER}>`);
    await h.slackApp.services.work.idle();
    expect(h.fake.callsOf('chat.postMessage')).toHaveLength(posted);
  });

  it('lets the same service start in another environment', async () => {
    await h.startGoLive();
    await h.command('start checkout-api staging');
    await h.fake.waitFor(
      () => h.fake.messages(CHANNEL).filter((m) => m.thread_ts === undefined).length === 2,
      5000,
      'a second root',
    );
    expect(await h.store.findActive('checkout-api', 'staging')).toBeDefined();
  });

  it('tells the person privately when Slack refuses the root message, and frees the lock', async () => {
    h.fake.failNext('chat.postMessage', 'not_in_channel');
    await h.command('start checkout-api');
    const answer = await h.waitForPrivate(/could not start/);
    expect(answer).toContain('/invite');
    expect(answer).not.toMatch(/at .*\.ts:\d+/);
    expect(await h.store.listActive('checkout-api')).toEqual([]);
    // A retry once the bot is invited works.
    const goLive = await h.startGoLive();
    expect(goLive.rootTs).toBeDefined();
  });
});
