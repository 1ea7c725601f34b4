// A restart mid-burst loses nothing: the bot runs as a real process (src/main.ts), is SIGKILLed the moment a
// burst of ticks is acked, before the coalesced renders (1 s window) reach Slack, and a new process on the same
// file brings the thread up to date by itself, with no click, updating only the messages that were stale.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';
import { flattenItems } from '../../src/domain/checklist.js';
import type { GoLive } from '../../src/domain/go-live.js';
import { BotProcess, tickItem } from '../support/bot-process.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeMessage, FakeSlack } from '../support/fake-slack.js';
import { postCommand } from '../support/slack-request.js';
import { CHANNEL, DEPLOYER, Harness } from './harness.js';

const SECRET = 'restart-crash-signing-secret';
const SECTIONS = 11;

let fake: FakeSlack;
let dir: string;
let bots: BotProcess[];
let stores: SqliteStore[];

beforeEach(async () => {
  fake = await startFakeSlack();
  dir = mkdtempSync(join(tmpdir(), 'golive-crash-'));
  bots = [];
  stores = [];
});

afterEach(async () => {
  for (const bot of bots) await bot.kill();
  for (const store of stores) await store.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(file: string): SqliteStore {
  const store = openSqliteStore({ file, clock: systemClock });
  stores.push(store);
  return store;
}

describe('a restart mid-burst', () => {
  it(
    'SIGKILL the moment the ticks are acked, before they are rendered: the next process catches the thread up with no click',
    { timeout: 60_000 },
    async () => {
      const file = join(dir, 'golive.db');
      const first = BotProcess.start({ apiUrl: fake.apiUrl, databaseFile: file, signingSecret: SECRET });
      bots.push(first);
      const firstUrl = await first.baseUrl();
      const store = open(file);

      // Two go-lives: one takes the burst, the other is untouched and must cost no Slack call after the restart.
      const start = async (service: string): Promise<GoLive> => {
        const res = await postCommand(firstUrl, SECRET, {
          text: `start ${service} production https://${service}.example.com`,
          user_id: DEPLOYER,
          channel_id: CHANNEL,
        });
        expect(res.status).toBe(200);
        return Harness.until(async () => {
          const goLive = await store.findActive(service, 'production');
          const rendered = goLive ? (await store.getMessages(goLive.id)).filter((m) => m.ts !== undefined) : [];
          return goLive?.rootTs &&
            rendered.length === SECTIONS + 1 &&
            fake.thread(CHANNEL, goLive.rootTs).length === SECTIONS
            ? goLive
            : undefined;
        }, `the thread of ${service}`);
      };
      const goLive = await start('checkout-api');
      const quiet = await start('billing-api');
      const rootTs = goLive.rootTs ?? '';

      // The burst: 3 items in each of 3 sections, 9 people, all at once.
      const flat = flattenItems(goLive.template);
      const burstSections = [1, 4, 7].map((i) => goLive.template.sections[i]?.id ?? '');
      const ticks = burstSections.flatMap((sectionId, si) =>
        flat
          .filter((f) => f.sectionId === sectionId)
          .slice(0, 3)
          .map((f, i) => ({ sectionId, itemId: f.item.id, user: `U0CREW${si * 3 + i}` })),
      );
      expect(ticks).toHaveLength(9);
      const sectionTs = new Map((await store.getMessages(goLive.id)).map((m) => [m.key, m.ts ?? '']));
      const messageOf = (sectionId: string): FakeMessage => {
        const message = fake.message(CHANNEL, sectionTs.get(sectionId) ?? '');
        if (!message) throw new Error(`no message for ${sectionId}`);
        return message;
      };
      const answers = await Promise.all(
        ticks.map((t) => tickItem(firstUrl, SECRET, goLive.id, messageOf(t.sectionId), t.itemId, t.user)),
      );
      expect(answers.map((a) => a.status)).toEqual(ticks.map(() => 200));
      // A tick is saved before its ack: kill the moment the last ack arrives, well inside the 1 s window in
      // which the renders of the burst are still waiting.
      await first.kill();
      expect(await first.exited).toBe('SIGKILL');

      // Every tick is in the file, with its author.
      await store.close();
      const reopened = open(file);
      const saved = await reopened.getChecklist(goLive.id);
      for (const t of ticks) expect(saved?.items.get(t.itemId)).toMatchObject({ state: 'done', by: t.user });

      // What the crash left stale in Slack: messages that do not show every tick yet.
      const shows = (message: FakeMessage | undefined, sectionId: string): boolean => {
        const text = Harness.textOf(message);
        return sectionId === 'root'
          ? text.includes(`${ticks.length}/144`)
          : ticks.filter((t) => t.sectionId === sectionId).every((t) => text.includes(`<@${t.user}>`));
      };
      const keys = ['root', ...goLive.template.sections.map((s) => s.id)];
      const tsOf = (key: string): string => (key === 'root' ? rootTs : (sectionTs.get(key) ?? ''));
      const stale = keys.filter((key) => !shows(fake.message(CHANNEL, tsOf(key)), key));
      expect(stale.length).toBeGreaterThan(0);
      expect(stale.length).toBeLessThanOrEqual(burstSections.length + 1);
      const callsBefore = fake.callsOf().length;

      // A new process on the same file; nobody clicks.
      const second = BotProcess.start({ apiUrl: fake.apiUrl, databaseFile: file, signingSecret: SECRET });
      bots.push(second);
      await second.baseUrl();
      await fake.waitFor(
        () => keys.every((key) => shows(fake.message(CHANNEL, tsOf(key)), key)),
        15_000,
        'every section and the root to show every tick',
      );
      const caughtUp = await second.waitLog('threads caught up');
      expect(caughtUp).toMatchObject({ goLives: 2, failed: 0, posts: 0 });

      const calls = fake.callsOf().slice(callsBefore);
      const updates = calls.filter((c) => c.method === 'chat.update');
      // Only the stale messages were updated, each once; the untouched go-live and the other sections cost nothing.
      expect(updates.length).toBeLessThanOrEqual(stale.length);
      expect(updates.map((u) => String(u.args.ts)).sort()).toEqual(stale.map(tsOf).sort());
      expect(updates.every((u) => u.status === 200)).toBe(true);
      expect(calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
      expect(fake.thread(CHANNEL, rootTs)).toHaveLength(SECTIONS);
      expect(fake.thread(CHANNEL, quiet.rootTs ?? '')).toHaveLength(SECTIONS);
      expect(fake.invalidPayloads).toEqual([]);
      expect(second.lines.filter((l) => l.level >= 50)).toEqual([]);
      process.stdout.write(
        `restart-crash: ${stale.length} stale of ${2 * keys.length} messages (2 go-lives) → ${updates.length} chat.update after the restart\n`,
      );
    },
  );
});
