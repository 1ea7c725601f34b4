// Members of the user groups named in roles, read from the directory and kept a few minutes: a click on Approve
// should not cost a usergroups.users.list call (Tier 2) each time. A group that could not be read is reported,
// not cached, so the next click asks again.
import type { Clock } from '../clock.js';
import type { GroupMembers } from '../domain/roles.js';

/** Where group members come from (the Slack side answers undefined when Slack could not say). */
export interface GroupLookup {
  groupMembers(groupId: string): Promise<readonly string[] | undefined>;
}

export const GROUP_CACHE_MS = 5 * 60_000;

export interface GroupsRead {
  members: GroupMembers;
  /** Groups whose members could not be read now. */
  unresolved: string[];
}

export class CachedGroupMembers {
  private readonly cache = new Map<string, { members: readonly string[]; until: number }>();

  constructor(
    private readonly lookup: GroupLookup,
    private readonly clock: Clock,
    private readonly ttlMs = GROUP_CACHE_MS,
  ) {}

  async read(groupIds: readonly string[]): Promise<GroupsRead> {
    const members = new Map<string, readonly string[]>();
    const unresolved: string[] = [];
    await Promise.all(
      [...new Set(groupIds)].map(async (id) => {
        const cached = this.cache.get(id);
        if (cached && cached.until > this.clock.now()) {
          members.set(id, cached.members);
          return;
        }
        const read = await this.lookup.groupMembers(id);
        if (read === undefined) {
          unresolved.push(id);
          return;
        }
        this.cache.set(id, { members: read, until: this.clock.now() + this.ttlMs });
        members.set(id, read);
      }),
    );
    return { members, unresolved: unresolved.sort() };
  }
}
