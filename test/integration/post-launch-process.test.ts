// The post-launch window end to end through the real process (src/main.ts as `npm start` runs it) in real time:
// GOLIVE_TICK=1s, a template whose window lasts 30 s, the fake Slack API and a real site on loopback, and every
// step a signed request exactly as Slack sends it: /golive start, a tick, Request approval, Approve from the
// approver's direct message, Go live, Acknowledge. Then kill -9 mid-window and a new process on the same file:
// what fell due while it was down posts once, marked late; nothing posts twice; the summary comes last; the
// go-live ends Completed and its lock is released.
//
// Nothing here waits a fixed time and then asserts: each step waits for what people would see, the kill point is
// chosen by observed events (and a moment when no job is in hand), and "late" is asserted for exactly what
// the observed timestamps say was due while nobody ran.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';
import type { GoLive } from '../../src/domain/go-live.js';
import { ACTION } from '../../src/slack/ids.js';
import { findButton, pressButton } from '../support/block-actions.js';
import { BotProcess, tickItem, waitFor } from '../support/bot-process.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeMessage, FakeSlack } from '../support/fake-slack.js';
import { startHttpServer } from '../support/http-servers.js';
import type { TestServer } from '../support/http-servers.js';
import { postCommand } from '../support/slack-request.js';

const SECRET = 'post-launch-process-secret';
const CHANNEL = 'C0DEPLOYS';
const DEPLOYER = 'U0DEPLOYER';
const APPROVER = 'U0ANA';
const PRIMARY = 'U0PRIMARY';
const SECONDARY = 'U0SECOND';
/** A hang guard for each wait, never a timing assumption: a process start took over 15 s at load 27. */
const PATIENCE = 60_000;

const QUICK = `
id: quick
name: Quick go-live
version: 1
roles:
  approver: { label: Go-live approver }
  primary: { label: Primary On-Call }
  secondary: { label: Secondary On-Call }
signoff: { role: approver }
sections:
  - id: smoke
    title: Smoke
    groups:
      - title: Smoke
        items:
          - { id: health-endpoints, text: "*Health endpoints* accessible", check: { kind: health, paths: [/health/ping] } }
postlaunch:
  duration: 30s
  ack_within: 4s
  escalation: [primary, secondary]
  checkins:
    - { at: 2s, text: Watch the logs }
    - { at: 3s, text: Check error rates }
    - { every: 10s, text: Check health endpoints, checks: [health] }
    - { at: 30s, text: Verify backups }
approval: Deployment Approved By
`;

let fake: FakeSlack | undefined;
let site: TestServer | undefined;
let dir: string | undefined;
let store: SqliteStore | undefined;
const bots: BotProcess[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.kill();
  await store?.close();
  await fake?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  fake = site = dir = store = undefined;
});

/** A temp dir with the templates, the fake Slack, a site, and a way to start Golive processes on one file. */
/** No job of the go-live is waiting or in hand any more. */
async function allJobsFinished(db: SqliteStore, goLiveId: string): Promise<boolean> {
  return (await db.jobs.listJobs(goLiveId)).every((j) => j.state !== 'pending' && j.state !== 'claimed');
}

async function world(templates: Record<string, string>, siteAnswer: () => number = () => 200) {
  dir = mkdtempSync(join(tmpdir(), 'golive-window-'));
  for (const [name, text] of Object.entries(templates)) writeFileSync(join(dir, `${name}.yaml`), text);
  const file = join(dir, 'golive.db');
  const slack = (fake = await startFakeSlack());
  site = await startHttpServer((_req, res) => void res.writeHead(siteAnswer()).end());
  const env = { GOLIVE_TICK: '1s', GOLIVE_TEMPLATES_DIR: dir, CHECK_ALLOW_PRIVATE: 'true', CHECK_TIMEOUT_MS: '3000' };
  const spawn = (): BotProcess => {
    const bot = BotProcess.start({ apiUrl: slack.apiUrl, databaseFile: file, signingSecret: SECRET, env });
    bots.push(bot);
    return bot;
  };
  const first = spawn();
  const firstUrl = await first.baseUrl();
  // Read-only, as an operator's sqlite3 would be: the test reads what the processes wrote, never writes.
  const db = (store = openSqliteStore({ file, clock: systemClock, readonly: true }));
  const command = (base: string, text: string) =>
    postCommand(base, SECRET, { text, user_id: DEPLOYER, channel_id: CHANNEL, response_url: slack.responseUrl() });
  const seen = <T>(probe: () => T | undefined, what: string): Promise<T> => slack.waitFor(probe, PATIENCE, what);
  return { slack, site, spawn, first, firstUrl, db, command, seen };
}

