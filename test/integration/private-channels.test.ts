// A go-live started in a private channel, through the real Bolt receiver with signed commands: from any other
// channel it does not exist (status does not list it; check, report, live and abort answer word for word as for a
// service nobody started, and change nothing); from its own channel everything works as before.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VIEW } from '../../src/slack/ids.js';
import { START_FIELD } from '../../src/slack/blocks/modals.js';
import { site, startHttpServer } from '../support/http-servers.js';
import type { TestServer } from '../support/http-servers.js';
import { CHANNEL, DEPLOYER, Harness } from './harness.js';

const SECRET_ROOM = { channel: 'C0SECRET', channelName: 'privategroup' };
const DEPLOYS = { channel: CHANNEL, channelName: 'deploys' };
const A_DM = { channel: 'D0DM', channelName: 'directmessage' };

let h: Harness;
let web: TestServer;
beforeEach(async () => {
  h = await Harness.start();
  web = await startHttpServer(site());
});
afterEach(async () => {
  await h.stop();
  await web.close();
});

/** Types `/golive <text>` in a channel and returns the private answer it gets. */
async function ask(text: string, where: { channel: string; channelName: string }): Promise<string> {
  const before = h.privateTexts().length;
  const res = await h.command(text, where);
  expect(res.status).toBe(200);
  const answer = await h.fake.waitFor(() => h.privateTexts()[before], 5000, `the answer to /golive ${text}`);
  await h.slackApp.services.work.idle();
  return answer;
}

const startPrivate = () => h.startGoLive('checkout-api', `production ${web.url.href} approvers=<@U0ANA>`, SECRET_ROOM);

describe('a go-live in a private channel, seen from another channel', () => {
  it('is not listed, and check, report, live and abort answer as for an unknown service and change nothing', async () => {
    const secret = await startPrivate();
    expect(secret).toMatchObject({ channelId: 'C0SECRET', privateChannel: true });
    const open = await h.startGoLive('billing-api', 'production', DEPLOYS);
    const before = await h.checklist(secret.id);
    const eventsBefore = await h.store.auditTrail(secret.id);
    const callsBefore = h.fake.calls.length;

    for (const where of [DEPLOYS, A_DM]) {
      const status = await ask('status', where);
      expect(status).toContain('billing-api');
      expect(status).not.toContain('checkout-api');
    }
    // The same words as for a service nobody started, down to the letter.
    const asUnknown = async (command: string) =>
      (await ask(command.replace('checkout-api', 'nosuch-api'), DEPLOYS)).replaceAll('nosuch-api', 'checkout-api');
    for (const command of [
      'status checkout-api',
      'check checkout-api',
      'check checkout-api monitoring',
      'report checkout-api',
      'live checkout-api',
      'abort checkout-api it looks broken',
    ]) {
      const answer = await ask(command, DEPLOYS);
      expect(answer, command).toBe(await asUnknown(command));
      expect(answer, command).not.toContain(DEPLOYER);
    }

    const after = await h.checklist(secret.id);
    expect(after.goLive).toEqual(before.goLive);
    expect(after.goLive.status).toBe('preparing');
    expect(after.items.size).toBe(0);
    expect(after.checkRun).toBeUndefined();
    expect(await h.store.auditTrail(secret.id)).toEqual(eventsBefore);
    expect(h.summaries(secret)).toHaveLength(0);
    expect(web.connections).toBe(0);
    // Nothing was posted, uploaded or updated anywhere: only the private answers went out.
    const sent = h.fake.calls.slice(callsBefore).map((c) => c.method);
    expect(sent.filter((m) => m.startsWith('files.') || m === 'chat.postMessage' || m === 'chat.update')).toEqual([]);
    expect((await h.store.getGoLive(open.id))?.status).toBe('preparing');
  });

  it('still holds its lock: a start elsewhere is refused without saying who holds it or where', async () => {
    const secret = await startPrivate();
    const answer = await ask('start checkout-api production', DEPLOYS);
    expect(answer).toContain('already has a go-live running, in a private channel');
    expect(answer).not.toContain(DEPLOYER);
    expect(answer).not.toMatch(/https?:|C0SECRET|Open its thread/);
    expect((await h.store.listActive('checkout-api')).map((g) => g.id)).toEqual([secret.id]);
  });
});

describe('a go-live in a private channel, from its own channel', () => {
  it('is listed, and check, report and abort work as before', async () => {
    const secret = await startPrivate();

    const status = await ask('status', SECRET_ROOM);
    expect(status).toContain('checkout-api · production');
    expect(status).toContain(`started by <@${DEPLOYER}>`);

    await ask('check checkout-api monitoring', SECRET_ROOM);
    const [summary] = await h.waitSummaries(secret);
    expect(Harness.textOf(summary)).toContain('7 passed');
    expect(summary?.channel).toBe('C0SECRET');

    await Harness.until(
      async () => (await h.store.getChecklist(secret.id))?.checkRun === undefined,
      'the check run to end',
    );
    const report = await ask('report checkout-api', SECRET_ROOM);
    expect(report).toContain('Shared the record of *checkout-api · production* in its thread');
    expect(h.fake.sharedFiles().map((f) => f.shared)).toEqual([
      expect.objectContaining({ channel: 'C0SECRET', thread_ts: secret.rootTs }),
      expect.objectContaining({ channel: 'C0SECRET', thread_ts: secret.rootTs }),
    ]);

    const aborted = await ask('abort checkout-api moved to next week', SECRET_ROOM);
    expect(aborted).toContain('Aborted *checkout-api* · production');
    expect((await h.store.getGoLive(secret.id))?.status).toBe('aborted');
  });

  it('started from the form in a private channel, is private too', async () => {
    expect((await h.command('start', SECRET_ROOM)).status).toBe(200);
    const view = await h.fake.waitFor(
      (f) => f.views().find((v) => v.view.callback_id === VIEW.startModal),
      5000,
      'the start form',
    );
    const res = await h.submitView(view, {
      [START_FIELD.service]: { [START_FIELD.service]: { type: 'plain_text_input', value: 'ledger' } },
      [START_FIELD.environment]: { [START_FIELD.environment]: { type: 'plain_text_input', value: 'production' } },
    });
    expect(res.status).toBe(200);
    const goLive = await h.waitThread('ledger', h.slackApp.services.templates.default.sections.length);
    expect(goLive).toMatchObject({ channelId: 'C0SECRET', privateChannel: true });
    expect(await ask('status', DEPLOYS)).not.toContain('ledger');
    expect(await ask('status', SECRET_ROOM)).toContain('ledger');
  });
});
