// The go-live use-cases: start a thread, change an item, abort, list. Joins the store (the truth), the
// renderer (what Slack shows) and the directory (who is in a group, where a thread is); every expected failure
// comes back as a value with a code and the facts, which src/slack/words.ts turns into a sentence.
import type { Logger } from 'pino';
import type { Revoked, Store } from '../../db/store.js';
import { findItem, progress, validateItemChange } from '../domain/checklist.js';
import type { Progress } from '../domain/checklist.js';
import type { StartArgs } from '../domain/command.js';
import { GOLIVE_ACTOR } from '../domain/go-live.js';
import type { GoLive, ItemState } from '../domain/go-live.js';
import { visibleFrom } from '../domain/visibility.js';
import type { TemplateRegistry } from '../templates/loader.js';
import { ROOT } from './ports.js';
import type { Directory, Renderer } from './ports.js';

export type StartOutcome =
  /** `unposted`: titles of the section messages that could not be posted yet (they appear on the next change). */
  | { ok: true; goLive: GoLive; permalink?: string; unposted: string[] }
  | { ok: false; code: 'unknown-template'; template: string; known: string[] }
  | { ok: false; code: 'unknown-roles'; template: string; roles: string[] }
  | { ok: false; code: 'locked'; holder: GoLive; permalink?: string }
  /** The lock is held by a go-live in a private channel other than this one: who and where stay unsaid. */
  | { ok: false; code: 'locked-elsewhere'; service: string; environment: string }
  /** Slack refused the thread's root message (`error` is Slack's code); the lock was released. */
  | { ok: false; code: 'slack'; error: string };

export interface StartRequest {
  args: StartArgs;
  channelId: string;
  /** The channel is a private channel, group DM or DM (src/domain/visibility.ts `isPrivateChannel`). */
  privateChannel: boolean;
  userId: string;
}

export interface ItemChangeRequest {
  /** From the post-launch change form: after Go live every change carries a reason (done and open too). */
  postLaunch?: boolean;
  goLiveId: string;
  itemId: string;
  state: ItemState;
  userId: string;
  reason?: string;
  /** The Slack delivery of the click or form: a retry of it changes nothing. */
  deliveryKey?: string;
  /**
   * Where the person waits to see the change (the channel and thread they clicked in); told there privately if
   * the messages cannot be updated. Defaults to the go-live's thread.
   */
  waitingIn?: { channelId: string; threadTs?: string; responseUrl?: string };
}

/** Refused changes carry the go-live when it exists, so that the person is answered in its thread. */
export type ItemChangeOutcome =
  | { ok: true; changed: boolean; goLive: GoLive }
  | { ok: false; code: 'invalid'; reason: string }
  | { ok: false; code: 'not-found' }
  /** `locked`: after Go live a change needs a reason. */
  | { ok: false; code: 'unknown-item' | 'ended' | 'locked'; goLive: GoLive };

export interface AbortRequest {
  service: string;
  environment?: string;
  reason: string;
  userId: string;
  /** Where the command was typed: a private channel's go-live is not found from elsewhere. */
  channelId: string;
}

export type AbortOutcome =
  | { ok: true; goLive: GoLive }
  | { ok: false; code: 'not-found'; service: string; environment?: string }
  | { ok: false; code: 'ambiguous'; service: string; environments: string[] }
  | { ok: false; code: 'not-allowed'; goLive: GoLive }
  | { ok: false; code: 'gone' };

export interface ActiveGoLive {
  goLive: GoLive;
  progress: Progress;
  permalink?: string;
}

/**
 * What sign-off hears of the go-live use-cases (src/services/signoff-service.ts): an item change that revoked
 * approvals or came after Go live, and an abort. Called after the store committed, without waiting on Slack.
 */
export interface SignOffHooks {
  itemChanged(
    goLive: GoLive,
    change: { itemId: string; by: string; reason?: string; revoked?: Revoked; postLaunch: boolean },
  ): void;
  aborted(before: GoLive, ended: GoLive, by: string, reason: string): void;
}