/**
 * Everything before Go live, as people do it in Slack: /golive start with the roles, the one item ticked, Request
 * approval by the deployer, Approve by the approver from their direct message. Answers the go-live, Approved.
 */
async function approved(w: Awaited<ReturnType<typeof world>>, service: string, template: string) {
  const { slack, db, firstUrl, seen } = w;
  const roles = `approvers=<@${APPROVER}|ana> primary=<@${PRIMARY}|pat> secondary=<@${SECONDARY}|sam>`;
  expect(
    (await w.command(firstUrl, `start ${service} production ${w.site.url.href} template=${template} ${roles}`)).status,
  ).toBe(200);
  const started = await waitFor(
    async () => {
      const found = await db.findActive(service, 'production');
      return found?.rootTs !== undefined && slack.thread(CHANNEL, found.rootTs).length === 1 ? found : undefined;
    },
    'the go-live and its section message',
    PATIENCE,
  );
  const rootTs = started.rootTs ?? '';
  const root = (): FakeMessage => slack.message(CHANNEL, rootTs) as FakeMessage;
  const thread = (): FakeMessage[] => slack.thread(CHANNEL, rootTs);
  const posts = (prefix: string): FakeMessage[] => thread().filter((m) => (m.text ?? '').startsWith(prefix));
  const status = async (): Promise<GoLive['status'] | undefined> => (await db.getGoLive(started.id))?.status;
  const press = async (message: FakeMessage, actionId: string, user: string): Promise<void> => {
    const answer = await pressButton(firstUrl, SECRET, message, actionId, user, {
      responseUrl: slack.responseUrl({ channel: message.channel, ts: message.ts }),
    });
    expect(answer.status).toBe(200);
  };

  const section = thread()[0] as FakeMessage;
  expect((await tickItem(firstUrl, SECRET, started.id, section, 'health-endpoints', DEPLOYER)).status).toBe(200);
  await waitFor(
    async () => (await db.getChecklist(started.id))?.items.get('health-endpoints')?.state === 'done',
    'the item done',
    PATIENCE,
  );
  await press(
    await seen(() => (findButton(root(), ACTION.requestApproval) ? root() : undefined), 'Request approval on the root'),
    ACTION.requestApproval,
    DEPLOYER,
  );
  const request = await seen(
    () => slack.messages(APPROVER).find((m) => findButton(m, ACTION.approve)),
    'the approval request in the approver’s direct messages',
  );
  await press(request, ACTION.approve, APPROVER);
  await waitFor(async () => (await status()) === 'approved', 'the go-live approved', PATIENCE);
  await seen(
    () => thread().find((m) => (m.text ?? '').includes(`<@${APPROVER}> approved`)),
    'the approval in the thread',
  );
  const goLive = async (): Promise<void> =>
    press(
      await seen(() => (findButton(root(), ACTION.goLive) ? root() : undefined), 'Go live on the root'),
      ACTION.goLive,
      DEPLOYER,
    );
  return { started, root, thread, posts, status, press, goLive };
}

