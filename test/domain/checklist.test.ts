// Checklist rules: flattening nested items, progress counts, and which item changes need a reason.
import { describe, expect, it } from 'vitest';
import {
  REASON_MAX_LENGTH,
  findItem,
  flattenItems,
  itemRecordOrOpen,
  progress,
  sectionProgress,
  validateItemChange,
} from '../../src/domain/checklist.js';
import type { ChecklistView, GoLive, ItemRecord, ItemState } from '../../src/domain/go-live.js';
import type { Template, TemplateItem } from '../../src/domain/template.js';
import { defaultTemplate } from '../../src/templates/default.js';

function item(id: string, items: TemplateItem[] = []): TemplateItem {
  return { id, text: `*${id}*`, required: true, items };
}

const template: Template = {
  id: 'small',
  name: 'Small go-live',
  version: 1,
  roles: { approver: { label: 'Go-live approver' } },
  signoff: { role: 'approver', approvals: 1, allowDeployer: false, evidenceMaxAgeMs: 86_400_000 },
  sections: [
    {
      id: 'security',
      title: 'Security Configuration',
      groups: [
        { title: 'Environment & Secrets', items: [item('secret-key'), item('debug-off')] },
        {
          title: 'Endpoints',
          items: [item('health-endpoints', [item('health-ping'), item('health-ready', [item('ready-db')])])],
        },
      ],
    },
    {
      id: 'database',
      title: 'Database',
      groups: [{ title: 'Backups', items: [item('backups'), item('restore-test')] }],
    },
  ],
  notes: [],
};

const goLive: GoLive = {
  id: '01JGOLIVE00000000000000000',
  service: 'checkout-api',
  environment: 'production',
  channelId: 'C1',
  startedBy: 'U0DEPLOYER',
  startedAt: 1_000,
  status: 'preparing',
  roles: {},
  template,
  version: 1,
};

function view(states: Record<string, ItemState>): ChecklistView {
  const items = new Map<string, ItemRecord>(
    Object.entries(states).map(([itemId, state]) => [itemId, { itemId, state, by: 'U0DBA', at: 2_000 }]),
  );
  return { goLive, items };
}

describe('flattenItems', () => {
  it('lists every item, sub-items after their parent, with section, group and depth', () => {
    const flat = flattenItems(template);
    expect(flat.map((f) => f.item.id)).toEqual([
      'secret-key',
      'debug-off',
      'health-endpoints',
      'health-ping',
      'health-ready',
      'ready-db',
      'backups',
      'restore-test',
    ]);
    expect(flat[4]).toMatchObject({
      sectionId: 'security',
      groupIndex: 1,
      groupTitle: 'Endpoints',
      parentId: 'health-endpoints',
      depth: 1,
    });
    expect(flat[5]).toMatchObject({ parentId: 'health-ready', depth: 2 });
    expect(flat[0]).not.toHaveProperty('parentId');
    expect(flat[6]).toMatchObject({ sectionId: 'database', groupIndex: 0, groupTitle: 'Backups', depth: 0 });
  });

  it('finds an item anywhere in the tree, and nothing for an unknown id', () => {
    expect(findItem(template, 'ready-db')?.sectionId).toBe('security');
    expect(findItem(template, 'no-such-item')).toBeUndefined();
  });
});

