// Sign-off in Slack's words: the approval request (thread and each approver directly), the sign-off lines of the
// root, the private refusals that say exactly what stands in the way, and the thread notices of each step.
import { progress } from '../../domain/checklist.js';
import type { ChecklistView, GoLive } from '../../domain/go-live.js';
import { STATUS_WORDS } from '../../domain/go-live.js';
import type { LifecycleRefusal } from '../../domain/lifecycle.js';
import { blockers, quorum, sectionsAwaitingSignOff } from '../../domain/signoff.js';
import type { Blockers, SignOffRefusal, SignOffState } from '../../domain/signoff.js';
import { ACTION, encodeRound } from '../ids.js';
import { button, context, section } from './common.js';
import type { Block, SlackMessage } from './common.js';
import { mention, NAME_MAX, roleMention, safeName, safeText, slackDate, truncate } from './mrkdwn.js';

/** How many open items a request or a refusal names before it only counts the rest. */
export const NAMED_ITEMS_MAX = 10;

function goLiveName(g: GoLive): string {
  return `*${safeName(g.service, NAME_MAX.service)} · ${safeName(g.environment, NAME_MAX.environment)}*`;
}

/** An item's template text on one line, shortened: it is trusted mrkdwn from the template. */
function itemLine(text: string): string {
  return truncate(text.replace(/\s+/g, ' '), 150);
}

/** `3 h`, `2 d 4 h`, `25 min`: how old evidence is, for a person. */
export function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** The open items (first ten by name, then a count), failed checks and stale evidence, one per line. */
export function blockerLines(found: Blockers, maxAgeMs: number): string[] {
  const lines: string[] = [];
  for (const o of found.open.slice(0, NAMED_ITEMS_MAX))
    lines.push(
      `• ${o.state === 'blocked' ? '⛔' : '☐'} ${itemLine(o.text)}${o.state === 'na' ? ' _(N/A without a reason)_' : ''}`,
    );
  if (found.open.length > NAMED_ITEMS_MAX)
    lines.push(`• …and ${found.open.length - NAMED_ITEMS_MAX} more open required items`);
  for (const f of found.failed.slice(0, NAMED_ITEMS_MAX)) {
    lines.push(
      `• ❌ ${itemLine(f.text)}${f.kind ? ` — \`${f.kind}\`` : ''}${f.summary ? `: ${safeText(f.summary, 200)}` : ''}`,
    );
  }
  if (found.failed.length > NAMED_ITEMS_MAX)
    lines.push(`• …and ${found.failed.length - NAMED_ITEMS_MAX} more failed checks`);
  for (const s of found.stale.slice(0, NAMED_ITEMS_MAX)) {
    lines.push(
      `• 🕰️ ${itemLine(s.text)} — \`${s.kind}\` evidence is ${age(s.ageMs)} old (at most ${age(maxAgeMs)}): run the checks again`,
    );
  }
  if (found.stale.length > NAMED_ITEMS_MAX)
    lines.push(`• …and ${found.stale.length - NAMED_ITEMS_MAX} more stale check results`);
  return lines;
}

/** The approval request: counts, what stands in the way, sections not signed off, and Approve / Reject. */
export function renderApprovalRequest(view: ChecklistView, signOff: SignOffState, now: number): SlackMessage {
  const { goLive } = view;
  const p = progress(view);
  const found = blockers(view, now);
  const { count, needed } = quorum(signOff.approvals, goLive.template.signoff);
  const open = p.total - p.done - p.blocked - p.failed;
  const blocks: Block[] = [
    section(
      [
        `:raised_hand: ${mention(goLive.startedBy)} requests approval to go live: ${goLiveName(goLive)}`,
        `*Checklist:* ✅ ${p.done - p.na} done · ➖ ${p.na} N/A · ☐ ${open} open · ⛔ ${p.blocked} blocked · ❌ ${p.failed} failed`,
        `*Approvals:* ${count} of ${needed} needed`,
      ].join('\n'),
      { block_id: 'approval-summary' },
    ),
  ];
  const lines = blockerLines(found, goLive.template.signoff.evidenceMaxAgeMs);
  if (lines.length > 0)
    blocks.push(
      section(truncate(`*What stands in the way of approval:*\n${lines.join('\n')}`, 2900), {
        block_id: 'approval-blockers',
      }),
    );
  else
    blocks.push(
      section('*Every required item is done or N/A, no check failed, no evidence is stale.*', {
        block_id: 'approval-blockers',
      }),
    );
  const awaiting = sectionsAwaitingSignOff(goLive.template, signOff.sections);
  if (awaiting.length > 0) {
    const names = awaiting.map(
      (s) => `${safeText(s.title, 80)} (${safeText(goLive.template.roles[s.owner]?.label ?? s.owner, 60)})`,
    );
    blocks.push(context(truncate(`Sections not yet signed off: ${names.join(', ')}`, 2900)));
  }
  const value = encodeRound(goLive.id, signOff.round);
  const buttons = [
    button('Approve', ACTION.approve, value, 'primary'),
    button('Reject', ACTION.reject, value, 'danger'),
  ];
  if (goLive.template.signoff.allowExceptions === true)
    buttons.push(button('Approve with exceptions', ACTION.approveWithExceptions, value));
  blocks.push({ type: 'actions', block_id: 'approval-actions', elements: buttons });
  return {
    text: `Approval requested: ${goLive.service} ${goLive.environment} (${count} of ${needed} approvals)`,
    blocks,
  };
}

