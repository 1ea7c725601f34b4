// The record shared in the thread: **Report** on the root and `/golive report <service> [env=…]`. The record is
// built from the store (src/record/) with people by name, then uploaded as two files, Markdown in the seed's
// layout and JSON, with Slack's external upload. Whoever asked is told privately how it went.
import type { BlockButtonAction } from '@slack/bolt';
import type { Listeners } from '../listeners.js';
import type { GoLive } from '../../domain/go-live.js';
import { utcDate } from '../../record/format.js';
import { recordJson, recordMarkdown } from '../../record/markdown.js';
import { recordOf } from '../../services/record-service.js';
import type { SlackFailure } from '../gateway.js';
import { context, section } from '../blocks/common.js';
import type { SlackMessage } from '../blocks/common.js';
import { NAME_MAX, safeName } from '../blocks/mrkdwn.js';
import { renderError } from '../blocks/replies.js';
import { ACTION } from '../ids.js';
import { SOMETHING_WENT_WRONG } from '../words.js';
import { clickDeliveryKey, firstDelivery, tellClicker } from './click.js';
import type { SlackServices } from '../services.js';

const DEFAULT_ENVIRONMENT = 'production';

/** Why Slack refused the upload, in words a person can act on. */
export function uploadRefusal(failure: SlackFailure): string {
  switch (failure.error) {
    case 'not_in_channel':
    case 'channel_not_found':
      return 'I am not in this channel, so I cannot share files here: `/invite @Golive`, then ask again. Nothing was posted.';
    case 'file_upload_failed':
      return 'Slack refused the upload (`file_upload_failed`). Nothing was posted; try again in a moment.';
    case 'ratelimited':
      return 'Slack asked me to slow down. Nothing was posted; try again in a minute.';
    default:
      return `Slack refused the upload (\`${failure.error.replace(/[^a-z0-9_]/gi, '').slice(0, 60)}\`). Nothing was posted.`;
  }
}

/** Builds the record and shares it in the go-live's thread; the private answer says what happened. */
export async function shareReport(services: SlackServices, goLive: GoLive, userId: string): Promise<SlackMessage> {
  const name = `${safeName(goLive.service, NAME_MAX.service)} · ${safeName(goLive.environment, NAME_MAX.environment)}`;
  if (goLive.rootTs === undefined)
    return renderError(`the go-live *${name}* has no thread yet to share its record in.`);
  const record = await recordOf(services.store, goLive.id, services.clock, (ids) => services.people.resolve(ids));
  if (!record) return renderError(`I could not find the go-live *${name}* any more.`);
  const base = `golive-${goLive.service}-${goLive.environment}-${utcDate(record.generatedAt)}`.replace(
    /[^A-Za-z0-9._-]/g,
    '_',
  );
  const uploaded = await services.slack.uploadFiles({
    channel: goLive.channelId,
    threadTs: goLive.rootTs,
    comment: `:page_facing_up: The record of ${goLive.service} · ${goLive.environment}, as of now (asked by <@${userId}>): ${record.audit.count} audit events, hash chain ${record.audit.intact ? 'intact' : 'BROKEN'}.`,
    files: [
      {
        filename: `${base}.md`,
        title: `Go-live record: ${goLive.service} · ${goLive.environment} (Markdown)`,
        content: recordMarkdown(record),
      },
      {
        filename: `${base}.json`,
        title: `Go-live record: ${goLive.service} · ${goLive.environment} (JSON)`,
        content: recordJson(record),
      },
    ],
  });
  if (!uploaded.ok) return renderError(uploadRefusal(uploaded));
  return {
    text: `Shared the record of ${goLive.service} ${goLive.environment} in its thread.`,
    blocks: [
      section(`:page_facing_up: Shared the record of *${name}* in its thread (Markdown and JSON).`),
      context(`Last audit hash \`${record.audit.head ?? 'none'}\``),
    ],
  };
}

/**
 * `/golive report <service> [env=…]` typed in `channelId`: the latest go-live of the service in that environment
 * (production by default) visible from that channel.
 */
export async function reportCommand(
  services: SlackServices,
  request: { service: string; environment?: string; userId: string; channelId: string },
  reply: (message: SlackMessage) => Promise<void>,
): Promise<void> {
  const environment = request.environment ?? DEFAULT_ENVIRONMENT;
  const goLive = await services.store.findLatest(request.service, environment, request.channelId);
  if (!goLive) {
    const other =
      request.environment === undefined
        ? (await services.store.listActive(request.service, request.channelId))[0]
        : undefined;
    const hint = other
      ? ` It has one in ${safeName(other.environment, NAME_MAX.environment)}: add \`env=${other.environment}\`.`
      : '';
    return reply(
      renderError(
        `there is no go-live of *${safeName(request.service, NAME_MAX.service)}* in ${safeName(environment, NAME_MAX.environment)}.${hint}`,
      ),
    );
  }
  return reply(await shareReport(services, goLive, request.userId));
}

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.action<BlockButtonAction>(ACTION.report, async ({ ack, body, action }) => {
    await ack();
    await services.work.afterAck(async () => {
      if (!(await firstDelivery(services, clickDeliveryKey(body, action)))) return;
      const tell = (message: SlackMessage) => tellClicker(services, body, message);
      try {
        const goLive = await services.store.getGoLive(action.value ?? '');
        if (!goLive) return tell(renderError('I did not understand that button; the message may be out of date.'));
        await tell(await shareReport(services, goLive, body.user.id));
      } catch (error) {
        services.logger.error({ err: error }, 'sharing a record failed');
        await tell(renderError(SOMETHING_WENT_WRONG));
      }
    });
  });
}
