// An item's overflow menu: done / open change the item at once; N/A and blocked first ask why in a modal.
import type { App, BlockOverflowAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { findItem } from '../../domain/checklist.js';
import { ACTION, decodeItemAction } from '../ids.js';
import type { ItemActionValue } from '../ids.js';
import { renderReasonModal } from '../blocks/modals.js';
import { renderError } from '../blocks/replies.js';
import { explainSlackFailure } from '../../services/go-live-service.js';
import { tellPrivately } from '../respond.js';
import type { SlackServices } from '../app.js';

type OverflowArgs = SlackActionMiddlewareArgs<BlockOverflowAction>;

export function register(app: App, services: SlackServices): void {
  app.action<BlockOverflowAction>({ action_id: ACTION.itemMenu, type: 'block_actions' }, async ({ ack, body, action }) => {
    await ack();
    await services.work.afterAck(async () => {
      // A click is handled once: a Slack retry of it (X-Slack-Retry-Num) finds its key taken.
      const key = `action:${body.trigger_id ?? ''}:${action.action_ts}`;
      if (!(await services.store.claimDelivery(key))) {
        services.logger.info({ key }, 'repeated delivery of a handled click: ignored');
        return;
      }
      await handle(services, { body, action });
    });
  });
}

async function handle(services: SlackServices, { body, action }: Pick<OverflowArgs, 'body' | 'action'>): Promise<void> {
  const user = body.user.id;
  const channel = body.channel?.id ?? body.container?.channel_id;
  const threadTs = body.message?.thread_ts ?? body.container?.thread_ts;
  const tell = (message: string) =>
    tellPrivately(
      services.slack,
      services.logger,
      { user, ...(channel !== undefined ? { channel } : {}), ...(typeof threadTs === 'string' ? { threadTs } : {}) },
      renderError(message),
    );
  const value = decodeItemAction(action.selected_option?.value ?? '');
  if (!value) {
    services.logger.warn({ value: action.selected_option?.value?.slice(0, 150) }, 'item menu value not understood');
    return tell('I did not understand that choice; the message may be out of date.');
  }
  try {
    if (value.action === 'done' || value.action === 'open') {
      const outcome = await services.goLives.changeItem({ goLiveId: value.goLiveId, itemId: value.itemId, state: value.action, userId: user });
      if (!outcome.ok) await tell(outcome.message);
      return;
    }
    await askReason(services, body.trigger_id, value, tell);
  } catch (error) {
    services.logger.error({ err: error, goLiveId: value.goLiveId, itemId: value.itemId }, 'item change failed');
    await tell('something went wrong on my side; it is logged. Try again in a moment.');
  }
}

async function askReason(
  services: SlackServices,
  triggerId: string,
  value: ItemActionValue,
  tell: (message: string) => Promise<void>,
): Promise<void> {
  const goLive = await services.store.getGoLive(value.goLiveId);
  if (!goLive) return tell('that go-live no longer exists.');
  const flat = findItem(goLive.template, value.itemId);
  if (!flat) return tell('that item is not in this go-live’s checklist.');
  if (goLive.status === 'aborted' || goLive.status === 'completed') {
    return tell(`this go-live is ${goLive.status}: its checklist can no longer change.`);
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
  if (!opened.ok) await tell(`I could not open the form: ${explainSlackFailure(opened)}`);
}