/** The root's sign-off lines: `k of N` with who approved (and exceptions), a rejection, section sign-offs, T0. */
export function signOffLines(view: ChecklistView): string[] {
  const { goLive } = view;
  const signOff = view.signOff;
  const lines: string[] = [];
  if (signOff && signOff.round > 0 && goLive.status !== 'preparing') {
    const { count, needed } = quorum(signOff.approvals, goLive.template.signoff);
    const who = signOff.approvals.map(
      (a) =>
        `${mention(a.by)}${a.justification !== undefined ? ` _(with exceptions: ${safeText(a.justification, 200)})_` : ''}`,
    );
    lines.push(`*Approvals:* ${count} of ${needed}${who.length > 0 ? ` — ${who.join(', ')}` : ''}`);
  }
  if (signOff?.rejection && goLive.status === 'rejected') {
    lines.push(`*Rejected* by ${mention(signOff.rejection.by)}: ${safeText(signOff.rejection.reason, 400)}`);
  }
  if (goLive.liveAt !== undefined) lines.push(`*Live since* ${slackDate(goLive.liveAt)} (T0)`);
  return lines;
}

const LIFECYCLE_WORDS: Record<LifecycleRefusal, string> = {
  'not-requested': 'no approval is requested right now (the deployer presses *Request approval* first)',
  'already-requested': 'an approval request is already pending',
  'already-approved': 'this go-live is already approved',
  'already-rejected': 'this request is already rejected; a new *Request approval* starts over',
  'not-approved': 'this go-live is not approved yet',
  'already-live': 'this go-live is already live',
  'not-live': 'this go-live is not live',
  'nothing-to-revoke': 'no approval stands',
  ended: 'this go-live has ended',
};

