// Golive gives Bolt one middleware that routes each request by its kind and id (src/slack/listeners.ts). One it
// does not know (a control of an older version, a link button, a shortcut, another app's command) is answered at
// once and changes nothing; the known ones still reach their own listener.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { postCommand, postInteraction } from '../support/slack-request.js';
import { CHANNEL, Harness, SECRET } from './harness.js';

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

  it('answers a shortcut and a command it does not know with 200 at once, changes nothing and logs them', async () => {
    const goLive = await h.startGoLive('checkout-api');
    const trailBefore = await h.store.auditTrail(goLive.id);
    const shortcut = {
      type: 'shortcut',
      callback_id: 'golive_from_an_older_version',
      trigger_id: 'T0TRIGGER',
      user: { id: 'U0DANA', team_id: 'T0GOLIVE' },
      team: { id: 'T0GOLIVE', domain: 'golive-test' },
      action_ts: '1700000000.000001',
    };

    // Unanswered, Bolt would answer only after its 3-second timeout; Slack shows the person an error at 3 s.
    const answers = await Promise.all([
      postInteraction(h.baseUrl, SECRET, shortcut),
      postCommand(h.baseUrl, SECRET, { command: '/golive-old', text: 'start checkout-api' }),
    ]);

    expect(answers.map((res) => res.status)).toEqual([200, 200]);
    await h.slackApp.services.work.idle();
    expect(await h.store.auditTrail(goLive.id)).toEqual(trailBefore);
    expect(
      h.logs.filter((l) => l.msg === 'a request Golive does not handle: acknowledged, nothing done').map((l) => l.type),
    ).toEqual(['shortcut']);
    expect(
      h.logs.filter((l) => l.msg === 'a command Golive does not know: nothing done').map((l) => l.command),
    ).toEqual(['/golive-old']);
    expect(h.fake.callsOf('views.open')).toEqual([]);
    expect(h.errors()).toEqual([]);
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
