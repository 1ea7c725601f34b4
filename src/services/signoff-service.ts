// The sign-off use-cases: Request approval, Approve (with exceptions), Reject, Sign off section, Go live, Edit
// roles and Abort, and what an item change after an approval revokes. Each step is decided and written by the
// store in one transaction (src/domain/signoff.ts decides); this service reads the group members the rules
// need, re-renders the messages and tells people (thread, approvers directly), and starts post-launch.
import type { Logger } from 'pino';
import type { Revoked, SignOffAction, Store } from '../../db/store.js';
import type { Clock } from '../clock.js';
import { isActive } from '../domain/go-live.js';
import type { Actor, GoLive } from '../domain/go-live.js';
import { groupsOfAllRoles, roleHolders } from '../domain/roles.js';
import { approvalLine, decideAbort } from '../domain/signoff.js';
import type { SignOffRefusal, SignOffState } from '../domain/signoff.js';
import type { SignOffHooks } from './go-live-service.js';
import { CachedGroupMembers } from './group-members.js';
import type { GroupLookup, GroupsRead } from './group-members.js';
import { ROOT } from './ports.js';
import type { Renderer } from './ports.js';
import type { PostLaunch, SignOffNotifier } from './signoff-ports.js';
import type { WorkTracker } from './work.js';

export interface SignOffServiceDeps {
  store: Store;
  /** Notices that follow another use-case's commit run here, tracked, so that they never delay its ack. */
  work: WorkTracker;
  renderer: Renderer;
  directory: GroupLookup;
  notifier: SignOffNotifier;
  postLaunch: PostLaunch;
  clock: Clock;
  logger: Logger;
}

export interface SignOffRequest {
  goLiveId: string;
  userId: Actor;
  action: SignOffAction;
  /** The Slack delivery of the click or form: a retry of it changes nothing. */
  deliveryKey?: string;
}

export type SignOffOutcome =
  | {
      ok: true;
      changed: boolean;
      goLive: GoLive;
      signOff: SignOffState;
      /** Groups named in roles whose members Slack would not tell now: the person is told. */
      unresolvedGroups: string[];
      /** Approvers the request could not be sent to directly. */
      unreachable: Actor[];
    }
  | { ok: false; code: 'not-found' }
  | { ok: false; code: 'stale-request'; goLive: GoLive }
  | { ok: false; code: 'refused'; refusal: SignOffRefusal; goLive: GoLive; unresolvedGroups: string[] };

export interface AbortByIdRequest {
  goLiveId: string;
  userId: Actor;
  reason: string;
}

export type AbortOutcome =
  | { ok: true; goLive: GoLive; changed: boolean; toldApprovers: Actor[] }
  | { ok: false; code: 'not-found' }
  | { ok: false; code: 'refused'; refusal: SignOffRefusal; goLive: GoLive };

export class SignOffService implements SignOffHooks {
  private readonly groups: CachedGroupMembers;

  constructor(private readonly deps: SignOffServiceDeps) {
    this.groups = new CachedGroupMembers(deps.directory, deps.clock);
  }

  /** Reads the members of every group named in the go-live's roles (cached a few minutes). */
  private readGroups(goLive: GoLive): Promise<GroupsRead> {
    return this.groups.read(groupsOfAllRoles(goLive));
  }

