import { describe, expect, it } from 'vitest';
import { flattenItems } from '../../src/domain/checklist.js';
import type { ItemRecord } from '../../src/domain/go-live.js';
import { defaultTemplate } from '../../src/templates/default.js';
import { ACTION, decodeItemAction } from '../../src/slack/ids.js';
import { countBlockText, formatProblems, LIMITS, validateMessage } from '../../src/slack/blocks/limits.js';
import { fairCap, renderAllSections, renderSection, SECTION_BUDGET } from '../../src/slack/blocks/section.js';
import type { SectionMessage } from '../../src/slack/blocks/section.js';
import {
  everyItemAnnotated,
  goLive,
  hugeSection,
  item,
  monitoringSection,
  securitySection,
  T0,
  template,
  view,
} from './fixtures.js';

function expectValid(messages: SectionMessage[]): void {
  for (const m of messages) {
    expect(formatProblems(validateMessage(m)), m.key).toBe('');
  }
}

type AnyBlock = {
  type: string;
  block_id?: string;
  text?: { text: string };
  accessory?: { options: { text: { text: string }; value: string }[] };
  elements?: { action_id: string; value: string }[];
};

function blocksOf(m: SectionMessage): AnyBlock[] {
  return m.blocks as unknown as AnyBlock[];
}

function itemBlock(m: SectionMessage, itemId: string): AnyBlock {
  const b = blocksOf(m).find((x) => x.block_id === `item:${itemId}`);
  if (!b) throw new Error(`no block for ${itemId}`);
  return b;
}

const longService = 'S'.repeat(80);
const longEnv = 'E'.repeat(40);

