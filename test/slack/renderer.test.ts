// The renderer against a real SQLite file and the fake Slack: coalescing, version and content skips, 429s, stop,
// and the catch-up a restart runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';
import type { GoLive } from '../../src/domain/go-live.js';
import { createLogger } from '../../src/logger.js';
import { GoLiveService } from '../../src/services/go-live-service.js';
import { ROOT } from '../../src/services/ports.js';
import type { RenderTarget, RenderWaiter } from '../../src/services/ports.js';
import { SlackRenderer } from '../../src/slack/renderer.js';
import type { RendererOptions } from '../../src/slack/renderer.js';
import { SlackGateway, webClientOptions } from '../../src/slack/gateway.js';
import { renderRoot } from '../../src/slack/blocks/root.js';
import { renderSection } from '../../src/slack/blocks/section.js';
import { loadTemplates } from '../../src/templates/loader.js';
import type { TemplateRegistry } from '../../src/templates/loader.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { ManualClock } from '../support/manual-clock.js';
import { SlackDirectory } from '../../src/slack/directory.js';
import { abortRefusal, itemChangeRefusal, startAnswer } from '../../src/slack/words.js';
import type { FakeSlack } from '../support/fake-slack.js';

const CHANNEL = 'C0DEPLOYS';
let fake: FakeSlack;
let dir: string;
let store: SqliteStore;
let templates: TemplateRegistry;
let slack: SlackGateway;

function makeRenderer(windowMs: number, options: Partial<RendererOptions> = {}): SlackRenderer {
  return new SlackRenderer({
    store,
    slack,
    messages: { root: (v) => renderRoot(v), section: (v, id) => renderSection(v, id) },
    logger: createLogger({ level: 'silent' }),
    windowMs,
    ...options,
  });
}

function makeService(renderer: SlackRenderer): GoLiveService {
  return new GoLiveService({
    store,
    templates,
    renderer,
    directory: new SlackDirectory(slack),
    logger: createLogger({ level: 'silent' }),
  });
}

beforeEach(async () => {
  fake = await startFakeSlack({ usergroups: { S0APPROVERS: ['U0GROUPIE'] } });
  dir = mkdtempSync(join(tmpdir(), 'golive-renderer-'));
  store = openSqliteStore({ file: join(dir, 'golive.db'), clock: systemClock });
  const loaded = loadTemplates();
  if (!loaded.ok) throw new Error('templates');
  templates = loaded.registry;
  slack = new SlackGateway(
    new webApi.WebClient('xoxb-test', webClientOptions(fake.apiUrl)),
    createLogger({ level: 'silent' }),
  );
});

