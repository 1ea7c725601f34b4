// Private (ephemeral) answers to `/golive`: usage, the status list, the lock answer and errors.
import type { Progress } from '../../domain/checklist.js';
import { USAGE } from '../../domain/command.js';
import type { GoLive } from '../../domain/go-live.js';
import { context, progressBar, section } from './common.js';
import type { Block, SlackMessage } from './common.js';
import { LIMITS } from './limits.js';
import { cleanLine, escapeMrkdwn, mention, NAME_MAX, safeLink, safeName, slackDate, truncate } from './mrkdwn.js';
import { STATUS_LABEL } from './root.js';

const HELP_LINES: readonly [keyof typeof USAGE, string][] = [
  ['start', 'open a go-live: the checklist is posted in a thread, one message per section'],
  ['status', 'active go-lives with their progress and a link to each thread'],
  ['check', 'run the automatic checks now (all, or one section)'],
  ['report', 'the record of a go-live: who did what, when, with which evidence'],
  ['live', 'Go live (the deployer, once approved): status Live, the approval line in the thread'],
  ['abort', 'stop a go-live, with the reason'],
  ['help', 'this message'],
];

export function renderHelp(): SlackMessage {
  const lines = HELP_LINES.map(([cmd, what]) => `• ${escapeMrkdwn(USAGE[cmd])}\n     ${what}`);
  return {
    text: 'Golive: usage of /golive',
    blocks: [
      section('*Golive* runs a production go-live as a shared checklist in a thread.'),
      section(lines.join('\n')),
      context('People and groups: mention them (`@dana`, `@dba-team`). Environment defaults to `production`.'),
    ],
  };
}

export function renderError(message: string, usage?: string): SlackMessage {
  // `message` is mrkdwn built by Golive (user words inside it are already quoted and escaped).
  const blocks: Block[] = [section(`:warning: ${truncate(message, 2900)}`)];
  if (usage) blocks.push(context(`Usage: ${truncate(escapeMrkdwn(usage), 2900)}`));
  return { text: truncate(`Golive: ${message}`, 3000), blocks };
}

function goLiveName(g: Pick<GoLive, 'service' | 'environment'>): string {
  return `${safeName(g.service, NAME_MAX.service)} · ${safeName(g.environment, NAME_MAX.environment)}`;
}

function linked(g: GoLive, permalink: string | undefined): string {
  if (!permalink) return `*${goLiveName(g)}*`;
  // safeLink escapes the label itself: give it the cleaned, unescaped words.
  const label = `${truncate(cleanLine(g.service), NAME_MAX.service)} · ${truncate(cleanLine(g.environment), NAME_MAX.environment)}`;
  return `*${safeLink(permalink, label, 200)}*`;
}

export interface StatusEntry {
  goLive: GoLive;
  progress: Progress;
  /** chat.getPermalink of the root message, when it is posted. */
  permalink?: string;
}

// Each entry is one section block; keep room for the heading and the "and N more" line.
const STATUS_MAX_ENTRIES = LIMITS.messageBlocks - 3;
const STATUS_TEXT_MAX = LIMITS.messageTextBudget - 1000;

export function renderStatus(entries: readonly StatusEntry[], service?: string): SlackMessage {
  const scope = service ? ` for ${safeName(service, NAME_MAX.service)}` : '';
  if (entries.length === 0) {
    const text = `No active go-live${scope}. Start one with ${escapeMrkdwn(USAGE.start.split(',')[0] ?? '/golive start')}.`;
    return { text: `No active go-live${scope}.`, blocks: [section(text)] };
  }
  const blocks: Block[] = [section(`*Active go-lives${scope}:* ${entries.length}`)];
  let length = 0;
  let shown = 0;
  for (const { goLive: g, progress: p, permalink } of entries) {
    const counts = [p.blocked ? `⛔ ${p.blocked} blocked` : '', p.failed ? `❌ ${p.failed} failed` : '']
      .filter(Boolean)
      .join(' · ');
    const text = [
      `${linked(g, permalink)} — ${STATUS_LABEL[g.status]}`,
      `${p.done}/${p.total}  ${progressBar(p.done, p.total)}${counts ? `  ${counts}` : ''}`,
      `started by ${mention(g.startedBy)} ${slackDate(g.startedAt)}`,
    ].join('\n');
    if (shown >= STATUS_MAX_ENTRIES || length + text.length > STATUS_TEXT_MAX) break;
    blocks.push(section(text));
    length += text.length;
    shown += 1;
  }
  if (entries.length > shown) blocks.push(context(`…and ${entries.length - shown} more.`));
  return { text: `${entries.length} active go-live${entries.length === 1 ? '' : 's'}${scope}`, blocks };
}

/** The answer to a second `start` for a service and environment that already has a go-live running. */
export function renderLockHeld(holder: GoLive, permalink?: string): SlackMessage {
  const where = permalink ? ` ${safeLink(permalink, 'Open its thread')}` : '';
  const text = `${goLiveName(holder)} already has a go-live running, started by ${mention(holder.startedBy)} ${slackDate(holder.startedAt)}.`;
  return {
    text: `${goLiveName(holder)} already has a go-live running.`,
    blocks: [
      section(`:lock: ${text}${where}\nOnly one go-live per service and environment; finish or abort that one first.`),
    ],
  };
}

/** The same, when a private channel's go-live holds the lock: who holds it and where stay in that channel. */
export function renderLockHeldElsewhere(name: Pick<GoLive, 'service' | 'environment'>): SlackMessage {
  return {
    text: `${goLiveName(name)} already has a go-live running.`,
    blocks: [
      section(
        `:lock: ${goLiveName(name)} already has a go-live running, in a private channel.\nOnly one go-live per service and environment; it must end there first.`,
      ),
    ],
  };
}
