// The reason modal's submission: N/A or blocked with the reason typed. A reason the rules refuse is shown in
// the modal itself; anything else closes it and the thread re-renders from the database.
import type { Listeners } from '../listeners.js';
import { validateItemChange } from '../../domain/checklist.js';
import { VIEW, decodeItemAction } from '../ids.js';
import { REASON_FIELD, readReasonModal } from '../blocks/modals.js';
import { renderError } from '../blocks/replies.js';
import { tellPrivately } from '../respond.js';
import type { ItemChangeOutcome } from '../../services/go-live-service.js';
import { itemChangeRefusal, failureText } from '../words.js';
import type { SlackServices } from '../services.js';

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.view(VIEW.itemReason, async ({ ack, body, view }) => {
    const value = decodeItemAction(view.private_metadata);
    if (!value || (value.action !== 'na' && value.action !== 'blocked')) {
      await ack({
        response_action: 'errors',
        errors: { [REASON_FIELD]: 'This form is out of date; close it and choose again.' },
      });
      return;
    }
    const reason = readReasonModal(view.state.values) ?? '';
    const check = validateItemChange({ state: value.action, reason });
    if (!check.ok) {
      await ack({ response_action: 'errors', errors: { [REASON_FIELD]: check.reason } });
      return;
    }
    const user = body.user.id;
    // Saved before the ack, like a tick: once the form closes, the reason is in the database.
    let outcome: ItemChangeOutcome;
    try {
      outcome = await services.goLives.changeItem({
        goLiveId: value.goLiveId,
        itemId: value.itemId,
        state: value.action,
        reason,
        userId: user,
        deliveryKey: `view:${view.id}:${view.hash}`,
      });
    } catch (error) {
      services.logger.error(
        { err: error, goLiveId: value.goLiveId, itemId: value.itemId },
        'item change from the reason form failed',
      );
      await ack({ response_action: 'errors', errors: { [REASON_FIELD]: capitalised(failureText(error)) } });
      return;
    }
    await ack();
    if (outcome.ok) return;
    const refused = outcome;
    const message = itemChangeRefusal(refused);
    await services.work.afterAck(async () => {
      if (!('goLive' in refused)) return services.logger.warn({ goLiveId: value.goLiveId }, message);
      const { channelId, rootTs } = refused.goLive;
      await tellPrivately(
        services.slack,
        services.logger,
        { user, channel: channelId, ...(rootTs !== undefined ? { threadTs: rootTs } : {}) },
        renderError(message),
      );
    });
  });
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
