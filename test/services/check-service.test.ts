// The check service over a real SQLite file, the real renderer and Slack gateway talking to the fake Slack.
// The check kinds are given to the runner as plain functions (its `checks` option), so each test decides what a
// check answers and when, and no network is involved; the kinds themselves are tested in test/checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import type { Check, CheckOutcome } from '../../src/checks/types.js';
import type { CheckKind } from '../../src/domain/check-kind.js';
import { systemClock } from '../../src/clock.js';
import { GOLIVE_ACTOR } from '../../src/domain/go-live.js';
import type { GoLive } from '../../src/domain/go-live.js';
import type { Template, TemplateItem } from '../../src/domain/template.js';
import { createLogger } from '../../src/logger.js';
import { CheckService } from '../../src/services/check-service.js';
import { ROOT } from '../../src/services/ports.js';
import { SlackRenderer } from '../../src/slack/renderer.js';
import { SlackGateway, webClientOptions } from '../../src/slack/gateway.js';
import { WorkTracker } from '../../src/services/work.js';
import { SlackNotifier } from '../../src/slack/notifier.js';
import { checkRefusal, findRefusal } from '../../src/slack/words.js';
import { renderRoot } from '../../src/slack/blocks/root.js';
import { renderSection } from '../../src/slack/blocks/section.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeSlack } from '../support/fake-slack.js';

const CHANNEL = 'C0DEPLOY';

function item(id: string, check?: { kind: CheckKind; options?: Record<string, unknown> }): TemplateItem {
  return {
    id,
    text: `*${id}*`,
    required: true,
    items: [],
    ...(check ? { check: { kind: check.kind, options: check.options ?? {} } } : {}),
  };
}

/** `web` carries checks (two items share one check), `docs` has none. */
function template(): Template {
  return {
    id: 'small',
    name: 'Small go-live',
    version: 1,
    roles: { approver: { label: 'Go-live approver' } },
    signoff: { role: 'approver', approvals: 1, allowDeployer: false, evidenceMaxAgeMs: 86_400_000 },
    sections: [
      {
        id: 'web',
        title: 'Web & TLS',
        groups: [
          {
            title: 'Checks',
            items: [
              item('health', { kind: 'health', options: { paths: ['/health/ping'] } }),
              item('hsts', { kind: 'hsts' }),
              item('cookies', { kind: 'cookies' }),
              item('compression', { kind: 'compression' }),
              item('cert', { kind: 'tls-certificate' }),
              item('cert-again', { kind: 'tls-certificate' }),
              item('by-hand'),
            ],
          },
        ],
      },
      { id: 'docs', title: 'Documentation', groups: [{ title: 'Docs', items: [item('runbook')] }] },
    ],
    notes: [],
  };
}

/** Check kinds answering what the test says, counting their calls; `hold` keeps them running until released. */
class Checks {
  calls: Partial<Record<CheckKind, number>> = {};
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;
  constructor(private readonly outcomes: Partial<Record<CheckKind, CheckOutcome>>) {}

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  registry(): Partial<Record<CheckKind, Check>> {
    const entries = Object.entries(this.outcomes).map(([kind, outcome]) => [
      kind,
      async () => {
        this.calls[kind as CheckKind] = (this.calls[kind as CheckKind] ?? 0) + 1;
        await this.gate;
        return outcome;
      },
    ]);
    return Object.fromEntries(entries) as Partial<Record<CheckKind, Check>>;
  }
}

const OUTCOMES: Partial<Record<CheckKind, CheckOutcome>> = {
  health: {
    status: 'pass',
    summary: '/health/ping 200 (want 2xx)',
    evidence: { paths: [{ path: '/health/ping', status: 200 }] },
  },
  hsts: { status: 'warn', summary: 'max-age 86400 (want ≥ 15552000)', evidence: { maxAge: 86400 } },
  cookies: {
    status: 'fail',
    summary: 'sessionid lacks Secure, HttpOnly (want both)',
    evidence: { cookies: ['sessionid'] },
  },
  compression: { status: 'error', summary: 'connection reset', evidence: { error: 'connection reset' } },
  'tls-certificate': {
    status: 'pass',
    summary: 'certificate expires in 90 days (want ≥ 30)',
    evidence: { daysLeft: 90 },
  },
};

