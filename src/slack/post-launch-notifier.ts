// The Slack side of the post-launch window: posts and updates in the go-live's thread, direct messages
// (chat.postMessage to a user id opens the DM), and the people behind role mentions (user groups resolved).
import type { Logger } from 'pino';
import type { GoLive } from '../domain/go-live.js';
import type { Delivery, PostLaunchMessage, PostLaunchNotifier } from '../services/post-launch.js';
import type { SlackGateway, SlackResult } from './gateway.js';
import { renderPostLaunch } from './blocks/post-launch.js';

const USER = /^<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>$/;
const GROUP = /^<!subteam\^([A-Z0-9]+)(?:\|[^<>]*)?>$/;

function delivery<T>(result: SlackResult<T>, ts?: (value: T) => string): Delivery {
  if (result.ok) return ts ? { ok: true, ts: ts(result.value) } : { ok: true };
  return {
    ok: false,
    error: result.error,
    ...(result.kind === 'rate-limited' ? { retryAfterMs: result.retryAfterMs } : {}),
  };
}

export class SlackPostLaunchNotifier implements PostLaunchNotifier {
  constructor(
    private readonly slack: SlackGateway,
    private readonly logger: Logger,
  ) {}

  async postInThread(goLive: GoLive, message: PostLaunchMessage): Promise<Delivery> {
    const posted = await this.slack.postMessage({
      channel: goLive.channelId,
      ...(goLive.rootTs !== undefined ? { threadTs: goLive.rootTs } : {}),
      ...renderPostLaunch(message),
    });
    return delivery(posted, (v) => v.ts);
  }

  async update(channelId: string, ts: string, message: PostLaunchMessage): Promise<Delivery> {
    return delivery(await this.slack.update({ channel: channelId, ts, ...renderPostLaunch(message) }));
  }

  async direct(userId: string, message: PostLaunchMessage): Promise<Delivery> {
    return delivery(await this.slack.postMessage({ channel: userId, ...renderPostLaunch(message) }), (v) => v.ts);
  }

  async membersOf(mentions: readonly string[]): Promise<string[]> {
    const people = new Set<string>();
    for (const raw of mentions) {
      const user = USER.exec(raw.trim())?.[1];
      if (user) {
        people.add(user);
        continue;
      }
      const group = GROUP.exec(raw.trim())?.[1];
      if (!group) continue;
      const members = await this.slack.groupMembers(group);
      if (members.ok) for (const member of members.value) people.add(member);
      else this.logger.warn({ group, slackError: members.error }, 'the members of a user group could not be read');
    }
    return [...people];
  }
}
