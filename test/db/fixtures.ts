// Test fixtures for the store: a small template, a settable clock, and temp directories removed after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Clock } from '../../src/clock.js';
import type { Template, TemplateItem } from '../../src/domain/template.js';
import type { NewGoLive } from '../../db/store.js';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';

export function item(id: string, text = id, items: TemplateItem[] = []): TemplateItem {
  return { id, text, required: true, items };
}

/** Two sections; `health-endpoints` has two sub-items, as in the seed. 6 items in all. */
export function smallTemplate(): Template {
  return {
    id: 'small',
    name: 'Small go-live',
    version: 1,
    roles: { approver: { label: 'Go-live approver' }, primary: { label: 'Primary On-Call' } },
    signoff: { role: 'approver', approvals: 1, allowDeployer: false, evidenceMaxAgeMs: 24 * 3600_000 },
    sections: [
      {
        id: 'security',
        title: 'Security Configuration',
        emoji: ':lock:',
        groups: [
          { title: 'Environment & Secrets', items: [item('secret-key'), item('debug-off')] },
          {
            title: 'Endpoints',
            items: [
              item('health-endpoints', '*Health endpoints* accessible', [item('health-ping'), item('health-ready')]),
            ],
          },
        ],
      },
      { id: 'database', title: 'Database', groups: [{ title: 'Backups', items: [item('backups')] }] },
    ],
    notes: ['Date', 'Notes'],
    approval: 'Deployment Approved By',
  };
}

/** A template with `count` flat items `item-0`…, for bursts. */
export function wideTemplate(count: number): Template {
  const base = smallTemplate();
  const items = Array.from({ length: count }, (_, i) => item(`item-${i}`));
  return { ...base, id: 'wide', sections: [{ id: 'all', title: 'All', groups: [{ title: 'All', items }] }] };
}

export function newGoLive(overrides: Partial<NewGoLive> = {}): NewGoLive {
  return {
    service: 'checkout-api',
    environment: 'production',
    url: 'https://checkout.example.com',
    channelId: 'C0DEPLOY',
    startedBy: 'U0DEPLOYER',
    roles: { approver: ['<@U0APPROVER>'], primary: ['<!subteam^S0ONCALL|@oncall>'] },
    template: smallTemplate(),
    ...overrides,
  };
}

export interface TestClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 0, 15, 9, 0, 0)): TestClock {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Temp directories and stores for one test file: stores are closed, then directories removed, after each test. */
export function useStores(): {
  dir(): string;
  open(file: string, clock?: Clock): SqliteStore;
  track(store: SqliteStore): void;
} {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir() {
      const dir = mkdtempSync(join(tmpdir(), 'golive-store-'));
      dirs.push(dir);
      return dir;
    },
    open(file, clock = testClock()) {
      const store = openSqliteStore({ file, clock });
      stores.push(store);
      return store;
    },
    track(store) {
      stores.push(store);
    },
  };
}
