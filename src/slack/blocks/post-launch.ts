// What the post-launch window says in Slack: the pre-flight, check-ins with their results and Acknowledge,
// escalations, failure pings and recoveries, roll back, a parked job, and the end-of-window summary.
import { formatElapsed } from '../../domain/post-launch.js';
import type { CheckInView, Level, PostLaunchMessage } from '../../services/post-launch.js';
import { ACTION } from '../ids.js';
import { CHECK_ICON, button, context, header, section } from './common.js';
import type { Block, SlackMessage } from './common.js';
import { NAME_MAX, mention, roleMention, safeName, safeText, slackDate } from './mrkdwn.js';

const TEXT_MAX = 500;
const LIST_MAX = 20;

function who(level: Level): string {
  const label = safeName(level.label, 60);
  if (level.mentions.length === 0) return `${label} (nobody assigned)`;
  return `${level.mentions.map(roleMention).join(', ')} (${label})`;
}

function name(service: string, environment: string): string {
  return `${safeName(service, NAME_MAX.service)} · ${safeName(environment, NAME_MAX.environment)}`;
}

function late(lateMs: number | undefined, replaces = 0): string {
  const missed = `${replaces} missed repeat${replaces === 1 ? '' : 's'} folded into this one`;
  // A repeat folded into one that itself fired on time was still missed: say so, or it vanishes unseen.
  if (lateMs === undefined)
    return replaces > 0
      ? ` :hourglass: _${missed} (Golive was not running when ${replaces === 1 ? 'it was' : 'they were'} due)_`
      : '';
  return ` :hourglass: _late by ${formatElapsed(lateMs)} (Golive was not running when it was due${replaces > 0 ? `; ${missed}` : ''})_`;
}

/** The check-in message: its text, the check results, who is asked, and Acknowledge or who acknowledged. */
export function renderCheckIn(checkIn: CheckInView): SlackMessage {
  const text = safeText(checkIn.text, TEXT_MAX);
  const blocks: Block[] = [section(`:bell: *Check-in:* ${text}${late(checkIn.lateMs, checkIn.replaces)}`)];
  if (checkIn.results.length > 0) {
    const lines = checkIn.results
      .slice(0, LIST_MAX)
      .map((r) => `${CHECK_ICON[r.status]} \`${r.kind}\` ${safeText(r.summary, 300)}`);
    blocks.push(section(lines.join('\n')));
  }
  if (checkIn.ackedBy !== undefined && checkIn.ackedAt !== undefined) {
    blocks.push(
      context(
        `:white_check_mark: Acknowledged by ${mention(checkIn.ackedBy)} ${slackDate(checkIn.ackedAt)} (after ${formatElapsed(checkIn.ackedAt - checkIn.postedAt)})`,
      ),
    );
  } else {
    const chain = checkIn.escalatedTo
      ? checkIn.nobodyAnswered
        ? `\n:sos: Nobody answered; it stays with ${who(checkIn.escalatedTo)}.`
        : `\n:rotating_light: Escalated to ${who(checkIn.escalatedTo)}.`
      : '';
    blocks.push(section(`On-call: ${who(checkIn.onCall)}, please acknowledge.${chain}`));
    blocks.push({
      type: 'actions',
      block_id: 'checkin_actions',
      elements: [button('Acknowledge', ACTION.acknowledge, checkIn.id, 'primary')],
    });
  }
  blocks.push(context(`${name(checkIn.service, checkIn.environment)} · due ${slackDate(checkIn.dueAt)}`));
  const status = checkIn.ackedBy !== undefined ? 'acknowledged' : 'please acknowledge';
  return { text: `Check-in: ${checkIn.text} (${status})`, blocks };
}

