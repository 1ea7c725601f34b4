// The App Home: published when a person opens the tab, and again when a go-live they are concerned with changes
// (its deployer, its role holders, whoever blocked one of its items), for people who have opened it. Refreshes
// are coalesced per person over a window and published a few at a time, well within views.publish's Tier 4.
import type { ChecklistView } from '../domain/go-live.js';
import { homeOf } from '../services/home-service.js';
import { renderHome } from './blocks/home.js';
import type { JobStore } from '../../db/job-store.js';
import type { Store } from '../../db/store.js';
import type { ClockTimer, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CachedGroupMembers } from '../services/group-members.js';
import type { SlackGateway } from './gateway.js';

const REFRESH_WINDOW_MS = 2000;
const PUBLISHES_AT_ONCE = 3;
const USER_ID = /^<@([UW][A-Z0-9]+)>$/;

export interface HomeDeps {
  store: Store;
  /** Scheduled check-ins (the Home lists the next ones a person is on call for). */
  jobs: JobStore;
  slack: SlackGateway;
  logger: Logger;
  clock: ClockTimer;
  /** Role groups' members, cached (src/services/group-members.ts). */
  groups: CachedGroupMembers;
}

export class HomePublisher {
  /** People who opened their Home tab since start: only they are refreshed. */
  private readonly seen = new Set<string>();
  private readonly pending = new Set<string>();
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HomeDeps) {}

  /** Publishes a person's Home now. */
  async publish(userId: string): Promise<void> {
    this.seen.add(userId);
    const { store, jobs, slack, logger, groups } = this.deps;
    // A group Slack could not list counts as nobody here: the Home shows less, never someone else's work.
    const home = await homeOf(store, jobs, userId, async (ids) => (await groups.read(ids)).members);
    const published = await slack.publishHome(
      userId,
      renderHome(home, () => undefined),
    );
    if (!published.ok) logger.warn({ userId, slackError: published.error }, 'App Home not published');
  }

  /** A go-live changed: refresh, soon and once, the Home of those concerned who have opened theirs. */
  changed(view: ChecklistView): void {
    const { goLive } = view;
    const concerned = new Set<string>([goLive.startedBy]);
    for (const members of Object.values(goLive.roles))
      for (const m of members) {
        const id = USER_ID.exec(m)?.[1];
        if (id) concerned.add(id);
      }
    for (const record of view.items.values()) if (record.state === 'blocked') concerned.add(record.by);
    for (const id of concerned) if (this.seen.has(id)) this.pending.add(id);
    if (this.pending.size > 0 && !this.timer)
      this.timer = this.deps.clock.setTimeout(() => void this.flush(), REFRESH_WINDOW_MS);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const users = [...this.pending];
    this.pending.clear();
    this.flushing = this.flushing.then(async () => {
      for (let i = 0; i < users.length; i += PUBLISHES_AT_ONCE) {
        await Promise.all(
          users
            .slice(i, i + PUBLISHES_AT_ONCE)
            .map((u) =>
              this.publish(u).catch((err: unknown) => this.deps.logger.error({ err }, 'App Home refresh failed')),
            ),
        );
      }
    });
    await this.flushing;
  }

  /** Waits for refreshes in flight; drops the ones not started (stop). */
  async stop(): Promise<void> {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    await this.flushing;
  }
}
