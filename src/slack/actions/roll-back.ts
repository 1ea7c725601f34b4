// Roll back: the root's button opens the reason form (for the deployer and the on-call roles only); the form's
// submission rolls back, closes the window and tells the on-call. Refusals are private and change nothing.
import type { BlockButtonAction } from '@slack/bolt';
import type { Listeners } from '../listeners.js';
import { renderRollBackModal, ROLL_BACK_FIELD } from '../blocks/roll-back-modal.js';
import { renderError } from '../blocks/replies.js';
import { ACTION, VIEW } from '../ids.js';
import { tellPrivately } from '../respond.js';
import { clickDeliveryKey, firstDelivery, tellClicker } from './click.js';
import type { SlackServices } from '../services.js';
import { SOMETHING_WENT_WRONG } from '../words.js';

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.action<BlockButtonAction>(ACTION.rollBack, async ({ ack, body, action }) => {
    await ack();
    await services.work.afterAck(async () => {
      if (!(await firstDelivery(services, clickDeliveryKey(body, action)))) return;
      try {
        const goLive = await services.store.getGoLive(action.value ?? '');
        if (!goLive) return tellClicker(services, body, renderError('that go-live no longer exists.'));
        if (goLive.status !== 'live')
          return tellClicker(services, body, renderError('only a live go-live can be rolled back.'));
        if (!(await services.postLaunch.mayRollBack(goLive, body.user.id))) {
          return tellClicker(
            services,
            body,
            renderError(`only <@${goLive.startedBy}> (who started it) or the on-call may roll back this go-live.`),
          );
        }
        const opened = await services.slack.openView(
          body.trigger_id,
          renderRollBackModal({ goLiveId: goLive.id, service: goLive.service, environment: goLive.environment }),
        );
        if (!opened.ok)
          await tellClicker(services, body, renderError('the Roll back form could not open; click again.'));
      } catch (error) {
        services.logger.error({ err: error, goLiveId: action.value }, 'opening the roll back form failed');
        await tellClicker(services, body, renderError(SOMETHING_WENT_WRONG));
      }
    });
  });

  listeners.view(VIEW.rollBack, async ({ ack, body, view }) => {
    const reason = (view.state.values[ROLL_BACK_FIELD]?.[ROLL_BACK_FIELD]?.value ?? '').trim();
    if (reason.length === 0) {
      await ack({ response_action: 'errors', errors: { [ROLL_BACK_FIELD]: 'Say why it is rolled back.' } });
      return;
    }
    await ack();
    await services.work.afterAck(async () => {
      const user = body.user.id;
      try {
        const outcome = await services.postLaunch.rollBack({ goLiveId: view.private_metadata, userId: user, reason });
        if (outcome.ok) return;
        const goLive = await services.store.getGoLive(view.private_metadata);
        if (!goLive) return services.logger.warn({ goLiveId: view.private_metadata }, outcome.message);
        await tellPrivately(
          services.slack,
          services.logger,
          { user, channel: goLive.channelId, ...(goLive.rootTs !== undefined ? { threadTs: goLive.rootTs } : {}) },
          renderError(outcome.message),
        );
      } catch (error) {
        services.logger.error({ err: error, goLiveId: view.private_metadata }, 'roll back failed');
      }
    });
  });
}
