// The record of a go-live with the default template, built from a real SQLite store: the Markdown has the seed's
// layout, and reading it back gives every one of the seed's 144 items with its state, who, when and why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flattenItems } from '../../src/domain/checklist.js';
import type { Store } from '../../db/store.js';
import type { ItemState } from '../../src/domain/go-live.js';
import { packageRoot } from '../../src/paths.js';
import { recordJson, recordMarkdown } from '../../src/record/markdown.js';
import { buildRecord } from '../../src/record/record.js';
import type { GoLiveRecord } from '../../src/record/record.js';
import { defaultTemplate } from '../../src/templates/default.js';
import { newGoLive, testClock, useStores } from '../db/fixtures.js';

const stores = useStores();
const seed = readFileSync(join(packageRoot, 'test/templates/fixtures/production-go-live-checklist.md'), 'utf8');

const NAMES = new Map([
  ['U0DANA', 'Dana Scully'],
  ['U0LEE', 'Lee Adama'],
  ['U0SAM', 'Sam Carter'],
  ['U0APPROVER', 'Ana Approver'],
]);
const nameOf = (id: string) => NAMES.get(id);

interface ReadItem {
  section: string;
  group: string;
  depth: number;
  checked: boolean;
  text: string;
  outcome?: { state: string; reason?: string; name: string; when: string };
}

/** Reads a checklist in the seed's layout, the seed itself or a record: `## ` sections, `### ` groups, items. */
function readChecklist(markdown: string): { sections: string[]; items: ReadItem[] } {
  const sections: string[] = [];
  const items: ReadItem[] = [];
  let section = '';
  let group = '';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) sections.push((section = line.slice(3)));
    else if (line.startsWith('### ')) group = line.slice(4);
    const m = /^( *)- \[( |x)\] (.+)$/.exec(line);
    if (!m) continue;
    const [, indent = '', box, rest = ''] = m;
    const outcome =
      /^(.*?) — (?:(done) by|reopened by|(N\/A|blocked|failed)(?: \((.*)\))? — by) (.+), (\d{4}-\d\d-\d\d \d\d:\d\d UTC)$/.exec(
        rest,
      );
    const item: ReadItem = {
      section,
      group,
      depth: indent.length / 2,
      checked: box === 'x',
      text: outcome?.[1] ?? rest,
    };
    if (outcome) {
      item.outcome = { state: outcome[2] ?? outcome[3] ?? 'reopened', name: outcome[5]!, when: outcome[6]! };
      if (outcome[4] !== undefined) item.outcome.reason = outcome[4];
    }
    items.push(item);
  }
  return { sections, items };
}

const STATES: { state: ItemState; actor: string; reason?: string }[] = [
  { state: 'done', actor: 'U0DANA' },
  { state: 'na', actor: 'U0LEE', reason: 'no such service here' },
  { state: 'blocked', actor: 'U0SAM', reason: 'waiting on the DBA' },
  { state: 'open', actor: 'U0DANA' },
  { state: 'failed', actor: 'golive', reason: 'certificate expires in 10 days (want ≥ 30)' },
];

/** The record of a go-live as the store has it now (no notes). */
async function recordOf(store: Store, goLiveId: string, generatedAt: number): Promise<GoLiveRecord> {
  const view = await store.getChecklist(goLiveId);
  if (!view) throw new Error('expected the checklist');
  const trail = await store.auditTrail(goLiveId);
  return buildRecord({ goLive: view.goLive, items: view.items, trail, notes: [], generatedAt }, nameOf);
}

async function recordOfEveryItem(): Promise<{
  record: GoLiveRecord;
  expected: Map<string, { state: ItemState; actor?: string; reason?: string; at?: number }>;
}> {
  const clock = testClock(Date.UTC(2026, 11, 1, 13, 0));
  const store = stores.open(join(stores.dir(), 'golive.db'), clock);
  const started = await store.startGoLive(
    newGoLive({
      template: defaultTemplate(),
      roles: { approver: ['<@U0APPROVER>'], primary: ['<@U0LEE>'], dba: ['<!subteam^S0DBA|@dba-team>'] },
    }),
  );
  if (!started.ok) throw new Error('expected a start');
  const expected = new Map<string, { state: ItemState; actor?: string; reason?: string; at?: number }>();
  const flat = flattenItems(started.goLive.template);
  for (const [index, { item }] of flat.entries()) {
    // Every sixth item is left untouched; the others take each state in turn (a reopened one was done first).
    const plan = index % 6 === 5 ? undefined : STATES[index % 6];
    clock.advance(60_000);
    if (!plan) {
      expected.set(item.id, { state: 'open' });
      continue;
    }
    if (plan.state === 'open') {
      await store.changeItem({ goLiveId: started.goLive.id, itemId: item.id, state: 'done', actor: plan.actor });
      clock.advance(60_000);
    }
    const change = { goLiveId: started.goLive.id, itemId: item.id, state: plan.state, actor: plan.actor };
    const result = await store.changeItem(plan.reason ? { ...change, reason: plan.reason } : change);
    if (!result.ok || !result.changed) throw new Error(`expected ${item.id} to change`);
    expected.set(item.id, {
      state: plan.state,
      actor: plan.actor,
      ...(plan.reason ? { reason: plan.reason } : {}),
      at: clock.now(),
    });
  }
  return { record: await recordOf(store, started.goLive.id, clock.now()), expected };
}