  /** One sign-off step for a person, then what it shows and who it tells. */
  async act(request: SignOffRequest): Promise<SignOffOutcome> {
    const { store, renderer, logger } = this.deps;
    const before = await store.getGoLive(request.goLiveId);
    if (!before) return { ok: false, code: 'not-found' };
    const groups = await this.readGroups(before);
    const result = await store.signOff(
      {
        goLiveId: request.goLiveId,
        actor: request.userId,
        groups: groups.members,
        ...(request.deliveryKey !== undefined ? { deliveryKey: request.deliveryKey } : {}),
      },
      request.action,
    );
    if (!result.ok) {
      if (result.code === 'not-found') return result;
      if (result.code === 'stale-request') return { ok: false, code: 'stale-request', goLive: result.goLive };
      return {
        ok: false,
        code: 'refused',
        refusal: result.refusal,
        goLive: result.goLive,
        unresolvedGroups: groups.unresolved,
      };
    }
    const outcome: SignOffOutcome = {
      ok: true,
      changed: result.changed,
      goLive: result.goLive,
      signOff: result.signOff,
      unresolvedGroups: groups.unresolved,
      unreachable: [],
    };
    if (!result.changed) return outcome;

    const { goLive, signOff } = result;
    const { action } = request;
    logger.info({ goLiveId: goLive.id, by: request.userId, step: action.kind, status: goLive.status }, 'sign-off step');
    renderer.refresh(
      goLive.id,
      action.kind === 'sign-off-section'
        ? [action.sectionId, ROOT]
        : [ROOT, ...goLive.template.sections.map((s) => s.id)],
    );
    switch (action.kind) {
      case 'request-approval': {
        await this.deps.notifier.thread(goLive, { kind: 'requested', signOff });
        const view = await store.getChecklist(goLive.id);
        if (view)
          outcome.unreachable = await this.deps.notifier.approvalRequest(
            view,
            this.approvers(goLive, groups),
            this.deps.clock.now(),
          );
        break;
      }
      case 'approve':
        await this.deps.notifier.thread(goLive, { kind: 'approved', by: request.userId, signOff });
        break;
      case 'reject':
        await this.deps.notifier.thread(goLive, {
          kind: 'rejected',
          by: request.userId,
          reason: signOff.rejection?.reason ?? action.reason,
        });
        await this.deps.notifier.direct(goLive, [goLive.startedBy], {
          kind: 'rejected',
          by: request.userId,
          reason: signOff.rejection?.reason ?? action.reason,
        });
        break;
      case 'sign-off-section':
        await this.deps.notifier.thread(goLive, {
          kind: 'section-signed-off',
          sectionId: action.sectionId,
          by: request.userId,
        });
        break;
      case 'go-live': {
        const t0 = goLive.liveAt ?? this.deps.clock.now();
        const approvers = (await store.getChecklist(goLive.id))?.signOff?.approvals.map((a) => `<@${a.by}>`) ?? [];
        await this.deps.notifier.thread(goLive, {
          kind: 'live',
          approvalLine: approvalLine(goLive.template, approvers, t0),
        });
        await this.startPostLaunch(goLive.id, t0);
        break;
      }
      case 'set-roles':
        await this.deps.notifier.thread(goLive, {
          kind: 'roles',
          by: request.userId,
          changed: Object.keys(action.roles).filter(
            (r) => JSON.stringify(before.roles[r] ?? []) !== JSON.stringify(goLive.roles[r] ?? []),
          ),
        });
        if (result.revoked) await this.revoked(goLive, result.revoked, request.userId, 'roles');
        break;
    }
    return outcome;
  }

  /**
   * `/golive live <service> [env=…]` typed in `channelId`: Go live on the service's one active go-live (in that
   * environment) visible from that channel.
   */
  async goLiveByService(request: {
    service: string;
    environment?: string;
    userId: Actor;
    channelId: string;
    deliveryKey?: string;
  }): Promise<SignOffOutcome | { ok: false; code: 'no-active' | 'ambiguous'; environments: string[] }> {
    const active = (await this.deps.store.listActive(request.service, request.channelId)).filter(
      (g) => request.environment === undefined || g.environment === request.environment,
    );
    const [only, second] = active;
    if (!only) return { ok: false, code: 'no-active', environments: [] };
    if (second) return { ok: false, code: 'ambiguous', environments: active.map((g) => g.environment) };
    return this.act({
      goLiveId: only.id,
      userId: request.userId,
      action: { kind: 'go-live' },
      ...(request.deliveryKey !== undefined ? { deliveryKey: request.deliveryKey } : {}),
    });
  }

