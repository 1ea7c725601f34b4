// A person's App Home: what waits for them first, then every active go-live. Within Slack's 100 blocks for a
// Home tab; what does not fit is counted ("…and 12 more").
import { STATUS_WORDS } from '../../domain/go-live.js';
import type { HomeItem, PersonHome } from '../../services/home-service.js';
import type { Block } from './common.js';
import { context, divider, header, section } from './common.js';
import { NAME_MAX, escapeTruncate, safeName, slackDate } from './mrkdwn.js';

const HOME_BLOCKS = 100;
/** Items listed per line group: one section block carries several lines. */
const LINES_PER_BLOCK = 6;

export interface HomeView {
  type: 'home';
  blocks: Block[];
}

/** A link to a go-live's thread when its permalink is known, else its name. */
export type ThreadLink = (goLiveId: string) => string | undefined;

function name(goLive: HomeItem['goLive']): string {
  return `${safeName(goLive.service, NAME_MAX.service)} · ${safeName(goLive.environment, NAME_MAX.environment)}`;
}

function linked(goLive: HomeItem['goLive'], link: ThreadLink): string {
  const url = link(goLive.id);
  return url ? `<${url}|${name(goLive)}>` : `*${name(goLive)}*`;
}

export function renderHome(home: PersonHome, link: ThreadLink): HomeView {
  const groups: { title: string; empty: string; lines: string[] }[] = [
    {
      title: 'Waiting for your sign-off',
      empty: 'Nothing waits for your approval.',
      lines: home.awaitingSignOff.map(
        (g) => `• ${linked(g, link)} — ${STATUS_WORDS[g.status]}, requested by <@${g.startedBy}>`,
      ),
    },
    {
      title: 'Your blocked items',
      empty: 'None of the items you blocked is still blocked.',
      lines: home.blocked.map(
        (i) =>
          `• ⛔ ${escapeTruncate(i.text, 150)} — ${linked(i.goLive, link)}${i.record?.reason ? `: _${escapeTruncate(i.record.reason, 150)}_` : ''}`,
      ),
    },
    {
      title: 'Open items in your sections',
      empty: 'No open item in the sections you own.',
      lines: home.open.map((i) => `• ${escapeTruncate(i.text, 150)} — ${linked(i.goLive, link)}`),
    },
    {
      title: 'Your next check-ins',
      empty: 'No check-in waits for you.',
      lines: home.checkIns.map(
        (c) =>
          `• ${slackDate(c.dueAt)} — ${escapeTruncate(c.text, 150)} — ${linked(c.goLive, link)} (you: ${escapeTruncate(c.as, 60)})`,
      ),
    },
    {
      title: 'Active go-lives',
      empty: 'No go-live is running.',
      lines: home.active.map(
        ({ goLive, progress }) =>
          `• ${linked(goLive, link)} — ${STATUS_WORDS[goLive.status]} · ${progress.done}/${progress.total} · since ${slackDate(goLive.startedAt)}`,
      ),
    },
  ];
  const blocks: Block[] = [header('Golive')];
  // Each group needs its header, one block of lines and a possible "more" line; share the rest fairly.
  const perGroup = Math.floor((HOME_BLOCKS - 1 - groups.length * 3) / groups.length);
  for (const group of groups) {
    blocks.push(divider(), section(`*${group.title}*`));
    if (group.lines.length === 0) {
      blocks.push(context(group.empty));
      continue;
    }
    const shown = group.lines.slice(0, perGroup * LINES_PER_BLOCK);
    for (let i = 0; i < shown.length; i += LINES_PER_BLOCK)
      blocks.push(section(shown.slice(i, i + LINES_PER_BLOCK).join('\n')));
    if (group.lines.length > shown.length) blocks.push(context(`…and ${group.lines.length - shown.length} more`));
  }
  return { type: 'home', blocks: blocks.slice(0, HOME_BLOCKS) };
}
