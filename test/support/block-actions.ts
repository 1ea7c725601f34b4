// A click on a message as Slack delivers it: the `block_actions` payload (who, the message as it stands, the
// action), posted signed. Shared by the in-process harness and the real-process tests.
import type { FakeMessage } from './fake-slack.js';
import { newTriggerId, postInteraction } from './slack-request.js';
import type { SlackRequestOptions, SlackResponse } from './slack-request.js';

const TEAM = 'T0GOLIVE';

export interface BlockActionsClick {
  user: string;
  /** Where the message is: a channel, or the clicker's direct messages from the bot (their user id). */
  channel: string;
  message: Pick<FakeMessage, 'ts' | 'thread_ts'>;
  /** What the message showed when clicked (Slack sends it back). */
  shown?: { text: string; blocks: unknown[] };
  action: Record<string, unknown>;
  responseUrl?: string;
  triggerId?: string;
  teamId?: string;
}

export function blockActionsPayload(click: BlockActionsClick): unknown {
  const team = click.teamId ?? TEAM;
  return {
    type: 'block_actions',
    user: { id: click.user, username: click.user.toLowerCase(), name: click.user.toLowerCase(), team_id: team },
    api_app_id: 'A0GOLIVE',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: click.message.ts,
      channel_id: click.channel,
      is_ephemeral: false,
      thread_ts: click.message.thread_ts,
    },
    trigger_id: click.triggerId ?? newTriggerId(),
    team: { id: team, domain: 'golive-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: click.channel, name: click.channel.startsWith('U') ? 'directmessage' : 'deploys' },
    message: {
      type: 'message',
      ts: click.message.ts,
      thread_ts: click.message.thread_ts,
      ...(click.shown ?? { text: '', blocks: [] }),
    },
    state: { values: {} },
    response_url: click.responseUrl ?? 'http://127.0.0.1:9/no-response-url',
    actions: [{ ...click.action, action_ts: `${Date.now() / 1000}` }],
  };
}

interface ActionsBlock {
  type: string;
  block_id?: string;
  elements?: { type?: string; action_id?: string; value?: string; text?: unknown }[];
}

/** The button `actionId` a message shows (its block and element), if it shows one. */
export function findButton(
  message: Pick<FakeMessage, 'blocks'>,
  actionId: string,
): { blockId: string; button: NonNullable<ActionsBlock['elements']>[number] } | undefined {
  for (const block of (message.blocks ?? []) as ActionsBlock[]) {
    if (block.type !== 'actions') continue;
    const button = block.elements?.find((e) => e.action_id === actionId);
    if (button) return { blockId: block.block_id ?? 'actions', button };
  }
  return undefined;
}

/**
 * Presses the button `actionId` that `message` shows, with the value the button carries, as `user`: exactly
 * what Slack sends when a person clicks it. Throws when the message shows no such button.
 */
export function pressButton(
  baseUrl: string,
  secret: string,
  message: FakeMessage,
  actionId: string,
  user: string,
  options: { responseUrl?: string; request?: SlackRequestOptions } = {},
): Promise<SlackResponse> {
  const found = findButton(message, actionId);
  if (!found) throw new Error(`message ${message.ts} shows no ${actionId} button`);
  const payload = blockActionsPayload({
    user,
    channel: message.channel,
    message,
    shown: { text: message.text ?? '', blocks: message.blocks ?? [] },
    action: {
      type: 'button',
      action_id: actionId,
      block_id: found.blockId,
      text: found.button.text ?? { type: 'plain_text', text: actionId },
      value: found.button.value,
    },
    ...(options.responseUrl !== undefined ? { responseUrl: options.responseUrl } : {}),
  });
  return postInteraction(baseUrl, secret, payload, options.request);
}