export interface GoLiveServiceDeps {
  store: Store;
  templates: TemplateRegistry;
  renderer: Renderer;
  directory: Directory;
  logger: Logger;
  signOff?: SignOffHooks;
}

const STATUS_LINKS_MAX = 50;

export class GoLiveService {
  constructor(private readonly deps: GoLiveServiceDeps) {}

  /** Takes the lock, posts the root message, then one message per section in its thread, in template order. */
  async start(request: StartRequest): Promise<StartOutcome> {
    const { args } = request;
    const { store, templates, renderer, logger } = this.deps;
    const template = args.template === undefined ? templates.default : templates.get(args.template);
    if (!template)
      return {
        ok: false,
        code: 'unknown-template',
        template: args.template ?? '',
        known: templates.list().map((t) => t.id),
      };
    const unknownRoles = Object.keys(args.roles).filter((role) => !(role in template.roles));
    if (unknownRoles.length > 0)
      return { ok: false, code: 'unknown-roles', template: template.id, roles: unknownRoles };
    const started = await store.startGoLive({
      service: args.service,
      environment: args.environment,
      ...(args.url !== undefined ? { url: args.url } : {}),
      ...(args.httpUrl !== undefined ? { httpUrl: args.httpUrl } : {}),
      channelId: request.channelId,
      privateChannel: request.privateChannel,
      startedBy: request.userId,
      roles: args.roles,
      template,
    });
    if (!started.ok) {
      const holder = started.holder;
      if (!visibleFrom(holder, request.channelId))
        return { ok: false, code: 'locked-elsewhere', service: holder.service, environment: holder.environment };
      const permalink = await this.permalink(holder);
      return { ok: false, code: 'locked', holder, ...(permalink !== undefined ? { permalink } : {}) };
    }
    const goLive = started.goLive;
    logger.info({ goLiveId: goLive.id, service: goLive.service, environment: goLive.environment }, 'go-live started');

    const root = await renderer.renderNow(goLive.id, ROOT);
    if (!root.ok) {
      // Without a thread there is no go-live to work in: release the lock so that a retry can start it.
      await store.abortGoLive(goLive.id, GOLIVE_ACTOR, `the thread could not be posted (${root.error})`);
      return { ok: false, code: 'slack', error: root.error };
    }
    const unposted: string[] = [];
    for (const section of goLive.template.sections) {
      const posted = await renderer.renderNow(goLive.id, section.id);
      if (!posted.ok) unposted.push(section.title);
    }
    const current = (await store.getGoLive(goLive.id)) ?? goLive;
    const permalink = await this.permalink(current);
    return { ok: true, goLive: current, ...(permalink !== undefined ? { permalink } : {}), unposted };
  }

  /** Sets an item's state for a person: validated, one audited transaction, then the messages re-rendered. */
  async changeItem(request: ItemChangeRequest): Promise<ItemChangeOutcome> {
    const { store, renderer } = this.deps;
    const check = validateItemChange(request, { afterGoLive: request.postLaunch === true });
    if (!check.ok) return { ok: false, code: 'invalid', reason: check.reason };
    // The store refuses unknown go-lives and items and ended go-lives itself: no read before it, one after a refusal.
    const result = await store.changeItem({
      goLiveId: request.goLiveId,
      itemId: request.itemId,
      state: request.state,
      actor: request.userId,
      ...(request.reason !== undefined && request.reason.trim().length > 0 ? { reason: request.reason.trim() } : {}),
      ...(request.deliveryKey !== undefined ? { deliveryKey: request.deliveryKey } : {}),
    });
    if (!result.ok) return this.refusedChange(request, result.reason);
    const flat = findItem(result.goLive.template, request.itemId);
    if (result.changed) {
      const { channelId, rootTs } = result.goLive;
      const where = request.waitingIn ?? { channelId, ...(rootTs !== undefined ? { threadTs: rootTs } : {}) };
      renderer.refresh(result.goLive.id, flat ? [flat.sectionId, ROOT] : [ROOT], { userId: request.userId, ...where });
      const postLaunch = result.goLive.status === 'live';
      if (result.revoked || postLaunch) {
        // A revocation can touch every message (the root's status and each owned section's sign-off line).
        if (result.revoked)
          renderer.refresh(result.goLive.id, [ROOT, ...result.goLive.template.sections.map((s) => s.id)]);
        this.deps.signOff?.itemChanged(result.goLive, {
          itemId: request.itemId,
          by: request.userId,
          postLaunch,
          ...(result.item.reason !== undefined ? { reason: result.item.reason } : {}),
          ...(result.revoked ? { revoked: result.revoked } : {}),
        });
      }
    }
    return { ok: true, changed: result.changed, goLive: result.goLive };
  }

