// Acknowledge and Roll back through the real Bolt app: clicks and the form signed exactly as Slack sends them,
// the fake Slack Web API recording what people see, a real SQLite file underneath.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createMetrics } from '../../src/metrics.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { ACTION, VIEW } from '../../src/slack/ids.js';
import { ROLL_BACK_FIELD } from '../../src/slack/blocks/roll-back-modal.js';
import type { GoLive } from '../../src/domain/go-live.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { CHANNEL, DEPLOYER, Harness } from './harness.js';

const ONCALL = 'U0ONCALL';
const M = 60_000;
let h: Harness;

beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.stop();
});

/** A started go-live, made Live (Go live is signoff's: the row is set as its commit would) with its window open. */
async function liveGoLive(): Promise<GoLive> {
  const started = await h.startGoLive('checkout-api', `production primary=<@${ONCALL}|oncall>`);
  const db = new Database(h.store.file);
  db.prepare(`UPDATE go_lives SET status = 'live', version = version + 1 WHERE id = ?`).run(started.id);
  db.close();
  h.slackApp.services.renderer.refresh(started.id, ['root']);
  // The window opened 15 minutes ago: its first check-in is due now.
  await h.slackApp.services.postLaunch.start(started.id, systemClock.now() - 15 * M);
  return (await h.store.getGoLive(started.id)) ?? started;
}

function scheduler(): Scheduler {
  const services = h.slackApp.services;
  return new Scheduler({
    jobs: h.store.jobs,
    clock: systemClock,
    tickMs: 60_000,
    owner: 'it',
    handlers: services.postLaunch.handlers(),
    logger: services.logger,
    metrics: createMetrics(),
  });
}

function button(message: FakeMessage | undefined, actionId: string): { value: string } | undefined {
  for (const block of (message?.blocks ?? []) as {
    type: string;
    elements?: { action_id?: string; value?: string }[];
  }[]) {
    const found = block.elements?.find((e) => e.action_id === actionId);
    if (found?.value !== undefined) return { value: found.value };
  }
  return undefined;
}

it('Acknowledge records who and when on the check-in; a second click changes nothing and says who did', async () => {
  const goLive = await liveGoLive();
  // The 15-minute check-in's health check has no URL to run against: its result says so, at once.
  await scheduler().tick();
  const checkIn = await h.fake.waitFor(
    () => h.thread(goLive).find((m) => m.text?.startsWith('Check-in: Monitor logs')),
    15_000,
    'the check-in',
  );
  expect(Harness.textOf(checkIn)).toContain(`<@${ONCALL}> (Primary On-Call), please acknowledge`);
  const ack = button(checkIn, ACTION.acknowledge);
  if (!ack) throw new Error('no Acknowledge button');

  const res = await h.clickButtonOn(checkIn, ACTION.acknowledge, ack.value, 'U0TEAMMATE');
  expect(res.status).toBe(200);
  await h.fake.waitFor(
    () => Harness.textOf(h.fake.message(CHANNEL, checkIn.ts)).includes('Acknowledged by <@U0TEAMMATE>'),
    15_000,
    'the acknowledgement on the message',
  );
  expect(button(h.fake.message(CHANNEL, checkIn.ts), ACTION.acknowledge)).toBeUndefined();
  expect((await h.store.postLaunch.getCheckIn(ack.value))?.ackedBy).toBe('U0TEAMMATE');

  await h.clickButtonOn(checkIn, ACTION.acknowledge, ack.value, ONCALL);
  expect(await h.waitForPrivate(/already acknowledged by <@U0TEAMMATE>/, ONCALL)).toContain('nothing changed');
  expect((await h.store.auditTrail(goLive.id)).filter((e) => e.action === 'acknowledge')).toHaveLength(1);
});

it('Roll back: refused privately to someone without the role; the on-call’s reason form rolls back and tells the thread', async () => {
  const goLive = await liveGoLive();
  const root = await h.fake.waitFor(
    () => {
      const m = h.fake.message(CHANNEL, goLive.rootTs ?? '');
      return button(m, ACTION.rollBack) ? m : undefined;
    },
    15_000,
    'the Roll back button on the root',
  );

  await h.clickButtonOn(root, ACTION.rollBack, goLive.id, 'U0STRANGER');
  expect(await h.waitForPrivate(/may roll back this go-live/, 'U0STRANGER')).toContain(`<@${DEPLOYER}>`);
  expect(h.fake.views()).toEqual([]);

  await h.clickButtonOn(root, ACTION.rollBack, goLive.id, ONCALL);
  const view = await h.fake.waitFor(
    (f) => f.views().find((v) => v.view.callback_id === VIEW.rollBack),
    15_000,
    'the Roll back form',
  );
  const empty = await h.submitView(
    view,
    { [ROLL_BACK_FIELD]: { [ROLL_BACK_FIELD]: { type: 'plain_text_input', value: '   ' } } },
    ONCALL,
  );
  expect(JSON.parse(empty.body)).toEqual({
    response_action: 'errors',
    errors: { [ROLL_BACK_FIELD]: 'Say why it is rolled back.' },
  });

  await h.submitView(
    view,
    { [ROLL_BACK_FIELD]: { [ROLL_BACK_FIELD]: { type: 'plain_text_input', value: 'p99 latency doubled' } } },
    ONCALL,
  );
  const told = await h.fake.waitFor(
    () => h.thread(goLive).find((m) => m.text?.includes('was rolled back')),
    15_000,
    'the roll back in the thread',
  );
  expect(told.text).toBe(`checkout-api production was rolled back by ${ONCALL}: p99 latency doubled`);
  expect((await h.store.getGoLive(goLive.id))?.status).toBe('rolled_back');
  await h.fake.waitFor(() => h.rootText(goLive).includes('Rolled back'), 15_000, 'the root showing Rolled back');
  expect(button(h.fake.message(CHANNEL, goLive.rootTs ?? ''), ACTION.rollBack)).toBeUndefined();
  expect((await h.store.jobs.listJobs(goLive.id)).filter((j) => j.state === 'pending')).toEqual([]);
  // Nothing of the window runs after it.
  const posts = h.fake.callsOf('chat.postMessage').length;
  await scheduler().tick();
  expect(h.fake.callsOf('chat.postMessage')).toHaveLength(posts);
});
