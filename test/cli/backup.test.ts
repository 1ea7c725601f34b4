// `golive backup` in-process: an online copy of a live database, and clear refusals that never create files.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import { main } from '../../src/cli.js';
import { recordingIo } from '../support/cli-io.js';
import { newGoLive, testClock } from '../db/fixtures.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tempDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'golive-backup-'));
  return dir;
}

describe('golive backup', () => {
  it('copies the database while the bot keeps it open, and the copy holds the go-live', async () => {
    const root = tempDir();
    const live = openSqliteStore({ file: join(root, 'golive.db'), clock: testClock() });
    const started = await live.startGoLive(newGoLive({ service: 'checkout-api' }));
    expect(started.ok).toBe(true);

    const io = recordingIo({ DATABASE_URL: `file:${join(root, 'golive.db')}` });
    const code = await main(['backup', join(root, 'backups', 'copy.db')], io);

    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(io.out).toMatch(/^backed up .*golive\.db to .*copy\.db \(\d+ pages\)\n$/);
    const copy = openSqliteStore({ file: join(root, 'backups', 'copy.db'), clock: testClock() });
    expect((await copy.listActive()).map((g) => g.service)).toEqual(['checkout-api']);
    await copy.close();
    await live.close();
  });

  it('refuses a missing database without creating one, and never overwrites a file', async () => {
    const root = tempDir();
    const missing = recordingIo({ DATABASE_URL: join(root, 'nope.db') });
    expect(await main(['backup', join(root, 'copy.db')], missing)).toBe(1);
    expect(missing.err).toContain('no database at');
    expect(existsSync(join(root, 'nope.db'))).toBe(false);
    expect(existsSync(join(root, 'copy.db'))).toBe(false);

    const store = openSqliteStore({ file: join(root, 'golive.db'), clock: testClock() });
    await store.close();
    const io = recordingIo({ DATABASE_URL: join(root, 'golive.db') });
    expect(await main(['backup', join(root, 'golive.db')], io)).toBe(1);
    expect(io.err).toContain('the backup file is the database itself');
  });

  it('answers usage errors with exit 2', async () => {
    const io = recordingIo();
    expect(await main(['backup'], io)).toBe(2);
    expect(io.err).toContain('usage: golive backup <file>');
    tempDir();
  });
});
