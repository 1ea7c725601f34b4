// Acks go out before the clicks' work runs (on a later event-loop turn): a burst sent at once is acked and every
// click is still applied once; a change the store refuses is still explained to the person, in the thread.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flattenItems } from '../../src/domain/checklist.js';
import type { GoLive } from '../../src/domain/go-live.js';
import { postInteraction } from '../support/slack-request.js';
import { CHANNEL, Harness, SECRET } from './harness.js';

let h: Harness;
let goLive: GoLive;
beforeEach(async () => {
  h = await Harness.start();
  goLive = await h.startGoLive();
});
afterEach(async () => {
  await h.stop();
});

const rootText = () => Harness.textOf(h.fake.message(CHANNEL, goLive.rootTs ?? ''));

describe('acks first', () => {
  it('acks a burst of clicks sent at once and applies every one, each by its clicker', async () => {
    const items = flattenItems(goLive.template)
      .slice(0, 40)
      .map((f) => f.item.id);
    const answers = await Promise.all(
      items.map((item, i) => h.click(goLive, item, 'done', `U0TEAM${String(i % 20).padStart(2, '0')}`)),
    );
    expect(answers.map((a) => a.status)).toEqual(items.map(() => 200));
    await h.fake.waitFor(() => rootText().includes('40/144'), 10_000, 'the root to show 40/144');
    const view = await h.checklist(goLive.id);
    items.forEach((item, i) =>
      expect(view.items.get(item)).toMatchObject({ state: 'done', by: `U0TEAM${String(i % 20).padStart(2, '0')}` }),
    );
    const audit = await h.store.auditTrail(goLive.id);
    expect(audit.filter((e) => e.action === 'item')).toHaveLength(40);
    expect(h.fake.ephemerals).toEqual([]);
    expect(h.errors()).toEqual([]);
  });

  it('answers a reason given after the go-live ended privately in its thread, naming why', async () => {
    const item = flattenItems(goLive.template)[0]?.item.id ?? '';
    await h.click(goLive, item, 'blocked', 'U0DANA');
    const view = await h.waitReasonView(goLive, item, 'blocked');
    await h.command('abort checkout-api rollback planned');
    await h.waitForPrivate(/Aborted/);
    const res = await h.submitReason(view, 'waiting on the DBA', 'U0DANA');
    expect(res.status).toBe(200);
    await h.waitForPrivate(/aborted: its checklist can no longer change/, 'U0DANA');
    const answer = h.fake.ephemerals.find((e) => e.user === 'U0DANA');
    expect(answer).toMatchObject({ channel: CHANNEL, thread_ts: goLive.rootTs });
    expect((await h.checklist(goLive.id)).items.get(item)).toBeUndefined();
  });

  it('tells the person privately when an item is no longer in the checklist', async () => {
    const payload = h.clickPayload(goLive, flattenItems(goLive.template)[0]?.item.id ?? '', 'done', 'U0DANA') as {
      actions: { selected_option: { value: string } }[];
    };
    const action = payload.actions[0];
    if (!action) throw new Error('no action in the click');
    action.selected_option.value = action.selected_option.value.replace(/[^|]+$/, 'retired-item');
    expect((await postInteraction(h.baseUrl, SECRET, payload)).status).toBe(200);
    await h.waitForPrivate(/not in this go-live’s checklist/, 'U0DANA');
    expect((await h.store.auditTrail(goLive.id)).filter((e) => e.action === 'item')).toEqual([]);
  });
});