describe('renderSection on the default template', () => {
  const tpl = defaultTemplate();

  it('renders every section of a fresh go-live within the limits, one message each', () => {
    const messages = renderAllSections(view(goLive(tpl)));
    expect(messages.map((m) => m.key)).toEqual(tpl.sections.map((s) => s.id));
    expectValid(messages);
  });

  it('keeps every section in one message with every item annotated, long reasons, evidence and longest names', () => {
    const g = goLive(tpl, { service: longService, environment: longEnv, url: `https://x.example/${'p'.repeat(480)}` });
    const v = view(g, everyItemAnnotated(tpl));
    for (const s of tpl.sections) {
      const messages = renderSection(v, s.id);
      expect(messages).toHaveLength(1);
      expectValid(messages);
      const [m] = messages;
      expect(m!.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
      expect(countBlockText(m!.blocks)).toBeLessThanOrEqual(LIMITS.messageTextBudget);
    }
  });

  it('shows the largest section (security, 22 items) with header progress, groups, icons, who and when', () => {
    const records: ItemRecord[] = [
      { itemId: 'secret-key', state: 'done', by: 'U1', at: T0 + 60_000 },
      {
        itemId: 'env-permissions',
        state: 'na',
        by: 'U2',
        at: T0,
        reason: 'no .env file: secrets come from <Vault> & KMS',
      },
      { itemId: 'credentials-in-env', state: 'blocked', by: 'U3', at: T0, reason: 'waiting for the vault team' },
    ];
    const flat = flattenItems(tpl).filter((f) => f.sectionId === 'security');
    const ids = flat.map((f) => f.item.id);
    // Use real ids from the template whatever they are called.
    records.forEach((r, i) => (r.itemId = ids[i] ?? r.itemId));
    const [m] = renderSection(view(goLive(tpl), records), 'security');
    expect(m).toBeDefined();
    const blocks = blocksOf(m!);
    expect(blocks[0]?.type).toBe('header');
    expect(blocks[0]?.text?.text).toBe(':lock: Security Configuration — 2/22');
    expect(m!.text).toContain('2/22');
    const texts = blocks.map((b) => b.text?.text ?? '').join('\n');
    expect(texts).toContain('*Environment &amp; Secrets*');
    expect(texts).toContain('*Application Security*');
    const done = itemBlock(m!, ids[0]!).text!.text;
    expect(done.startsWith('✅ ')).toBe(true);
    expect(done).toContain('_done_ by <@U1> <!date^');
    const na = itemBlock(m!, ids[1]!).text!.text;
    expect(na).toMatch(/^➖ /);
    expect(na).toContain('by <@U2>');
    expect(na).toContain('“no .env file: secrets come from &lt;Vault&gt; &amp; KMS”');
    expect(itemBlock(m!, ids[2]!).text!.text).toMatch(/^⛔ [\s\S]*“waiting for the vault team”/);
    const open = itemBlock(m!, ids[3]!).text!.text;
    expect(open.startsWith('☐ ')).toBe(true);
    expect(open).not.toContain(' by ');
  });

  it('keeps & readable in plain-text headers and escapes markup there', () => {
    const [proxy] = renderSection(view(goLive(tpl)), 'reverse-proxy');
    expect(blocksOf(proxy!)[0]?.text?.text).toBe(':globe_with_meridians: Reverse Proxy & Web Server — 0/13');
    const hostile = template([{ ...securitySection(), title: '<!channel> <script>&amp;' }]);
    const [m] = renderSection(view(goLive(hostile)), 'security');
    expect(blocksOf(m!)[0]?.text?.text).toBe(':lock: &lt;!channel&gt; &lt;script&gt;&amp;amp; — 0/22');
    expect(m!.text).toBe(':lock: &lt;!channel&gt; &lt;script&gt;&amp;amp; — 0/22 done');
  });

  it('offers a Run checks button for sections with checks only', () => {
    const v = view(goLive(tpl));
    const [security] = renderSection(v, 'security');
    const actions = blocksOf(security!).find((b) => b.type === 'actions');
    expect(actions?.elements?.[0]?.action_id).toBe(ACTION.runChecks);
    expect(actions?.elements?.[0]?.value).toBe(`${v.goLive.id}|security`);
    const [database] = renderSection(v, 'database');
    // The database section has no checks, but an owner role (dba): only Sign off section.
    expect(
      blocksOf(database!)
        .find((b) => b.type === 'actions')
        ?.elements?.map((e) => e.action_id),
    ).toEqual([ACTION.signOffSection]);
    const [performance] = renderSection(v, 'performance');
    expect(blocksOf(performance!).some((b) => b.type === 'actions')).toBe(false);
  });

  it('indents the health paths under their item', () => {
    const [m] = renderSection(view(goLive(tpl)), 'monitoring');
    const texts = blocksOf(m!).map((b) => b.text?.text ?? '');
    const paths = texts.filter((t) => /\/health\/(ping|live|ready|status|metrics)/.test(t));
    expect(paths).toHaveLength(5);
    for (const t of paths) expect(t).toMatch(/^\u2003↳ ☐ /);
  });
});

describe('item menu', () => {
  const tpl = template([securitySection()]);
  const g = goLive(tpl);

  function labels(state: ItemRecord['state']): string[] {
    const v = view(g, [
      {
        itemId: 'secrets-1',
        state,
        by: 'U1',
        at: T0,
        ...(state === 'na' || state === 'blocked' ? { reason: 'r' } : {}),
      },
    ]);
    const [m] = renderSection(v, 'security');
    return itemBlock(m!, 'secrets-1').accessory!.options.map((o) => o.text.text);
  }

  it('leaves out the option for the current state', () => {
    expect(labels('open')).toEqual(['Done', 'N/A…', 'Blocked…', 'Add note…']);
    expect(labels('done')).toEqual(['N/A…', 'Blocked…', 'Reopen', 'Add note…']);
    expect(labels('na')).toEqual(['Done', 'Blocked…', 'Reopen', 'Add note…']);
    expect(labels('blocked')).toEqual(['Done', 'N/A…', 'Reopen', 'Add note…']);
    // Within the overflow's 5 options whatever the state.
    expect(labels('failed')).toEqual(['Done', 'N/A…', 'Blocked…', 'Reopen', 'Add note…']);
  });

  it('encodes what to do, on which go-live and item, in each option', () => {
    const [m] = renderSection(view(g), 'security');
    const block = itemBlock(m!, 'secrets-1') as AnyBlock & { accessory: { action_id: string } };
    expect(block.accessory.action_id).toBe(ACTION.itemMenu);
    expect(block.accessory.options.map((o) => decodeItemAction(o.value))).toEqual([
      { action: 'done', goLiveId: g.id, itemId: 'secrets-1' },
      { action: 'na', goLiveId: g.id, itemId: 'secrets-1' },
      { action: 'blocked', goLiveId: g.id, itemId: 'secrets-1' },
      { action: 'note', goLiveId: g.id, itemId: 'secrets-1' },
    ]);
  });

  it('shows a finished go-live read-only', () => {
    const [m] = renderSection(view(goLive(tpl, { status: 'completed' })), 'security');
    expect(blocksOf(m!).some((b) => b.accessory !== undefined || b.type === 'actions')).toBe(false);
    expectValid([m!]);
  });
});

describe('annotations', () => {
  it('shows failed evidence with its status, summary and when it was taken', () => {
    const tpl = template([monitoringSection()]);
    const v = view(goLive(tpl), [
      {
        itemId: 'health-endpoints',
        state: 'failed',
        by: 'golive',
        at: T0,
        evidence: {
          kind: 'health',
          status: 'fail',
          summary: '/health/ready answered 503 (want 2xx)',
          takenAt: T0 + 5000,
        },
      },
    ]);
    const [m] = renderSection(v, 'monitoring');
    const text = itemBlock(m!, 'health-endpoints').text!.text;
    expect(text.startsWith('❌ ')).toBe(true);
    expect(text).toContain('_failed_ by Golive');
    expect(text).toContain('❌ `health` fail: /health/ready answered 503 (want 2xx) · <!date^');
    expect(text).toContain(`${Math.floor((T0 + 5000) / 1000)}^{date_short_pretty} {time}|`);
  });

  it('says who reopened an item', () => {
    const tpl = template([securitySection()]);
    const [m] = renderSection(
      view(goLive(tpl), [{ itemId: 'secrets-2', state: 'open', by: 'U9', at: T0 }]),
      'security',
    );
    expect(itemBlock(m!, 'secrets-2').text!.text).toContain('_reopened_ by <@U9>');
  });

  it('shows evidence on an untouched item without saying anyone reopened it', () => {
    const tpl = template([monitoringSection()]);
    const evidence = { kind: 'health', status: 'error', summary: 'connection refused', takenAt: T0 + 5000 } as const;
    const [m] = renderSection(
      view(goLive(tpl), [{ itemId: 'health-endpoints', state: 'open', by: 'golive', at: T0, evidence }]),
      'monitoring',
    );
    const text = itemBlock(m!, 'health-endpoints').text!.text;
    expect(text).toContain('❗ `health` error: connection refused · <!date^');
    expect(text).not.toContain('reopened');
    expect(text).not.toContain('Golive');
    expect(text).not.toMatch(/ by /);
  });

  it('keeps the person who resolved an item beside the evidence a check attached later', () => {
    const tpl = template([monitoringSection()]);
    const evidence = { kind: 'health', status: 'pass', summary: '5/5 answered 200', takenAt: T0 + 60_000 } as const;
    const [m] = renderSection(
      view(goLive(tpl), [{ itemId: 'health-endpoints', state: 'done', by: 'U0SRE', at: T0, evidence }]),
      'monitoring',
    );
    const text = itemBlock(m!, 'health-endpoints').text!.text;
    expect(text).toContain('_done_ by <@U0SRE>');
    expect(text).toContain('`health` pass: 5/5 answered 200');
    expect(text).not.toContain('Golive');
  });

  it('escapes hostile reasons and evidence and never lets them mention anyone', () => {
    const tpl = template([securitySection()]);
    const hostile = '<!channel> <@U1> <script>alert(1)</script> &amp;'.repeat(10);
    const v = view(goLive(tpl), [
      {
        itemId: 'secrets-1',
        state: 'blocked',
        by: 'U1',
        at: T0,
        reason: hostile,
        evidence: { kind: 'health', status: 'fail', summary: hostile, takenAt: T0 },
      },
    ]);
    const [m] = renderSection(v, 'security');
    expectValid([m!]);
    const text = itemBlock(m!, 'secrets-1').text!.text;
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&amp;amp;');
  });

  it('shortens annotations fairly when a huge section is fully annotated, instead of breaking', () => {
    const tpl = template([hugeSection(25, 200)]);
    const v = view(goLive(tpl, { service: longService, environment: longEnv }), everyItemAnnotated(tpl));
    const messages = renderSection(v, 'huge');
    expect(messages).toHaveLength(1);
    expectValid(messages);
    const items = blocksOf(messages[0]!).filter((b) => b.block_id?.startsWith('item:'));
    expect(items).toHaveLength(25);
    const evidenceOnly = new Set(
      everyItemAnnotated(tpl)
        .filter((r) => r.state === 'open' && r.by === 'golive')
        .map((r) => `item:${r.itemId}`),
    );
    expect(evidenceOnly.size).toBeGreaterThan(0);
    for (const b of items) {
      if (evidenceOnly.has(b.block_id ?? '')) {
        // Golive never reopens: an open record by Golive only carries evidence, and names nobody.
        expect(b.text!.text).not.toMatch(/ by /);
        expect(b.text!.text).toContain('`tls-certificate`');
        continue;
      }
      // Every other item still says who did it, and keeps a piece of its reason.
      expect(b.text!.text).toMatch(/_(done|N\/A|blocked|failed|reopened)_ by (<@U0PERSON\d+>|Golive)/);
      expect(b.text!.text).toMatch(/“R+…”/);
    }
  });

  it('keeps the full reason when there is room', () => {
    const tpl = template([securitySection()]);
    const reason = 'R'.repeat(500);
    const [m] = renderSection(
      view(goLive(tpl), [{ itemId: 'secrets-1', state: 'na', by: 'U1', at: T0, reason }]),
      'security',
    );
    expect(itemBlock(m!, 'secrets-1').text!.text).toContain(`“${reason}”`);
  });
});

describe('splitting', () => {
  it('continues a section too big for one message, with stable keys and the group repeated', () => {
    const items = Array.from({ length: 60 }, (_, i) => item(`it-${i}`, `*Item ${i}* must be checked`));
    const tpl = template([
      { id: 'big', title: 'Big section', emoji: ':package:', groups: [{ title: 'Only group', items }] },
    ]);
    const fresh = renderSection(view(goLive(tpl)), 'big');
    const annotated = renderSection(view(goLive(tpl), everyItemAnnotated(tpl)), 'big');
    expect(fresh.map((m) => m.key)).toEqual(['big', 'big#2']);
    // The split depends on the template only: ticking never adds a message to the thread.
    expect(annotated.map((m) => m.key)).toEqual(fresh.map((m) => m.key));
    expectValid(fresh);
    expectValid(annotated);
    expect(blocksOf(fresh[0]!)[0]?.text?.text).toBe(':package: Big section (1/2) — 0/60');
    expect(blocksOf(fresh[1]!)[0]?.text?.text).toBe(':package: Big section (2/2) — 0/60');
    expect(blocksOf(fresh[1]!)[1]?.text?.text).toBe('*Only group* _(continued)_');
    const shown = fresh.flatMap((m) => blocksOf(m).filter((b) => b.block_id?.startsWith('item:')));
    expect(shown).toHaveLength(60);
  });

  it('cuts very long item texts of a custom template rather than exceeding the budget', () => {
    const items = Array.from({ length: 40 }, (_, i) => item(`long-${i}`, `${i} ${'w'.repeat(2990)}`));
    const tpl = template([{ id: 'long', title: 'Long', groups: [{ title: 'G', items }] }]);
    const messages = renderSection(view(goLive(tpl), everyItemAnnotated(tpl)), 'long');
    expect(messages.length).toBeGreaterThan(1);
    expectValid(messages);
  });

  it('returns nothing for a section the template does not have', () => {
    expect(renderSection(view(goLive(template([securitySection()]))), 'nope')).toEqual([]);
  });

  it('keeps a long section title inside the header limit', () => {
    const [m] = renderSection(view(goLive(template([hugeSection()]))), 'huge');
    const header = blocksOf(m!)[0]?.text?.text ?? '';
    expect(header.length).toBeLessThanOrEqual(LIMITS.headerText);
    expect(header.endsWith(' — 0/25')).toBe(true);
  });
});

describe('fairCap', () => {
  it('gives everyone the same cap, and the short ones all they want', () => {
    expect(fairCap([10, 20, 30], 100)).toBe(Number.POSITIVE_INFINITY);
    expect(fairCap([10, 100, 100], 110)).toBe(50);
    expect(fairCap([100, 100], -5)).toBe(0);
    expect(SECTION_BUDGET.text).toBeLessThan(LIMITS.messageTextBudget);
  });
});
