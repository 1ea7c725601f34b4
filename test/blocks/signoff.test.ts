// The approval request and the refusals, as people read them, within Slack's limits.
import { describe, expect, it } from 'vitest';
import { flattenItems } from '../../src/domain/checklist.js';
import type { ItemRecord } from '../../src/domain/go-live.js';
import { formatProblems, validateMessage } from '../../src/slack/blocks/limits.js';
import { refusalText, renderApprovalRequest } from '../../src/slack/blocks/signoff.js';
import { ACTION } from '../../src/slack/ids.js';
import { defaultTemplate } from '../../src/templates/default.js';
import { goLive, T0, view } from './fixtures.js';

const tpl = defaultTemplate();

describe('renderApprovalRequest', () => {
  it('counts, names the first ten open required items then a count, lists sections not signed off, and binds its buttons to the request', () => {
    const g = goLive(tpl, { status: 'awaiting_approval' });
    const ids = flattenItems(tpl).map((f) => f.item.id);
    const done: ItemRecord[] = ids.slice(0, 4).map((itemId) => ({ itemId, state: 'done', by: 'U1', at: T0 }));
    const v = { ...view(g, done), signOff: { round: 3, approvals: [], sections: [] } };
    const m = renderApprovalRequest(v, v.signOff, T0);
    expect(formatProblems(validateMessage(m))).toBe('');
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('✅ 4 done · ➖ 0 N/A · ☐ 140 open · ⛔ 0 blocked · ❌ 0 failed');
    expect(text).toContain('…and 127 more open required items');
    expect(text).toContain(
      'Sections not yet signed off: Security Configuration (Infrastructure Team), Database Configuration (Database Admin)',
    );
    const buttons = (m.blocks.find((b) => b.type === 'actions') as { elements: { action_id: string; value: string }[] })
      .elements;
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.approve, `${g.id}|3`],
      [ACTION.reject, `${g.id}|3`],
    ]);
  });
});

describe('refusalText', () => {
  it('says who may act instead, and never loses the group that could not be read', () => {
    const g = goLive(tpl, { roles: { approver: ['<@U0ANA>', '<!subteam^S0REL>'] } });
    expect(
      refusalText(
        { code: 'not-role-holder', role: 'approver', label: 'Go-live approver', unresolvedGroups: ['S0REL'] },
        g,
      ),
    ).toBe(
      'only a *Go-live approver* may do that; that role is held by <@U0ANA>, <!subteam^S0REL>. I could not read the members of <!subteam^S0REL> from Slack; try again in a minute.',
    );
    expect(refusalText({ code: 'four-eyes', deployer: g.startedBy }, g)).toContain('four eyes');
  });
});