export function renderPostLaunch(message: PostLaunchMessage): SlackMessage {
  switch (message.type) {
    case 'check-in':
      return renderCheckIn(message.checkIn);
    case 'preflight': {
      const chain = message.levels.map((l, i) => `${i + 1}. ${who(l)}`).join('\n');
      const blocks: Block[] = [
        section(
          `:rocket: *Post-launch window open* for *${name(message.service, message.environment)}* until ${slackDate(message.endsAt)}: ${message.checkIns} check-in${message.checkIns === 1 ? '' : 's'}, each to acknowledge within ${formatElapsed(message.ackWithinMs)}.`,
        ),
        section(`*Escalation*\n${chain}`),
      ];
      if (message.unassigned.length > 0) {
        blocks.push(
          section(
            `:warning: *Nobody assigned:* ${message.unassigned.map((l) => safeName(l.label, 60)).join(', ')}. Escalations to ${message.unassigned.length === 1 ? 'it reach nobody' : 'them reach nobody'}: set them with *Edit roles*.`,
          ),
        );
      }
      const missing =
        message.unassigned.length > 0 ? `; nobody assigned: ${message.unassigned.map((l) => l.label).join(', ')}` : '';
      return { text: `Post-launch window open for ${message.service} ${message.environment}${missing}`, blocks };
    }
    case 'escalation': {
      const text = safeText(message.checkIn.text, TEXT_MAX);
      const body = message.nobodyAnswered
        ? `:sos: *Nobody answered* the check-in “${text}” in ${formatElapsed(message.waitedMs)}. It stays with ${who(message.level)}.`
        : `:rotating_light: *Escalation:* the check-in “${text}” has had no acknowledgement for ${formatElapsed(message.waitedMs)}. ${who(message.level)}: please look and press *Acknowledge* on it.`;
      return {
        text: message.nobodyAnswered
          ? `Nobody answered the check-in "${message.checkIn.text}" for ${message.service} ${message.environment}`
          : `Escalation for ${message.service} ${message.environment}: check-in "${message.checkIn.text}" not acknowledged`,
        blocks: [section(`${body}${late(message.late)}`), context(name(message.service, message.environment))],
      };
    }
    case 'failure':
      return {
        text: `Check failing on ${message.service} ${message.environment}: ${message.kind}: ${message.summary}`,
        blocks: [
          section(
            `:x: *Check failing:* \`${message.kind}\` on *${name(message.service, message.environment)}*: ${safeText(message.summary, 500)}`,
          ),
          section(`On-call: ${who(message.onCall)}. I will post here when it passes again.`),
        ],
      };
    case 'recovery':
      return {
        text: `Recovered on ${message.service} ${message.environment}: ${message.kind}`,
        blocks: [
          section(
            `:white_check_mark: *Recovered:* \`${message.kind}\` passes again after ${formatElapsed(message.failedForMs)}: ${safeText(message.summary, 500)}`,
          ),
        ],
      };
    case 'rolled-back':
      return {
        text: `${message.service} ${message.environment} was rolled back by ${message.by}: ${message.reason}`,
        blocks: [
          section(`:rewind: *Rolled back* by ${mention(message.by)}: ${safeText(message.reason, 500)}`),
          section(
            `On-call: ${who(message.onCall)}. The post-launch window is closed: ${message.cancelled} scheduled step${message.cancelled === 1 ? '' : 's'} cancelled.`,
          ),
          context(name(message.service, message.environment)),
        ],
      };
    case 'parked':
      return {
        text: `Golive gave up on ${message.what} for ${message.service} ${message.environment} after ${message.attempts} attempts`,
        blocks: [
          section(
            `:warning: I tried ${message.what} ${message.attempts} times and gave up: ${safeText(message.error, 300)}. It is logged; nothing more will be tried for it.`,
          ),
        ],
      };
    case 'summary':
      return renderSummary(message);
  }
}

function renderSummary(message: Extract<PostLaunchMessage, { type: 'summary' }>): SlackMessage {
  const s = message.summary;
  const blocks: Block[] = [header(`Post-launch summary: ${message.service} · ${message.environment}`)];
  const median = s.medianAckMs !== undefined ? `, median ${formatElapsed(s.medianAckMs)}` : '';
  blocks.push(
    section(
      `:checkered_flag: Window ${slackDate(message.t0)} – ${slackDate(message.endedAt)}. Status: *Completed*.\n` +
        `*Check-ins:* ${s.checkIns} posted${s.late > 0 ? ` (${s.late} late)` : ''}; ${s.acknowledged.length} acknowledged${median}; ${s.unacknowledged.length} not acknowledged.`,
    ),
  );
  if (s.acknowledged.length > 0) {
    const lines = s.acknowledged
      .slice(0, LIST_MAX)
      .map((a) => `• ${safeText(a.text, 120)}: ${mention(a.by)} after ${formatElapsed(a.afterMs)}`);
    blocks.push(
      section(
        `*Acknowledged*\n${lines.join('\n')}${s.acknowledged.length > LIST_MAX ? `\n…and ${s.acknowledged.length - LIST_MAX} more` : ''}`,
      ),
    );
  }
  const escalations =
    s.escalations.length === 0
      ? 'none'
      : s.escalations
          .slice(0, LIST_MAX)
          .map(
            (e) =>
              `• ${safeText(e.text, 120)}: reached ${safeName(message.levels[Math.min(e.level, message.levels.length - 1)]?.label ?? '', 60)}${e.level >= message.levels.length ? ' (nobody answered)' : ''}`,
          )
          .join('\n');
  blocks.push(
    section(`*Escalations:* ${s.escalations.length === 0 ? 'none' : `${s.escalations.length}\n${escalations}`}`),
  );
  const failures =
    s.failures.length === 0
      ? 'none'
      : `${s.failures.length}, ${s.recovered} recovered\n` +
        s.failures
          .slice(0, LIST_MAX)
          .map(
            (f) =>
              `• \`${f.kind}\` ${slackDate(f.failedAt)}: ${safeText(f.summary, 200)}${f.recoveredAt !== undefined ? ` — recovered after ${formatElapsed(f.recoveredAt - f.failedAt)}` : ' — *still failing*'}`,
          )
          .join('\n');
  blocks.push(section(`*Failures:* ${failures}`));
  return {
    text: `Post-launch summary for ${message.service} ${message.environment}: ${s.checkIns} check-ins, ${s.acknowledged.length} acknowledged, ${s.escalations.length} escalations, ${s.failures.length} failures (${s.recovered} recovered). Completed.`,
    blocks,
  };
}