let dir: string;
let fake: FakeSlack;
let store: SqliteStore;
let renderer: SlackRenderer;
let work: WorkTracker;
let checks: Checks;
let service: CheckService;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'golive-check-service-'));
  fake = await startFakeSlack();
  store = openSqliteStore({ file: join(dir, 'golive.db'), clock: { now: () => Date.now() } });
  const logger = createLogger({ level: 'silent' });
  const slack = new SlackGateway(new webApi.WebClient('xoxb-test', webClientOptions(fake.apiUrl)), logger);
  renderer = new SlackRenderer({
    store,
    slack,
    logger,
    windowMs: 20,
    messages: { root: (v) => renderRoot(v), section: (v, id) => renderSection(v, id) },
  });
  work = new WorkTracker();
  checks = new Checks(OUTCOMES);
  service = new CheckService({
    store,
    renderer,
    notifier: new SlackNotifier(slack, logger, systemClock),
    logger,
    clock: systemClock,
    work,
    checks: { allowPrivate: false, allowedHosts: [], timeoutMs: 1000 },
    registry: checks.registry(),
  });
});

afterEach(async () => {
  checks.release();
  await work.idle();
  await renderer.stop();
  await store.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startGoLive(
  overrides: { service?: string; environment?: string; url?: string | null } = {},
): Promise<GoLive> {
  const started = await store.startGoLive({
    service: overrides.service ?? 'checkout-api',
    environment: overrides.environment ?? 'production',
    ...(overrides.url === null ? {} : { url: overrides.url ?? 'https://localhost/' }),
    channelId: CHANNEL,
    startedBy: 'U0DEPLOYER',
    roles: {},
    template: template(),
  });
  if (!started.ok) throw new Error('locked');
  await renderer.renderNow(started.goLive.id, ROOT);
  for (const s of started.goLive.template.sections) await renderer.renderNow(started.goLive.id, s.id);
  const goLive = await store.getGoLive(started.goLive.id);
  if (!goLive) throw new Error('gone');
  return goLive;
}

describe('CheckService.run', () => {
  it('records each result on its item as Golive, posts one summary in the thread and re-renders the section', async () => {
    const goLive = await startGoLive();
    // A person blocked the compression item; an error of its check must not undo that.
    await store.changeItem({
      goLiveId: goLive.id,
      itemId: 'compression',
      state: 'blocked',
      actor: 'U0INFRA',
      reason: 'nginx change pending',
    });

    const outcome = await service.run({ goLiveId: goLive.id, actor: 'U0DANA', sectionId: 'web' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.started).toMatchObject({ by: 'U0DANA', sectionId: 'web', checks: 5, items: 6 });
    const report = await outcome.started.finished;
    expect(report?.summaryPosted).toBe(true);
    // The certificate check serves two items but ran once.
    expect(checks.calls['tls-certificate']).toBe(1);

    const view = await store.getChecklist(goLive.id);
    expect(view?.items.get('health')).toMatchObject({
      state: 'done',
      by: GOLIVE_ACTOR,
      evidence: { kind: 'health', status: 'pass', details: { paths: [{ path: '/health/ping', status: 200 }] } },
    });
    expect(view?.items.get('hsts')).toMatchObject({
      state: 'done',
      by: GOLIVE_ACTOR,
      evidence: { status: 'warn', summary: 'max-age 86400 (want ≥ 15552000)' },
    });
    expect(view?.items.get('cookies')).toMatchObject({
      state: 'failed',
      by: GOLIVE_ACTOR,
      reason: 'sessionid lacks Secure, HttpOnly (want both)',
    });
    expect(view?.items.get('compression')).toMatchObject({
      state: 'blocked',
      by: 'U0INFRA',
      reason: 'nginx change pending',
      evidence: { status: 'error', summary: 'connection reset' },
    });
    expect(view?.items.get('cert')).toMatchObject({
      state: 'done',
      evidence: { kind: 'tls-certificate', status: 'pass' },
    });
    expect(view?.items.get('cert-again')).toMatchObject({
      state: 'done',
      evidence: { kind: 'tls-certificate', status: 'pass' },
    });
    expect(view?.items.get('by-hand')).toBeUndefined();

    const summaries = fake.thread(CHANNEL, goLive.rootTs ?? '').filter((m) => (m.text ?? '').startsWith('Checks for'));
    expect(summaries).toHaveLength(1);
    const text = JSON.stringify(summaries[0]?.blocks);
    expect(text).toContain('1 failed');
    expect(text).toContain('1 error');
    expect(text).toContain('1 warning');
    expect(text).toContain('3 passed');
    expect(text).toContain('run by <@U0DANA>');
    expect(text.indexOf('cookies')).toBeLessThan(text.indexOf('*health*'));

    await renderer.flush();
    const web = fake
      .thread(CHANNEL, goLive.rootTs ?? '')
      .find((m) => JSON.stringify(m.blocks).includes('item:cookies'));
    expect(JSON.stringify(web?.blocks)).toContain('_failed_ by Golive');
    const audit = await store.auditTrail(goLive.id);
    expect(
      audit
        .filter((e) => e.action === 'item' && e.actor === GOLIVE_ACTOR)
        .map((e) => e.subject)
        .sort(),
    ).toEqual(['cert', 'cert-again', 'cookies', 'health', 'hsts']);
    // The error only attached its evidence to the person's blocked item.
    expect(audit.filter((e) => e.action === 'evidence')).toMatchObject([
      { actor: GOLIVE_ACTOR, subject: 'compression', after: { evidence: { status: 'error' } } },
    ]);
    expect(fake.invalidPayloads).toEqual([]);
  });

  it('never puts Golive’s name on a person’s work: passes and errors attach evidence, a fail is news', async () => {
    const goLive = await startGoLive();
    for (const itemId of ['health', 'hsts', 'cookies'])
      await store.changeItem({ goLiveId: goLive.id, itemId, state: 'done', actor: 'U0SECURITY' });
    await store.changeItem({
      goLiveId: goLive.id,
      itemId: 'cert',
      state: 'na',
      actor: 'U0INFRA',
      reason: 'terminated at the edge',
    });

    const outcome = await service.run({ goLiveId: goLive.id, actor: 'U0DANA', sectionId: 'web' });
    if (!outcome.ok) throw new Error(checkRefusal(outcome));
    await outcome.started.finished;

    const view = await store.getChecklist(goLive.id);
    expect(view?.items.get('health')).toMatchObject({ state: 'done', by: 'U0SECURITY', evidence: { status: 'pass' } });
    expect(view?.items.get('hsts')).toMatchObject({ state: 'done', by: 'U0SECURITY', evidence: { status: 'warn' } });
    expect(view?.items.get('cert')).toMatchObject({
      state: 'na',
      by: 'U0INFRA',
      reason: 'terminated at the edge',
      evidence: { status: 'pass' },
    });
    // Untouched before, so Golive ticks it.
    expect(view?.items.get('cert-again')).toMatchObject({ state: 'done', by: GOLIVE_ACTOR });
    // A failing check overrides the person's done; the audit event keeps what it replaced.
    expect(view?.items.get('cookies')).toMatchObject({
      state: 'failed',
      by: GOLIVE_ACTOR,
      reason: 'sessionid lacks Secure, HttpOnly (want both)',
    });
    const cookies = (await store.auditTrail(goLive.id)).filter((e) => e.subject === 'cookies').at(-1);
    expect(cookies).toMatchObject({
      actor: GOLIVE_ACTOR,
      action: 'item',
      before: { state: 'done', by: 'U0SECURITY' },
      after: { state: 'failed' },
    });
    // An untouched item with only an error stays open with nobody's name on it.
    expect(view?.items.get('compression')).toMatchObject({ state: 'open', evidence: { status: 'error' } });

    await renderer.flush();
    const web = fake
      .thread(CHANNEL, goLive.rootTs ?? '')
      .find((m) => JSON.stringify(m.blocks).includes('item:cookies'));
    const itemText = (id: string) =>
      (web?.blocks as { block_id?: string; text?: { text: string } }[] | undefined)?.find(
        (b) => b.block_id === `item:${id}`,
      )?.text?.text ?? '';
    expect(itemText('health')).toContain('_done_ by <@U0SECURITY>');
    expect(itemText('health')).toContain('`health` pass');
    expect(itemText('cert')).toContain('_N/A_ by <@U0INFRA>');
    expect(itemText('cookies')).toContain('_failed_ by Golive');
    expect(itemText('compression')).toContain('`compression` error');
    expect(itemText('compression')).not.toContain(' by ');
    expect(fake.invalidPayloads).toEqual([]);
  });

  it('respects what a person clicks while the checks run: an N/A marked mid-run keeps its author, a pass only attaches', async () => {
    const goLive = await startGoLive();
    checks.hold();
    const outcome = await service.run({ goLiveId: goLive.id, actor: 'U0DANA', sectionId: 'web' });
    if (!outcome.ok) throw new Error(checkRefusal(outcome));
    // The item was open when the run started; the person decides before the results land.
    await store.changeItem({
      goLiveId: goLive.id,
      itemId: 'health',
      state: 'na',
      actor: 'U0INFRA',
      reason: 'behind the mesh',
    });
    checks.release();
    await outcome.started.finished;

    const view = await store.getChecklist(goLive.id);
    expect(view?.items.get('health')).toMatchObject({
      state: 'na',
      by: 'U0INFRA',
      reason: 'behind the mesh',
      evidence: { kind: 'health', status: 'pass' },
    });
    const health = (await store.auditTrail(goLive.id)).filter((e) => e.subject === 'health');
    expect(health.map((e) => [e.actor, e.action])).toEqual([
      ['U0INFRA', 'item'],
      [GOLIVE_ACTOR, 'evidence'],
    ]);

    await renderer.flush();
    const web = fake.thread(CHANNEL, goLive.rootTs ?? '').find((m) => JSON.stringify(m.blocks).includes('item:health'));
    const text =
      (web?.blocks as { block_id?: string; text?: { text: string } }[] | undefined)?.find(
        (b) => b.block_id === 'item:health',
      )?.text?.text ?? '';
    expect(text).toContain('_N/A_ by <@U0INFRA>');
    expect(text).toContain('`health` pass');
  });

  it('runs the whole checklist when no section is given', async () => {
    const goLive = await startGoLive();
    const outcome = await service.run({ goLiveId: goLive.id, actor: 'U0DANA' });
    expect(outcome.ok && outcome.started.items).toBe(6);
    if (outcome.ok) await outcome.started.finished;
    expect((await store.getChecklist(goLive.id))?.items.size).toBe(6);
  });

  it('refuses a second run while one is running, saying who started it; accepts one after', async () => {
    const goLive = await startGoLive();
    checks.hold();
    const first = await service.run({ goLiveId: goLive.id, actor: 'U0DANA', sectionId: 'web' });
    expect(first.ok).toBe(true);
    const second = await service.run({ goLiveId: goLive.id, actor: 'U0LEE' });
    expect(second).toMatchObject({ ok: false, code: 'running', holder: { by: 'U0DANA' } });
    expect(!second.ok && checkRefusal(second)).toMatch(
      /already running on this go-live, started by <@U0DANA> <!date\^\d+\^/,
    );
    expect((await store.getChecklist(goLive.id))?.checkRun).toMatchObject({ by: 'U0DANA' });

    checks.release();
    if (first.ok) await first.started.finished;
    expect((await store.getChecklist(goLive.id))?.checkRun).toBeUndefined();
    const third = await service.run({ goLiveId: goLive.id, actor: 'U0LEE', sectionId: 'web' });
    expect(third.ok).toBe(true);
    await work.idle();
    expect(
      fake.thread(CHANNEL, goLive.rootTs ?? '').filter((m) => (m.text ?? '').startsWith('Checks for')),
    ).toHaveLength(2);
  });

  it('refuses, as values, what cannot run', async () => {
    const noUrl = await startGoLive({ service: 'billing-api', url: null });
    const refusedNoUrl = await service.run({ goLiveId: noUrl.id, actor: 'U0DANA' });
    expect(refusedNoUrl).toMatchObject({ ok: false, code: 'no-url' });
    expect(!refusedNoUrl.ok && checkRefusal(refusedNoUrl)).toBe(
      'this go-live has no URL: start it with a url to run checks',
    );
    const goLive = await startGoLive();
    const unknown = await service.run({ goLiveId: goLive.id, actor: 'U0DANA', sectionId: 'nope' });
    expect(unknown).toMatchObject({
      ok: false,
      code: 'unknown-section',
      sectionId: 'nope',
      sectionsWithChecks: ['web'],
    });
    expect(!unknown.ok && checkRefusal(unknown)).toContain('sections with checks: `web`');
    expect(await service.run({ goLiveId: goLive.id, actor: 'U0DANA', sectionId: 'docs' })).toMatchObject({
      ok: false,
      code: 'no-checks',
    });
    expect(await service.run({ goLiveId: 'gl_missing', actor: 'U0DANA' })).toMatchObject({
      ok: false,
      code: 'not-found',
    });
    await store.abortGoLive(goLive.id, 'U0DEPLOYER', 'rolled back');
    expect(await service.run({ goLiveId: goLive.id, actor: 'U0DANA' })).toMatchObject({
      ok: false,
      code: 'not-active',
    });
    expect(Object.keys(checks.calls)).toEqual([]);
  });

  it('lets stop() wait: the tracker is busy until the summary is posted', async () => {
    const goLive = await startGoLive();
    checks.hold();
    const outcome = await service.run({ goLiveId: goLive.id, actor: 'U0DANA', sectionId: 'web' });
    expect(outcome.ok).toBe(true);
    const idle = work.idle();
    checks.release();
    await idle;
    expect(fake.thread(CHANNEL, goLive.rootTs ?? '').some((m) => (m.text ?? '').startsWith('Checks for'))).toBe(true);
  });
});

describe('CheckService.findForService', () => {
  it('prefers production, else the only active go-live of the service, and asks when there are several', async () => {
    expect(await service.findForService('checkout-api', 'C0DEPLOY')).toMatchObject({ ok: false, code: 'not-found' });
    const staging = await startGoLive({ environment: 'staging' });
    expect(await service.findForService('checkout-api', 'C0DEPLOY')).toMatchObject({
      ok: true,
      goLive: { id: staging.id },
    });
    await startGoLive({ environment: 'qa' });
    const ambiguous = await service.findForService('checkout-api', 'C0DEPLOY');
    expect(ambiguous).toMatchObject({ ok: false, code: 'ambiguous', environments: ['staging', 'qa'] });
    expect(!ambiguous.ok && findRefusal(ambiguous)).toContain('`staging`, `qa`');
    const production = await startGoLive();
    expect(await service.findForService('checkout-api', 'C0DEPLOY')).toMatchObject({
      ok: true,
      goLive: { id: production.id },
    });
  });
});