const WORD: Record<ItemState, string> = {
  done: 'done',
  na: 'N/A',
  blocked: 'blocked',
  failed: 'failed',
  open: 'reopened',
};

describe('the record in Markdown', () => {
  it('round-trips every item of the seed, in its section and group, with its state, who, when and why', async () => {
    const { record, expected } = await recordOfEveryItem();
    const markdown = recordMarkdown(record);
    const fromSeed = readChecklist(seed);
    const fromRecord = readChecklist(markdown);

    expect(fromRecord.items).toHaveLength(144);
    expect(fromRecord.items.map(({ section, group, depth, text }) => ({ section, group, depth, text }))).toEqual(
      fromSeed.items.map(({ section, group, depth, text }) => ({ section, group, depth, text })),
    );
    // Section headings are the seed's own lines (emoji included), then the seed's contacts and notes blocks.
    const seedSections = fromSeed.sections.filter((s) => s !== 'Flask Schedule Webapp - Pre-Launch Verification');
    expect(fromRecord.sections.filter((s) => seedSections.includes(s))).toEqual(seedSections);

    const flat = flattenItems(defaultTemplate());
    flat.forEach(({ item }, index) => {
      const want = expected.get(item.id)!;
      const got = fromRecord.items[index]!;
      expect(got.checked, item.id).toBe(want.state === 'done' || want.state === 'na');
      if (!want.actor) {
        expect(got.outcome, item.id).toBeUndefined();
        return;
      }
      expect(got.outcome, item.id).toEqual({
        state: WORD[want.state],
        name: want.actor === 'golive' ? 'Golive' : NAMES.get(want.actor),
        when: `${new Date(want.at!).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        ...(want.reason ? { reason: want.reason } : {}),
      });
    });
  });

  it('fills the seed’s contacts and leaves the approval line blank until someone approves', async () => {
    const { record } = await recordOfEveryItem();
    const markdown = recordMarkdown(record);
    expect(markdown).toContain('## 🆘 Emergency Contacts');
    expect(markdown).toContain(
      'Primary On-Call: Lee Adama\nSecondary On-Call: _____________________\nDatabase Admin: @dba-team\n',
    );
    expect(markdown).toContain('- **Started by:** U0DEPLOYER, 2026-12-01 13:00 UTC');
    expect(markdown).toContain(`- **Progress:** ${record.progress.done}/144`);
    expect(markdown.trimEnd().split('\n').at(-1)).toBe(
      '**Deployment Approved By:** _____________________  **Date:** ___________',
    );
    expect(markdown).toMatch(/^\d+ events, hash chain intact; last hash `[0-9a-f]{64}`/m);
  });

  it('keeps text people typed on one line, so it cannot add an item or a heading', async () => {
    const clock = testClock();
    const store = stores.open(join(stores.dir(), 'golive.db'), clock);
    const started = await store.startGoLive(newGoLive());
    if (!started.ok) throw new Error('expected a start');
    await store.changeItem({
      goLiveId: started.goLive.id,
      itemId: 'backups',
      state: 'na',
      actor: 'U0LEE',
      reason: 'see below\n- [x] **forged** item\n## Fake',
    });
    const record = await recordOf(store, started.goLive.id, clock.now());
    const markdown = recordMarkdown(record);
    expect(readChecklist(markdown).items.map((i) => i.text)).toEqual([
      'secret-key',
      'debug-off',
      '**Health endpoints** accessible',
      'health-ping',
      'health-ready',
      'backups',
    ]);
    expect(markdown).toContain(
      '- [x] backups — N/A (see below - [x] **forged** item ## Fake) — by Lee Adama, 2026-01-15 09:00 UTC',
    );
    expect(markdown).not.toMatch(/^## Fake/m);
  });
});

describe('the record in JSON', () => {
  it('has everything: the go-live, every item with people by id and name, and the audit trail with hashes', async () => {
    const { record } = await recordOfEveryItem();
    const json = JSON.parse(recordJson(record)) as GoLiveRecord;
    expect(json.format).toBe('golive-record/1');
    expect(json.goLive).toMatchObject({
      service: 'checkout-api',
      environment: 'production',
      statusLabel: 'Preparing',
      template: { id: 'production' },
    });
    const first = json.sections[0]!.groups[0]!.items[0]!;
    expect(first).toMatchObject({
      id: 'secret-key',
      text: '**SECRET_KEY** generated with cryptographically secure random value (64+ characters)',
      state: 'done',
      by: { id: 'U0DANA', name: 'Dana Scully' },
    });
    expect(json.audit.events).toHaveLength(record.audit.count);
    expect(json.audit.events[1]).toMatchObject({
      action: 'item',
      actor: 'U0DANA',
      actorName: 'Dana Scully',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(json.audit).toMatchObject({ intact: true, head: json.audit.events.at(-1)!.hash });
    expect(json.roles.find((r) => r.role === 'dba')).toEqual({
      role: 'dba',
      label: 'Database Admin',
      people: [{ id: 'S0DBA', name: '@dba-team' }],
    });
  });
});
