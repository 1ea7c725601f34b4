// "Run checks" from Slack: the button on the root message and on each section, and `/golive check`. Both ack
// at once, then ask the check service; the run goes on in the background and its summary lands in the thread.
// Whatever the clicker or typist needs to know (started, or why not) is told to them privately.
import type { BlockButtonAction } from '@slack/bolt';
import type { Listeners } from '../listeners.js';
import type { CheckRunOutcome } from '../../services/check-service.js';
import { context, section } from '../blocks/common.js';
import type { SlackMessage } from '../blocks/common.js';
import { NAME_MAX, safeName } from '../blocks/mrkdwn.js';
import { renderError } from '../blocks/replies.js';
import { ACTION } from '../ids.js';
import { checkRefusal, findRefusal, failureText } from '../words.js';
import { clickDeliveryKey, firstDelivery, fromItsMessage, NOT_THIS_MESSAGE, tellClicker } from './click.js';
import type { SlackServices } from '../services.js';

/** The button's value: `goLiveId` on the root message, `goLiveId|sectionId` on a section. */
export function decodeRunChecks(raw: string): { goLiveId: string; sectionId?: string } | undefined {
  const [goLiveId, sectionId, ...rest] = raw.split('|');
  if (!goLiveId || rest.length > 0 || sectionId === '') return undefined;
  return sectionId === undefined ? { goLiveId } : { goLiveId, sectionId };
}

/** The private answer to a run request: what started, or why nothing did. */
export function runAnswer(outcome: CheckRunOutcome): SlackMessage {
  if (!outcome.ok) return renderError(checkRefusal(outcome));
  const { goLive, sectionId, checks } = outcome.started;
  const title = sectionId === undefined ? undefined : goLive.template.sections.find((s) => s.id === sectionId)?.title;
  const scope = title ? ` of *${safeName(title, 150)}*` : '';
  const name = `${safeName(goLive.service, NAME_MAX.service)} · ${safeName(goLive.environment, NAME_MAX.environment)}`;
  const text = `:hourglass_flowing_sand: Running ${checks} check${checks === 1 ? '' : 's'}${scope} on *${name}*.`;
  return {
    text: `Running ${checks} checks on ${goLive.service} ${goLive.environment}`,
    blocks: [section(text), context('The summary will appear in the go-live thread.')],
  };
}

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.action<BlockButtonAction>(ACTION.runChecks, async ({ ack, body, action }) => {
    await ack();
    await services.work.afterAck(async () => {
      if (!(await firstDelivery(services, clickDeliveryKey(body, action)))) return;
      await handleClick(services, body, action);
    });
  });
}

async function handleClick(
  services: SlackServices,
  body: BlockButtonAction,
  action: BlockButtonAction['actions'][number],
): Promise<void> {
  const user = body.user.id;
  const tell = (message: SlackMessage) => tellClicker(services, body, message);
  const value = decodeRunChecks(action.value ?? '');
  if (!value) {
    services.logger.warn({ value: action.value?.slice(0, 150) }, 'run-checks value not understood');
    return tell(renderError('I did not understand that button; the message may be out of date.'));
  }
  try {
    if (!(await fromItsMessage(services, body, value.goLiveId))) {
      services.logger.warn(
        { goLiveId: value.goLiveId },
        'run-checks value names another go-live than its message: refused',
      );
      return await tell(renderError(NOT_THIS_MESSAGE));
    }
    const outcome = await services.checks.run({
      goLiveId: value.goLiveId,
      actor: user,
      ...(value.sectionId !== undefined ? { sectionId: value.sectionId } : {}),
    });
    await tell(runAnswer(outcome));
  } catch (error) {
    services.logger.error({ err: error, goLiveId: value.goLiveId }, 'starting checks failed');
    await tell(renderError(failureText(error)));
  }
}

/** `/golive check <service> [section]` typed in `channelId`: the active go-live of that service seen from there, then the same run as the button. */
export async function checkCommand(
  services: SlackServices,
  request: { service: string; section?: string; userId: string; channelId: string },
  reply: (message: SlackMessage) => Promise<void>,
): Promise<void> {
  const found = await services.checks.findForService(request.service, request.channelId);
  if (!found.ok) return reply(renderError(findRefusal(found)));
  const outcome = await services.checks.run({
    goLiveId: found.goLive.id,
    actor: request.userId,
    ...(request.section !== undefined ? { sectionId: request.section } : {}),
  });
  return reply(runAnswer(outcome));
}
