// The post-launch window end to end below the Slack listeners: the default template's 24 hours on an injected
// clock against the fake Slack and a real site on loopback; escalation with and without an acknowledgement; a
// failing check pinging once and its recovery; a restart mid-window; roll back and abort cancelling the rest.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0 } from '../scheduler/support.js';
import {
  ackValue,
  CHANNEL,
  DEPLOYER,
  H,
  INFRA,
  M,
  PostLaunchWorld,
  PRIMARY,
  SECONDARY,
  textOf,
} from './post-launch-world.js';

let world: PostLaunchWorld;

beforeEach(async () => {
  world = await PostLaunchWorld.start();
});
afterEach(async () => {
  await world.close();
});

describe('the default plan, nobody answering', () => {
  it('runs the whole 24 hours: pre-flight, every check-in once, escalations, one summary, Completed, then silence', async () => {
    const goLive = await world.goLive();
    const ticks = await world.runToEnd();

    const thread = world.thread(goLive);
    const texts = thread.map((m) => m.text ?? '');
    expect(texts[0]).toMatch(/^Post-launch window open for checkout-api production$/);
    // 24 hourly health check-ins and the five seed tasks, each posted once.
    const checkIns = world.checkIns(goLive);
    expect(checkIns).toHaveLength(29);
    expect(checkIns.filter((m) => m.text?.startsWith('Check-in: Check health endpoints'))).toHaveLength(24);
    for (const task of [
      'Monitor logs for errors',
      'Monitor resource usage (CPU, memory, disk)',
      'Test critical paths with real users',
      'Verify backups completed successfully',
      'Document any issues encountered',
    ]) {
      expect(checkIns.filter((m) => m.text === `Check-in: ${task} (please acknowledge)`)).toHaveLength(1);
    }
    // Each check-in mentions the current on-call, shows its checks' results and carries Acknowledge.
    const first = checkIns[0];
    expect(textOf(first)).toContain(`<@${PRIMARY}> (Primary On-Call), please acknowledge`);
    const hourly = checkIns.find((m) => m.text?.startsWith('Check-in: Check health endpoints'));
    expect(textOf(hourly)).toMatch(/✅ `health` /);
    expect(world.siteHits).toBeGreaterThan(0);
    for (const m of checkIns) expect(JSON.stringify(m.blocks)).toContain('"action_id":"golive_acknowledge"');

    // The last moment: the two 24h tasks and the last hourly check-in, then the summary, then nothing.
    const summaryIndex = texts.findIndex((t) => t.startsWith('Post-launch summary'));
    expect(summaryIndex).toBe(texts.length - 1);
    const lastCheckIns = texts
      .slice(0, summaryIndex)
      .filter((t) => t.startsWith('Check-in: '))
      .slice(-3);
    expect(lastCheckIns.sort()).toEqual([
      'Check-in: Check health endpoints (please acknowledge)',
      'Check-in: Document any issues encountered (please acknowledge)',
      'Check-in: Verify backups completed successfully (please acknowledge)',
    ]);
    expect(texts[summaryIndex]).toBe(
      'Post-launch summary for checkout-api production: 29 check-ins, 0 acknowledged, 26 escalations, 0 failures (0 recovered). Completed.',
    );
    expect((await world.store.getGoLive(goLive.id))?.status).toBe('completed');
    expect(await world.store.findActive('checkout-api', 'production')).toBeUndefined();

    // Unanswered check-ins escalate: secondary (each member directly), infra (directly), then "nobody answered".
    const escalations = texts.filter((t) => t.startsWith('Escalation for'));
    const nobody = texts.filter((t) => t.startsWith('Nobody answered'));
    expect(escalations.length).toBeGreaterThan(0);
    expect(nobody.length).toBeGreaterThan(0);
    const dms = world.directMessages();
    expect(new Set(dms.map((d) => d.to))).toEqual(new Set([...SECONDARY, INFRA]));
    // Direct messages are escalations only here: never a check-in.
    expect(dms.filter((d) => d.text.startsWith('Check-in'))).toEqual([]);
    expect(dms.every((d) => d.text.startsWith('Escalation for'))).toBe(true);

    const states = await world.store.jobs.countByState();
    expect(states).toMatchObject({ pending: 0, claimed: 0, failed: 0, parked: 0 });
    expect(ticks).toBeLessThan(200);
    // Nothing posts after the summary, whatever the clock does next.
    const calls = world.fake.callsOf('chat.postMessage').length;
    world.sched.clock.advance(48 * H);
    await world.scheduler.tick();
    expect(world.fake.callsOf('chat.postMessage')).toHaveLength(calls);
    const audit = (await world.store.auditTrail(goLive.id)).map((e) => e.action);
    expect(audit.filter((a) => a === 'check-in')).toHaveLength(29);
    expect(audit.at(-1)).toBe('complete');
    // 25 runs of real checks and ~150 Slack calls over loopback: seconds on a loaded machine, not a hang.
  }, 120_000);
});

