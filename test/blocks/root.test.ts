import { describe, expect, it } from 'vitest';
import { flattenItems } from '../../src/domain/checklist.js';
import type { ItemRecord } from '../../src/domain/go-live.js';
import { defaultTemplate } from '../../src/templates/default.js';
import { ACTION } from '../../src/slack/ids.js';
import { progressBar } from '../../src/slack/blocks/common.js';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import { formatProblems, validateMessage } from '../../src/slack/blocks/limits.js';
import { renderRoot } from '../../src/slack/blocks/root.js';
import { goLive, T0, view } from './fixtures.js';

const tpl = defaultTemplate();

function allText(m: SlackMessage): string {
  return JSON.stringify(m.blocks);
}

function texts(m: SlackMessage): string {
  return (m.blocks as unknown as { text?: { text: string }; elements?: { text?: string | { text: string } }[] }[])
    .flatMap((b) => [
      b.text?.text ?? '',
      ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : (e.text?.text ?? ''))),
    ])
    .join('\n');
}

/** The first `done` items done, then 2 blocked, 1 failed, 3 N/A (N/A counts as resolved). */
function records(done: number): ItemRecord[] {
  const ids = flattenItems(tpl).map((f) => f.item.id);
  const out: ItemRecord[] = [];
  ids.slice(0, done - 3).forEach((id) => out.push({ itemId: id, state: 'done', by: 'U1', at: T0 }));
  ids
    .slice(done - 3, done)
    .forEach((id) => out.push({ itemId: id, state: 'na', by: 'U1', at: T0, reason: 'not here' }));
  ids
    .slice(done, done + 2)
    .forEach((id) => out.push({ itemId: id, state: 'blocked', by: 'U2', at: T0, reason: 'waiting' }));
  ids.slice(done + 2, done + 3).forEach((id) => out.push({ itemId: id, state: 'failed', by: 'golive', at: T0 }));
  return out;
}

describe('renderRoot', () => {
  it('shows service, environment, URL, who started it and when, roles, status, progress and counts', () => {
    const m = renderRoot(view(goLive(tpl), records(37)));
    expect(formatProblems(validateMessage(m))).toBe('');
    const t = texts(m);
    expect(t).toContain('Go-live: checkout-api · production');
    expect(t).toContain('<https://checkout.example.com/|https://checkout.example.com>');
    expect(t).toContain(
      `*Started by* <@U0STARTER1> · <!date^${T0 / 1000}^{date_short_pretty} {time}|2026-11-29 18:00 UTC>`,
    );
    expect(t).toContain('*Go-live approver:* <@U0APPROVE1>');
    expect(t).toContain('*Primary On-Call:* <@U0PRIMARY1>');
    expect(t).toContain('*Database Admin:* <!subteam^S0DBA0001>');
    expect(t).toContain('*Secondary On-Call:* _not set_');
    expect(t).toContain('Preparing');
    expect(t).toContain('37/144');
    expect(t).toContain('▰▰▰▱▱▱▱▱▱▱ 25%');
    expect(t).toContain('⛔ 2 blocked · ❌ 1 failed · ➖ 3 N/A');
    expect(m.text).toBe('Go-live checkout-api · production: 37/144 done, preparing');
  });

  it('starts at 0/144 and offers Run checks with the go-live id', () => {
    const g = goLive(tpl);
    const m = renderRoot(view(g));
    expect(texts(m)).toContain('0/144  ▱▱▱▱▱▱▱▱▱▱ 0%');
    const actions = (m.blocks as unknown as { type: string; elements?: { action_id: string; value: string }[] }[]).find(
      (b) => b.type === 'actions',
    );
    expect(actions?.elements?.[0]).toMatchObject({ action_id: ACTION.runChecks, value: g.id });
  });

  it('says checks are running instead of offering a second run, and offers nothing once finished', () => {
    expect(allText(renderRoot(view(goLive(tpl)), { checksRunning: true }))).not.toContain(ACTION.runChecks);
    expect(texts(renderRoot(view(goLive(tpl)), { checksRunning: true }))).toContain('Checks are running');
    const aborted = renderRoot(view(goLive(tpl, { status: 'aborted' })));
    expect(allText(aborted)).not.toContain(ACTION.runChecks);
    expect(texts(aborted)).toContain('Aborted');
  });

  it.each([
    ['preparing', 'Preparing'],
    ['awaiting_approval', 'Awaiting approval'],
    ['approved', 'Approved'],
    ['rejected', 'Rejected'],
    ['live', 'Live'],
    ['completed', 'Completed'],
    ['rolled_back', 'Rolled back'],
    ['aborted', 'Aborted'],
  ] as const)('shows status %s as "Status: … %s"', (status, words) => {
    const m = renderRoot(view(goLive(tpl, { status })));
    expect(texts(m)).toMatch(new RegExp(`\\*Status:\\* :[a-z_]+: ${words}\n`));
    expect(m.text).toMatch(new RegExp(`, ${words.toLowerCase()}$`));
  });

  it('stays within the limits with the longest names, a long URL and many people in many roles', () => {
    const many = Array.from({ length: 200 }, (_, i) => `<@U${String(i).padStart(9, '0')}|person-${i}>`);
    const roles = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`role-${i}`, many]));
    const g = goLive(tpl, {
      service: 'S'.repeat(80),
      environment: 'E'.repeat(40),
      url: `https://checkout.example.com/${'p'.repeat(470)}`,
      httpUrl: `http://checkout.example.com/${'p'.repeat(470)}`,
      roles: { ...roles, approver: many },
    });
    const m = renderRoot(view(g, records(100)));
    expect(formatProblems(validateMessage(m))).toBe('');
    const t = texts(m);
    expect(t).toContain(`Go-live: ${'S'.repeat(80)} · ${'E'.repeat(40)}`);
    expect(t).toContain('*HTTP URL:* <http://checkout.example.com/ppp');
    expect(t).toMatch(/\+\d+ more/);
    expect(t).toMatch(/…and \d+ more roles/);
  });

  it('escapes hostile names and roles, and never pings the channel', () => {
    const g = goLive(tpl, {
      service: '<script>'.repeat(1000),
      environment: '<!channel> <@U1> 🚀🔥',
      url: 'javascript:alert(1)<!here>',
      roles: { approver: ['<!channel>', '<!here|here>', '<@U1|dana>', 'plain words & <tags>'] },
    });
    const m = renderRoot(view(g));
    expect(formatProblems(validateMessage(m))).toBe('');
    const t = allText(m);
    expect(t).not.toContain('<script>');
    expect(t).not.toContain('<!channel>');
    expect(t).not.toContain('<!here');
    expect(t).toContain('&lt;!channel&gt;');
    expect(t).toContain('<@U1>');
    expect(t).toContain('plain words &amp; &lt;tags&gt;');
    expect(m.text).not.toContain('<script>');
    expect(m.text.length).toBeLessThan(300);
  });
});

describe('progressBar', () => {
  it('never shows done before the last item', () => {
    expect(progressBar(0, 144)).toBe('▱▱▱▱▱▱▱▱▱▱ 0%');
    expect(progressBar(143, 144)).toBe('▰▰▰▰▰▰▰▰▰▱ 99%');
    expect(progressBar(144, 144)).toBe('▰▰▰▰▰▰▰▰▰▰ 100%');
    expect(progressBar(0, 0)).toBe('▱▱▱▱▱▱▱▱▱▱ 0%');
  });
});
