// `golive report` in-process on a real database file: the Markdown and JSON records, and clear usage errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import { main } from '../../src/cli.js';
import type { GoLiveRecord } from '../../src/record/record.js';
import { newGoLive, testClock } from '../db/fixtures.js';
import { recordingIo } from '../support/cli-io.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** checkout-api aborted in production, then started again in staging with one item done. */
async function database(): Promise<{ file: string; productionId: string }> {
  dir = mkdtempSync(join(tmpdir(), 'golive-report-'));
  const file = join(dir, 'golive.db');
  const clock = testClock(Date.UTC(2026, 11, 1, 14, 0));
  const store = openSqliteStore({ file, clock });
  const production = await store.startGoLive(newGoLive());
  if (!production.ok) throw new Error('expected a start');
  clock.advance(3 * 60_000);
  await store.changeItem({ goLiveId: production.goLive.id, itemId: 'secret-key', state: 'done', actor: 'U0DANA' });
  await store.abortGoLive(production.goLive.id, 'U0DANA', 'moved to Friday');
  const staging = await store.startGoLive(newGoLive({ environment: 'staging' }));
  if (!staging.ok) throw new Error('expected a start');
  await store.changeItem({
    goLiveId: staging.goLive.id,
    itemId: 'backups',
    state: 'na',
    actor: 'U0LEE',
    reason: 'no data',
  });
  await store.close();
  return { file, productionId: production.goLive.id };
}

async function report(file: string, ...args: string[]) {
  const io = recordingIo({ DATABASE_URL: file });
  const code = await main(['report', ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('golive report', () => {
  it('prints the Markdown record of the latest production go-live of a service', async () => {
    const { file, productionId } = await database();
    const result = await report(file, 'checkout-api');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('# Small go-live: checkout-api (production)');
    expect(result.out).toContain('- **Status:** Aborted');
    expect(result.out).toContain('- **Ended:** Aborted (moved to Friday) — by U0DANA, 2026-12-01 14:03 UTC');
    expect(result.out).toContain('- [x] secret-key — done by U0DANA, 2026-12-01 14:03 UTC');
    expect(result.out).toContain(`- **Go-live id:** ${productionId}`);
    expect((await report(file, productionId)).out).toBe(result.out);
  });

  it('prints JSON with --format json, for another environment with --env', async () => {
    const { file } = await database();
    const result = await report(file, 'checkout-api', '--env', 'staging', '--format', 'json');
    expect(result.code).toBe(0);
    const record = JSON.parse(result.out) as GoLiveRecord;
    expect(record.goLive).toMatchObject({ environment: 'staging', status: 'preparing' });
    expect(record.sections[1]!.groups[0]!.items[0]).toMatchObject({
      id: 'backups',
      state: 'na',
      reason: 'no data',
      by: { id: 'U0LEE' },
    });
  });

  it('exits 2 with usage on bad arguments and an unknown service', async () => {
    const { file } = await database();
    expect(await report(file)).toMatchObject({ code: 2, err: expect.stringContaining('usage: golive report') });
    expect(await report(file, 'checkout-api', '--format', 'pdf')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--format is md or json, got "pdf"'),
    });
    expect(await report(file, 'nope')).toMatchObject({
      code: 2,
      err: 'golive report: no go-live nope and no go-live of service nope in production\n',
      out: '',
    });
  });
});
