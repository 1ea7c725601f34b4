// The go-live use-cases: start a thread, change an item, abort, list. Joins the store (the truth), the
// renderer (what Slack shows) and the Slack gateway; every expected failure comes back as a value with the
// sentence to show the person who asked.
import type { Logger } from 'pino';
import type { Store } from '../../db/store.js';
import { findItem, progress, validateItemChange } from '../domain/checklist.js';
import type { Progress } from '../domain/checklist.js';
import type { StartArgs } from '../domain/command.js';
import { GOLIVE_ACTOR, isActive, STATUS_WORDS } from '../domain/go-live.js';
import type { GoLive, ItemState } from '../domain/go-live.js';
import type { TemplateRegistry } from '../templates/loader.js';
import { ROOT } from './ports.js';
import type { Renderer } from './ports.js';
import type { SlackFailure, SlackGateway } from './slack-gateway.js';

export type StartOutcome =
  | { ok: true; goLive: GoLive; permalink?: string; incomplete?: string }
  | { ok: false; reason: 'locked'; holder: GoLive; permalink?: string; message: string }
  | { ok: false; reason: 'invalid' | 'slack'; message: string };

export interface StartRequest {
  args: StartArgs;
  channelId: string;
  userId: string;
}

export interface ItemChangeRequest {
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

export type ItemChangeOutcome = { ok: true; changed: boolean; goLive: GoLive } | { ok: false; message: string; goLive?: GoLive };

export interface AbortRequest {
  service: string;
  environment?: string;
  reason: string;
  userId: string;
}

export type AbortOutcome = { ok: true; goLive: GoLive } | { ok: false; message: string };

export interface ActiveGoLive {
  goLive: GoLive;
  progress: Progress;
  permalink?: string;
}

export interface GoLiveServiceDeps {
  store: Store;
  templates: TemplateRegistry;
  renderer: Renderer;
  slack: SlackGateway;
  logger: Logger;
}

/** What a person is told when Slack refused to post, in words they can act on. */
export function explainSlackFailure(failure: SlackFailure): string {
  switch (failure.error) {
    case 'not_in_channel':
      return 'I am not in this channel: invite me with `/invite @Golive` and try again.';
    case 'channel_not_found':
      return 'I cannot see this channel (private channels need me invited first).';
    case 'is_archived':
      return 'this channel is archived.';
    case 'ratelimited':
      return 'Slack is rate-limiting me; try again in a minute.';
    default:
      return `Slack answered \`${failure.error.replace(/[^a-z0-9_ -]/gi, '').slice(0, 80)}\`; try again, and tell your Golive admin if it keeps failing.`;
  }
}

const STATUS_LINKS_MAX = 50;

export class GoLiveService {
  constructor(private readonly deps: GoLiveServiceDeps) {}