describe('escalation', () => {
  it('without an acknowledgement: secondary after 15m, infra after 30m, nobody answered after 45m, and it stays there', async () => {
    const goLive = await world.goLive();
    await world.runUntil(T0 + 15 * M);
    const [checkIn] = world.checkIns(goLive);
    expect(checkIn?.text).toBe('Check-in: Monitor logs for errors (please acknowledge)');
    expect(world.directMessages()).toEqual([]);

    await world.runUntil(T0 + 30 * M);
    const afterOne = world.thread(goLive).map((m) => m.text ?? '');
    expect(afterOne.at(-1)).toBe(
      'Escalation for checkout-api production: check-in "Monitor logs for errors" not acknowledged',
    );
    expect(textOf(world.thread(goLive).at(-1))).toContain('<!subteam^S0SECOND> (Secondary On-Call)');
    expect(world.directMessages().map((d) => d.to)).toEqual(SECONDARY);
    // The check-in itself shows where the chain is.
    expect(textOf(world.fake.message(CHANNEL, checkIn?.ts ?? ''))).toContain(
      'Escalated to <!subteam^S0SECOND> (Secondary On-Call)',
    );

    await world.runUntil(T0 + 45 * M);
    expect(world.directMessages().map((d) => d.to)).toEqual([...SECONDARY, INFRA]);
    await world.runUntil(T0 + 60 * M);
    const last = world
      .thread(goLive)
      .filter((m) => m.text?.includes('Monitor logs'))
      .at(-1);
    expect(last?.text).toBe('Nobody answered the check-in "Monitor logs for errors" for checkout-api production');
    expect(textOf(last)).toContain(`It stays with <@${INFRA}> (Infrastructure Team)`);
    // Nobody answered is said in the thread, not as one more direct message.
    expect(world.directMessages()).toHaveLength(3);
    const shown = textOf(world.fake.message(CHANNEL, checkIn?.ts ?? ''));
    expect(shown).toContain(`Nobody answered; it stays with <@${INFRA}> (Infrastructure Team).`);
    expect(shown).toContain('golive_acknowledge');
  });

  it('an acknowledgement stops the chain at once, is shown on the message, and a second one changes nothing', async () => {
    const goLive = await world.goLive();
    await world.runUntil(T0 + 15 * M);
    const [checkIn] = world.checkIns(goLive);
    if (!checkIn) throw new Error('no check-in');
    const checkInId = ackValue(checkIn);
    world.sched.clock.set(T0 + 19 * M);
    const acked = await world.service.acknowledge(checkInId, 'U0ANYONE');
    expect(acked).toMatchObject({ ok: true, changed: true, updated: true });
    const shown = textOf(world.fake.message(CHANNEL, checkIn.ts));
    expect(shown).toContain('Acknowledged by <@U0ANYONE>');
    expect(shown).toContain('(after 4m)');
    expect(shown).not.toContain('golive_acknowledge');

    const again = await world.service.acknowledge(checkInId, PRIMARY);
    expect(again).toMatchObject({ ok: true, changed: false, checkIn: { ackedBy: 'U0ANYONE' } });
    await world.runUntil(T0 + 59 * M);
    expect(
      world.thread(goLive).filter((m) => m.text?.startsWith('Escalation') || m.text?.startsWith('Nobody')),
    ).toEqual([]);
    expect(world.directMessages()).toEqual([]);
    const audit = (await world.store.auditTrail(goLive.id)).filter((e) => e.action === 'acknowledge');
    expect(audit).toEqual([expect.objectContaining({ actor: 'U0ANYONE', subject: checkInId, at: T0 + 19 * M })]);
    // Every step of its chain was cancelled by the acknowledgement, "nobody answered" included.
    const steps = (await world.store.jobs.listJobs(goLive.id)).filter((j) =>
      j.key.startsWith(`escalate:${checkInId}:`),
    );
    expect(steps.map((j) => [j.key, j.state, j.note])).toEqual(
      [1, 2, 3].map((l) => [`escalate:${checkInId}:${l}`, 'cancelled', 'acknowledged by U0ANYONE']),
    );
    expect(audit[0]?.after).toMatchObject({ escalationsCancelled: 3 });
  });
});

