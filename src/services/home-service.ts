// What a person's App Home shows, as data: the go-lives waiting for their sign-off, their blocked items and the
// open items of sections they own, and every active go-live with its progress and status.
import type { Store } from '../../db/store.js';
import { flattenItems, progress } from '../domain/checklist.js';
import type { Progress } from '../domain/checklist.js';
import type { GoLive, ItemRecord } from '../domain/go-live.js';
import { groupsOfAllRoles, holdsRole } from '../domain/roles.js';
import type { GroupMembers } from '../domain/roles.js';

export interface HomeItem {
  goLive: GoLive;
  itemId: string;
  text: string;
  record?: ItemRecord;
}

export interface PersonHome {
  awaitingSignOff: GoLive[];
  blocked: HomeItem[];
  open: HomeItem[];
  active: { goLive: GoLive; progress: Progress }[];
}

/** Members of the user groups that hold roles, looked up by the caller (Slack); a failed lookup counts as none. */
export type GroupLookup = (groupIds: readonly string[]) => Promise<GroupMembers>;

export async function homeOf(store: Store, userId: string, groupsOf: GroupLookup): Promise<PersonHome> {
  const active = await store.listActive();
  const groups = await groupsOf([...new Set(active.flatMap((g) => groupsOfAllRoles(g)))]);
  const home: PersonHome = { awaitingSignOff: [], blocked: [], open: [], active: [] };
  for (const goLive of active) {
    const view = await store.getChecklist(goLive.id);
    if (!view) continue;
    home.active.push({ goLive, progress: progress(view) });
    if (goLive.status === 'awaiting_approval' && holdsRole(goLive, goLive.template.signoff.role, userId, groups)) home.awaitingSignOff.push(goLive);
    const owned = new Set(goLive.template.sections.filter((s) => s.owner !== undefined && holdsRole(goLive, s.owner, userId, groups)).map((s) => s.id));
    for (const { item, sectionId } of flattenItems(goLive.template)) {
      const record = view.items.get(item.id);
      const state = record?.state ?? 'open';
      const entry: HomeItem = { goLive, itemId: item.id, text: item.text, ...(record ? { record } : {}) };
      // Blocked by them (they know what it waits on); open where they own the section.
      if (state === 'blocked' && record?.by === userId) home.blocked.push(entry);
      else if ((state === 'open' || state === 'failed') && owned.has(sectionId)) home.open.push(entry);
    }
  }
  return home;
}
