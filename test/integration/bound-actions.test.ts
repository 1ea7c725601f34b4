// A control acts only on the go-live of the message it is on. A signed click from one go-live's message whose
// value names another go-live (a crafted or stale payload) is refused privately and changes nothing there.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeItemAction } from '../../src/slack/ids.js';
import { postInteraction } from '../support/slack-request.js';
import { Harness, SECRET } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.stop();
});

interface ClickBody {
  actions: Array<{ value?: string; selected_option?: { value: string } }>;
}

describe('actions stay in their message', () => {
  it('refuses an item-menu click on one go-live’s message that names another go-live’s item', async () => {
    const ours = await h.startGoLive('checkout-api');
    const theirs = await h.startGoLive('payments-api');
    const itemId = ours.template.sections[0]?.groups[0]?.items[0]?.id ?? '';
    for (const action of ['done', 'na'] as const) {
      const click = h.clickPayload(ours, itemId, action, 'U0MALLORY') as ClickBody;
      const option = click.actions[0]?.selected_option;
      if (!option) throw new Error('no option');
      option.value = encodeItemAction({ action, goLiveId: theirs.id, itemId });
      const res = await postInteraction(h.baseUrl, SECRET, click);
      expect(res.status).toBe(200);
    }
    const answers = await Harness.until(async () => {
      const texts = h
        .privateTexts('U0MALLORY')
        .filter((t) => t.includes('does not belong to the go-live of the message'));
      return texts.length === 2 ? texts : undefined;
    }, 'two private refusals');
    expect(answers[0]).toContain('nothing changed');
    await h.slackApp.services.work.idle();
    // Neither go-live changed, and no reason form was opened for the other one.
    expect((await h.checklist(theirs.id)).items.size).toBe(0);
    expect((await h.checklist(ours.id)).items.size).toBe(0);
    expect(h.fake.callsOf('views.open')).toEqual([]);
    expect((await h.store.auditTrail(theirs.id)).filter((e) => e.action === 'item')).toEqual([]);
  });

  it('refuses Run checks on one go-live’s root whose value names another go-live', async () => {
    const ours = await h.startGoLive('checkout-api');
    const theirs = await h.startGoLive('payments-api');
    const click = h.runChecksPayload(ours, undefined, 'U0MALLORY') as ClickBody;
    const button = click.actions[0];
    if (!button) throw new Error('no button');
    button.value = theirs.id;
    expect((await postInteraction(h.baseUrl, SECRET, click)).status).toBe(200);
    await h.waitForPrivate(/does not belong to the go-live of the message/, 'U0MALLORY');
    await h.slackApp.services.work.idle();
    expect(h.summaries(theirs)).toEqual([]);
    expect((await h.store.auditTrail(theirs.id)).filter((e) => e.action === 'evidence' || e.action === 'item')).toEqual(
      [],
    );
    expect(h.privateTexts('U0MALLORY').join('\n')).not.toContain('Running');
  });

  it('still takes a click whose value is the go-live of its message (root or section)', async () => {
    const ours = await h.startGoLive('checkout-api');
    const itemId = ours.template.sections[0]?.groups[0]?.items[0]?.id ?? '';
    await h.click(ours, itemId, 'done', 'U0DANA');
    await Harness.until(async () => (await h.checklist(ours.id)).items.get(itemId)?.state === 'done', 'the tick');
  });
});
