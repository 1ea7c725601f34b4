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

const itemAt = (goLive: GoLive, section: number, index: number): string =>
  goLive.template.sections[section]?.groups[0]?.items[index]?.id ?? '';

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
      await harness.fake.waitFor(() => outage.refused >= 5, 10_000, 'probes during the outage');
      outage.end();
      const endedAt = Date.now();
      const refused = outage.refused;
      const view = await harness.checklist(goLive.id);
      for (const tick of ticks) expect(view.items.get(tick.item)).toMatchObject({ state: 'done', by: tick.user });

      await harness.fake.waitFor(
        () =>
          ticks.every((t) => harness.itemText(goLive, t.item).includes(`<@${t.user}>`)) &&
          harness.rootText(goLive).includes('3/144'),
        10_000,
        'the thread to show the three ticks',
      );
      await harness.slackApp.services.renderer.idle();

      const updates = harness.fake.calls.slice(callsBefore).filter((c) => c.method === 'chat.update');
      const answered = updates.filter((c) => c.status === 200);
      // No storm: the first tick's two messages failed together, then one probe at a time after each backoff step
      // (100, 200, 400, 800, 800 … ms), however many messages were behind: no more refusals than fit in the outage.
      const firstRefusal = updates.find((c) => c.status !== 200)?.at ?? endedAt;
      let probes = 0;
      for (let waited = 100; waited <= endedAt - firstRefusal; waited += Math.min(800, 100 * 2 ** probes)) probes += 1;
      expect(refused).toBeLessThanOrEqual(2 + probes);
      expect(updates.length - answered.length).toBe(refused);
      // After it, each touched message (two sections, the root) once, plus at most one more for a message whose
      // change came in while its render waited in line.
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
    // 4 chat.update a second, no burst; the catch-up renders 4 go-lives at a time, so 4 of its renders are in line.
    h = await Harness.start({ slackBudget: { perMinute: 240, burst: 1 } });
    const harness = h;
    const goLives: GoLive[] = [];
    for (const service of ['billing', 'search', 'ledger', 'notify', 'checkout-api'])
      goLives.push(await harness.startGoLive(service));
    await harness.slackApp.services.renderer.idle();
    const behind = goLives.slice(0, 4);
    // Changes the thread does not show yet (written straight to the database, as a crash before the render leaves them).
    for (const goLive of behind) {
      for (const section of [0, 1]) {
        await harness.store.changeItem({
          goLiveId: goLive.id,
          itemId: itemAt(goLive, section, 0),
          state: 'done',
          actor: 'U0EARLIER',
        });
      }
    }
    const callsBefore = harness.fake.calls.length;
    // Slack holds the catch-up's first update back for 5 s: the rest of the catch-up queues up behind the pause.
    harness.fake.rateLimitNext('chat.update', 5, 1);
    const caughtUp = harness.slackApp.services.renderer.catchUp(behind.map((g) => g.id));
    await harness.fake.waitFor(
      (f) => f.calls.slice(callsBefore).some((c) => c.status === 429),
      5000,
      'the catch-up to meet the 429',
    );

    // Dana ticks while the catch-up waits in line.
    const clicked = goLives[4] as GoLive;
    const item = itemAt(clicked, 5, 0);
    expect((await harness.click(clicked, item, 'done', 'U0DANA')).status).toBe(200);
    await harness.fake.waitFor(
      () => harness.itemText(clicked, item).includes('<@U0DANA>'),
      15_000,
      'Dana to see her tick',
    );
    await caughtUp;
    await harness.slackApp.services.renderer.idle();

    // When the pause ended, Dana's two messages (her section, the root) went first, before the four catch-up
    // renders that were in line ahead of her and the one the 429 sent back.
    const danaTs = new Set((await harness.store.getMessages(clicked.id)).map((m) => m.ts));
    const afterPause = harness.fake.calls
      .slice(callsBefore)
      .filter((c) => c.method === 'chat.update' && c.status === 200);
    expect(afterPause.slice(0, 2).map((c) => danaTs.has(String(c.args.ts)))).toEqual([true, true]);
    expect(afterPause.slice(2).filter((c) => !danaTs.has(String(c.args.ts))).length).toBeGreaterThanOrEqual(4);
    // Nothing lost: every stale message was brought up to date, and the injected 429 was the only one.
    for (const goLive of behind) {
      expect(harness.rootText(goLive)).toContain('2/144');
      for (const section of [0, 1])
        expect(harness.itemText(goLive, itemAt(goLive, section, 0))).toContain('<@U0EARLIER>');
    }
    expect(harness.fake.calls.filter((c) => c.status === 429)).toHaveLength(1);
  });
});