it(
  'start → approve → Go live → check-ins, an acknowledgement, an escalation, a failure ping; kill -9 mid-window; the next process posts what fell due once, marked late, then the summary: Completed, lock released',
  { timeout: 240_000 },
  async () => {
    // The site's health path fails until the failure ping has been seen, then passes: one ping, one recovery.
    let healthy = false;
    const w = await world({ quick: QUICK }, () => (healthy ? 200 : 503));
    const { slack, db, first, seen, spawn } = w;

    // 1. Start, tick, Request approval, Approve (from the approver's direct message), Go live: signed clicks.
    const { started, root, thread, posts, status, press, goLive } = await approved(w, 'quick-api', 'quick');
    await goLive();

    // 2. Live: the approval line, the root, the pre-flight; then the check-ins as the scheduler posts them.
    await waitFor(async () => (await status()) === 'live', 'the go-live to be Live', PATIENCE);
    const t0 = (await db.getGoLive(started.id))?.liveAt ?? 0;
    const line = await seen(
      () => thread().find((m) => (m.text ?? '').includes('Deployment Approved By')),
      'the approval line',
    );
    expect(line.text).toContain(
      `Deployment Approved By: <@${APPROVER}>  Date: ${new Date(t0).toISOString().slice(0, 10)}`,
    );
    await seen(
      () => /\*Status:\* [^"\\]*Live/.test(JSON.stringify(root().blocks)) || undefined,
      'the root to show Live',
    );
    await seen(() => posts('Post-launch window open for quick-api production')[0], 'the pre-flight');

    // Anyone may acknowledge: the primary does, from the check-in message in the thread.
    const watch = await seen(
      () => posts('Check-in: Watch the logs').find((m) => findButton(m, ACTION.acknowledge)),
      'the 2 s check-in with Acknowledge',
    );
    await press(watch, ACTION.acknowledge, PRIMARY);
    await seen(
      () => (slack.message(CHANNEL, watch.ts)?.text === 'Check-in: Watch the logs (acknowledged)' ? true : undefined),
      'the check-in to show its acknowledgement',
    );
    expect(JSON.stringify(slack.message(CHANNEL, watch.ts)?.blocks)).toContain(`Acknowledged by <@${PRIMARY}>`);

    // Nobody acknowledges the 3 s one: it escalates to the secondary (thread + direct message), then nobody answered.
    await seen(
      () => posts('Escalation for quick-api production: check-in "Check error rates"')[0],
      'the escalation in the thread',
    );
    await seen(
      () => slack.messages(SECONDARY).find((m) => (m.text ?? '').includes('"Check error rates"')),
      'the escalation in the secondary’s direct messages',
    );
    await seen(() => posts('Nobody answered the check-in "Check error rates"')[0], 'nobody answered');

    // The 10 s check-in runs the health check: it fails, the primary is pinged in the thread and directly.
    await seen(() => posts('Check-in: Check health endpoints')[0], 'the 10 s check-in');
    await seen(() => posts('Check failing on quick-api production: health')[0], 'the failure ping in the thread');
    await seen(
      () =>
        slack.messages(PRIMARY).find((m) => (m.text ?? '').startsWith('Check failing on quick-api production: health')),
      'the failure ping to the primary',
    );
    healthy = true;

    // 3. kill -9 at a moment no job is in hand and none falls due within a second (a job killed mid-post would be
    // at-least-once, and its lease would hold the go-live for 5 minutes); the window must still be open.
    await waitFor(
      async () => {
        const jobs = await db.jobs.listJobs(started.id);
        const next = Math.min(...jobs.filter((j) => j.state === 'pending').map((j) => j.dueAt));
        return !jobs.some((j) => j.state === 'claimed') && next > Date.now() + 1000;
      },
      'a moment with no job in hand',
      PATIENCE,
    );
    await first.kill();
    const killedAt = Date.now();
    expect(await first.exited).toBe('SIGKILL');
    const postedBefore = new Set(thread().map((m) => m.ts));
    const pendingAtKill = (await db.jobs.listJobs(started.id)).filter((j) => j.state === 'pending');
    expect(pendingAtKill.map((j) => j.kind)).toContain('end');
    expect((await db.jobs.listJobs(started.id)).filter((j) => j.state === 'claimed')).toEqual([]);

    // Down until the next check-in is well overdue, so that at least one is certainly late; then a new process.
    const nextCheckIn = Math.min(...pendingAtKill.filter((j) => j.kind === 'checkin').map((j) => j.dueAt));
    await waitFor(() => Date.now() > nextCheckIn + 2500 || undefined, 'the next check-in to be overdue', 45_000);
    const restartedAt = Date.now();
    const second = spawn();
    const secondUrl = await second.baseUrl();

    const summary = await seen(() => posts('Post-launch summary for quick-api production')[0], 'the summary');
    await waitFor(async () => (await status()) === 'completed', 'the go-live Completed', PATIENCE);
    // The end job commits Completed inside its run and is marked done just after: wait for that mark too.
    await waitFor(async () => (await allJobsFinished(db, started.id)) || undefined, 'every job finished', PATIENCE);

    // Every check-in posted exactly once: one thread message per check-in row, one row per job that ran, and the
    // repeats folded into a later one while Golive was down never posted on their own.
    const checkIns = await db.postLaunch.listCheckIns(started.id);
    const jobs = await db.jobs.listJobs(started.id);
    const trail = await db.auditTrail(started.id);
    const checkInPosts = posts('Check-in: ');
    expect(checkInPosts.map((m) => m.ts).sort()).toEqual(checkIns.map((c) => c.ts).sort());
    const checkInJobs = jobs.filter((j) => j.kind === 'checkin');
    expect(checkInJobs.map((j) => j.state)).toEqual(checkInJobs.map(() => 'done'));
    const folded = checkInJobs.filter((j) => j.note?.startsWith('collapsed into '));
    expect(checkIns.map((c) => c.id).sort()).toEqual(
      checkInJobs
        .filter((j) => !folded.includes(j))
        .map((j) => j.id)
        .sort(),
    );
    expect(trail.filter((e) => e.action === 'check-in')).toHaveLength(checkIns.length);
    for (const text of ['Watch the logs', 'Check error rates', 'Verify backups'])
      expect(posts(`Check-in: ${text}`)).toHaveLength(1);
    expect(posts('Check-in: Check health endpoints')).toHaveLength(3 - folded.length);
    // What the first process posted, it posted before it died; the second posted none of it again.
    for (const c of checkIns) expect(postedBefore.has(c.ts)).toBe(c.postedAt < killedAt);

    // What fell due while nobody ran (certainly: due over 2 ticks before the second process even spawned) says
    // so: posted marked late, or folded into a later repeat whose message says it stands for a missed one.
    const overdue = checkInJobs.filter(
      (j) => j.dueAt < restartedAt - 2000 && !checkIns.some((c) => c.id === j.id && postedBefore.has(c.ts)),
    );
    expect(overdue.length).toBeGreaterThan(0);
    for (const job of overdue) {
      const into = folded.includes(job) ? checkInJobs.find((j) => job.note === `collapsed into ${j.key}`) : job;
      const posted = checkIns.find((c) => c.id === into?.id);
      const shown = JSON.stringify(slack.message(CHANNEL, posted?.ts ?? '')?.blocks);
      if (into === job) {
        expect(posted?.lateMs, `check-in ${job.key} due T0+${job.dueAt - t0} ms`).toBeGreaterThan(2000);
        expect(shown).toContain('_late by ');
      } else {
        expect(shown, `check-in ${job.key} folded into ${into?.key}`).toMatch(/missed repeats? folded into this one/);
      }
    }
    // Escalation steps that fell due while down fired once each, late.
    for (const step of jobs.filter(
      (j) =>
        j.kind === 'escalate' &&
        j.dueAt > killedAt &&
        j.dueAt < restartedAt - 2000 &&
        j.state === 'done' &&
        !j.note?.startsWith('collapsed into '),
    )) {
      expect(step.note, `escalation ${step.key}`).toMatch(/^fired \d+ ms late$/);
    }

    // Each escalation step that moved a chain posted once in the thread, and each step to the secondary told them
    // directly once, also when the steps fell due while Golive was down and folded.
    const moves = trail.filter((e) => e.action === 'escalate').map((e) => (e.after as { level: number }).level);
    expect(posts('Escalation for quick-api production').length + posts('Nobody answered the check-in').length).toBe(
      moves.length,
    );
    expect(posts('Escalation for quick-api production')).toHaveLength(moves.filter((l) => l === 1).length);
    expect(slack.messages(SECONDARY).map((m) => m.text)).toEqual(
      posts('Escalation for quick-api production').map((m) => m.text),
    );
    const escalated = checkIns.filter((c) => c.level > 0);
    expect(escalated.filter((c) => c.ackedBy === undefined).map((c) => c.text)).toContain('Check error rates');

    // One failure ping (the primary told directly once) and one recovery; the summary last, counting what was posted.
    expect(posts('Check failing on quick-api production: health')).toHaveLength(1);
    expect(slack.messages(PRIMARY)).toHaveLength(1);
    await seen(() => posts('Recovered on quick-api production: health')[0], 'the recovery');
    expect(posts('Recovered on quick-api production: health')).toHaveLength(1);
    expect(posts('Post-launch window open for quick-api production')).toHaveLength(1);
    expect(posts('Post-launch summary')).toHaveLength(1);
    expect(summary.text).toBe(
      `Post-launch summary for quick-api production: ${checkIns.length} check-ins, 1 acknowledged, ${escalated.length} escalations, 1 failures (1 recovered). Completed.`,
    );
    const order = thread().map((m) => m.ts);
    expect(order.at(-1)).toBe(summary.ts);
    expect(order.indexOf(posts('Post-launch window open')[0]?.ts ?? '')).toBeLessThan(
      order.indexOf(checkInPosts[0]?.ts ?? ''),
    );
    expect(order.indexOf(line.ts)).toBeLessThan(order.indexOf(posts('Post-launch window open')[0]?.ts ?? ''));

    // Completed on the root; nothing pending or claimed; the lock released: the same service starts again.
    await seen(
      () => /\*Status:\* [^"\\]*Completed/.test(JSON.stringify(root().blocks)) || undefined,
      'the root to show Completed',
    );
    expect(jobs.filter((j) => j.state === 'pending' || j.state === 'claimed' || j.state === 'parked')).toEqual([]);
    expect((await w.command(secondUrl, `start quick-api production ${w.site.url.href} template=quick`)).status).toBe(
      200,
    );
    const again = await waitFor(
      async () => {
        const found = await db.findActive('quick-api', 'production');
        return found && found.id !== started.id && found.rootTs !== undefined ? found : undefined;
      },
      'a second go-live of the same service',
      PATIENCE,
    );
    expect(again.status).toBe('preparing');
    const health = (await (await fetch(`${secondUrl}/health/status`)).json()) as { jobs: Record<string, number> };
    expect(health.jobs).toMatchObject({ pending: 0, claimed: 0, parked: 0 });

    // Direct messages only for what needs a person: the approval request, escalations, the failure ping.
    const direct = slack.callsOf('chat.postMessage').filter((c) => String(c.args.channel).startsWith('U'));
    expect(direct.map((c) => String(c.args.text)).filter((t) => t.startsWith('Check-in'))).toEqual([]);
    expect(new Set(direct.map((c) => String(c.args.channel)))).toEqual(new Set([APPROVER, PRIMARY, SECONDARY]));
    // The summary is the last word in the first thread, also after the second go-live started.
    expect(thread().at(-1)?.ts).toBe(summary.ts);
    expect(slack.invalidPayloads).toEqual([]);
    expect(second.lines.filter((l) => l.level >= 50)).toEqual([]);
    process.stdout.write(
      `post-launch-process: killed at T0+${killedAt - t0} ms, restarted at T0+${restartedAt - t0} ms; ${checkIns.length} check-ins (${overdue.length} fell due while down, ${folded.length} folded)\n`,
    );
  },
);

const SHORT = QUICK.replace('id: quick', 'id: short').replace(
  /postlaunch:[\s\S]*?approval:/,
  `postlaunch:
  duration: 4s
  ack_within: 10s
  escalation: [primary, secondary]
  checkins:
    - { at: 2s, text: Watch the logs }
approval:`,
);

it(
  'kill -9 between Go live’s commit and its window’s plan (the approval line hangs in Slack): the next process plans the window and runs it, late, to Completed',
  { timeout: 180_000 },
  async () => {
    const w = await world({ short: SHORT });
    const { slack, db, first, seen, spawn } = w;
    const { started, posts, status, goLive } = await approved(w, 'short-api', 'short');

    // Slack takes the approval line and never answers: Go live has committed Live and waits on it, window unplanned.
    const hang = slack.outage('chat.postMessage', { answer: 'hang' });
    await goLive();
    await waitFor(
      async () => (await status()) === 'live' && hang.refused > 0,
      'Live, with the approval line in flight',
      PATIENCE,
    );
    expect(await db.jobs.listJobs(started.id)).toEqual([]);
    await first.kill();
    hang.end();
    const t0 = (await db.getGoLive(started.id))?.liveAt ?? 0;
    // Down until the check-in is well overdue, so that it is certainly late.
    await waitFor(() => Date.now() > t0 + 2000 + 2500 || undefined, 'the check-in to be overdue', 45_000);

    const second = spawn();
    await seen(() => posts('Post-launch summary for short-api production')[0], 'the summary');
    expect(
      second.lines.find((l) => l.msg === 'planned the post-launch windows a stop cut off after Go live'),
    ).toMatchObject({ goLives: 1 });
    await waitFor(async () => (await status()) === 'completed', 'the go-live Completed', PATIENCE);
    expect(posts('Post-launch window open for short-api production')).toHaveLength(1);
    const [checkIn] = posts('Check-in: Watch the logs');
    expect(posts('Check-in: ')).toHaveLength(1);
    expect(JSON.stringify(checkIn?.blocks)).toContain('_late by ');
    expect(posts('Post-launch summary').map((m) => m.text)).toEqual([
      'Post-launch summary for short-api production: 1 check-ins, 0 acknowledged, 0 escalations, 0 failures (0 recovered). Completed.',
    ]);
    await waitFor(async () => (await allJobsFinished(db, started.id)) || undefined, 'every job finished', PATIENCE);
    const jobs = await db.jobs.listJobs(started.id);
    expect(jobs.map((j) => [j.key, j.state])).toEqual([
      ['preflight', 'done'],
      ['checkin:0:1', 'done'],
      ['end', 'done'],
    ]);
    expect(second.lines.filter((l) => l.level >= 50)).toEqual([]);
  },
);
