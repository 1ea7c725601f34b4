// One checklist section as thread messages: header with progress, groups, and every item with its state,
// who set it and when, the reason, the latest evidence, and a menu to change it.
//
// Budget (designed in, not hoped for): a message holds at most 50 blocks and ~12k characters of text.
// Items are one section block each (annotations live in the same block), so the default template's largest
// section (22 items, 3 groups) needs 27 blocks. Texts that people and checks write (reasons, evidence
// summaries) share what is left of the text budget fairly: each is shortened to a common cap only as far as
// needed; when even that leaves too little, date tokens go first (evidence, then who/when), and item texts
// are cut last. A section too big for one message (a custom template: > ~45 items, or very long item texts)
// continues in further messages keyed `sectionId#2`, `sectionId#3`…; the split depends on the template only,
// so the set of messages of a go-live never changes while it runs. Post them in order, keep one ts per key.
import { flattenItems, sectionProgress } from '../../domain/checklist.js';
import type { FlatItem } from '../../domain/checklist.js';
import { stateSetBy } from '../../domain/evidence.js';
import { GOLIVE_ACTOR, isActive } from '../../domain/go-live.js';
import type { ChecklistView, ItemRecord, ItemState } from '../../domain/go-live.js';
import type { TemplateSection } from '../../domain/template.js';
import { ACTION, encodeItemAction, sectionMessageKey } from '../ids.js';
import type { ItemAction } from '../ids.js';
import { button, CHECK_ICON, context, header, section, STATE_ICON, STATE_LABEL } from './common.js';
import type { Block, SlackMessage } from './common.js';
import { countBlockText, LIMITS } from './limits.js';
import {
  cleanLine,
  escapeMrkdwn,
  escapePlain,
  escapeTruncate,
  mention,
  plainName,
  slackDate,
  truncate,
} from './mrkdwn.js';
import type { types } from '@slack/bolt';

export interface SectionMessage extends SlackMessage {
  /** `sectionId` for the first message of a section, `sectionId#2`… for its continuations. */
  key: string;
}

export const SECTION_BUDGET = {
  /** Blocks per message, leaving room for the header and the actions row. */
  blocks: LIMITS.messageBlocks,
  /** Text per message, with margin under Slack's ~13k refusal and our 12k validator. */
  text: LIMITS.messageTextBudget - 400,
  /** Per message, the sum of item texts plus `leanItem` each: where the static split cuts. */
  coreText: 10000,
  /** A template item's own text (trusted mrkdwn) is cut here, far above any seed item. */
  itemText: 1000,
  /** A reason is shown up to this many characters when the budget allows (reasons are ≤ 500). */
  reason: 520,
  /** An evidence summary is shown up to this many characters when the budget allows. */
  summary: 300,
  /**
   * An item's least detailed rendering beyond its own text (state, who, evidence status, menu): what the
   * static split reserves per item, so the lean level always fits.
   */
  leanItem: 140,
  /** Each reason and summary should get at least this much before dates are dropped to make room. */
  minShare: 40,
} as const;

const MENU_LABEL: Record<ItemAction, string> = {
  done: 'Done',
  na: 'N/A…',
  blocked: 'Blocked…',
  open: 'Reopen',
  note: 'Add note…',
};
// At most 4 of these show (the current state's is left out): within the overflow's 5 options.
const MENU_ORDER: readonly ItemAction[] = ['done', 'na', 'blocked', 'open', 'note'];
/** The menu option that would not change anything is left out. */
const CURRENT_ACTION: Record<ItemState, ItemAction | undefined> = {
  open: 'open',
  done: 'done',
  na: 'na',
  blocked: 'blocked',
  failed: undefined,
};

type Entry =
  | { kind: 'group'; title: string }
  | {
      kind: 'item';
      flat: FlatItem;
      state: ItemState;
      record?: ItemRecord;
      /** Cleaned (unescaped) free texts; shortened at render time to the cap the budget allows. */
      reason?: string;
      summary?: string;
      /** Changed by a person after Go live (the checklist was locked): shown as a post-launch change. */
      postLaunch?: boolean;
    };
type ItemEntry = Extract<Entry, { kind: 'item' }>;

/** How much of each item to show: lowered step by step until the message fits its text budget. */
interface Caps {
  reason: number;
  summary: number;
  /** Show when the evidence was taken (a date token is ~65 characters). */
  evidenceDate: boolean;
  /** Show when the state was set. */
  whoDate: boolean;
  itemText: number;
}

