import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GoLive } from '../../src/domain/go-live.js';
import { CHANNEL, Harness } from './harness.js';

let h: Harness;
let goLive: GoLive;
beforeEach(async () => {
  h = await Harness.start();
  goLive = await h.startGoLive();
});
afterEach(async () => {
  await h.stop();
});

/** The thread message that shows an item (by its block id). */
function itemBlock(itemId: string): { text: string; messageText: string } | undefined {
  for (const message of h.fake.thread(CHANNEL, goLive.rootTs ?? '')) {
    for (const block of (message.blocks ?? []) as { block_id?: string; text?: { text?: string } }[]) {
      if (block.block_id === `item:${itemId}`) return { text: block.text?.text ?? '', messageText: message.text ?? '' };
    }
  }
  return undefined;
}

function rootText(): string {
  return Harness.textOf(h.fake.message(CHANNEL, goLive.rootTs ?? ''));
}

const firstItem = () => goLive.template.sections[0]?.groups[0]?.items[0]?.id ?? '';
const secondItem = () => goLive.template.sections[0]?.groups[0]?.items[1]?.id ?? '';

describe('ticking items', () => {
  it('marks an item done: the section and the root are re-rendered from the database with who did it', async () => {
    const item = firstItem();
    const res = await h.click(goLive, item, 'done', 'U0DANA');
    expect(res.status).toBe(200);
    await h.fake.waitFor(() => itemBlock(item)?.text.includes('<@U0DANA>'), 5000, 'the item to show its author');
    await h.fake.waitFor(() => rootText().includes('1/144'), 5000, 'the root to show 1/144');
    const record = (await h.checklist(goLive.id)).items.get(item);
    expect(record).toMatchObject({ state: 'done', by: 'U0DANA' });
    const audit = await h.store.auditTrail(goLive.id);
    expect(audit.filter((e) => e.subject === item)).toHaveLength(1);
    expect(h.fake.invalidPayloads).toEqual([]);
  });

  it('asks a reason for N/A in a modal and shows it on the item', async () => {
    const item = firstItem();
    await h.click(goLive, item, 'na', 'U0DANA');
    const view = await h.waitReasonView(goLive, item, 'na');
    const res = await h.submitReason(view, 'no <b>uploads</b> & no nginx here', 'U0DANA');
    expect(res.status).toBe(200);
    await h.fake.waitFor(
      () => itemBlock(item)?.text.includes('no &lt;b&gt;uploads&lt;/b&gt; &amp; no nginx here'),
      5000,
      'the reason on the item',
    );
    expect(itemBlock(item)?.text).toContain('<@U0DANA>');
    await h.fake.waitFor(() => rootText().includes('1/144'), 5000, 'N/A to count as resolved');
    expect((await h.checklist(goLive.id)).items.get(item)).toMatchObject({
      state: 'na',
      reason: 'no <b>uploads</b> & no nginx here',
    });
  });

  it('refuses an empty reason inside the modal and changes nothing', async () => {
    const item = firstItem();
    await h.click(goLive, item, 'blocked', 'U0DANA');
    const view = await h.waitReasonView(goLive, item, 'blocked');
    const res = await h.submitReason(view, '   ', 'U0DANA');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      response_action: 'errors',
      errors: { reason: expect.stringMatching(/needs a reason/) },
    });
    expect((await h.checklist(goLive.id)).items.get(item)).toBeUndefined();
  });

  it('marks an item blocked with a reason, then someone reopens it', async () => {
    const item = secondItem();
    await h.click(goLive, item, 'blocked', 'U0DBA');
    await h.submitReason(await h.waitReasonView(goLive, item, 'blocked'), 'waiting for the firewall change', 'U0DBA');
    await h.fake.waitFor(
      () => itemBlock(item)?.text.includes('waiting for the firewall change'),
      5000,
      'the blocked reason',
    );
    await h.fake.waitFor(() => /blocked/i.test(rootText()), 5000, 'the root to count the blocked item');

    await h.click(goLive, item, 'open', 'U0LEAD');
    await h.fake.waitFor(
      () => !itemBlock(item)?.text.includes('waiting for the firewall change'),
      5000,
      'the reason to go',
    );
    expect((await h.checklist(goLive.id)).items.get(item)).toMatchObject({ state: 'open', by: 'U0LEAD' });
    const trail = (await h.store.auditTrail(goLive.id)).filter((e) => e.subject === item);
    expect(trail.map((e) => [e.actor, (e.after as { state?: string } | null)?.state])).toEqual([
      ['U0DBA', 'blocked'],
      ['U0LEAD', 'open'],
    ]);
  });

  it('a repeated click changes nothing and renders nothing more', async () => {
    const item = firstItem();
    await h.click(goLive, item, 'done', 'U0DANA');
    await h.fake.waitFor(() => rootText().includes('1/144'), 5000, 'the first tick');
    await h.slackApp.services.renderer.idle();
    const updates = h.fake.callsOf('chat.update').length;
    await h.click(goLive, item, 'done', 'U0OTHER');
    await h.slackApp.services.work.idle();
    await h.slackApp.services.renderer.flush();
    expect(h.fake.callsOf('chat.update')).toHaveLength(updates);
    expect((await h.checklist(goLive.id)).items.get(item)).toMatchObject({ by: 'U0DANA' });
    expect((await h.store.auditTrail(goLive.id)).filter((e) => e.subject === item)).toHaveLength(1);
  });

  it('a Slack retry of a handled click is not handled twice', async () => {
    const item = firstItem();
    const payload = h.clickPayload(goLive, item, 'done', 'U0DANA');
    const { postInteraction } = await import('../support/slack-request.js');
    const { SECRET } = await import('./harness.js');
    await postInteraction(h.baseUrl, SECRET, payload);
    await h.fake.waitFor(() => rootText().includes('1/144'), 5000, 'the tick');
    // Someone reopens it; then Slack re-delivers the first click.
    await h.click(goLive, item, 'open', 'U0LEAD');
    await h.fake.waitFor(() => rootText().includes('0/144'), 5000, 'the reopen');
    const res = await postInteraction(h.baseUrl, SECRET, payload, { retryNum: 1, retryReason: 'http_timeout' });
    expect(res.status).toBe(200);
    await h.slackApp.services.work.idle();
    await h.slackApp.services.renderer.flush();
    expect((await h.checklist(goLive.id)).items.get(item)).toMatchObject({ state: 'open', by: 'U0LEAD' });
  });

  it('tells the person privately when the go-live has ended', async () => {
    await h.command('abort checkout-api rollback planned');
    await h.waitForPrivate(/Aborted/);
    await h.click(goLive, firstItem(), 'done', 'U0DANA');
    const answer = await h.waitForPrivate(/aborted: its checklist can no longer change/, 'U0DANA');
    expect(answer).not.toMatch(/\.ts:\d+/);
  });
});
