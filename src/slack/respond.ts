// Private answers: to the person who typed a command (its response_url) or clicked (an ephemeral in the
// go-live's thread). A failure to answer is logged, never thrown: nothing else can be done about it.
import type { RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackMessage } from './blocks/common.js';
import type { SlackGateway } from '../services/slack-gateway.js';

export interface PrivateTarget {
  user: string;
  channel?: string;
  threadTs?: string;
  /** A command's or interaction's respond(): tried first. */
  respond?: RespondFn;
}

export async function tellPrivately(slack: SlackGateway, logger: Logger, target: PrivateTarget, message: SlackMessage): Promise<void> {
  if (target.respond) {
    try {
      await target.respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
      return;
    } catch (error) {
      logger.warn({ err: error instanceof Error ? { message: error.message } : undefined }, 'response_url answer failed; trying chat.postEphemeral');
    }
  }
  if (target.channel === undefined) {
    logger.error({ user: target.user }, 'no way to answer privately: no response_url and no channel');
    return;
  }
  const posted = await slack.postEphemeral({
    channel: target.channel,
    user: target.user,
    text: message.text,
    blocks: message.blocks,
    ...(target.threadTs !== undefined ? { threadTs: target.threadTs } : {}),
  });
  if (!posted.ok) logger.error({ user: target.user, slackError: posted.error }, 'could not answer privately');
}
