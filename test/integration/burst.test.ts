import { afterEach, describe, expect, it } from 'vitest';
import { flattenItems } from '../../src/domain/checklist.js';
import { CHANNEL, Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const WINDOW_MS = 300;

describe('a burst of ticks', () => {
  it('40 concurrent ticks by 8 people across 10 sections: nothing lost, one update per message per window', async () => {
    h = await Harness.start({ windowMs: WINDOW_MS });
    const harness = h;
    const goLive = await harness.startGoLive();
    const flat = flattenItems(goLive.template);
    const sections = goLive.template.sections
      .filter((s) => flat.filter((f) => f.sectionId === s.id).length >= 4)
      .slice(0, 10);
    expect(sections).toHaveLength(10);
    const ticks = sections.flatMap((s, si) =>
      flat
        .filter((f) => f.sectionId === s.id)
        .slice(0, 4)
        .map((f, i) => ({ itemId: f.item.id, user: `U0PERSON${(si * 4 + i) % 8}` })),
    );
    expect(ticks).toHaveLength(40);
    await harness.slackApp.services.renderer.idle();
    const updatesBefore = harness.fake.callsOf('chat.update').length;

    const started = Date.now();
    const answers = await Promise.all(ticks.map((t) => harness.click(goLive, t.itemId, 'done', t.user)));
    await harness.slackApp.services.work.idle();
    const burstMs = Date.now() - started;
    expect(answers.every((a) => a.status === 200)).toBe(true);

    await harness.fake.waitFor(
      () => Harness.textOf(harness.fake.message(CHANNEL, goLive.rootTs ?? '')).includes('40/144'),
      10_000,
      'the root to show 40/144',
    );
    await harness.slackApp.services.renderer.idle();

    // Nothing lost: every tick is in the database with its author, and in the thread.
    const view = await harness.checklist(goLive.id);
    for (const t of ticks) expect(view.items.get(t.itemId)).toMatchObject({ state: 'done', by: t.user });
    const threadText = harness.fake
      .thread(CHANNEL, goLive.rootTs ?? '')
      .map((m) => Harness.textOf(m))
      .join('\n');
    for (const t of ticks) expect(threadText).toContain(`<@${t.user}>`);
    for (const s of sections) {
      const done = ticks.filter((t) => flat.find((f) => f.item.id === t.itemId)?.sectionId === s.id).length;
      expect(done).toBe(4);
    }

    const updates = harness.fake.callsOf('chat.update').slice(updatesBefore);
    const touched = sections.length + 1;
    const perMessage = new Map<string, number>();
    for (const u of updates) perMessage.set(String(u.args.ts), (perMessage.get(String(u.args.ts)) ?? 0) + 1);
    // Each message: one update per window the burst spans, plus the trailing one.
    const bound = touched * (1 + Math.ceil(burstMs / WINDOW_MS));
    expect(updates.length).toBeLessThanOrEqual(bound);
    expect(updates.length).toBeLessThan(ticks.length);
    expect(perMessage.size).toBe(touched);
    expect(harness.fake.invalidPayloads).toEqual([]);
    process.stdout.write(
      `burst: ${ticks.length} ticks in ${burstMs} ms → ${updates.length} chat.update for ${touched} messages ` +
        `(max ${Math.max(...perMessage.values())} per message, window ${WINDOW_MS} ms, bound ${bound})\n`,
    );
  });

  it('every one of the 144 items ticked at once by 20 people: the whole checklist done, updates bounded', async () => {
    h = await Harness.start({ windowMs: WINDOW_MS });
    const harness = h;
    const goLive = await harness.startGoLive();
    const flat = flattenItems(goLive.template);
    expect(flat).toHaveLength(144);
    await harness.slackApp.services.renderer.idle();
    const updatesBefore = harness.fake.callsOf('chat.update').length;
    const started = Date.now();
    const answers = await Promise.all(
      flat.map((f, i) => harness.click(goLive, f.item.id, 'done', `U0PEOPLE${i % 20}`)),
    );
    await harness.slackApp.services.work.idle();
    const burstMs = Date.now() - started;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await harness.fake.waitFor(
      () => Harness.textOf(harness.fake.message(CHANNEL, goLive.rootTs ?? '')).includes('144/144'),
      15_000,
      'the root to show 144/144',
    );
    await harness.slackApp.services.renderer.idle();
    const view = await harness.checklist(goLive.id);
    expect([...view.items.values()].filter((r) => r.state === 'done')).toHaveLength(144);
    const updates = harness.fake.callsOf('chat.update').slice(updatesBefore);
    const touched = goLive.template.sections.length + 1;
    const bound = touched * (1 + Math.ceil(burstMs / WINDOW_MS));
    expect(updates.length).toBeLessThanOrEqual(bound);
    expect(harness.fake.invalidPayloads).toEqual([]);
    const threadText = harness.fake
      .thread(CHANNEL, goLive.rootTs ?? '')
      .map((m) => Harness.textOf(m))
      .join('\n');
    for (let p = 0; p < 20; p += 1) expect(threadText).toContain(`<@U0PEOPLE${p}>`);
    process.stdout.write(
      `burst: ${flat.length} ticks by 20 people in ${burstMs} ms → ${updates.length} chat.update, ` +
        `${harness.slackApp.services.renderer.stats.posts} posts in all (${touched} messages, window ${WINDOW_MS} ms, bound ${bound})\n`,
    );
  });
});
