import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, DEPLOYER, Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function rootOf(harness: Harness, rootTs: string | undefined): string {
  return Harness.textOf(harness.fake.message(CHANNEL, rootTs ?? ''));
}

describe('when Slack pushes back', () => {
  it('retries a chat.update that got 429 after Retry-After, and the final message is right', async () => {
    h = await Harness.start();
    const harness = h;
    const goLive = await harness.startGoLive();
    const item = goLive.template.sections[0]?.groups[0]?.items[0]?.id ?? '';
    harness.fake.rateLimitNext('chat.update', 1, 1);
    await harness.click(goLive, item, 'done', 'U0DANA');
    await harness.fake.waitFor(
      () => rootOf(harness, goLive.rootTs).includes('1/144'),
      10_000,
      'the root after the 429',
    );
    await harness.slackApp.services.renderer.idle();
    const updates = harness.fake.callsOf('chat.update');
    const limited = updates.filter((c) => c.status === 429);
    expect(limited).toHaveLength(1);
    const limitedCall = limited[0];
    const retry = updates.find((c) => c.status === 200 && c.args.ts === limitedCall?.args.ts);
    expect(retry).toBeDefined();
    // The retry waited for Retry-After (1 s).
    expect((retry?.at ?? 0) - (limitedCall?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(harness.slackApp.services.renderer.stats.rateLimited).toBe(1);
    const section = harness.fake.thread(CHANNEL, goLive.rootTs ?? '')[0];
    expect(Harness.textOf(section)).toContain('<@U0DANA>');
    expect(harness.logs.some((l) => l.level === 40 && /rate|chat\.update/i.test(l.msg))).toBe(true);
  });

  it('re-posts a thread message deleted by hand on the next render', async () => {
    h = await Harness.start();
    const harness = h;
    const goLive = await harness.startGoLive();
    const [first] = harness.fake.thread(CHANNEL, goLive.rootTs ?? '');
    if (!first) throw new Error('no section message');
    harness.fake.deleteMessage(CHANNEL, first.ts);
    const item = goLive.template.sections[0]?.groups[0]?.items[0]?.id ?? '';
    await harness.click(goLive, item, 'done', 'U0DANA');
    const reposted = await harness.fake.waitFor(
      () =>
        harness.fake
          .thread(CHANNEL, goLive.rootTs ?? '')
          .find((m) => m.ts !== first.ts && Harness.textOf(m).includes('<@U0DANA>')),
      5000,
      'the section re-posted in the thread',
    );
    await harness.slackApp.services.renderer.idle();
    const title = goLive.template.sections[0]?.title.replace(/&/g, '&amp;') ?? '?';
    expect(Harness.textOf(reposted)).toContain(title);
    const saved = (await harness.store.getMessages(goLive.id)).find((m) => m.key === goLive.template.sections[0]?.id);
    expect(saved?.ts).toBe(reposted.ts);
    expect(harness.fake.thread(CHANNEL, goLive.rootTs ?? '')).toHaveLength(11);
  });

  it('waits out a 429 on the root message while starting and posts the whole thread in order', async () => {
    h = await Harness.start();
    const harness = h;
    harness.fake.rateLimitNext('chat.postMessage', 1, 1);
    const res = await harness.command('start checkout-api');
    expect(res.status).toBe(200);
    const goLive = await harness.waitThread('checkout-api', 11);
    const titles = goLive.template.sections.map((s) => s.title.replace(/&/g, '&amp;'));
    harness.fake
      .thread(CHANNEL, goLive.rootTs ?? '')
      .forEach((m, i) => expect(Harness.textOf(m)).toContain(titles[i] ?? '?'));
    expect(harness.fake.messages(CHANNEL).filter((m) => m.thread_ts === undefined)).toHaveLength(1);
    expect(harness.errors()).toEqual([]);
  });
});

describe('restart on the same file', () => {
  it('renders the whole go-live correctly after the bot restarts', async () => {
    h = await Harness.start();
    const first = h;
    const goLive = await first.startGoLive();
    const items = goLive.template.sections.map((s) => s.groups[0]?.items[0]?.id ?? '');
    await first.click(goLive, items[0] ?? '', 'done', 'U0DANA');
    await first.fake.waitFor(() => rootOf(first, goLive.rootTs).includes('1/144'), 5000, 'the first tick');
    await first.stop(false);

    h = await Harness.start({ fake: first.fake, dir: first.dir });
    const second = h;
    await second.click(goLive, items[1] ?? '', 'done', 'U0LEE');
    await second.fake.waitFor(() => rootOf(second, goLive.rootTs).includes('2/144'), 5000, 'the root after restart');
    await second.slackApp.services.renderer.idle();
    const thread = second.fake.thread(CHANNEL, goLive.rootTs ?? '');
    expect(thread).toHaveLength(11);
    expect(Harness.textOf(thread[0])).toContain('<@U0DANA>');
    expect(Harness.textOf(thread[1])).toContain('<@U0LEE>');
    expect(second.fake.invalidPayloads).toEqual([]);
    // The lock survived the restart too.
    await second.command('start checkout-api', { user: 'U0OTHER' });
    await second.waitForPrivate(/already has a go-live running/, 'U0OTHER');
    expect(rootOf(second, goLive.rootTs)).toContain(`<@${DEPLOYER}>`);
  });
});