describe('progress', () => {
  it('counts done and N/A as resolved, and blocked, failed and N/A apart', () => {
    const p = progress(
      view({
        'secret-key': 'done',
        'debug-off': 'na',
        'health-ping': 'blocked',
        'ready-db': 'failed',
        backups: 'open',
      }),
    );
    expect(p).toEqual({ done: 2, total: 8, blocked: 1, failed: 1, na: 1 });
  });

  it('counts all 144 items of the default template, sub-items included', () => {
    const production: ChecklistView = { goLive: { ...goLive, template: defaultTemplate() }, items: new Map() };
    expect(progress(production)).toEqual({ done: 0, total: 144, blocked: 0, failed: 0, na: 0 });
    const perSection = production.goLive.template.sections.map(
      (section) => sectionProgress(production, section.id).total,
    );
    expect(perSection).toHaveLength(11);
    expect(perSection.reduce((a, b) => a + b, 0)).toBe(144);
  });

  it('starts at 0 of every item, nested ones included', () => {
    expect(progress(view({}))).toEqual({ done: 0, total: 8, blocked: 0, failed: 0, na: 0 });
  });

  it('ignores records of items the template does not have', () => {
    expect(progress(view({ 'removed-item': 'done' })).done).toBe(0);
  });

  it('counts one section at a time', () => {
    const v = view({ 'secret-key': 'done', 'ready-db': 'na', backups: 'blocked' });
    expect(sectionProgress(v, 'security')).toEqual({ done: 2, total: 6, blocked: 0, failed: 0, na: 1 });
    expect(sectionProgress(v, 'database')).toEqual({ done: 0, total: 2, blocked: 1, failed: 0, na: 0 });
    expect(sectionProgress(v, 'no-such-section')).toEqual({ done: 0, total: 0, blocked: 0, failed: 0, na: 0 });
  });
});

describe('itemRecordOrOpen', () => {
  it('returns the stored record of a touched item', () => {
    expect(itemRecordOrOpen(view({ backups: 'done' }), 'backups')).toEqual({
      itemId: 'backups',
      state: 'done',
      by: 'U0DBA',
      at: 2_000,
    });
  });

  it('returns an open record from the start of the go-live for an untouched item', () => {
    expect(itemRecordOrOpen(view({}), 'backups')).toEqual({
      itemId: 'backups',
      state: 'open',
      by: 'U0DEPLOYER',
      at: 1_000,
    });
  });
});

describe('validateItemChange', () => {
  it('accepts done and open without a reason', () => {
    expect(validateItemChange({ state: 'done' })).toEqual({ ok: true });
    expect(validateItemChange({ state: 'open', reason: '   ' })).toEqual({ ok: true });
  });

  it('refuses a reason on done and open', () => {
    expect(validateItemChange({ state: 'done', reason: 'because' })).toEqual({
      ok: false,
      reason: 'marking an item done takes no reason',
    });
  });

  it('requires a reason for N/A and blocked', () => {
    expect(validateItemChange({ state: 'na' })).toEqual({ ok: false, reason: 'marking an item N/A needs a reason' });
    expect(validateItemChange({ state: 'blocked', reason: ' \n ' })).toEqual({
      ok: false,
      reason: 'marking an item blocked needs a reason',
    });
    expect(validateItemChange({ state: 'na', reason: 'no database in this service' })).toEqual({ ok: true });
    expect(validateItemChange({ state: 'blocked', reason: 'waiting for the DBA' })).toEqual({ ok: true });
  });

  it('refuses a reason longer than 500 characters, and takes one of exactly 500', () => {
    expect(validateItemChange({ state: 'blocked', reason: 'x'.repeat(REASON_MAX_LENGTH) })).toEqual({ ok: true });
    expect(validateItemChange({ state: 'blocked', reason: 'x'.repeat(REASON_MAX_LENGTH + 1) })).toEqual({
      ok: false,
      reason: 'the reason is 501 characters long (at most 500)',
    });
  });

  it('after Go live, needs a reason for every change a person makes, done and open too', () => {
    const after = { afterGoLive: true };
    for (const state of ['done', 'open', 'na', 'blocked'] as const) {
      expect(validateItemChange({ state }, after)).toEqual({
        ok: false,
        reason: 'the checklist is locked after Go live: a change needs a reason',
      });
      expect(validateItemChange({ state, reason: ' hotfix verified in production ' }, after)).toEqual({ ok: true });
    }
    expect(validateItemChange({ state: 'done', reason: 'x'.repeat(REASON_MAX_LENGTH + 1) }, after)).toEqual({
      ok: false,
      reason: 'the reason is 501 characters long (at most 500)',
    });
  });

  it('lets an automatic check mark an item failed, with or without a note', () => {
    expect(validateItemChange({ state: 'failed' })).toEqual({ ok: true });
    expect(validateItemChange({ state: 'failed', reason: 'certificate expires in 10 days (want ≥ 30)' })).toEqual({
      ok: true,
    });
  });
});