describe('failing checks during the window', () => {
  it('pings the on-call once per failure (thread and directly), however many runs see it, and posts the recovery', async () => {
    const goLive = await world.goLive();
    await world.runUntil(T0 + 30 * M);
    world.healthy = false;
    await world.runUntil(T0 + 3 * H);
    const pings = world.thread(goLive).filter((m) => m.text?.startsWith('Check failing'));
    expect(pings).toHaveLength(1);
    expect(pings[0]?.text).toMatch(/^Check failing on checkout-api production: health: /);
    expect(textOf(pings[0])).toContain(`On-call: <@${PRIMARY}> (Primary On-Call)`);
    // The hourly check-ins at 1h, 2h and 3h all saw it fail.
    expect(world.checkIns(goLive).filter((m) => textOf(m).includes('❌ `health`'))).toHaveLength(3);
    expect(world.directMessages().filter((d) => d.to === PRIMARY)).toEqual([{ to: PRIMARY, text: pings[0]?.text }]);

    world.healthy = true;
    await world.runUntil(T0 + 4 * H);
    const recoveries = world.thread(goLive).filter((m) => m.text?.startsWith('Recovered on'));
    expect(recoveries.map((m) => m.text)).toEqual(['Recovered on checkout-api production: health']);
    expect(textOf(recoveries[0])).toContain('passes again after 3h');
    await world.runUntil(T0 + 6 * H);
    expect(
      world.thread(goLive).filter((m) => m.text?.startsWith('Check failing') || m.text?.startsWith('Recovered')),
    ).toHaveLength(2);

    // A second failure is a new ping.
    world.healthy = false;
    await world.runUntil(T0 + 7 * H);
    expect(world.thread(goLive).filter((m) => m.text?.startsWith('Check failing'))).toHaveLength(2);
    const actions = (await world.store.auditTrail(goLive.id))
      .map((e) => e.action)
      .filter((a) => a.startsWith('check-'));
    expect(actions.filter((a) => a !== 'check-in')).toEqual(['check-failed', 'check-recovered', 'check-failed']);
  }, 120_000);
});

describe('downtime', () => {
  it('a restart mid-window fires each overdue job once, marked late, missed repeats folded into one', async () => {
    const goLive = await world.goLive();
    await world.runUntil(T0 + 61 * M);
    const before = world.checkIns(goLive).length;
    expect(before).toBe(3); // 15m, 1h hourly, 1h resource usage
    await world.restart();
    const dmsBefore = world.directMessages().length;
    // Golive was down from 1h01 to 5h10.
    world.sched.clock.set(T0 + 5 * H + 10 * M);
    await world.scheduler.tick();
    const late = world
      .checkIns(goLive)
      .slice(before)
      .map((m) => textOf(m));
    // Missed: hourly 2h–5h (one, folded), test critical paths at 2h.
    expect(late).toHaveLength(2);
    expect(late.every((t) => t.includes(':hourglass: _late by '))).toBe(true);
    expect(late.find((t) => t.includes('Check health endpoints'))).toContain('3 missed repeats folded into this one');
    expect(late.find((t) => t.includes('Test critical paths'))).toContain('late by 3h 10m');
    // The 1h check-ins' escalations were missed too: each fires once, at its latest step.
    await world.scheduler.tick();
    expect(world.checkIns(goLive)).toHaveLength(5);
    // The whole chain (secondary 1h15, infra 1h30, nobody answered 1h45) fell in the downtime: the role it
    // stays with is still told directly, late, before the thread says nobody answered; secondary is skipped.
    const missed = world.directMessages().slice(dmsBefore);
    for (const task of ['Monitor resource usage (CPU, memory, disk)', 'Check health endpoints']) {
      expect(missed.filter((d) => d.text.includes(`"${task}"`))).toEqual([
        { to: INFRA, text: `Escalation for checkout-api production: check-in "${task}" not acknowledged` },
      ]);
      const thread = world
        .thread(goLive)
        .map((m) => m.text ?? '')
        .filter((t) => t.includes(`"${task}"`));
      expect(thread.slice(-2)).toEqual([
        `Escalation for checkout-api production: check-in "${task}" not acknowledged`,
        `Nobody answered the check-in "${task}" for checkout-api production`,
      ]);
    }
    await world.runToEnd();
    // Its escalations re-rendered the folded check-in from the database: what it folded is still said.
    const folded = world
      .checkIns(goLive)
      .map((m) => textOf(m))
      .filter((t) => t.includes('Check health endpoints') && t.includes(':hourglass:'));
    expect(folded).toHaveLength(1);
    expect(folded[0]).toContain('Nobody answered');
    expect(folded[0]).toContain('3 missed repeats folded into this one');
    const jobs = await world.store.jobs.listJobs(goLive.id);
    const checkinJobs = jobs.filter((j) => j.kind === 'checkin');
    expect(checkinJobs.filter((j) => j.state === 'done')).toHaveLength(29);
    // Every check-in job posted at most once: 29 jobs, 3 of them folded into a later one.
    expect(world.checkIns(goLive)).toHaveLength(26);
    expect(checkinJobs.filter((j) => j.note?.startsWith('collapsed into'))).toHaveLength(3);
    expect(world.thread(goLive).filter((m) => m.text?.startsWith('Post-launch summary'))).toHaveLength(1);
  }, 120_000);
});

