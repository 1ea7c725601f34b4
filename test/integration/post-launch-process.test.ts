// The post-launch window through the whole process (startGolive: config → store → Slack app → scheduler on
// node-cron) in real time: a template whose window lasts 30 s, GOLIVE_TICK=1s, a restart in the middle, the fake
// Slack API and a real site on loopback. Every check-in posts once, what fell due while down posts once marked
// late, the summary comes last, the go-live ends Completed and its lock is released.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { startGolive } from '../../src/main.js';
import type { RunningGolive } from '../../src/main.js';
import { createMetrics } from '../../src/metrics.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { startHttpServer } from '../support/http-servers.js';
import type { TestServer } from '../support/http-servers.js';
import { postCommand } from '../support/slack-request.js';
import { capturedLogger, SIGNING_SECRET, tempDir, testConfig } from '../platform/helpers.js';
import { Harness } from './harness.js';

const CHANNEL = 'C0DEPLOYS';
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
  ack_within: 10s
  escalation: [primary, secondary]
  checkins:
    - { at: 5s, text: Watch the logs }
    - { every: 10s, text: Check health endpoints, checks: [health] }
    - { at: 30s, text: Verify backups }
`;

let fake: FakeSlack | undefined;
let site: TestServer | undefined;
let golive: RunningGolive | undefined;
let temp: ReturnType<typeof tempDir> | undefined;

afterEach(async () => {
  await golive?.stop();
  await fake?.close();
  await site?.close();
  temp?.remove();
  fake = site = golive = temp = undefined;
});

async function start(dir: string, apiUrl: string): Promise<RunningGolive> {
  const started = await startGolive(testConfig({ apiUrl, port: 0, databaseFile: join(dir, 'golive.db'), templatesDir: dir }), {
    logger: capturedLogger().logger,
    metrics: createMetrics(),
  });
  if (!started.ok) throw new Error(started.reason);
  return started.golive;
}

it('a 30-second window with a restart in the middle: every check-in once, late ones marked, one summary, Completed', async () => {
  temp = tempDir();
  writeFileSync(join(temp.dir, 'quick.yaml'), QUICK);
  fake = await startFakeSlack();
  site = await startHttpServer((_req, res) => void res.writeHead(200).end('ok'));
  golive = await start(temp.dir, fake.apiUrl);
  const first = golive;

  const answer = await postCommand(`http://127.0.0.1:${first.port}`, SIGNING_SECRET, {
    text: `start quick-api production ${site.url.href} template=quick primary=<@U0PRIMARY> secondary=<@U0SECOND>`,
    user_id: 'U0DEPLOYER',
    channel_id: CHANNEL,
    response_url: fake.responseUrl(),
  });
  expect(answer.status).toBe(200);
  const started = await Harness.until(async () => {
    const found = await first.store.findActive('quick-api', 'production');
    return found?.rootTs !== undefined ? found : undefined;
  }, 'the go-live and its thread');
  // Go live (signoff's) commits status Live and starts the window; here the row is set as its commit would.
  const db = new Database(join(temp.dir, 'golive.db'));
  db.prepare(`UPDATE go_lives SET status = 'live', version = version + 1 WHERE id = ?`).run(started.id);
  db.close();
  const t0 = Date.now();
  await first.slack.services.postLaunch.start(started.id, t0);
  const thread = () => fake?.thread(CHANNEL, started.rootTs ?? '') ?? [];
  const texts = () => thread().map((m) => m.text ?? '');

  await fake.waitFor(() => texts().some((t) => t.startsWith('Check-in: Watch the logs')), 15_000, 'the 5 s check-in');
  // Down from ~6 s to ~17 s: the 10 s check-in and the first escalation fall due while nobody runs.
  await first.stop();
  golive = undefined;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, t0 + 17_000 - Date.now())));
  golive = await start(temp.dir, fake.apiUrl);

  await fake.waitFor(() => texts().some((t) => t.startsWith('Post-launch summary')), 30_000, 'the summary');
  const final = texts();
  const checkIns = final.filter((t) => t.startsWith('Check-in: '));
  expect(checkIns.filter((t) => t.startsWith('Check-in: Watch the logs'))).toHaveLength(1);
  expect(checkIns.filter((t) => t.startsWith('Check-in: Verify backups'))).toHaveLength(1);
  expect(checkIns.filter((t) => t.startsWith('Check-in: Check health endpoints'))).toHaveLength(3);
  const late = thread().filter((m) => JSON.stringify(m.blocks ?? []).includes('_late by '));
  expect(late.map((m) => m.text)).toContain('Check-in: Check health endpoints (please acknowledge)');
  expect(final.at(-1)).toMatch(/^Post-launch summary for quick-api production: 5 check-ins, 0 acknowledged/);
  // The pre-flight opens the window, before any check-in.
  const preflight = final.indexOf('Post-launch window open for quick-api production');
  expect(preflight).toBeGreaterThan(-1);
  expect(preflight).toBeLessThan(final.findIndex((t) => t.startsWith('Check-in: ')));

  const ended = await golive.store.getGoLive(started.id);
  expect(ended?.status).toBe('completed');
  expect(await golive.store.findActive('quick-api', 'production')).toBeUndefined();
  const jobs = await golive.store.jobs.listJobs(started.id);
  expect(jobs.filter((j) => j.kind === 'checkin').map((j) => j.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
  expect(jobs.filter((j) => j.state === 'pending' || j.state === 'claimed')).toEqual([]);
  // Direct messages were escalations only.
  const dms = fake.callsOf('chat.postMessage').filter((c) => String(c.args.channel).startsWith('U'));
  expect(dms.length).toBeGreaterThan(0);
  expect(dms.every((c) => String(c.args.text).startsWith('Escalation for'))).toBe(true);
  const status = (await (await fetch(`http://127.0.0.1:${golive.port}/health/status`)).json()) as { jobs: Record<string, number> };
  expect(status.jobs).toMatchObject({ pending: 0, claimed: 0, parked: 0 });
}, 90_000);
