// The reason modal's submission: N/A or blocked with the reason typed. A reason the rules refuse is shown in
// the modal itself; anything else closes it and the thread re-renders from the database.
import type { App } from '@slack/bolt';
import { validateItemChange } from '../../domain/checklist.js';
import { VIEW, decodeItemAction } from '../ids.js';
import { REASON_FIELD, readReasonModal } from '../blocks/modals.js';
import type { ViewStateValues } from '../blocks/modals.js';
import { renderError } from '../blocks/replies.js';
import { tellPrivately } from '../respond.js';
import type { SlackServices } from '../app.js';

export function register(app: App, services: SlackServices): void {
  app.view(VIEW.itemReason, async ({ ack, body, view }) => {
    const value = decodeItemAction(view.private_metadata);
    if (!value || (value.action !== 'na' && value.action !== 'blocked')) {
      await ack({ response_action: 'errors', errors: { [REASON_FIELD]: 'This form is out of date; close it and choose again.' } });
      return;
    }
    const reason = readReasonModal(view.state.values as ViewStateValues) ?? '';
    const check = validateItemChange({ state: value.action, reason });
    if (!check.ok) {
      await ack({ response_action: 'errors', errors: { [REASON_FIELD]: check.reason } });
      return;
    }
    await ack();
    const user = body.user.id;
    await services.work.afterAck(async () => {
      const key = `view:${view.id}:${view.hash}`;
      if (!(await services.store.claimDelivery(key))) {
        services.logger.info({ key }, 'repeated delivery of a handled submission: ignored');
        return;
      }
      try {
        const outcome = await services.goLives.changeItem({ goLiveId: value.goLiveId, itemId: value.itemId, state: value.action, reason, userId: user });
        if (outcome.ok || !outcome.goLive) {
          if (!outcome.ok) services.logger.warn({ goLiveId: value.goLiveId }, outcome.message);
          return;
        }
        const { channelId, rootTs } = outcome.goLive;
        await tellPrivately(
          services.slack,
          services.logger,
          { user, channel: channelId, ...(rootTs !== undefined ? { threadTs: rootTs } : {}) },
          renderError(outcome.message),
        );
      } catch (error) {
        services.logger.error({ err: error, goLiveId: value.goLiveId, itemId: value.itemId }, 'item change from the reason form failed');
      }
    });
  });
}
