// DEPLOYMENT.md's backup and restore, as an operator runs them: `golive backup` (its own process) while the bot
// runs and is being clicked; the documented restore (the backup becomes the database file of a new directory);
// a new bot process starts on it, catches its threads up without a Slack call (they show what the backup
// holds) and every go-live, item and audit event is there as it was when the backup was taken.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';
import { BotProcess } from '../support/bot-process.js';
import { runGoliveCli } from '../support/cli-process.js';
import { DEPLOYER, Harness, SECRET } from '../integration/harness.js';
import { tempDir } from '../platform/helpers.js';

/** Everything a restore must bring back, read through the store. */
async function contents(store: SqliteStore) {
  const active = await store.listActive();
  return Promise.all(
    active
      .sort((a, b) => a.service.localeCompare(b.service))
      .map(async (goLive) => {
        const view = await store.getChecklist(goLive.id);
        return {
          goLive,
          items: [...(view?.items.entries() ?? [])].sort(([a], [b]) => a.localeCompare(b)),
          audit: await store.auditTrail(goLive.id),
          // What each Slack message shows (the catch-up may record a newer version of an unchanged message).
          messages: (await store.getMessages(goLive.id))
            .map(({ key, ts, renderedHash }) => ({ key, ts, renderedHash }))
            .sort((a, b) => a.key.localeCompare(b.key)),
        };
      }),
  );
}

let harness: Harness;
let restoreDir: ReturnType<typeof tempDir>;
let bot: BotProcess | undefined;

beforeEach(async () => {
  harness = await Harness.start();
  restoreDir = tempDir();
});

afterEach(async () => {
  await bot?.kill();
  bot = undefined;
  await harness.stop();
  restoreDir.remove();
});

describe('back up while the bot runs, restore into a fresh file', () => {
  it(
    'a new bot on the restored file has every go-live, item and audit event, and its threads need no Slack call',
    { timeout: 90_000 },
    async () => {
      const checkout = await harness.startGoLive('checkout-api');
      const billing = await harness.startGoLive('billing-api', 'production https://billing.example.com');
      for (const [goLive, itemId, user] of [
        [checkout, 'secret-key', 'U0DANA'],
        [checkout, 'debug-off', 'U0SAM'],
        [billing, 'secret-key', DEPLOYER],
      ] as const) {
        expect((await harness.click(goLive, itemId, 'done', user)).status).toBe(200);
      }
      await Harness.until(
        async () => (await harness.store.auditTrail(billing.id)).length >= 2,
        'the ticks in the audit trail',
      );
      await harness.slackApp.services.work.idle();
      await harness.slackApp.services.renderer.idle();

      // The backup, by the CLI in its own process, while the bot keeps the database open.
      const backupFile = join(restoreDir.dir, 'backups', 'golive-backup.db');
      const backup = await runGoliveCli(['backup', backupFile], {
        DATABASE_URL: `file:${join(harness.dir, 'golive.db')}`,
      });
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      expect(backup.stdout).toMatch(/^backed up .* to .*golive-backup\.db \(\d+ pages\)\n$/);
      const expected = await contents(harness.store);
      expect(expected.map((g) => g.goLive.service)).toEqual(['billing-api', 'checkout-api']);
      expect(expected.flatMap((g) => g.audit).length).toBeGreaterThanOrEqual(5);

      // The restore: the backup becomes golive.db of a directory with no -wal or -shm beside it.
      const restored = join(restoreDir.dir, 'golive.db');
      copyFileSync(backupFile, restored);
      expect(existsSync(`${restored}-wal`)).toBe(false);
      const callsBefore = harness.fake.calls.length;
      bot = BotProcess.start({ apiUrl: harness.fake.apiUrl, databaseFile: restored, signingSecret: SECRET });
      const caughtUp = await bot.waitLog('threads caught up');
      expect(caughtUp).toMatchObject({ goLives: 2, failed: 0, posts: 0, updates: 0 });
      expect(harness.fake.calls.slice(callsBefore).map((c) => c.method)).toEqual(['auth.test']);

      // The restored bot answers from the restored state.
      const status = await fetch(`${await bot.baseUrl()}/health/status`);
      expect(await status.json()).toMatchObject({ activeGoLives: 2, databaseWritable: true });

      bot.signal('SIGTERM');
      expect(await bot.exited).toBe(0);
      bot = undefined;
      const reopened = openSqliteStore({ file: restored, clock: systemClock });
      try {
        expect(await contents(reopened)).toEqual(expected);
      } finally {
        await reopened.close();
      }
    },
  );
});