afterEach(async () => {
  await store.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function started(
  service: GoLiveService,
  name = 'checkout-api',
  roles: Record<string, string[]> = {},
): Promise<GoLive> {
  const outcome = await service.start({
    args: { service: name, environment: 'production', roles },
    channelId: CHANNEL,
    privateChannel: false,
    userId: 'U0DEPLOYER',
  });
  if (!outcome.ok) throw new Error(outcome.code);
  return outcome.goLive;
}

/** Waits (real time, polling) until the renderer's work in flight has made `condition` true. */
async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries += 1) {
    if (tries > 500) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const itemOf = (goLive: GoLive, section: number, index: number): string =>
  goLive.template.sections[section]?.groups[0]?.items[index]?.id ?? '';

describe('Renderer', () => {
  it('turns many refreshes of one message in a window into one chat.update', async () => {
    const renderer = makeRenderer(60_000);
    const service = makeService(renderer);
    const goLive = await started(service);
    for (let i = 0; i < 5; i += 1) {
      const change = await service.changeItem({
        goLiveId: goLive.id,
        itemId: itemOf(goLive, 0, i),
        state: 'done',
        userId: `U0P${i}`,
      });
      expect(change).toMatchObject({ ok: true, changed: true });
    }
    expect(fake.callsOf('chat.update')).toHaveLength(0);
    await renderer.flush();
    const updates = fake.callsOf('chat.update');
    expect(updates).toHaveLength(2);
    const root = fake.message(CHANNEL, goLive.rootTs ?? '');
    expect(JSON.stringify(root?.blocks)).toContain('5/144');
    await renderer.stop();
  });

  it('sends one chat.update for a burst of clicks on a message, after the burst, not one per click', async () => {
    const clock = new ManualClock();
    const renderer = makeRenderer(1000, { clock });
    const service = makeService(renderer);
    const goLive = await started(service);
    for (let i = 0; i < 8; i += 1) {
      const change = await service.changeItem({
        goLiveId: goLive.id,
        itemId: itemOf(goLive, 0, i),
        state: 'done',
        userId: `U0P${i}`,
      });
      expect(change.ok).toBe(true);
      await clock.advance(200);
    }
    // 1.6 s of clicks 200 ms apart: each one pushed the render back by a window, so nothing was sent yet.
    expect(fake.callsOf('chat.update')).toHaveLength(0);
    await clock.advance(1000);
    await renderer.idle();
    const sectionUpdates = fake.callsOf('chat.update').filter((c) => c.args.ts !== goLive.rootTs);
    expect(sectionUpdates).toHaveLength(1);
    expect(JSON.stringify(fake.message(CHANNEL, String(sectionUpdates[0]?.args.ts))?.blocks)).toContain('U0P7');
    await renderer.stop();
  });

  it('still shows progress during a long burst: the max wait forces a render while clicks keep coming', async () => {
    const clock = new ManualClock();
    const renderer = makeRenderer(60_000, { maxWaitMs: 300, clock });
    const service = makeService(renderer);
    const goLive = await started(service);
    const sectionUpdates = () => fake.callsOf('chat.update').filter((c) => c.args.ts !== goLive.rootTs);
    let clicks = 0;
    for (const expected of [1, 2]) {
      for (let i = 0; i < 3; i += 1, clicks += 1) {
        await service.changeItem({
          goLiveId: goLive.id,
          itemId: itemOf(goLive, 0, clicks),
          state: 'done',
          userId: `U0P${clicks}`,
        });
        await clock.advance(100);
      }
      // The quiet window is a minute, and clicks came every 100 ms: this update was forced by the max wait.
      await until(() => sectionUpdates().length === expected);
      const shown = JSON.stringify(fake.message(CHANNEL, String(sectionUpdates()[0]?.args.ts))?.blocks);
      expect(shown).toContain(`U0P${clicks - 1}`);
    }
    expect(clock.now() - goLive.startedAt).toBeLessThan(60_000);
    await renderer.stop();
  });

  it('skips a message whose rendered version is current', async () => {
    const renderer = makeRenderer(10);
    const service = makeService(renderer);
    const goLive = await started(service);
    renderer.refresh(goLive.id, [ROOT, goLive.template.sections[0]?.id ?? '']);
    await renderer.flush();
    expect(fake.callsOf('chat.update')).toHaveLength(0);
    expect(renderer.stats.skipped).toBeGreaterThanOrEqual(2);
    await renderer.stop();
  });

  it('renders what is pending before stop() resolves, and ignores refreshes after it', async () => {
    const renderer = makeRenderer(60_000);
    const service = makeService(renderer);
    const goLive = await started(service);
    await service.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 1, 0), state: 'done', userId: 'U0DANA' });
    await renderer.stop();
    expect(fake.callsOf('chat.update')).toHaveLength(2);
    renderer.refresh(goLive.id, [ROOT]);
    await renderer.idle();
    expect(fake.callsOf('chat.update')).toHaveLength(2);
  });

  it('gives up on a Slack error that a retry cannot fix, and counts it', async () => {
    const renderer = makeRenderer(10);
    const service = makeService(renderer);
    const goLive = await started(service);
    fake.failNext('chat.update', 'channel_not_found', 2);
    await service.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 0, 0), state: 'done', userId: 'U0DANA' });
    await renderer.flush();
    await renderer.idle();
    expect(fake.callsOf('chat.update').filter((c) => c.error === 'channel_not_found')).toHaveLength(2);
    expect(renderer.stats.failures).toBe(2);
    await renderer.stop();
  });

  it('after a restart, the first touch renders every message that is behind', async () => {
    const first = makeRenderer(60_000);
    const goLive = await started(makeService(first));
    // Changes the previous process wrote but never rendered (it crashed).
    await store.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 2, 0), state: 'done', actor: 'U0LOST' });
    await first.stop();
    const second = makeRenderer(10);
    const service = makeService(second);
    await service.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 0, 0), state: 'done', userId: 'U0DANA' });
    await second.flush();
    await second.idle();
    const thread = fake.thread(CHANNEL, goLive.rootTs ?? '');
    expect(JSON.stringify(thread[2]?.blocks)).toContain('<@U0LOST>');
    expect(JSON.stringify(thread[0]?.blocks)).toContain('<@U0DANA>');
    await second.stop();
  });

  it('a refresh of a message that would show the same thing makes no Slack call, and records the version', async () => {
    const renderer = makeRenderer(10);
    const service = makeService(renderer);
    const goLive = await started(service);
    const [first, second] = goLive.template.sections;
    // A change in the second section moves the go-live's version; the first section's record is left at the version
    // before (as one written before the store kept other sections current): behind, yet unchanged.
    const posted = (await store.getMessages(goLive.id)).find((r) => r.key === first?.id);
    await service.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 1, 0), state: 'done', userId: 'U0DANA' });
    await renderer.flush();
    if (posted) await store.saveMessage(posted);
    const calls = fake.callsOf().length;
    const before = renderer.stats.unchanged;
    renderer.refresh(goLive.id, [first?.id ?? '']);
    await renderer.flush();
    expect(fake.callsOf().length).toBe(calls);
    expect(renderer.stats.unchanged).toBe(before + 1);
    const records = await store.getMessages(goLive.id);
    const version = (await store.getGoLive(goLive.id))?.version;
    expect(records.find((r) => r.key === first?.id)).toMatchObject({
      renderedVersion: version,
      renderedHash: expect.any(String),
    });
    // The version fast-path now skips it without even building the message.
    const skipped = renderer.stats.skipped;
    renderer.refresh(goLive.id, [first?.id ?? '', second?.id ?? '', ROOT]);
    await renderer.flush();
    expect(renderer.stats.skipped).toBe(skipped + 3);
    expect(fake.callsOf().length).toBe(calls);
    await renderer.stop();
  });

  it('a message recorded before hashes were kept is updated once, then skipped by content', async () => {
    const renderer = makeRenderer(10);
    const service = makeService(renderer);
    const goLive = await started(service);
    const key = goLive.template.sections[0]?.id ?? '';
    const old = (await store.getMessages(goLive.id)).find((r) => r.key === key);
    await store.saveMessage({ goLiveId: goLive.id, key, ts: old?.ts ?? '', renderedVersion: 0 });
    renderer.refresh(goLive.id, [key]);
    await renderer.flush();
    expect(fake.callsOf('chat.update')).toHaveLength(1);
    await store.saveMessage({
      ...((await store.getMessages(goLive.id)).find((r) => r.key === key) ?? { goLiveId: goLive.id, key }),
      renderedVersion: 0,
    });
    renderer.refresh(goLive.id, [key]);
    await renderer.flush();
    expect(fake.callsOf('chat.update')).toHaveLength(1);
    await renderer.stop();
  });

  it('catchUp after a crash updates only the messages that are stale, and nothing on a second run', async () => {
    const first = makeRenderer(60_000);
    const service = makeService(first);
    const goLives = [
      await started(service, 'checkout-api'),
      await started(service, 'billing'),
      await started(service, 'search'),
    ];
    const [crashed] = goLives;
    if (!crashed) throw new Error('no go-live');
    // Ticks the previous process committed but never rendered: two sections and the root of one go-live.
    await store.changeItem({ goLiveId: crashed.id, itemId: itemOf(crashed, 2, 0), state: 'done', actor: 'U0LOST' });
    await store.changeItem({ goLiveId: crashed.id, itemId: itemOf(crashed, 5, 1), state: 'done', actor: 'U0GONE' });
    const callsBefore = fake.callsOf().length;

    const second = makeRenderer(60_000);
    const report = await second.catchUp(goLives.map((g) => g.id));
    const calls = fake.callsOf().slice(callsBefore);
    expect(calls.map((c) => c.method)).toEqual(['chat.update', 'chat.update', 'chat.update']);
    expect(report).toMatchObject({ goLives: 3, failed: 0, posts: 0, updates: 3 });
    expect(report.unchanged + report.skipped).toBe(3 * 12 - 3);
    const thread = fake.thread(CHANNEL, crashed.rootTs ?? '');
    expect(JSON.stringify(thread[2]?.blocks)).toContain('<@U0LOST>');
    expect(JSON.stringify(thread[5]?.blocks)).toContain('<@U0GONE>');
    expect(JSON.stringify(fake.message(CHANNEL, crashed.rootTs ?? '')?.blocks)).toContain('2/144');

    const again = await second.catchUp(goLives.map((g) => g.id));
    expect(again).toMatchObject({ goLives: 3, updates: 0, posts: 0, unchanged: 0, skipped: 36 });
    expect(fake.callsOf().length).toBe(callsBefore + 3);
    await first.stop();
    await second.stop();
  });

  it('catchUp renders nothing for go-lives whose ticks were all rendered before the restart', async () => {
    const first = makeRenderer(10);
    const service = makeService(first);
    const goLives = [await started(service, 'checkout-api'), await started(service, 'billing')];
    for (const [i, goLive] of goLives.entries()) {
      await service.changeItem({
        goLiveId: goLive.id,
        itemId: itemOf(goLive, 2 + i, 0),
        state: 'done',
        userId: 'U0DANA',
      });
    }
    await first.stop();
    const callsBefore = fake.callsOf().length;

    const second = makeRenderer(10);
    const report = await second.catchUp(goLives.map((g) => g.id));
    expect(report).toMatchObject({ goLives: 2, failed: 0, posts: 0, updates: 0, unchanged: 0, skipped: 2 * 12 });
    expect(fake.callsOf().length).toBe(callsBefore);
    await second.stop();
  });

  it('catchUp posts what a crash during the start never posted, in thread order', async () => {
    const first = makeRenderer(60_000);
    const goLive = await started(makeService(first));
    await first.stop();
    // The process died after posting the root and three sections.
    const thread = fake.thread(CHANNEL, goLive.rootTs ?? '');
    for (const message of thread.slice(3)) fake.deleteMessage(CHANNEL, message.ts);
    const sections = goLive.template.sections.map((s) => s.id);
    for (const key of sections.slice(3)) await store.saveMessage({ goLiveId: goLive.id, key, renderedVersion: 0 });

    const second = makeRenderer(60_000);
    const report = await second.catchUp([goLive.id]);
    expect(report).toMatchObject({ posts: sections.length - 3, updates: 0, failed: 0 });
    const titles = fake.thread(CHANNEL, goLive.rootTs ?? '').map((m) => m.text ?? '');
    expect(titles).toHaveLength(sections.length);
    goLive.template.sections.forEach((s, i) => expect(titles[i]).toContain(s.title.replace(/&/g, '&amp;')));
    await second.stop();
  });

  it('stop() during a catch-up lets it finish the go-lives it is on and start no other', async () => {
    const first = makeRenderer(60_000);
    const service = makeService(first);
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const goLive = await started(service, `svc-${i}`);
      await store.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 0, 0), state: 'done', actor: 'U0LOST' });
      ids.push(goLive.id);
    }
    await first.stop();
    const second = makeRenderer(10, { catchUpConcurrency: 2 });
    // Slack holds the first update back for a second: stop() comes while the catch-up is inside its first go-lives.
    fake.rateLimitNext('chat.update', 1, 1);
    const caughtUp = second.catchUp(ids);
    await fake.waitFor(() => fake.callsOf('chat.update').length > 0, 5000, 'the catch-up to reach Slack');
    await second.stop();
    const report = await caughtUp;
    expect(report.goLives).toBeGreaterThanOrEqual(1);
    expect(report.goLives).toBeLessThanOrEqual(2);
    expect(report.updates).toBe(2 * report.goLives);
    const updated = new Set(
      fake
        .callsOf('chat.update')
        .filter((c) => c.status === 200)
        .map((c) => String(c.args.ts)),
    );
    const roots = await Promise.all(ids.map(async (id) => (await store.getGoLive(id))?.rootTs ?? ''));
    expect(roots.filter((ts) => updated.has(ts))).toHaveLength(report.goLives);
  });
});

