// Golive gives Bolt one listener per kind of request and routes each click and form by its id
// (src/slack/listeners.ts). One it does not know (a control of an older version, a link button) is answered at
// once and changes nothing; the known ones still reach their own listener.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { CHANNEL, Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.stop();
});

describe('clicks and forms routed by id', () => {
  it('answers a click on an element Golive does not know with 200, changes nothing and logs which one', async () => {
    const goLive = await h.startGoLive('checkout-api');
    const root = h.fake.messages(CHANNEL).find((m) => m.ts === goLive.rootTs);
    if (!root) throw new Error('no root message');
    const trailBefore = await h.store.auditTrail(goLive.id);

    const res = await h.clickButtonOn(root, 'golive_from_an_older_version', goLive.id, 'U0DANA');

    expect(res.status).toBe(200);
    await h.slackApp.services.work.idle();
    expect(await h.store.auditTrail(goLive.id)).toEqual(trailBefore);
    expect(h.privateTexts('U0DANA')).toEqual([]);
    expect(h.logs.filter((l) => l.actionId === 'golive_from_an_older_version').map((l) => l.msg)).toEqual([
      'a click on an element Golive does not know: nothing done',
    ]);
    expect(h.errors()).toEqual([]);
  });

  it('answers a form Golive does not know with 200 and changes nothing', async () => {
    const goLive = await h.startGoLive('checkout-api');
    const trailBefore = await h.store.auditTrail(goLive.id);

    const res = await h.submitView(
      {
        id: 'V0OLDFORM',
        hash: 'old-hash',
        via: 'views.open',
        updates: 0,
        view: { type: 'modal', callback_id: 'golive_from_an_older_version', private_metadata: goLive.id, blocks: [] },
      },
      {},
      'U0DANA',
    );

    expect(res.status).toBe(200);
    await h.slackApp.services.work.idle();
    expect(await h.store.auditTrail(goLive.id)).toEqual(trailBefore);
    expect(h.logs.filter((l) => l.callbackId === 'golive_from_an_older_version').map((l) => l.msg)).toEqual([
      'a form Golive does not know was submitted: nothing done',
    ]);
  });

  it('still sends each known button to its own listener', async () => {
    const goLive = await h.startGoLive('checkout-api');
    const root = h.fake.messages(CHANNEL).find((m) => m.ts === goLive.rootTs);
    if (!root) throw new Error('no root message');
    // Add note opens its form; Request approval changes the go-live's status: two listeners, one Bolt listener.
    expect((await h.clickButtonOn(root, ACTION.addNote, goLive.id, 'U0DANA')).status).toBe(200);
    await Harness.until(async () => (h.fake.callsOf('views.open').length === 1 ? true : undefined), 'the note form');
    expect((await h.clickButtonOn(root, ACTION.requestApproval, goLive.id)).status).toBe(200);
    await Harness.until(
      async () => ((await h.store.getGoLive(goLive.id))?.status === 'awaiting_approval' ? true : undefined),
      'the approval request',
    );
  });
});
