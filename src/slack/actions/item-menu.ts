// An item's overflow menu: done / open change the item at once; N/A and blocked first ask why in a modal.
import type { BlockOverflowAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Listeners } from '../listeners.js';
import { findItem } from '../../domain/checklist.js';
import { isActive } from '../../domain/go-live.js';
import { ACTION, decodeItemAction } from '../ids.js';
import type { ItemActionValue } from '../ids.js';
import { renderReasonModal } from '../blocks/modals.js';
import { renderTextForm } from '../blocks/signoff-modals.js';
import { renderError } from '../blocks/replies.js';
import type { ItemChangeRequest } from '../../services/go-live-service.js';
import {
  explainSlackFailure,
  GO_LIVE_GONE,
  itemChangeRefusal,
  NOT_IN_CHECKLIST,
  checklistClosed,
  failureText,
} from '../words.js';
import { clickDeliveryKey, clickPlace, firstDelivery, fromItsMessage, NOT_THIS_MESSAGE, tellClicker } from './click.js';
import type { SlackServices } from '../services.js';
import { openNoteForm } from '../views/note.js';

type OverflowArgs = SlackActionMiddlewareArgs<BlockOverflowAction>;

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.action<BlockOverflowAction>(ACTION.itemMenu, async ({ ack, body, action }) => {
    const deliveryKey = clickDeliveryKey(body, action);
    const value = decodeItemAction(action.selected_option?.value ?? '');
    if (value && (value.action === 'done' || value.action === 'open')) {
      const tick = { ...value, action: value.action };
      // A tick is saved before its ack (one SQLite transaction, ~0.1 ms): an acked tick is never lost.
      const saved = (await fromItsMessage(services, body, value.goLiveId))
        ? await saveTick(services, tick, body.user.id, deliveryKey, clickPlace(body))
        : refuseElsewhere(services, value);
      await ack();
      if (saved.ok) return;
      // After Go live the checklist is locked: the change needs a reason, asked in a form.
      if ('locked' in saved) await services.work.afterAck(() => askPostLaunchReason(services, body, tick));
      else await services.work.afterAck(() => tell(services, body, saved.message));
      return;
    }
    await ack();
    await services.work.afterAck(async () => {
      if (!(await firstDelivery(services, deliveryKey))) return;
      if (!value) {
        services.logger.warn({ value: action.selected_option?.value?.slice(0, 150) }, 'item menu value not understood');
        return tell(services, body, 'I did not understand that choice; the message may be out of date.');
      }
      try {
        if (!(await fromItsMessage(services, body, value.goLiveId)))
          return tell(services, body, refuseElsewhere(services, value).message);
        if (value.action === 'note') {
          await openNoteForm(services, body.trigger_id, value.goLiveId, value.itemId, (message) =>
            tell(services, body, message),
          );
          return;
        }
        await askReason(services, body.trigger_id, value, (message) => tell(services, body, message));
      } catch (error) {
        services.logger.error(
          { err: error, goLiveId: value.goLiveId, itemId: value.itemId },
          'opening the reason form failed',
        );
        await tell(services, body, failureText(error));
      }
    });
  });
}

async function saveTick(
  services: SlackServices,
  value: ItemActionValue & { action: 'done' | 'open' },
  userId: string,
  deliveryKey: string,
  waitingIn: ItemChangeRequest['waitingIn'],
): Promise<{ ok: true } | { ok: false; message: string; locked?: true }> {
  try {
    const outcome = await services.goLives.changeItem({
      goLiveId: value.goLiveId,
      itemId: value.itemId,
      state: value.action,
      userId,
      deliveryKey,
      ...(waitingIn !== undefined ? { waitingIn } : {}),
    });
    if (outcome.ok) return { ok: true };
    return outcome.code === 'locked'
      ? { ok: false, message: itemChangeRefusal(outcome), locked: true }
      : { ok: false, message: itemChangeRefusal(outcome) };
  } catch (error) {
    services.logger.error({ err: error, goLiveId: value.goLiveId, itemId: value.itemId }, 'item change failed');
    return { ok: false, message: failureText(error) };
  }
}

function refuseElsewhere(services: SlackServices, value: ItemActionValue): { ok: false; message: string } {
  services.logger.warn(
    { goLiveId: value.goLiveId, itemId: value.itemId },
    'item menu value names another go-live than its message: refused',
  );
  return { ok: false, message: NOT_THIS_MESSAGE };
}

const tell = (services: SlackServices, body: OverflowArgs['body'], message: string): Promise<void> =>
  tellClicker(services, body, renderError(message));

async function askReason(
  services: SlackServices,
  triggerId: string,
  value: ItemActionValue,
  tell: (message: string) => Promise<void>,
): Promise<void> {
  const goLive = await services.store.getGoLive(value.goLiveId);
  if (!goLive) return tell(GO_LIVE_GONE);
  const flat = findItem(goLive.template, value.itemId);
  if (!flat) return tell(NOT_IN_CHECKLIST);
  if (!isActive(goLive.status)) {
    return tell(checklistClosed(goLive));
  }
  const opened = await services.slack.openView(
    triggerId,
    renderReasonModal({
      action: value.action === 'na' ? 'na' : 'blocked',
      goLiveId: value.goLiveId,
      itemId: value.itemId,
      itemText: flat.item.text,
      service: goLive.service,
    }),
  );
  if (!opened.ok) await tell(`I could not open the form: ${explainSlackFailure(opened.error)}`);
}

/** The post-launch change form for a Done or Reopen after Go live. */
async function askPostLaunchReason(
  services: SlackServices,
  body: OverflowArgs['body'],
  value: ItemActionValue & { action: 'done' | 'open' },
): Promise<void> {
  const goLive = await services.store.getGoLive(value.goLiveId);
  if (!goLive) return tell(services, body, GO_LIVE_GONE);
  const flat = findItem(goLive.template, value.itemId);
  const opened = await services.slack.openView(
    body.trigger_id,
    renderTextForm(
      { kind: 'post-launch', goLiveId: value.goLiveId, itemId: value.itemId, action: value.action },
      goLive,
      flat?.item.text,
    ),
  );
  if (!opened.ok) await tell(services, body, `I could not open the form: ${explainSlackFailure(opened.error)}`);
}