/** A private refusal: exactly what stands in the way; nothing changed. */
export function refusalText(refusal: SignOffRefusal, goLive: GoLive): string {
  switch (refusal.code) {
    case 'lifecycle':
      return `${LIFECYCLE_WORDS[refusal.refusal]} (status: ${STATUS_WORDS[refusal.status]}).`;
    case 'not-deployer':
      return `only the deployer, ${mention(refusal.deployer)}, may do that.`;
    case 'not-role-holder':
    case 'not-deployer-or-role-holder': {
      const who =
        refusal.code === 'not-deployer-or-role-holder'
          ? `the deployer (${mention(refusal.deployer)}) or a *${safeText(refusal.label, 60)}*`
          : `a *${safeText(refusal.label, 60)}*`;
      const holders = (goLive.roles[refusal.role] ?? []).map(roleMention).join(', ') || '_nobody_';
      const unread =
        refusal.unresolvedGroups.length > 0
          ? ` I could not read the members of ${refusal.unresolvedGroups.map((g) => `<!subteam^${g}>`).join(', ')} from Slack; try again in a minute.`
          : '';
      return `only ${who} may do that; that role is held by ${holders}.${unread}`;
    }
    case 'four-eyes':
      return `you started this go-live, so you may not approve it (four eyes: someone else must approve).`;
    case 'incomplete': {
      const lines = blockerLines(refusal.blockers, goLive.template.signoff.evidenceMaxAgeMs);
      const hint = refusal.exceptionsAllowed
        ? '\nYou may instead choose *Approve with exceptions* and write a justification.'
        : '';
      return `not yet: this is what stands in the way:\n${lines.join('\n')}${hint}`;
    }
    case 'exceptions-not-allowed':
      return `this checklist's template does not allow approving with exceptions.`;
    case 'text-required':
      return `a ${refusal.what} is required.`;
    case 'text-too-long':
      return `the ${refusal.what} is ${refusal.length} characters long (at most ${refusal.max}).`;
    case 'unknown-section':
      return `this checklist has no section \`${safeText(refusal.sectionId, 60)}\`.`;
    case 'no-section-owner':
      return `that section has no owner role to sign it off.`;
    case 'unknown-roles':
      return `this checklist has no role ${refusal.roles.map((r) => `\`${safeText(r, 40)}\``).join(', ')}.`;
  }
}

/** Thread notices: what happened, for everyone in the thread. */
export const notice = {
  requested: (g: GoLive, signOff: SignOffState): string => {
    const { needed } = quorum(signOff.approvals, g.template.signoff);
    return `:raised_hand: ${mention(g.startedBy)} requested approval (${needed} needed). Status: *${STATUS_WORDS[g.status]}*.`;
  },
  approved: (g: GoLive, by: string, signOff: SignOffState): string => {
    const { count, needed } = quorum(signOff.approvals, g.template.signoff);
    const approval = signOff.approvals.find((a) => a.by === by);
    const exceptions =
      approval?.justification !== undefined ? ` *with exceptions*: ${safeText(approval.justification, 400)}` : '';
    const comment = approval?.comment !== undefined ? ` — “${safeText(approval.comment, 300)}”` : '';
    return `:white_check_mark: ${mention(by)} approved${exceptions}${comment} (${count} of ${needed}). Status: *${STATUS_WORDS[g.status]}*.`;
  },
  rejected: (g: GoLive, by: string, reason: string): string =>
    `:x: ${mention(by)} rejected this go-live: ${safeText(reason, 500)}. Status: *${STATUS_WORDS[g.status]}*. A new *Request approval* starts over.`,
  revoked: (g: GoLive, approvers: readonly string[], by: string, what: string): string =>
    `:warning: ${what} changed by ${mention(by)} after approval: the approval${approvers.length > 1 ? 's' : ''} of ${approvers.map(mention).join(', ')} ${approvers.length > 1 ? 'are' : 'is'} revoked. Status: *${STATUS_WORDS[g.status]}*. The deployer requests approval again.`,
  sectionSignedOff: (g: GoLive, sectionId: string, by: string): string => {
    const title = g.template.sections.find((s) => s.id === sectionId)?.title ?? sectionId;
    return `:ballot_box_with_check: ${mention(by)} signed off *${safeText(title, 100)}*.`;
  },
  sectionRevoked: (g: GoLive, sections: readonly { sectionId: string; by: string }[]): string =>
    `:warning: A change in ${sections.map((s) => `*${safeText(g.template.sections.find((x) => x.id === s.sectionId)?.title ?? s.sectionId, 100)}*`).join(', ')} voids its sign-off by ${sections.map((s) => mention(s.by)).join(', ')}.`,
  aborted: (g: GoLive, by: string, reason: string): string =>
    `:no_entry_sign: ${mention(by)} aborted this go-live: ${safeText(reason, 500)}. The lock on ${goLiveName(g)} is released.`,
  roles: (g: GoLive, by: string, changed: readonly string[]): string =>
    `:busts_in_silhouette: ${mention(by)} changed ${changed.map((r) => `*${safeText(g.template.roles[r]?.label ?? r, 60)}*`).join(', ')}: ${changed.map((r) => (g.roles[r] ?? []).map(roleMention).join(', ') || '_not set_').join(' · ')}.`,
  postLaunchChange: (by: string, itemText: string, reason: string): string =>
    `:pencil2: Post-launch change by ${mention(by)} to ${itemLine(itemText)}: ${safeText(reason, 500)}`,
} as const;

/** Direct messages to approvers: they matter, so each says which go-live and what happened. */
export const direct = {
  revoked: (g: GoLive, by: string): string =>
    `:warning: Your approval of ${goLiveName(g)} is revoked: ${mention(by)} changed the checklist after it. A new request will come if the deployer asks again.`,
  withdrawn: (g: GoLive, by: string, reason: string): string =>
    `:no_entry_sign: The approval request for ${goLiveName(g)} is withdrawn: ${mention(by)} aborted it (${safeText(reason, 300)}).`,
} as const;