const FULL: Caps = {
  reason: SECTION_BUDGET.reason,
  summary: SECTION_BUDGET.summary,
  evidenceDate: true,
  whoDate: true,
  itemText: SECTION_BUDGET.itemText,
};
const NO_CAPS: Caps = { ...FULL, reason: 0, summary: 0 };
/** Fixed parts from the most to the least detailed: dates go before a person's words do. */
const LEVELS: readonly Caps[] = [
  NO_CAPS,
  { ...NO_CAPS, evidenceDate: false },
  { ...NO_CAPS, evidenceDate: false, whoDate: false },
];

function pad(depth: number): string {
  // Em spaces survive Slack's whitespace trimming; the arrow shows a sub-item.
  return depth > 0 ? `${'\u2003'.repeat(depth)}↳ ` : '';
}

function annotationLabel(record: ItemRecord): string {
  return record.state === 'open' ? 'reopened' : STATE_LABEL[record.state];
}

function itemText(e: ItemEntry, caps: Caps): string {
  const indent = pad(e.flat.depth);
  const lines = [`${indent}${STATE_ICON[e.state]} ${truncate(e.flat.item.text, Math.max(1, caps.itemText))}`];
  const sub = `${'\u2003'.repeat(e.flat.depth + 1)}`;
  const r = e.record;
  if (r) {
    // An untouched item that only carries evidence has nobody to name: no "reopened by" line.
    const by = stateSetBy(r);
    if (by !== undefined) {
      const label = `${annotationLabel(r)}${e.postLaunch === true ? ' (post-launch change)' : ''}`;
      let who = `${sub}_${label}_ by ${mention(by)}${caps.whoDate ? ` ${slackDate(r.at)}` : ''}`;
      if (e.reason) {
        const reason = caps.reason > 0 ? escapeTruncate(e.reason, caps.reason) : '';
        if (reason) who += ` — “${reason}”`;
      }
      lines.push(who);
    }
    const ev = r.evidence;
    if (ev) {
      let line = `${sub}${CHECK_ICON[ev.status]} \`${ev.kind}\` ${ev.status}`;
      const summary = e.summary && caps.summary > 0 ? escapeTruncate(e.summary, caps.summary) : '';
      if (summary) line += `: ${summary}`;
      if (caps.evidenceDate) line += ` · ${slackDate(ev.takenAt)}`;
      lines.push(line);
    }
  }
  return lines.join('\n');
}

function itemMenu(view: ChecklistView, e: ItemEntry): types.Overflow | undefined {
  const { goLive } = view;
  if (!isActive(goLive.status)) return undefined;
  const current = CURRENT_ACTION[e.state];
  const options = MENU_ORDER.filter((a) => a !== current).map((action) => ({
    text: { type: 'plain_text' as const, text: MENU_LABEL[action] },
    value: encodeItemAction({ action, goLiveId: goLive.id, itemId: e.flat.item.id }),
  }));
  // An id so long that the value would be refused cannot be acted on from here; the template loader limits ids.
  if (options.some((o) => o.value.length > LIMITS.optionValue)) return undefined;
  return { type: 'overflow', action_id: ACTION.itemMenu, options };
}

function itemBlock(view: ChecklistView, e: ItemEntry, index: number, caps: Caps): Block {
  const id = `item:${e.flat.item.id}`;
  const accessory = itemMenu(view, e);
  return section(itemText(e, caps), {
    block_id: id.length <= LIMITS.blockId ? id : `item#${index}`,
    ...(accessory ? { accessory } : {}),
  });
}

function groupBlock(title: string, continued: boolean, index: number): Block {
  return section(`*${escapeTruncate(cleanLine(title), 200)}*${continued ? ' _(continued)_' : ''}`, {
    block_id: `group#${index}`,
  });
}

function sectionEmoji(s: TemplateSection): string {
  const e = s.emoji ? escapeTruncate(cleanLine(s.emoji), 30, escapePlain) : '';
  return e ? `${e} ` : '';
}

