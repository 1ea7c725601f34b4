// What a person's App Home shows, as data: the go-lives waiting for their sign-off, their blocked items and the
// open items of sections they own, the next check-ins they are on call for, and every active go-live with its
// progress and status. A private channel's go-live is on the Home only of its deployer and role holders
// (src/domain/visibility.ts): the Home is in no channel.
import type { JobStore } from '../../db/job-store.js';
import type { Store } from '../../db/store.js';
import { flattenItems, progress } from '../domain/checklist.js';
import type { Progress } from '../domain/checklist.js';
import type { GoLive, ItemRecord } from '../domain/go-live.js';
import type { CheckInPayload } from '../domain/post-launch.js';
import { groupsOfAllRoles, holdsRole } from '../domain/roles.js';
import type { GroupMembers } from '../domain/roles.js';
import { visibleOnHome } from '../domain/visibility.js';

export interface HomeItem {
  goLive: GoLive;
  itemId: string;
  text: string;
  record?: ItemRecord;
}

export interface HomeCheckIn {
  goLive: GoLive;
  dueAt: number;
  text: string;
  /** The escalation role the person holds (its label), the first one that check-in would reach them through. */
  as: string;
}

export interface PersonHome {
  awaitingSignOff: GoLive[];
  blocked: HomeItem[];
  open: HomeItem[];
  /** Pending check-ins of Live go-lives where they hold an escalation role, soonest first. */
  checkIns: HomeCheckIn[];
  active: { goLive: GoLive; progress: Progress }[];
}

/** Check-ins shown per go-live: the next few say when the person is needed; the rest are in the thread. */
export const CHECK_INS_PER_GO_LIVE = 3;

/** Members of the user groups that hold roles, looked up by the caller (Slack); a failed lookup counts as none. */
export type GroupLookup = (groupIds: readonly string[]) => Promise<GroupMembers>;

export async function homeOf(store: Store, jobs: JobStore, userId: string, groupsOf: GroupLookup): Promise<PersonHome> {
  const active = await store.listActive();
  const groups = await groupsOf([...new Set(active.flatMap((g) => groupsOfAllRoles(g)))]);
  const home: PersonHome = { awaitingSignOff: [], blocked: [], open: [], checkIns: [], active: [] };
  for (const goLive of active) {
    if (!visibleOnHome(goLive, userId, groups)) continue;
    const view = await store.getChecklist(goLive.id);
    if (!view) continue;
    home.active.push({ goLive, progress: progress(view) });
    if (goLive.status === 'awaiting_approval' && holdsRole(goLive, goLive.template.signoff.role, userId, groups))
      home.awaitingSignOff.push(goLive);
    const owned = new Set(
      goLive.template.sections
        .filter((s) => s.owner !== undefined && holdsRole(goLive, s.owner, userId, groups))
        .map((s) => s.id),
    );
    for (const { item, sectionId } of flattenItems(goLive.template)) {
      const record = view.items.get(item.id);
      const state = record?.state ?? 'open';
      const entry: HomeItem = { goLive, itemId: item.id, text: item.text, ...(record ? { record } : {}) };
      // Blocked by them (they know what it waits on); open where they own the section.
      if (state === 'blocked' && record?.by === userId) home.blocked.push(entry);
      else if ((state === 'open' || state === 'failed') && owned.has(sectionId)) home.open.push(entry);
    }
    home.checkIns.push(...(await checkInsFor(jobs, goLive, userId, groups)));
  }
  home.checkIns.sort((a, b) => a.dueAt - b.dueAt);
  return home;
}

async function checkInsFor(
  jobs: JobStore,
  goLive: GoLive,
  userId: string,
  groups: GroupMembers,
): Promise<HomeCheckIn[]> {
  const plan = goLive.template.postlaunch;
  if (goLive.status !== 'live' || !plan) return [];
  const role = plan.escalation.find((r) => holdsRole(goLive, r, userId, groups));
  if (role === undefined) return [];
  const as = goLive.template.roles[role]?.label ?? role;
  const pending = (await jobs.listJobs(goLive.id))
    .filter((j) => j.kind === 'checkin' && j.state === 'pending')
    .sort((a, b) => a.dueAt - b.dueAt);
  return pending.slice(0, CHECK_INS_PER_GO_LIVE).flatMap((job) => {
    // The planner wrote this payload (src/domain/post-launch.ts); a check-in it no longer knows is skipped.
    const text = plan.checkins[(job.payload as Partial<CheckInPayload>).checkin ?? -1]?.text;
    return text === undefined ? [] : [{ goLive, dueAt: job.dueAt, text, as }];
  });
}
