// Where a go-live may be seen. One started in a private conversation (private channel, group DM, DM) is listed and
// acted on by service name only from that conversation, and on the App Home only for the people concerned with it;
// anywhere else it does not exist. A go-live in a public channel is seen from everywhere.
import type { GoLive } from './go-live.js';
import { holdsRole } from './roles.js';
import type { GroupMembers } from './roles.js';

/** Where a slash command was typed, as Slack's payload says it (`channel_id`, `channel_name`). */
export interface CommandChannel {
  id: string;
  name?: string;
}

/**
 * Slack names a private channel `privategroup` in a command's `channel_name`, a DM `directmessage` and a group DM
 * `mpdm-…`; ids of DMs start with D and of legacy private channels and group DMs with G (public ones: C).
 */
export function isPrivateChannel(channel: CommandChannel): boolean {
  const name = channel.name ?? '';
  if (name === 'privategroup' || name === 'directmessage' || name.startsWith('mpdm-')) return true;
  return /^[DG]/.test(channel.id);
}

/** True when the go-live may be named, listed and acted on from `channelId`. */
export function visibleFrom(goLive: Pick<GoLive, 'channelId' | 'privateChannel'>, channelId: string): boolean {
  return goLive.privateChannel !== true || goLive.channelId === channelId;
}

/** Its deployer and whoever holds one of its roles (directly or through a group in `groups`). */
export function concernedWith(
  goLive: Pick<GoLive, 'startedBy' | 'roles'>,
  userId: string,
  groups: GroupMembers,
): boolean {
  return (
    goLive.startedBy === userId || Object.keys(goLive.roles).some((role) => holdsRole(goLive, role, userId, groups))
  );
}

/** True when the go-live may appear on this person's App Home, which shows no channel: public, or theirs. */
export function visibleOnHome(
  goLive: Pick<GoLive, 'startedBy' | 'roles' | 'privateChannel'>,
  userId: string,
  groups: GroupMembers,
): boolean {
  return goLive.privateChannel !== true || concernedWith(goLive, userId, groups);
}