describe('Renderer: people waiting on a render that fails', () => {
  interface Told {
    goLiveId: string;
    target: RenderTarget;
    error: string;
    waiting: readonly RenderWaiter[];
  }
  let told: Told[];
  function tellingRenderer(windowMs: number): SlackRenderer {
    told = [];
    return makeRenderer(windowMs, {
      onRenderFailed: (goLiveId, target, error, waiting) => {
        told.push({ goLiveId, target, error, waiting });
      },
    });
  }

  it('tells each person whose change could not be shown once, even when both its messages fail', async () => {
    const renderer = tellingRenderer(60_000);
    const service = makeService(renderer);
    const goLive = await started(service);
    const thread = { channelId: CHANNEL, threadTs: goLive.rootTs ?? '' };
    fake.failNext('chat.update', 'not_in_channel', 2);
    await service.changeItem({
      goLiveId: goLive.id,
      itemId: itemOf(goLive, 0, 0),
      state: 'done',
      userId: 'U0DANA',
      waitingIn: thread,
    });
    await service.changeItem({
      goLiveId: goLive.id,
      itemId: itemOf(goLive, 0, 1),
      state: 'done',
      userId: 'U0SAM',
      waitingIn: thread,
    });
    await service.changeItem({
      goLiveId: goLive.id,
      itemId: itemOf(goLive, 0, 2),
      state: 'done',
      userId: 'U0DANA',
      waitingIn: thread,
    });
    await renderer.flush();
    expect(fake.callsOf('chat.update').filter((c) => c.error === 'not_in_channel')).toHaveLength(2);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ goLiveId: goLive.id, error: 'not_in_channel' });
    expect(told[0]?.waiting).toEqual([
      { userId: 'U0DANA', ...thread },
      { userId: 'U0SAM', ...thread },
    ]);
    // The ticks are saved all the same.
    const items = (await store.getChecklist(goLive.id))?.items;
    expect([0, 1, 2].map((i) => items?.get(itemOf(goLive, 0, i))?.state)).toEqual(['done', 'done', 'done']);
    await renderer.stop();
  });

  it('tells nobody when the render succeeds, and forgets who waited once it has', async () => {
    const renderer = tellingRenderer(60_000);
    const service = makeService(renderer);
    const goLive = await started(service);
    await service.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 0, 0), state: 'done', userId: 'U0DANA' });
    await renderer.flush();
    expect(fake.callsOf('chat.update').filter((c) => c.status === 200)).toHaveLength(2);
    expect(told).toEqual([]);
    // A later failure is about the later change only: Dana's change was shown.
    fake.failNext('chat.update', 'msg_too_long', 1);
    await service.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 1, 0), state: 'done', userId: 'U0SAM' });
    await renderer.flush();
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      error: 'msg_too_long',
      waiting: [{ userId: 'U0SAM', channelId: CHANNEL, threadTs: goLive.rootTs }],
    });
    await renderer.stop();
  });

  it('tells nobody about a 429 that a retry gets through', async () => {
    const renderer = tellingRenderer(60_000);
    const service = makeService(renderer);
    const goLive = await started(service);
    fake.rateLimitNext('chat.update', 0, 2);
    await service.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 0, 0), state: 'done', userId: 'U0DANA' });
    await renderer.flush();
    expect(fake.callsOf('chat.update').map((c) => c.status)).toEqual(expect.arrayContaining([429, 429, 200, 200]));
    expect(told).toEqual([]);
    expect(JSON.stringify(fake.message(CHANNEL, goLive.rootTs ?? '')?.blocks)).toContain('1/144');
    await renderer.stop();
  });

  it('tells nobody when nobody waits: a refresh without a person (checks, catch-up) that fails', async () => {
    const renderer = tellingRenderer(60_000);
    const service = makeService(renderer);
    const goLive = await started(service);
    await store.changeItem({ goLiveId: goLive.id, itemId: itemOf(goLive, 0, 0), state: 'done', actor: 'golive' });
    fake.failNext('chat.update', 'channel_not_found', 2);
    renderer.refresh(goLive.id, [ROOT, goLive.template.sections[0]?.id ?? '']);
    await renderer.flush();
    expect(fake.callsOf('chat.update').filter((c) => c.error === 'channel_not_found')).toHaveLength(2);
    expect(told).toEqual([]);
    await renderer.stop();
  });
});

