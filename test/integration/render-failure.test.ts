// A change is saved but Slack refuses to show it (a platform error, not a 429 a retry gets through): the person
// who made it is told so privately, once, in the thread they clicked in; the database keeps the change.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GoLive } from '../../src/domain/go-live.js';
import { CHANNEL, Harness } from './harness.js';

let h: Harness;
let goLive: GoLive;
beforeEach(async () => {
  h = await Harness.start();
  goLive = await h.startGoLive();
  // Nothing from the start is still rendering: the failures injected below meet the renders a test causes.
  await h.slackApp.services.renderer.idle();
});
afterEach(async () => {
  await h.stop();
});

const itemAt = (section: number, index: number): string =>
  goLive.template.sections[section]?.groups[0]?.items[index]?.id ?? '';
const couldNotUpdate = (user: string) =>
  h.fake.ephemerals.filter((e) => e.user === user && /could not update/.test(e.text ?? ''));

describe('a render Slack refuses', () => {
  it('tells the person who ticked, once and privately in the thread, and keeps the tick', async () => {
    const item = itemAt(0, 0);
    // Both messages the tick touches (its section and the root) are refused.
    h.fake.failNext('chat.update', 'not_in_channel', 2);
    const res = await h.click(goLive, item, 'done', 'U0DANA');
    expect(res.status).toBe(200);
    const answer = await h.waitForPrivate(/could not update/, 'U0DANA');
    expect(answer).toMatch(/Your change is saved/);
    expect(answer).toContain('not_in_channel');
    await h.slackApp.services.renderer.idle();
    expect(couldNotUpdate('U0DANA')).toEqual([
      expect.objectContaining({ via: 'chat.postEphemeral', channel: CHANNEL, thread_ts: goLive.rootTs }),
    ]);
    expect((await h.checklist(goLive.id)).items.get(item)).toMatchObject({ state: 'done', by: 'U0DANA' });
    expect(h.rootText(goLive)).toContain('0/144');

    // The next change renders both: the root catches up and nobody is told anything more.
    await h.click(goLive, itemAt(0, 1), 'done', 'U0SAM');
    await h.fake.waitFor(() => h.rootText(goLive).includes('2/144'), 5000, 'the root to show both ticks');
    await h.slackApp.services.renderer.idle();
    expect(h.itemText(goLive, item)).toContain('<@U0DANA>');
    expect(couldNotUpdate('U0DANA')).toHaveLength(1);
    expect(couldNotUpdate('U0SAM')).toEqual([]);
  });

  it("reaches the person through the click's response_url when the channel refuses the private message too", async () => {
    const item = itemAt(0, 0);
    // The bot was removed from the channel: updates and ephemerals there both answer not_in_channel.
    h.fake.failNext('chat.update', 'not_in_channel', 2);
    h.fake.failNext('chat.postEphemeral', 'not_in_channel', 1);
    expect((await h.click(goLive, item, 'done', 'U0DANA')).status).toBe(200);
    const answer = await h.fake.waitFor(
      (f) => f.ephemerals.find((e) => e.via === 'response_url' && /could not update/.test(e.text ?? '')),
      5000,
      'the notice through the response_url',
    );
    await h.slackApp.services.renderer.idle();
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false, channel: CHANNEL });
    expect(answer.text).toMatch(/Your change is saved/);
    expect(answer.text).toContain('not_in_channel');
    expect(h.fake.callsOf('chat.postEphemeral').map((c) => c.error)).toEqual(['not_in_channel']);
    expect(h.fake.ephemerals.filter((e) => /could not update/.test(e.text ?? ''))).toHaveLength(1);
    expect((await h.checklist(goLive.id)).items.get(item)).toMatchObject({ state: 'done', by: 'U0DANA' });
  });

  it('tells the person who gave a reason in the form, in the go-live thread', async () => {
    const item = itemAt(1, 0);
    await h.click(goLive, item, 'blocked', 'U0DBA');
    const view = await h.waitReasonView(goLive, item, 'blocked');
    h.fake.failNext('chat.update', 'invalid_blocks', 1);
    expect((await h.submitReason(view, 'restore test pending', 'U0DBA')).status).toBe(200);
    const answer = await h.waitForPrivate(/could not update/, 'U0DBA');
    expect(answer).toContain('invalid_blocks');
    await h.slackApp.services.renderer.idle();
    expect(couldNotUpdate('U0DBA')).toEqual([expect.objectContaining({ channel: CHANNEL, thread_ts: goLive.rootTs })]);
    expect((await h.checklist(goLive.id)).items.get(item)).toMatchObject({
      state: 'blocked',
      reason: 'restore test pending',
    });
  });

  it('tells nobody about a 429 that a retry gets through', async () => {
    h.fake.rateLimitNext('chat.update', 0, 1);
    await h.click(goLive, itemAt(0, 0), 'done', 'U0DANA');
    await h.fake.waitFor(() => h.rootText(goLive).includes('1/144'), 5000, 'the root after the 429');
    await h.slackApp.services.renderer.idle();
    expect(h.fake.callsOf('chat.update').some((c) => c.status === 429)).toBe(true);
    expect(couldNotUpdate('U0DANA')).toEqual([]);
  });
});