  /** After an item change: what it revoked (thread, approvers directly) and, after Go live, the post-launch change. */
  itemChanged(
    goLive: GoLive,
    change: { itemId: string; by: Actor; reason?: string; revoked?: Revoked; postLaunch: boolean },
  ): void {
    void this.deps.work.afterAck(async () => {
      try {
        if (change.revoked) await this.revoked(goLive, change.revoked, change.by, change.itemId);
        if (change.postLaunch && change.reason !== undefined) {
          await this.deps.notifier.thread(goLive, {
            kind: 'post-launch-change',
            by: change.by,
            itemId: change.itemId,
            reason: change.reason,
          });
        }
      } catch (error) {
        this.deps.logger.error({ err: error, goLiveId: goLive.id }, 'telling people about an item change failed');
      }
    });
  }

  /** After `/golive abort`: the thread told, and the approvers when a request was pending. */
  aborted(before: GoLive, ended: GoLive, by: Actor, reason: string): void {
    void this.deps.work.afterAck(async () => {
      try {
        await this.tellAborted(before, ended, by, reason, await this.readGroups(before));
      } catch (error) {
        this.deps.logger.error({ err: error, goLiveId: before.id }, 'telling people about an abort failed');
      }
    });
  }

  private async tellAborted(
    before: GoLive,
    ended: GoLive,
    by: Actor,
    reason: string,
    groups: GroupsRead,
  ): Promise<Actor[]> {
    await this.deps.notifier.thread(ended, { kind: 'aborted', by, reason });
    if (before.status !== 'awaiting_approval') return [];
    const approvers = this.approvers(before, groups);
    await this.deps.notifier.direct(ended, approvers, { kind: 'withdrawn', by, reason });
    return approvers;
  }

  /** Tells the thread and the approvers what an item change (or a roles change) revoked. */
  async revoked(goLive: GoLive, revoked: Revoked, by: Actor, what: string): Promise<void> {
    if (revoked.approvers.length > 0) {
      await this.deps.notifier.thread(goLive, { kind: 'revoked', by, what, approvers: revoked.approvers });
      await this.deps.notifier.direct(goLive, revoked.approvers, { kind: 'revoked', by });
    }
    if (revoked.sections.length > 0)
      await this.deps.notifier.thread(goLive, { kind: 'section-revoked', sections: revoked.sections });
  }

  /**
   * Abort in any active status: the deployer or an approver, with a reason. The lock is released, the thread
   * told, and the approvers told directly when a request was pending.
   */
  async abort(request: AbortByIdRequest): Promise<AbortOutcome> {
    const { store, renderer, logger } = this.deps;
    const goLive = await store.getGoLive(request.goLiveId);
    if (!goLive) return { ok: false, code: 'not-found' };
    if (!isActive(goLive.status)) return { ok: true, goLive, changed: false, toldApprovers: [] };
    const groups = await this.readGroups(goLive);
    const decision = decideAbort(goLive, request.userId, groups.members, request.reason);
    if (!decision.ok) return { ok: false, code: 'refused', refusal: decision.refusal, goLive };
    const ended = await store.abortGoLive(goLive.id, request.userId, decision.reason);
    if (!ended) return { ok: false, code: 'not-found' };
    // Another abort got there first: nothing more to tell.
    if (ended.version === goLive.version) return { ok: true, goLive: ended, changed: false, toldApprovers: [] };
    logger.info({ goLiveId: goLive.id, by: request.userId }, 'go-live aborted');
    renderer.refresh(goLive.id, [ROOT, ...goLive.template.sections.map((s) => s.id)]);
    const toldApprovers = await this.tellAborted(goLive, ended, request.userId, decision.reason, groups);
    return { ok: true, goLive: ended, changed: true, toldApprovers };
  }

  /** Who is asked to approve: holders of the sign-off role, without the deployer unless they may approve. */
  private approvers(goLive: GoLive, groups: GroupsRead): Actor[] {
    const rule = goLive.template.signoff;
    return roleHolders(goLive, rule.role, groups.members).userIds.filter(
      (id) => rule.allowDeployer || id !== goLive.startedBy,
    );
  }

  private async startPostLaunch(goLiveId: string, t0: number): Promise<void> {
    try {
      await this.deps.postLaunch.start(goLiveId, t0);
    } catch (error) {
      // Go live is committed; a failure to plan the first 24 hours is an error for the logs and the operator.
      this.deps.logger.error({ err: error, goLiveId }, 'post-launch could not start');
    }
  }
}