  /** Why an item change was refused, with the go-live (to answer in its thread). */
  private async refusedChange(
    request: ItemChangeRequest,
    reason: 'not-found' | 'unknown-item' | 'not-active' | 'locked',
  ): Promise<ItemChangeOutcome> {
    const goLive = await this.deps.store.getGoLive(request.goLiveId);
    if (!goLive || reason === 'not-found') return { ok: false, code: 'not-found' };
    if (reason === 'locked') return { ok: false, code: 'locked', goLive };
    if (reason === 'unknown-item' || !findItem(goLive.template, request.itemId))
      return { ok: false, code: 'unknown-item', goLive };
    return { ok: false, code: 'ended', goLive };
  }

  /** Active go-lives visible from `channelId` (of one service, or all) with their progress and a link to each thread. */
  async status(request: { service?: string; channelId: string }): Promise<ActiveGoLive[]> {
    const { store } = this.deps;
    const active = await store.listActive(request.service, request.channelId);
    return Promise.all(
      active.map(async (goLive, index) => {
        const view = await store.getChecklist(goLive.id);
        // The answer lists at most a message's worth; links beyond that would be API calls nobody sees.
        const permalink = index < STATUS_LINKS_MAX ? await this.permalink(goLive) : undefined;
        return {
          goLive,
          progress: view ? progress(view) : { done: 0, total: 0, blocked: 0, failed: 0, na: 0 },
          ...(permalink !== undefined ? { permalink } : {}),
        };
      }),
    );
  }

  /** Ends a go-live early; only its deployer or one of its approvers may. */
  async abort(request: AbortRequest): Promise<AbortOutcome> {
    const { store, renderer, logger } = this.deps;
    const active = (await store.listActive(request.service, request.channelId)).filter(
      (g) => request.environment === undefined || g.environment === request.environment,
    );
    const [goLive, second] = active;
    if (!goLive) {
      return {
        ok: false,
        code: 'not-found',
        service: request.service,
        ...(request.environment !== undefined ? { environment: request.environment } : {}),
      };
    }
    if (second)
      return { ok: false, code: 'ambiguous', service: request.service, environments: active.map((g) => g.environment) };
    if (!(await this.mayAbort(goLive, request.userId))) return { ok: false, code: 'not-allowed', goLive };
    const ended = await store.abortGoLive(goLive.id, request.userId, request.reason);
    if (!ended) return { ok: false, code: 'gone' };
    logger.info({ goLiveId: goLive.id, by: request.userId }, 'go-live aborted');
    renderer.refresh(goLive.id, [ROOT, ...goLive.template.sections.map((s) => s.id)]);
    if (ended.version !== goLive.version) this.deps.signOff?.aborted(goLive, ended, request.userId, request.reason);
    return { ok: true, goLive: ended };
  }

  private async mayAbort(goLive: GoLive, userId: string): Promise<boolean> {
    if (goLive.startedBy === userId) return true;
    const approvers = goLive.roles[goLive.template.signoff.role] ?? [];
    if (approvers.includes(`<@${userId}>`)) return true;
    for (const entry of approvers) {
      const group = /^<!subteam\^(S[A-Z0-9]+)>$/.exec(entry)?.[1];
      if (!group) continue;
      const members = await this.deps.directory.groupMembers(group);
      if (members?.includes(userId)) return true;
    }
    return false;
  }

  private async permalink(goLive: GoLive): Promise<string | undefined> {
    if (goLive.rootTs === undefined) return undefined;
    return this.deps.directory.permalink(goLive.channelId, goLive.rootTs);
  }
}