  /** Takes the lock, posts the root message, then one message per section in its thread, in template order. */
  async start(request: StartRequest): Promise<StartOutcome> {
    const { args } = request;
    const { store, templates, renderer, logger } = this.deps;
    const template = args.template === undefined ? templates.default : templates.get(args.template);
    if (!template) {
      const known = templates.list().map((t) => `\`${t.id}\``).join(', ');
      return { ok: false, reason: 'invalid', message: `there is no template \`${args.template ?? ''}\`; templates: ${known}.` };
    }
    const unknownRoles = Object.keys(args.roles).filter((role) => !(role in template.roles));
    if (unknownRoles.length > 0) {
      return { ok: false, reason: 'invalid', message: `template \`${template.id}\` has no role ${unknownRoles.map((r) => `\`${r}\``).join(', ')}.` };
    }
    const started = await store.startGoLive({
      service: args.service,
      environment: args.environment,
      ...(args.url !== undefined ? { url: args.url } : {}),
      ...(args.httpUrl !== undefined ? { httpUrl: args.httpUrl } : {}),
      channelId: request.channelId,
      startedBy: request.userId,
      roles: args.roles,
      template,
    });
    if (!started.ok) {
      const holder = started.holder;
      const permalink = await this.permalink(holder);
      return {
        ok: false,
        reason: 'locked',
        holder,
        ...(permalink !== undefined ? { permalink } : {}),
        message: `${holder.service} ${holder.environment} is already going live, started by <@${holder.startedBy}>.`,
      };
    }
    const goLive = started.goLive;
    logger.info({ goLiveId: goLive.id, service: goLive.service, environment: goLive.environment }, 'go-live started');

    const root = await renderer.renderNow(goLive.id, ROOT);
    if (!root.ok) {
      // Without a thread there is no go-live to work in: release the lock so that a retry can start it.
      await store.abortGoLive(goLive.id, GOLIVE_ACTOR, `the thread could not be posted (${root.error})`);
      const failure: SlackFailure = { ok: false, kind: 'platform', error: root.error };
      return { ok: false, reason: 'slack', message: `I could not start the go-live: ${explainSlackFailure(failure)}` };
    }
    const failed: string[] = [];
    for (const section of goLive.template.sections) {
      const posted = await renderer.renderNow(goLive.id, section.id);
      if (!posted.ok) failed.push(section.title);
    }
    const current = (await store.getGoLive(goLive.id)) ?? goLive;
    const permalink = await this.permalink(current);
    const outcome: StartOutcome = { ok: true, goLive: current, ...(permalink !== undefined ? { permalink } : {}) };
    if (failed.length > 0) {
      outcome.incomplete = `${failed.length} section message(s) could not be posted yet; they appear on the next change.`;
    }
    return outcome;
  }

  /** Sets an item's state for a person: validated, one audited transaction, then the messages re-rendered. */
  async changeItem(request: ItemChangeRequest): Promise<ItemChangeOutcome> {
    const { store, renderer } = this.deps;
    const check = validateItemChange(request);
    if (!check.ok) return { ok: false, message: check.reason };
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
    }
    return { ok: true, changed: result.changed, goLive: result.goLive };
  }

  /** Why an item change was refused, in words for the person, with the go-live (to answer in its thread). */
  private async refusedChange(request: ItemChangeRequest, reason: 'not-found' | 'unknown-item' | 'not-active' | 'locked'): Promise<ItemChangeOutcome> {
    const goLive = await this.deps.store.getGoLive(request.goLiveId);
    if (!goLive || reason === 'not-found') return { ok: false, message: 'that go-live no longer exists.' };
    if (reason === 'locked') return { ok: false, message: 'the checklist is locked after Go live: a change needs a reason.', goLive };
    if (reason === 'unknown-item' || !findItem(goLive.template, request.itemId)) return { ok: false, message: 'that item is not in this go-live’s checklist.', goLive };
    const status = isActive(goLive.status) ? 'ended' : STATUS_WORDS[goLive.status].toLowerCase();
    return { ok: false, message: `this go-live is ${status}: its checklist can no longer change.`, goLive };
  }

  /** Active go-lives (of one service, or all) with their progress and a link to each thread. */
  async status(service?: string): Promise<ActiveGoLive[]> {
    const { store } = this.deps;
    const active = await store.listActive(service);
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
    const active = (await store.listActive(request.service)).filter(
      (g) => request.environment === undefined || g.environment === request.environment,
    );
    const where = request.environment === undefined ? request.service : `${request.service} ${request.environment}`;
    if (active.length === 0) return { ok: false, message: `no active go-live for \`${where}\`.` };
    const [goLive, second] = active;
    if (!goLive) return { ok: false, message: `no active go-live for \`${where}\`.` };
    if (second) {
      const environments = active.map((g) => `\`${g.environment}\``).join(', ');
      return { ok: false, message: `\`${request.service}\` is going live in ${environments}: say which with \`env=<environment>\`.` };
    }
    if (!(await this.mayAbort(goLive, request.userId))) {
      return { ok: false, message: `only <@${goLive.startedBy}> (who started it) or an approver may abort this go-live.` };
    }
    const ended = await store.abortGoLive(goLive.id, request.userId, request.reason);
    if (!ended) return { ok: false, message: 'that go-live no longer exists.' };
    logger.info({ goLiveId: goLive.id, by: request.userId }, 'go-live aborted');
    renderer.refresh(goLive.id, [ROOT, ...goLive.template.sections.map((s) => s.id)]);
    return { ok: true, goLive: ended };
  }

  private async mayAbort(goLive: GoLive, userId: string): Promise<boolean> {
    if (goLive.startedBy === userId) return true;
    const approvers = goLive.roles[goLive.template.signoff.role] ?? [];
    if (approvers.includes(`<@${userId}>`)) return true;
    for (const entry of approvers) {
      const group = /^<!subteam\^(S[A-Z0-9]+)>$/.exec(entry)?.[1];
      if (!group) continue;
      const members = await this.deps.slack.groupMembers(group);
      if (members.ok && members.value.includes(userId)) return true;
    }
    return false;
  }

  private async permalink(goLive: GoLive): Promise<string | undefined> {
    if (goLive.rootTs === undefined) return undefined;
    const link = await this.deps.slack.permalink(goLive.channelId, goLive.rootTs);
    return link.ok ? link.value : undefined;
  }
}
