// The Slack side of the Directory port: group members and message links, from the Web API. A failure is
// logged by the gateway and answered as "unknown", which callers treat as "no".
import type { Directory } from '../services/ports.js';
import type { SlackGateway } from './gateway.js';

export class SlackDirectory implements Directory {
  constructor(private readonly slack: SlackGateway) {}

  async groupMembers(groupId: string): Promise<readonly string[] | undefined> {
    const members = await this.slack.groupMembers(groupId);
    return members.ok ? members.value : undefined;
  }

  async permalink(channelId: string, ts: string): Promise<string | undefined> {
    const link = await this.slack.permalink(channelId, ts);
    return link.ok ? link.value : undefined;
  }
}
