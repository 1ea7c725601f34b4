// The root message of a go-live thread: what is going live, who runs it, who is who, and how far it is.
import { progress } from '../../domain/checklist.js';
import { isActive, STATUS_WORDS } from '../../domain/go-live.js';
import type { ChecklistView, GoLiveStatus } from '../../domain/go-live.js';
import type { types } from '@slack/bolt';
import { allows } from '../../domain/lifecycle.js';
import { ACTION } from '../ids.js';
import { signOffLines } from './signoff.js';
import { button, header, progressBar, section, context } from './common.js';
import type { Block, SlackMessage } from './common.js';
import { escapeTruncate, mention, NAME_MAX, plainName, roleMention, safeLink, safeName, slackDate } from './mrkdwn.js';

export interface RootOptions {
  /** A check run is in progress: the button says so instead of offering a second run. */
  checksRunning?: boolean;
}

const STATUS_ICON: Record<GoLiveStatus, string> = {
  preparing: ':hammer_and_wrench:',
  awaiting_approval: ':hourglass_flowing_sand:',
  approved: ':white_check_mark:',
  rejected: ':x:',
  live: ':rocket:',
  completed: ':checkered_flag:',
  rolled_back: ':rewind:',
  aborted: ':no_entry_sign:',
};

/** The status as the root's `Status:` line shows it: an icon and the status's words. */
export const STATUS_LABEL = Object.fromEntries(
  Object.entries(STATUS_WORDS).map(([status, words]) => [status, `${STATUS_ICON[status as GoLiveStatus]} ${words}`]),
) as Record<GoLiveStatus, string>;

// Room for the roles inside one section text, with margin for the heading.
const ROLES_TEXT_MAX = 2800;
const ROLE_LINE_MAX = 400;

/** `*Database Admin:* <@U1>, <!subteam^S2>`, shortened to `+3 more` when a role lists many people. */
function roleLine(label: string, mentions: readonly string[]): string {
  const head = `*${safeName(label, 60)}:* `;
  if (mentions.length === 0) return `${head}_not set_`;
  const shown: string[] = [];
  for (const [i, raw] of mentions.entries()) {
    const m = roleMention(raw);
    const rest = mentions.length - i - 1;
    const tail = rest > 0 ? `, +${rest} more` : '';
    if (head.length + [...shown, m].join(', ').length + tail.length > ROLE_LINE_MAX) {
      return `${head}${shown.join(', ')} +${mentions.length - shown.length} more`;
    }
    shown.push(m);
  }
  return `${head}${shown.join(', ')}`;
}

function rolesText(view: ChecklistView): string | undefined {
  const { template, roles } = view.goLive;
  const ids = [...Object.keys(template.roles), ...Object.keys(roles).filter((id) => !(id in template.roles))];
  if (ids.length === 0) return undefined;
  const lines: string[] = [];
  let length = 0;
  for (const [i, id] of ids.entries()) {
    const line = roleLine(template.roles[id]?.label ?? id, roles[id] ?? []);
    if (length + line.length + 40 > ROLES_TEXT_MAX) {
      lines.push(`_…and ${ids.length - i} more roles_`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

/** The fallback text: also what notifications and screen readers show. */
export function rootTitle(view: ChecklistView): string {
  const { goLive } = view;
  return `${safeName(goLive.service, NAME_MAX.service)} · ${safeName(goLive.environment, NAME_MAX.environment)}`;
}

/** The root's buttons: only those that apply to the status (the lifecycle says which). */
function rootControls(view: ChecklistView, opts: RootOptions): types.Button[] {
  const { goLive } = view;
  // Notes and the record stay open after the go-live ends: an auditor's questions come later.
  const record = [button('Add note', ACTION.addNote, goLive.id), button('Report', ACTION.report, goLive.id)];
  if (!isActive(goLive.status)) return record;
  const controls: types.Button[] = [];
  if (!opts.checksRunning)
    controls.push(
      button('Run checks', ACTION.runChecks, goLive.id, goLive.status === 'preparing' ? 'primary' : undefined),
    );
  if (allows(goLive, 'request-approval')) controls.push(button('Request approval', ACTION.requestApproval, goLive.id));
  if (allows(goLive, 'go-live')) controls.push(button('Go live', ACTION.goLive, goLive.id, 'primary'));
  if (allows(goLive, 'roll-back')) controls.push(button('Roll back', ACTION.rollBack, goLive.id, 'danger'));
  controls.push(button('Abort', ACTION.abort, goLive.id, 'danger'));
  controls.push(button('Edit roles', ACTION.editRoles, goLive.id));
  return [...controls, ...record];
}

export function renderRoot(view: ChecklistView, opts: RootOptions = {}): SlackMessage {
  const { goLive } = view;
  const p = progress(view);
  const title = rootTitle(view);
  const blocks: Block[] = [
    header(
      `🚀 Go-live: ${plainName(goLive.service, NAME_MAX.service)} · ${plainName(goLive.environment, NAME_MAX.environment)}`,
    ),
  ];

  const facts: string[] = [];
  if (goLive.url) facts.push(`*URL:* ${safeLink(goLive.url, undefined, 200)}`);
  if (goLive.httpUrl) facts.push(`*HTTP URL:* ${safeLink(goLive.httpUrl, undefined, 200)}`);
  facts.push(`*Started by* ${mention(goLive.startedBy)} · ${slackDate(goLive.startedAt)}`);
  facts.push(`*Status:* ${STATUS_LABEL[goLive.status]}`);
  facts.push(`*Checklist:* ${escapeTruncate(goLive.template.name, 100)} (v${goLive.template.version})`);
  blocks.push(section(facts.join('\n'), { block_id: 'root-facts' }));

  const roles = rolesText(view);
  if (roles) blocks.push(section(roles, { block_id: 'root-roles' }));

  const counts = [`⛔ ${p.blocked} blocked`, `❌ ${p.failed} failed`, `➖ ${p.na} N/A`].join(' · ');
  blocks.push(
    section(`*Progress:* ${p.done}/${p.total}  ${progressBar(p.done, p.total)}\n${counts}`, {
      block_id: 'root-progress',
    }),
  );

  const signOff = signOffLines(view);
  if (signOff.length > 0) blocks.push(section(signOff.join('\n'), { block_id: 'root-signoff' }));

  if (opts.checksRunning && isActive(goLive.status))
    blocks.push(context(':hourglass_flowing_sand: Checks are running…'));
  const controls = rootControls(view, opts);
  if (controls.length > 0) blocks.push({ type: 'actions', block_id: 'root-actions', elements: controls });
  blocks.push(context('The checklist is in the thread, one message per section.'));

  const text = `Go-live ${title}: ${p.done}/${p.total} done, ${STATUS_WORDS[goLive.status].toLowerCase()}`;
  return { text, blocks };
}
