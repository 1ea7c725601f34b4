// The thread message after a check run: counts, then failures first with their summaries. Summaries share the
// text budget, failures before passes, so the message fits however many results and however long they are.
import type { CheckStatus } from '../../domain/check-kind.js';
import type { Actor } from '../../domain/go-live.js';
import type { CheckResult } from '../../checks/types.js';
import { CHECK_ICON, context, section } from './common.js';
import type { Block, SlackMessage } from './common.js';
import { countBlockText, LIMITS } from './limits.js';
import { cleanLine, escapeMrkdwn, escapeTruncate, mention, NAME_MAX, safeName, slackDate } from './mrkdwn.js';
import { fairCap } from './section.js';

export interface CheckSummaryOptions {
  service: string;
  environment: string;
  /** Title of the section the run was limited to, if any. */
  sectionTitle?: string;
  /** Who asked for the run (`golive` for a scheduled one). */
  by?: Actor;
  finishedAt?: number;
  durationMs?: number;
}

const ORDER: readonly CheckStatus[] = ['fail', 'error', 'warn', 'pass'];
const BUDGET = {
  text: LIMITS.messageTextBudget - 400,
  /** Line prefixes (icon, kind, item id) beyond this are not listed one by one. */
  lines: 8000,
  section: LIMITS.sectionText - 100,
  summary: 400,
  /** Result sections, so that header + context + "and N more" always fit in a message. */
  blocks: LIMITS.messageBlocks - 4,
} as const;

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function checkCounts(results: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}

function countsLine(c: Record<CheckStatus, number>): string {
  const parts = [
    c.fail ? `${CHECK_ICON.fail} ${c.fail} failed` : '',
    c.error ? `${CHECK_ICON.error} ${plural(c.error, 'error', 'errors')}` : '',
    c.warn ? `${CHECK_ICON.warn} ${plural(c.warn, 'warning', 'warnings')}` : '',
    `${CHECK_ICON.pass} ${c.pass} passed`,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** One line of the list: one result, or several that said the same thing. */
interface Entry {
  status: CheckStatus;
  prefix: string;
  summary: string;
  results: readonly CheckResult[];
}

/** Results that say the same thing this many times or more are said once ("a name that does not resolve"). */
const SAME_SUMMARY_FOLD = 3;

function prefix(r: CheckResult): string {
  const id = r.id !== r.kind ? ` · ${escapeTruncate(cleanLine(r.id), 80)}` : '';
  return `${CHECK_ICON[r.status]} *${r.kind}*${id}`;
}

function entries(sorted: readonly CheckResult[]): Entry[] {
  const same = new Map<string, CheckResult[]>();
  const key = (r: CheckResult) => `${r.status}\u0000${r.summary}`;
  for (const r of sorted) same.set(key(r), [...(same.get(key(r)) ?? []), r]);
  const list: Entry[] = [];
  const folded = new Set<string>();
  for (const r of sorted) {
    const group = same.get(key(r)) ?? [r];
    if (group.length < SAME_SUMMARY_FOLD) {
      list.push({ status: r.status, prefix: prefix(r), summary: r.summary, results: [r] });
    } else if (!folded.has(key(r))) {
      folded.add(key(r));
      const kinds = [...new Set(group.map((g) => g.kind))].join(', ');
      list.push({
        status: r.status,
        prefix: `${CHECK_ICON[r.status]} *${group.length} checks* (${kinds})`,
        summary: r.summary,
        results: group,
      });
    }
  }
  return list;
}

function line(e: Entry, cap: number): string {
  const summary = cap > 0 ? escapeTruncate(cleanLine(e.summary), cap) : '';
  return summary ? `${e.prefix}: ${summary}` : e.prefix;
}

/** Lines packed into section texts of at most `max` characters. */
function pack(lines: readonly string[], max: number): string[] {
  const texts: string[] = [];
  let current = '';
  for (const l of lines) {
    if (current && current.length + 1 + l.length > max) {
      texts.push(current);
      current = '';
    }
    current = current ? `${current}\n${l}` : l;
  }
  if (current) texts.push(current);
  return texts;
}

export function renderCheckSummary(results: readonly CheckResult[], opts: CheckSummaryOptions): SlackMessage {
  const c = checkCounts(results);
  const name = `${safeName(opts.service, NAME_MAX.service)} · ${safeName(opts.environment, NAME_MAX.environment)}`;
  const scope = opts.sectionTitle ? ` — ${escapeTruncate(cleanLine(opts.sectionTitle), 150)}` : '';
  const icon = c.fail || c.error ? ':x:' : c.warn ? ':warning:' : ':white_check_mark:';
  const head: Block[] = [section(`${icon} *Checks for ${name}*${scope}\n${countsLine(c)}`)];
  const meta = [
    opts.by ? `run by ${mention(opts.by)}` : '',
    opts.finishedAt !== undefined ? slackDate(opts.finishedAt) : '',
    opts.durationMs !== undefined ? `${(opts.durationMs / 1000).toFixed(1)} s` : '',
  ].filter(Boolean);
  if (meta.length > 0) head.push(context(meta.join(' · ')));
  const text = `Checks for ${name}: ${countsLine(c)
    .replace(/[^\p{L}\p{N} ·,]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()}`;
  if (results.length === 0) return { text, blocks: [...head, section('_No automatic checks to run._')] };

  const sorted = entries(ORDER.flatMap((s) => results.filter((r) => r.status === s)));
  // List failures first; when there are too many to list, the passes are the ones left out.
  const listed: Entry[] = [];
  let prefixes = 0;
  for (const e of sorted) {
    const cost = e.prefix.length + 3;
    if (prefixes + cost > BUDGET.lines) break;
    listed.push(e);
    prefixes += cost;
  }
  const left = sorted.slice(listed.length).flatMap((e) => e.results);
  const tail: Block[] =
    left.length > 0 ? [context(`…and ${left.length} more (${countsLine(checkCounts(left))}).`)] : [];

  const build = (capBad: number, capPass: number): Block[] => {
    const lines = listed.map((e) => line(e, e.status === 'pass' ? capPass : capBad));
    const bodies = pack(lines, BUDGET.section).slice(0, BUDGET.blocks);
    return [...head, ...bodies.map((b) => section(b)), ...tail];
  };
  const fixed = countBlockText(build(0, 0));
  const want = (e: Entry) => Math.min(escapeMrkdwn(cleanLine(e.summary)).length, BUDGET.summary) + 2;
  const bad = listed.filter((e) => e.status !== 'pass').map(want);
  const good = listed.filter((e) => e.status === 'pass').map(want);
  let room = BUDGET.text - fixed;
  let capBad = Math.min(fairCap(bad, room), BUDGET.summary);
  room -= bad.reduce((sum, w) => sum + Math.min(w, capBad + 2), 0);
  let capPass = Math.min(fairCap(good, room), BUDGET.summary);
  for (;;) {
    const blocks = build(capBad, capPass);
    if (countBlockText(blocks) <= BUDGET.text || (capBad <= 0 && capPass <= 0)) return { text, blocks };
    // Passes give way first; failures keep their words as long as possible.
    if (capPass > 0) capPass = Math.floor(capPass * 0.8) - 1;
    else capBad = Math.floor(capBad * 0.9) - 1;
  }
}
