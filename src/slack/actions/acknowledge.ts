// Acknowledge on a post-launch check-in: anyone in the channel may; the first one is recorded and shown on the
// message, stops the escalation chain at once, and a second click (or a Slack retry) changes nothing.
import type { BlockButtonAction } from '@slack/bolt';
import type { Listeners } from '../listeners.js';
import { formatElapsed } from '../../domain/post-launch.js';
import { context, section } from '../blocks/common.js';
import { mention } from '../blocks/mrkdwn.js';
import { renderError } from '../blocks/replies.js';
import { ACTION } from '../ids.js';
import { SOMETHING_WENT_WRONG } from '../words.js';
import { clickDeliveryKey, firstDelivery, tellClicker } from './click.js';
import type { SlackServices } from '../services.js';

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.action<BlockButtonAction>(ACTION.acknowledge, async ({ ack, body, action }) => {
    await ack();
    await services.work.afterAck(async () => {
      if (!(await firstDelivery(services, clickDeliveryKey(body, action)))) return;
      const user = body.user.id;
      try {
        const outcome = await services.postLaunch.acknowledge(action.value ?? '', user);
        if (!outcome.ok) return tellClicker(services, body, renderError(outcome.message));
        const { checkIn } = outcome;
        if (!outcome.changed && checkIn.ackedBy !== undefined && checkIn.ackedAt !== undefined) {
          const by = checkIn.ackedBy === user ? 'you' : mention(checkIn.ackedBy);
          return tellClicker(services, body, {
            text: 'This check-in was already acknowledged.',
            blocks: [
              section(
                `This check-in was already acknowledged by ${by} after ${formatElapsed(checkIn.ackedAt - checkIn.postedAt)}: nothing changed.`,
              ),
            ],
          });
        }
        if (!outcome.updated) {
          await tellClicker(services, body, {
            text: 'Acknowledged; the message could not be updated.',
            blocks: [
              section(':white_check_mark: Your acknowledgement is recorded and the escalation stopped.'),
              context('Slack refused to update the check-in message; it is logged.'),
            ],
          });
        }
      } catch (error) {
        services.logger.error({ err: error, checkInId: action.value }, 'acknowledging a check-in failed');
        await tellClicker(services, body, renderError(SOMETHING_WENT_WRONG));
      }
    });
  });
}
