// Who holds a go-live's roles: people named directly, and members of the user groups named. Group members come
// in as a parameter (the service asks Slack), so the rule stays pure and a group that could not be read is a
// value the caller tells the person about, never a silent "not a member".
import { mentionGroupId, mentionUserId } from './command.js';
import type { Actor, GoLive } from './go-live.js';

/** User group id → the user ids in it. A group absent from the map could not be read. */
export type GroupMembers = ReadonlyMap<string, readonly string[]>;

export interface RoleHolders {
  /** Every person who holds the role, directly or through a group that was read; each once, in role order. */
  userIds: string[];
  /** Groups named in the role whose members are not known. */
  unresolvedGroups: string[];
}

/** The user groups a role names (`<!subteam^S1>` → `S1`). */
export function groupsOfRole(goLive: Pick<GoLive, 'roles'>, role: string): string[] {
  return (goLive.roles[role] ?? []).flatMap((m) => {
    const id = mentionGroupId(m);
    return id === undefined ? [] : [id];
  });
}

/** Every user group named in any role of the go-live. */
export function groupsOfAllRoles(goLive: Pick<GoLive, 'roles'>): string[] {
  return [...new Set(Object.keys(goLive.roles).flatMap((role) => groupsOfRole(goLive, role)))];
}

export function roleHolders(goLive: Pick<GoLive, 'roles'>, role: string, groups: GroupMembers): RoleHolders {
  const userIds = new Set<string>();
  const unresolvedGroups: string[] = [];
  for (const mention of goLive.roles[role] ?? []) {
    const user = mentionUserId(mention);
    if (user !== undefined) {
      userIds.add(user);
      continue;
    }
    const group = mentionGroupId(mention);
    if (group === undefined) continue;
    const members = groups.get(group);
    if (members === undefined) unresolvedGroups.push(group);
    else for (const member of members) userIds.add(member);
  }
  return { userIds: [...userIds], unresolvedGroups };
}

export function holdsRole(goLive: Pick<GoLive, 'roles'>, role: string, userId: Actor, groups: GroupMembers): boolean {
  return roleHolders(goLive, role, groups).userIds.includes(userId);
}
