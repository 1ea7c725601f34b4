// What a person reads when a service says no: each code a service returns becomes one sentence here, and each
// sentence is written once. Services return codes and facts (src/services/*); listeners call these.
import { storeWriteRefusal } from '../../db/store.js';
import { isActive, STATUS_WORDS } from '../domain/go-live.js';
import type { GoLive } from '../domain/go-live.js';
import type { CheckRefusal, FindOutcome } from '../services/check-service.js';
import type { AbortOutcome, ItemChangeOutcome, StartOutcome } from '../services/go-live-service.js';
import type { SlackMessage } from './blocks/common.js';

import { renderError, renderLockHeld, renderLockHeldElsewhere } from './blocks/replies.js';
import { mention, safeName, slackDate } from './blocks/mrkdwn.js';

/** An unexpected failure (logged with its stack): the person only learns that it is not their fault. */
export const SOMETHING_WENT_WRONG = 'something went wrong on my side; it is logged. Try again in a moment.';

/**
 * What a person is told when their request failed unexpectedly: the database refusing writes is said as such
 * (nothing was saved, and it is not theirs to retry blindly); anything else is logged and said generically.
 */
export function failureText(error: unknown): string {
  const refused = storeWriteRefusal(error);
  if (refused !== undefined) {
    return `Golive cannot save right now: the database refused the write (${refused}). Nothing was changed; try again once whoever runs Golive has made the database writable (/health/ready answers 503 until then).`;
  }
  return SOMETHING_WENT_WRONG;
}
export const GO_LIVE_GONE = 'that go-live no longer exists.';
export const NOT_IN_CHECKLIST = 'that item is not in this go-live’s checklist.';

/** What a person is told when Slack refused a call, in words they can act on. */
export function explainSlackFailure(error: string): string {
  switch (error) {
    case 'not_in_channel':
      return 'I am not in this channel: invite me with `/invite @Golive` and try again.';
    case 'channel_not_found':
      return 'I cannot see this channel (private channels need me invited first).';
    case 'is_archived':
      return 'this channel is archived.';
    case 'ratelimited':
      return 'Slack is rate-limiting me; try again in a minute.';
    default:
      return `Slack answered \`${slackCode(error)}\`; try again, and tell your Golive admin if it keeps failing.`;
  }
}

/** A Slack error code as it may be shown: letters, digits, `_`, `-` and spaces, at most 80 of them. */
function slackCode(error: string): string {
  return error.replace(/[^a-z0-9_ -]/gi, '').slice(0, 80);
}

/** What a person whose change could not be shown reads: it is saved, and when it will show. */
export function renderFailedText(error: string): string {
  return `Your change is saved, but I could not update the checklist message in Slack (\`${slackCode(error) || 'unknown_error'}\`). It will show on the next successful update.`;
}

/** Why a go-live's checklist cannot change any more. */
export function checklistClosed(goLive: GoLive): string {
  const status = isActive(goLive.status) ? 'ended' : STATUS_WORDS[goLive.status].toLowerCase();
  return `this go-live is ${status}: its checklist can no longer change.`;
}

/** The private answer to a start (command or form); undefined when the thread itself says it all. */
export function startAnswer(outcome: StartOutcome): SlackMessage | undefined {
  if (outcome.ok) {
    const n = outcome.unposted.length;
    return n === 0
      ? undefined
      : renderError(`${n} section message(s) could not be posted yet; they appear on the next change.`);
  }
  switch (outcome.code) {
    case 'locked':
      return renderLockHeld(outcome.holder, outcome.permalink);
    case 'locked-elsewhere':
      return renderLockHeldElsewhere(outcome);
    case 'unknown-template':
      return renderError(
        `there is no template \`${outcome.template}\`; templates: ${outcome.known.map((t) => `\`${t}\``).join(', ')}.`,
      );
    case 'unknown-roles':
      return renderError(
        `template \`${outcome.template}\` has no role ${outcome.roles.map((r) => `\`${r}\``).join(', ')}.`,
      );
    case 'slack':
      return renderError(`I could not start the go-live: ${explainSlackFailure(outcome.error)}`);
  }
}

export function itemChangeRefusal(outcome: Extract<ItemChangeOutcome, { ok: false }>): string {
  switch (outcome.code) {
    case 'invalid':
      return outcome.reason;
    case 'not-found':
      return GO_LIVE_GONE;
    case 'unknown-item':
      return NOT_IN_CHECKLIST;
    case 'ended':
      return checklistClosed(outcome.goLive);
    case 'locked':
      return 'the checklist is locked after Go live: a change needs a reason.';
  }
}

export function abortRefusal(outcome: Extract<AbortOutcome, { ok: false }>): string {
  switch (outcome.code) {
    case 'not-found': {
      const where = outcome.environment === undefined ? outcome.service : `${outcome.service} ${outcome.environment}`;
      return `no active go-live for \`${where}\`.`;
    }
    case 'ambiguous':
      return `\`${outcome.service}\` is going live in ${outcome.environments.map((e) => `\`${e}\``).join(', ')}: say which with \`env=<environment>\`.`;
    case 'not-allowed':
      return `only <@${outcome.goLive.startedBy}> (who started it) or an approver may abort this go-live.`;
    case 'gone':
      return GO_LIVE_GONE;
  }
}

export function checkRefusal(outcome: CheckRefusal): string {
  switch (outcome.code) {
    case 'not-found':
      return GO_LIVE_GONE;
    case 'not-active':
      return `this go-live is ${STATUS_WORDS[outcome.goLive.status].toLowerCase()}: checks no longer run on it.`;
    case 'no-url':
      return 'this go-live has no URL: start it with a url to run checks';
    case 'unknown-section': {
      const withChecks = outcome.sectionsWithChecks.map((id) => `\`${id}\``).join(', ') || 'none';
      return `this checklist has no section \`${safeName(outcome.sectionId, 63)}\`; sections with checks: ${withChecks}.`;
    }
    case 'no-checks':
      return `${outcome.sectionTitle !== undefined ? `section *${safeName(outcome.sectionTitle, 150)}*` : 'this checklist'} has no automatic checks.`;
    case 'running':
      return `checks are already running on this go-live, started by ${mention(outcome.holder.by)} ${slackDate(outcome.holder.at)}. The summary will appear in the thread; try again when it is there.`;
  }
}

export function findRefusal(outcome: Extract<FindOutcome, { ok: false }>): string {
  const service = `\`${safeName(outcome.service, 80)}\``;
  if (outcome.code === 'not-found') return `no active go-live for ${service}.`;
  const environments = outcome.environments.map((e) => `\`${safeName(e, 40)}\``).join(', ');
  return `${service} is going live in ${environments}: use the *Run checks* button in the thread of the one you mean.`;
}
