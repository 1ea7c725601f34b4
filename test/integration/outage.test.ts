// Slack down for a while, then back: the thread catches up by itself, through the real receiver and the fake
// Slack playing the outage. The backoff runs at a tenth of production's (100 ms → 800 ms instead of 1 s → 30 s);
// its exact steps are unit-tested on a manual clock (test/slack/update-budget.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import type { GoLive } from '../../src/domain/go-live.js';
import type { OutageAnswer } from '../support/fake-slack.js';
import { Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const itemAt = (goLive: GoLive, section: number, index: number): string => goLive.template.sections[section]?.groups[0]?.items[index]?.id ?? '';

describe('after a Slack outage', () => {
  it.each<OutageAnswer>(['http-500', 'reset'])(
    'shows three ticks made while chat.update got no answer (%s) once Slack answers again, one call at a time meanwhile',
    async (answer) => {
      h = await Harness.start({ slackBudget: { firstBackoffMs: 100, maxBackoffMs: 800 } });
      const harness = h;
      const goLive = await harness.startGoLive();
      await harness.slackApp.services.renderer.idle();
      const callsBefore = harness.fake.calls.length;
      const ticks = [
        { item: itemAt(goLive, 0, 0), user: 'U0DANA' },
        { item: itemAt(goLive, 0, 1), user: 'U0SAM' },
        { item: itemAt(goLive, 1, 0), user: 'U0LEE' },
      ];

      const outage = harness.fake.outage('chat.update', { answer });
      const [first, ...others] = ticks;
      expect((await harness.click(goLive, first?.item ?? '', 'done', first?.user)).status).toBe(200);
      await harness.fake.waitFor(() => outage.refused >= 1, 5000, 'the first update to meet the outage');
      for (const tick of others) expect((await harness.click(goLive, tick.item, 'done', tick.user)).status).toBe(200);
      // Slack stays down through a few probes (100, 200, 400 ms apart): the ticks are saved, the thread is behind.
      await harness.fake.waitFor(() => outage.refused >= 4, 10_000, 'four probes during the outage');
      outage.end();
      const refused = outage.refused;
      const view = await harness.checklist(goLive.id);
      for (const tick of ticks) expect(view.items.get(tick.item)).toMatchObject({ state: 'done', by: tick.user });

      await harness.fake.waitFor(
        () => ticks.every((t) => harness.itemText(goLive, t.item).includes(`<@${t.user}>`)) && harness.rootText(goLive).includes('3/144'),
        10_000,
        'the thread to show the three ticks',
      );
      await harness.slackApp.services.renderer.idle();

      const updates = harness.fake.calls.slice(callsBefore).filter((c) => c.method === 'chat.update');
      const answered = updates.filter((c) => c.status === 200);
      // No storm: while Slack was down one probe went at a time (the 4th came ≥ 700 ms after the 1st, so at most one
      // more was in flight when the outage ended); after it, each touched message (two sections, the root) once,
      // plus at most one more for a message whose change came in while its render waited in line.
      expect(refused).toBeLessThanOrEqual(5);
      expect(updates.length - answered.length).toBe(refused);
      expect(answered.length).toBeGreaterThanOrEqual(3);
      expect(answered.length).toBeLessThanOrEqual(6);
      expect(new Set(answered.map((c) => c.args.ts)).size).toBe(3);
      // Behind is not refused: nobody was told their change could not be shown.
      expect(harness.fake.ephemerals).toEqual([]);
      expect(harness.errors()).toEqual([]);
    },
  );
});

describe('one Slack budget for the workspace', () => {
  it('updates the message a person just changed before the catch-up renders queued ahead of it', async () => {
    // 4 chat.update a second, no burst: a catch-up of 12 stale messages takes 3 s, 4 of them always in line.
    h = await Harness.start({ slackBudget: { perMinute: 240, burst: 1 } });
    const harness = h;
    const goLives: GoLive[] = [];
    for (const service of ['billing', 'search', 'ledger', 'notify', 'checkout-api']) goLives.push(await harness.startGoLive(service));
    await harness.slackApp.services.renderer.idle();
    const behind = goLives.slice(0, 4);
    // Changes the thread does not show yet (written straight to the database, as a crash before the render leaves them).
    for (const goLive of behind) {
      for (const section of [0, 1]) {
        await harness.store.changeItem({ goLiveId: goLive.id, itemId: itemAt(goLive, section, 0), state: 'done', actor: 'U0EARLIER' });
      }
    }
    const callsBefore = harness.fake.calls.length;
    const caughtUp = harness.slackApp.services.renderer.catchUp(behind.map((g) => g.id));
    await harness.fake.waitFor((f) => f.calls.slice(callsBefore).some((c) => c.method === 'chat.update'), 5000, 'the catch-up to start');

    const clicked = goLives[4] as GoLive;
    const item = itemAt(clicked, 5, 0);
    expect((await harness.click(clicked, item, 'done', 'U0DANA')).status).toBe(200);
    const ackedAt = harness.fake.calls.length;
    await harness.fake.waitFor(() => harness.itemText(clicked, item).includes('<@U0DANA>'), 10_000, 'Dana to see her tick');
    await caughtUp;
    await harness.slackApp.services.renderer.idle();

    // Four catch-up renders were in line when Dana clicked; hers went after at most the one already let through
    // and one more during her render's 50 ms window, not behind all four.
    const danaTs = (await harness.store.getMessages(clicked.id)).find((m) => m.key === clicked.template.sections[5]?.id)?.ts;
    const updatesSinceAck = harness.fake.calls.slice(ackedAt).filter((c) => c.method === 'chat.update');
    const danaIndex = updatesSinceAck.findIndex((c) => c.args.ts === danaTs);
    expect(danaIndex).toBeGreaterThanOrEqual(0);
    expect(danaIndex).toBeLessThanOrEqual(2);
    expect(updatesSinceAck.length - danaIndex).toBeGreaterThanOrEqual(4);
    // Nothing lost: every stale message was brought up to date, without a single 429.
    for (const goLive of behind) {
      expect(harness.rootText(goLive)).toContain('2/144');
      for (const section of [0, 1]) expect(harness.itemText(goLive, itemAt(goLive, section, 0))).toContain('<@U0EARLIER>');
    }
    expect(harness.fake.calls.filter((c) => c.status === 429)).toEqual([]);
  });
});