/** The smallest cap such that the wanted lengths, each cut to it, fit in `room`. Infinity when all fit. */
export function fairCap(wants: readonly number[], room: number): number {
  const sorted = [...wants].sort((a, b) => a - b);
  let left = Math.max(0, room);
  for (const [i, w] of sorted.entries()) {
    const others = sorted.length - i;
    if (w * others > left) return Math.floor(left / others);
    left -= w;
  }
  return Number.POSITIVE_INFINITY;
}

interface Chunk {
  /** Entries in order; `continued` marks a group title repeated at the top of a continuation. */
  parts: { entry: Entry; continued: boolean }[];
}

function buildEntries(view: ChecklistView, sectionId: string): Entry[] {
  const flat = flattenItems(view.goLive.template).filter((f) => f.sectionId === sectionId);
  const entries: Entry[] = [];
  let group = -1;
  for (const f of flat) {
    if (f.groupIndex !== group) {
      group = f.groupIndex;
      entries.push({ kind: 'group', title: f.groupTitle });
    }
    const record = view.items.get(f.item.id);
    const e: ItemEntry = { kind: 'item', flat: f, state: record?.state ?? 'open' };
    const liveAt = view.goLive.liveAt;
    if (record && liveAt !== undefined && record.at >= liveAt && record.by !== GOLIVE_ACTOR) e.postLaunch = true;
    if (record) {
      e.record = record;
      const reason = record.reason ? cleanLine(record.reason) : '';
      if (reason) e.reason = reason;
      const summary = record.evidence ? cleanLine(record.evidence.summary) : '';
      if (summary) e.summary = summary;
    }
    entries.push(e);
  }
  return entries;
}

/** Greedy split: a new message when the next item would pass the block or fixed-text budget. */
function split(entries: readonly Entry[], reserved: number): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Chunk = { parts: [] };
  let blocks = reserved;
  let core = 0;
  let pendingGroup: Entry | undefined;
  let shownGroup: Entry | undefined;
  for (const entry of entries) {
    if (entry.kind === 'group') {
      pendingGroup = entry;
      continue;
    }
    // Static on purpose: a section's messages depend on the template only, never on how far the go-live is,
    // so the thread never grows a continuation in the middle of a go-live.
    const cost =
      Math.min(entry.flat.item.text.length, SECTION_BUDGET.itemText) + entry.flat.depth * 2 + SECTION_BUDGET.leanItem;
    const addBlocks = pendingGroup ? 2 : 1;
    if (
      current.parts.length > 0 &&
      (blocks + addBlocks > SECTION_BUDGET.blocks || core + cost > SECTION_BUDGET.coreText)
    ) {
      chunks.push(current);
      current = { parts: [] };
      blocks = reserved;
      core = 0;
    }
    if (current.parts.length === 0 && !pendingGroup && shownGroup) {
      // A continuation that starts inside a group repeats the group's title.
      current.parts.push({ entry: shownGroup, continued: true });
      blocks += 1;
    }
    if (pendingGroup) {
      current.parts.push({ entry: pendingGroup, continued: false });
      blocks += 1;
      shownGroup = pendingGroup;
      pendingGroup = undefined;
    }
    current.parts.push({ entry, continued: false });
    blocks += 1;
    core += cost;
  }
  if (current.parts.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks;
}

function renderChunk(view: ChecklistView, chunk: Chunk, head: Block[], caps: Caps): Block[] {
  const blocks = [...head];
  chunk.parts.forEach((p, i) => {
    blocks.push(
      p.entry.kind === 'group' ? groupBlock(p.entry.title, p.continued, i) : itemBlock(view, p.entry, i, caps),
    );
  });
  return blocks;
}

function textWants(items: readonly ItemEntry[]): number[] {
  // Decorations around a reason (` — “…”`) and a summary (`: `) count too.
  return items.flatMap((e) => [
    ...(e.reason ? [Math.min(escapeMrkdwn(e.reason).length, SECTION_BUDGET.reason) + 5] : []),
    ...(e.summary ? [Math.min(escapeMrkdwn(e.summary).length, SECTION_BUDGET.summary) + 2] : []),
  ]);
}

/**
 * Fit the chunk into the text budget: pick the most detailed level whose fixed parts leave every reason and
 * summary some room, share the rest fairly, and as a last resort shorten the item texts themselves.
 */