describe('GoLiveService', () => {
  it('refuses an unknown template and a role the template does not have', async () => {
    const service = makeService(makeRenderer(10));
    const unknown = await service.start({
      args: { service: 'a', environment: 'production', roles: {}, template: 'nope' },
      channelId: CHANNEL,
      privateChannel: false,
      userId: 'U1',
    });
    expect(unknown).toMatchObject({ ok: false, code: 'unknown-template', template: 'nope' });
    expect(JSON.stringify(startAnswer(unknown))).toMatch(/no template `nope`/);
    const role = await service.start({
      args: { service: 'a', environment: 'production', roles: { cfo: ['<@U2>'] } },
      channelId: CHANNEL,
      privateChannel: false,
      userId: 'U1',
    });
    expect(role).toMatchObject({ ok: false, code: 'unknown-roles', roles: ['cfo'] });
    expect(JSON.stringify(startAnswer(role))).toMatch(/no role `cfo`/);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('lets a member of an approver group abort', async () => {
    const renderer = makeRenderer(10);
    const service = makeService(renderer);
    const goLive = await started(service, 'billing', { approver: ['<!subteam^S0APPROVERS>'] });
    expect(
      await service.abort({ service: 'billing', reason: 'no', userId: 'U0STRANGER', channelId: CHANNEL }),
    ).toMatchObject({ ok: false });
    expect(
      await service.abort({ service: 'billing', reason: 'bad canary', userId: 'U0GROUPIE', channelId: CHANNEL }),
    ).toMatchObject({ ok: true });
    expect((await store.getGoLive(goLive.id))?.status).toBe('aborted');
    await renderer.stop();
  });

  it('asks which environment when a service is going live in two', async () => {
    const renderer = makeRenderer(10);
    const service = makeService(renderer);
    await started(service, 'api');
    const staging = await service.start({
      args: { service: 'api', environment: 'staging', roles: {} },
      channelId: CHANNEL,
      privateChannel: false,
      userId: 'U0DEPLOYER',
    });
    expect(staging.ok).toBe(true);
    const ambiguous = await service.abort({ service: 'api', reason: 'x', userId: 'U0DEPLOYER', channelId: CHANNEL });
    expect(ambiguous).toMatchObject({ ok: false, code: 'ambiguous', environments: ['production', 'staging'] });
    expect(!ambiguous.ok && abortRefusal(ambiguous)).toMatch(/env=/);
    expect(
      await service.abort({
        service: 'api',
        environment: 'staging',
        reason: 'x',
        userId: 'U0DEPLOYER',
        channelId: CHANNEL,
      }),
    ).toMatchObject({ ok: true });
    await renderer.stop();
  });

  it('validates item changes: reasons, unknown items, ended go-lives', async () => {
    const renderer = makeRenderer(10);
    const service = makeService(renderer);
    const goLive = await started(service);
    const item = itemOf(goLive, 0, 0);
    const refused = async (request: Parameters<GoLiveService['changeItem']>[0]) => {
      const outcome = await service.changeItem(request);
      return outcome.ok ? 'changed' : `${outcome.code}: ${itemChangeRefusal(outcome)}`;
    };
    expect(await refused({ goLiveId: goLive.id, itemId: item, state: 'na', userId: 'U1' })).toMatch(
      /^invalid: .*needs a reason/,
    );
    expect(await refused({ goLiveId: goLive.id, itemId: 'nope', state: 'done', userId: 'U1' })).toMatch(
      /^unknown-item: .*not in this go-live/,
    );
    expect(await refused({ goLiveId: 'missing', itemId: item, state: 'done', userId: 'U1' })).toMatch(
      /^not-found: .*no longer exists/,
    );
    await service.abort({ service: 'checkout-api', reason: 'x', userId: 'U0DEPLOYER', channelId: CHANNEL });
    expect(await refused({ goLiveId: goLive.id, itemId: item, state: 'done', userId: 'U1' })).toMatch(
      /^ended: .*aborted/,
    );
    await renderer.stop();
  });
});
