// Private answers: to the person who typed a command (its response_url) or clicked (an ephemeral in the
// go-live's thread, or the click's response_url when the channel refuses that: not_in_channel, a private channel
// the bot left). A failure to answer is logged, never thrown: nothing else can be done about it.
import type { RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackMessage } from './blocks/common.js';
import type { SlackGateway } from './gateway.js';

export interface PrivateTarget {
  user: string;
  channel?: string;
  threadTs?: string;
  /** A command's or interaction's respond(): tried first. */
  respond?: RespondFn;
  /** An interaction's response_url: tried when chat.postEphemeral fails (it works in channels the bot is not in). */
  responseUrl?: string;
}

/** How long a response_url post may take: the answer is not worth holding anything up for. */
const RESPONSE_URL_TIMEOUT_MS = 10_000;

/** Posts an ephemeral answer to a response_url (no token: the URL is the credential); the failure, or undefined. */
async function postToResponseUrl(url: string, message: SlackMessage): Promise<string | undefined> {
  try {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: false,
        text: message.text,
        blocks: message.blocks,
      }),
      signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
    });
    await answer.body?.cancel();
    return answer.ok ? undefined : `http_${answer.status}`;
  } catch (error) {
    return error instanceof Error ? error.name : 'request_error';
  }
}

export async function tellPrivately(
  slack: SlackGateway,
  logger: Logger,
  target: PrivateTarget,
  message: SlackMessage,
): Promise<void> {
  if (target.respond) {
    try {
      await target.respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: message.text,
        blocks: message.blocks,
      });
      return;
    } catch (error) {
      logger.warn(
        { err: error instanceof Error ? { message: error.message } : undefined },
        'response_url answer failed; trying chat.postEphemeral',
      );
    }
  }
  if (target.channel === undefined && target.responseUrl === undefined) {
    logger.error({ user: target.user }, 'no way to answer privately: no response_url and no channel');
    return;
  }
  if (target.channel !== undefined) {
    const posted = await slack.postEphemeral({
      channel: target.channel,
      user: target.user,
      text: message.text,
      blocks: message.blocks,
      ...(target.threadTs !== undefined ? { threadTs: target.threadTs } : {}),
    });
    if (posted.ok) return;
    if (target.responseUrl === undefined) {
      logger.error({ user: target.user, slackError: posted.error }, 'could not answer privately');
      return;
    }
    logger.warn(
      { user: target.user, slackError: posted.error },
      'chat.postEphemeral failed; answering through the response_url',
    );
  }
  const failure = await postToResponseUrl(target.responseUrl as string, message);
  if (failure !== undefined)
    logger.error(
      { user: target.user, error: failure },
      'could not answer privately, not even through the response_url',
    );
}