function fitChunk(view: ChecklistView, chunk: Chunk, head: Block[]): Block[] {
  const items = chunk.parts.map((p) => p.entry).filter((e): e is ItemEntry => e.kind === 'item');
  const wants = textWants(items);
  const budget = SECTION_BUDGET.text;
  let level = LEVELS[LEVELS.length - 1] ?? NO_CAPS;
  let fixed = 0;
  for (const candidate of LEVELS) {
    level = candidate;
    fixed = countBlockText(renderChunk(view, chunk, head, candidate));
    if (fixed + wants.length * SECTION_BUDGET.minShare <= budget) break;
  }
  if (fixed > budget) {
    // Item texts alone are too long (a custom template): cut them to a common length.
    const lengths = items.map((e) => Math.min(e.flat.item.text.length, SECTION_BUDGET.itemText));
    const others = fixed - lengths.reduce((a, b) => a + b, 0);
    let itemCap = Math.min(fairCap(lengths, budget - others), SECTION_BUDGET.itemText);
    for (;;) {
      const caps = { ...level, itemText: itemCap };
      const blocks = renderChunk(view, chunk, head, caps);
      if (itemCap <= 1 || countBlockText(blocks) <= budget) return blocks;
      itemCap = Math.floor(itemCap * 0.9) - 1;
    }
  }
  let cap = Math.min(fairCap(wants, budget - fixed), SECTION_BUDGET.reason);
  for (;;) {
    const caps = {
      ...level,
      reason: Math.min(cap, SECTION_BUDGET.reason),
      summary: Math.min(cap, SECTION_BUDGET.summary),
    };
    const blocks = renderChunk(view, chunk, head, caps);
    if (cap <= 0 || countBlockText(blocks) <= budget) return blocks;
    cap = Math.floor(cap * 0.9) - 1;
  }
}

/** `:lock: Security Configuration — 12/22`, the title shortened so the header stays within 150. */
export function sectionHeaderText(
  s: TemplateSection,
  done: number,
  total: number,
  part?: { index: number; of: number },
): string {
  const suffix = `${part ? ` (${part.index}/${part.of})` : ''} — ${done}/${total}`;
  const emoji = sectionEmoji(s);
  const title = plainName(s.title, LIMITS.headerText - emoji.length - suffix.length);
  return `${emoji}${title}${suffix}`;
}

/**
 * The messages of one section: usually one; more when the section passes a message's budget.
 * An unknown section id gives an empty list.
 */
export function renderSection(view: ChecklistView, sectionId: string): SectionMessage[] {
  const s = view.goLive.template.sections.find((x) => x.id === sectionId);
  if (!s) return [];
  const p = sectionProgress(view, sectionId);
  const hasChecks = flattenItems(view.goLive.template).some((f) => f.sectionId === sectionId && f.item.check);
  const running = isActive(view.goLive.status);
  const elements: types.Button[] = [];
  if (hasChecks && running) elements.push(button('Run checks', ACTION.runChecks, `${view.goLive.id}|${sectionId}`));
  // Sections with an owner role are signed off before Go live; after it they are history.
  if (s.owner !== undefined && running && view.goLive.status !== 'live')
    elements.push(button('Sign off section', ACTION.signOffSection, `${view.goLive.id}|${sectionId}`));
  const actions: Block[] = elements.length > 0 ? [{ type: 'actions', block_id: 'section-actions', elements }] : [];
  const signedOff = (view.signOff?.sections ?? []).filter((so) => so.sectionId === sectionId);
  if (signedOff.length > 0)
    actions.push(
      context(
        `:ballot_box_with_check: Signed off by ${signedOff.map((so) => `${mention(so.by)} ${slackDate(so.at)}`).join(', ')}`,
      ),
    );
  const chunks = split(buildEntries(view, sectionId), 1 + actions.length);
  return chunks.map((chunk, i) => {
    const part = chunks.length > 1 ? { index: i + 1, of: chunks.length } : undefined;
    const title = sectionHeaderText(s, p.done, p.total, part);
    const head: Block[] = [header(title), ...(i === 0 ? actions : [])];
    const text = `${sectionEmoji(s)}${escapeTruncate(cleanLine(s.title), 150)} — ${p.done}/${p.total} done`;
    return { key: sectionMessageKey(sectionId, i), text, blocks: fitChunk(view, chunk, head) };
  });
}

/** Every section of the go-live, in template order: what the thread shows below the root message. */
export function renderAllSections(view: ChecklistView): SectionMessage[] {
  return view.goLive.template.sections.flatMap((s) => renderSection(view, s.id));
}