describe('ending early', () => {
  it('Roll back by the on-call: Rolled back, pending jobs cancelled, the on-call told, recorded, then silence', async () => {
    const goLive = await world.goLive();
    await world.runUntil(T0 + 20 * M);
    const refused = await world.service.rollBack({ goLiveId: goLive.id, userId: 'U0STRANGER', reason: 'nope' });
    expect(refused).toEqual({ ok: false, message: expect.stringContaining('may roll back this go-live') });
    expect((await world.store.getGoLive(goLive.id))?.status).toBe('live');

    const done = await world.service.rollBack({
      goLiveId: goLive.id,
      userId: SECONDARY[1] ?? '',
      reason: 'error rate 12% after deploy',
    });
    expect(done).toMatchObject({ ok: true, goLive: { status: 'rolled_back' } });
    const told = world.thread(goLive).at(-1);
    expect(told?.text).toBe(`checkout-api production was rolled back by ${SECONDARY[1]}: error rate 12% after deploy`);
    expect(textOf(told)).toContain(`On-call: <@${PRIMARY}> (Primary On-Call)`);
    expect(world.directMessages().map((d) => d.to)).toEqual([PRIMARY]);
    const jobs = await world.store.jobs.listJobs(goLive.id);
    expect(jobs.filter((j) => j.state === 'pending')).toEqual([]);
    expect(jobs.filter((j) => j.state === 'cancelled').length).toBeGreaterThan(25);
    expect((await world.store.auditTrail(goLive.id)).at(-1)).toMatchObject({
      action: 'roll-back',
      actor: SECONDARY[1],
      after: { status: 'rolled_back', reason: 'error rate 12% after deploy' },
    });

    const posts = world.fake.callsOf('chat.postMessage').length;
    await world.runUntil(T0 + 30 * H);
    expect(world.fake.callsOf('chat.postMessage')).toHaveLength(posts);
    expect(await world.service.rollBack({ goLiveId: goLive.id, userId: DEPLOYER, reason: 'again' })).toEqual({
      ok: false,
      message: 'this go-live has already ended (rolled back).',
    });
    const [checkIn] = world.checkIns(goLive);
    expect(await world.service.acknowledge(checkIn ? ackValue(checkIn) : '', PRIMARY)).toEqual({
      ok: false,
      message: 'this go-live’s post-launch window has ended.',
    });
  });

  it('Abort cancels every pending job: nothing more is posted', async () => {
    const goLive = await world.goLive();
    await world.runUntil(T0 + 16 * M);
    await world.store.abortGoLive(goLive.id, DEPLOYER, 'wrong build');
    const posts = world.fake.callsOf('chat.postMessage').length;
    await world.runUntil(T0 + 30 * H);
    expect(world.fake.callsOf('chat.postMessage')).toHaveLength(posts);
    expect(
      (await world.store.jobs.listJobs(goLive.id)).filter((j) => j.state === 'pending' || j.state === 'claimed'),
    ).toEqual([]);
  });

  it('a pre-flight names every escalation level nobody is assigned to', async () => {
    const goLive = await world.goLive(undefined, { primary: [`<@${PRIMARY}>`] });
    await world.runUntil(T0);
    const [preflight] = world.thread(goLive);
    expect(preflight?.text).toBe(
      'Post-launch window open for checkout-api production; nobody assigned: Secondary On-Call, Infrastructure Team',
    );
    expect(textOf(preflight)).toContain(`1. <@${PRIMARY}> (Primary On-Call)`);
    expect(textOf(preflight)).toContain('2. Secondary On-Call (nobody assigned)');
  });
});
