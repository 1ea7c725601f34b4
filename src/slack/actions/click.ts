// What every block-action listener needs of a click: its delivery key and a private answer in its thread.
import type { BlockAction } from '@slack/bolt';
import type { SlackMessage } from '../blocks/common.js';
import { tellPrivately } from '../respond.js';
import type { SlackServices } from '../services.js';

/** A Slack retry of a click (X-Slack-Retry-Num) carries the same trigger and action_ts: the same key. */
export function clickDeliveryKey(body: BlockAction, action: { action_ts: string }): string {
  return `action:${body.trigger_id ?? ''}:${action.action_ts}`;
}

/** Claims a click's delivery; false, logged, when it was handled already. */
export async function firstDelivery(services: SlackServices, key: string): Promise<boolean> {
  if (await services.store.claimDelivery(key)) return true;
  services.logger.info({ key }, 'repeated delivery of a handled click: ignored');
  return false;
}

/**
 * The channel and thread a person clicked in: where they wait to see their change, and where they are answered;
 * with the click's response_url, for when the channel refuses a private message.
 */
export function clickPlace(
  body: BlockAction,
): { channelId: string; threadTs?: string; responseUrl?: string } | undefined {
  // Bolt types `container` as any: read only the two strings this needs.
  const container = body.container as { channel_id?: string; thread_ts?: string } | undefined;
  const channelId: string | undefined = body.channel?.id ?? container?.channel_id;
  const threadTs: unknown = body.message?.thread_ts ?? container?.thread_ts;
  if (channelId === undefined) return undefined;
  return {
    channelId,
    ...(typeof threadTs === 'string' ? { threadTs } : {}),
    ...(typeof body.response_url === 'string' && body.response_url.length > 0
      ? { responseUrl: body.response_url }
      : {}),
  };
}

/** A private answer to the person who clicked, in the thread they clicked in. */
export function tellClicker(services: SlackServices, body: BlockAction, message: SlackMessage): Promise<void> {
  const place = clickPlace(body);
  return tellPrivately(
    services.slack,
    services.logger,
    {
      user: body.user.id,
      ...(place
        ? { channel: place.channelId, ...(place.threadTs !== undefined ? { threadTs: place.threadTs } : {}) }
        : {}),
      ...(place?.responseUrl !== undefined ? { responseUrl: place.responseUrl } : {}),
    },
    message,
  );
}

/** What a person is told when a control names another go-live than the message it is on. */
export const NOT_THIS_MESSAGE = 'that control does not belong to the go-live of the message it is on; nothing changed.';

/**
 * An action applies only to the go-live of the message it came from: the message (channel + ts) must be one
 * that go-live posted (its root or a section), so a value naming another go-live is refused, not applied to it.
 */
export async function fromItsMessage(services: SlackServices, body: BlockAction, goLiveId: string): Promise<boolean> {
  const container = body.container as { type?: unknown; channel_id?: unknown; message_ts?: unknown } | undefined;
  if (
    container?.type !== 'message' ||
    typeof container.channel_id !== 'string' ||
    typeof container.message_ts !== 'string'
  )
    return false;
  return services.store.isMessageOf(goLiveId, container.channel_id, container.message_ts);
}
