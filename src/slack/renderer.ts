// Re-renders a go-live's Slack messages from the database, coalesced per message: a burst of changes to one
// section becomes one chat.update per window, 429s wait for Retry-After, and a message deleted by hand is posted
// again in the thread. The click never patches a message: the database is the single source of truth.
// Each message keeps a hash of what it shows, so a render that would show the same thing costs no Slack call;
// that is what lets a restart re-render every active go-live (catchUp) to repair renders a crash cut off.
// Every call goes through the workspace's one UpdateBudget (src/slack/update-budget.ts): a message someone waits on
// goes first, and a message Slack did not take (no answer, 429s spent) stays behind and is rendered again from the
// database when Slack answers again, so an outage is caught up by itself.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { MessageRecord, MessageVersion, Store } from '../../db/store.js';
import { systemClock } from '../clock.js';
import type { ClockTimer, TimerHandle } from '../clock.js';
import type { ChecklistView, GoLive } from '../domain/go-live.js';
import { ROOT } from '../services/ports.js';
import type { RenderResult, RenderTarget, RenderWaiter, Renderer } from '../services/ports.js';
import type { SlackFailure, SlackGateway, SlackResult } from './gateway.js';
import type { SlackMessage } from './blocks/common.js';
import { sectionMessageKey } from './ids.js';
import { UpdateBudget } from './update-budget.js';
import type { BudgetedCall, UpdatePriority } from './update-budget.js';

/** The block builders the renderer needs, as plain functions of the database view. */
export interface ChecklistMessages {
  root(view: ChecklistView): SlackMessage;
  /** One or more messages, each with its key (`sectionMessageKey`): a long section may not fit in one. */
  section(view: ChecklistView, sectionId: string): (SlackMessage & { key: string })[];
}

export interface RendererStats {
  posts: number;
  updates: number;
  reposts: number;
  /** Renders skipped because the message already showed the go-live's current version. */
  skipped: number;
  /** Renders whose fresh content equals what the message shows: the version is recorded, Slack is not called. */
  unchanged: number;
  rateLimited: number;
  failures: number;
  /** Renders Slack did not take for now (no answer, 429s spent): the message stayed behind and is rendered again. */
  behind: number;
}

export interface RendererOptions {
  store: Store;
  slack: SlackGateway;
  messages: ChecklistMessages;
  logger: Logger;
  /** Debounce windows, max waits and Retry-After pauses run on it (the system clock unless a test drives one). */
  clock?: ClockTimer;
  /**
   * A message is re-rendered once it has been quiet this long: a burst of clicks on it costs one
   * chat.update after the burst, not one per window during it.
   */
  windowMs: number;
  /** …but never later than this after its first unrendered change, so a long burst still shows progress. */
  maxWaitMs?: number;
  /** The workspace's Slack budget every call goes through (one is made on the renderer's clock when absent). */
  budget?: UpdateBudget;
  /** How often one call is tried again after a 429 before the message is left behind (rendered again later). */
  maxRateLimitRetries?: number;
  /** How often a post without an answer (network, 5xx) is tried again; a chat.update is left behind at once. */
  maxTransportRetries?: number;
  /** Go-lives a catch-up renders at the same time (each one message after another). */
  catchUpConcurrency?: number;
  /**
   * A coalesced render failed for good (Slack refused it) while people were waiting on it: each person is passed
   * once, even when their change's other message fails too. Never called on success, nor while the message is
   * only behind (Slack did not answer): that one shows by itself when Slack is back.
   */
  onRenderFailed?: (
    goLiveId: string,
    target: RenderTarget,
    error: string,
    waiting: readonly RenderWaiter[],
  ) => void | Promise<void>;
}

/** What a catch-up did, from the renderer's counters over its run. */
export interface CatchUpReport {
  goLives: number;
  /** Go-lives with at least one message that could not be rendered (logged). */
  failed: number;
  posts: number;
  updates: number;
  unchanged: number;
  skipped: number;
}

/** A render's outcome; `retry` when Slack did not take it for now (no answer, 429s), so it is rendered again. */
type Rendered = { ok: true } | { ok: false; error: string; retry: boolean };

/** What renders a message: the root, or the section a part (`id#2`, see sectionMessageKey) belongs to. */
function targetOf(key: string): RenderTarget {
  const part = key.indexOf('#');
  return part < 0 ? key : key.slice(0, part);
}

function failed(result: SlackFailure): Rendered {
  return { ok: false, error: result.error, retry: result.kind !== 'platform' };
}

/**
 * A hash of what a message shows: sha256 of its text and blocks as JSON. The block builders give the same keys in
 * the same order for the same content, so equal messages hash equal without sorting keys (sorting every object of
 * a section's blocks was most of a render's garbage); a message whose keys came in another order would only cost
 * one chat.update more, never a missed one.
 */
export function messageHash(message: SlackMessage): string {
  return createHash('sha256')
    .update(JSON.stringify({ text: message.text, blocks: message.blocks }))
    .digest('base64url');
}

interface TargetState {
  goLiveId: string;
  target: RenderTarget;
  dirty: boolean;
  /** When the oldest change not yet rendered arrived (for the max wait). */
  dirtySince?: number;
  timer?: TimerHandle;
  running: boolean;
  /** The people whose changes asked for this message since its last render. */
  waiting: Waiting[];
}

/** One change's waiter, shared by every message it asked for, so that two failures tell them once. */
interface Waiting {
  waiter: RenderWaiter;
  told: boolean;
}

const CONTINUED: SlackMessage = {
  text: '(continued above)',
  blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: '_(continued above)_' }] }],
};

export class SlackRenderer implements Renderer {
  readonly stats: RendererStats = {
    posts: 0,
    updates: 0,
    reposts: 0,
    skipped: 0,
    unchanged: 0,
    rateLimited: 0,
    failures: 0,
    behind: 0,
  };
  private readonly states = new Map<string, TargetState>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Go-lives this process has rendered in full; the first touch after a restart renders all their messages. */
  private readonly known = new Set<string>();
  /** Go-lives whose root shows changed state that the database version does not count (see refreshRootState). */
  private readonly rootStateChanged = new Set<string>();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  /** Set as stop() begins: a catch-up finishes the go-live it is on and starts no other. */
  private stopping = false;
  private readonly maxRateLimitRetries: number;
  private readonly maxTransportRetries: number;
  private readonly catchUpConcurrency: number;
  /** Renders take the event loop one at a time, an I/O turn apart, so clicks are acked between them. */
  private cpuTurn: Promise<void> = Promise.resolve();
  private readonly clock: ClockTimer;
  readonly budget: UpdateBudget;

  constructor(private readonly options: RendererOptions) {
    this.clock = options.clock ?? systemClock;
    this.budget = options.budget ?? new UpdateBudget({ clock: this.clock });
    this.maxRateLimitRetries = options.maxRateLimitRetries ?? 5;
    this.maxTransportRetries = options.maxTransportRetries ?? 2;
    this.catchUpConcurrency = Math.max(1, options.catchUpConcurrency ?? 4);
  }

  /**
   * Asks for the root to be rendered even though the database did not change: it also shows what is not
   * in the database (a check run in progress). Only a changed rendering reaches Slack.
   */
  refreshRootState(goLiveId: string): void {
    this.rootStateChanged.add(goLiveId);
    this.refresh(goLiveId, [ROOT]);
  }

  /**
   * Asks for these messages to be re-rendered from the database within about one window. `waiter` is the person
   * whose change asked for it: told (through onRenderFailed) if the render fails for good.
   */
  refresh(goLiveId: string, targets: readonly RenderTarget[], waiter?: RenderWaiter): void {
    if (this.stopped) {
      this.options.logger.debug({ goLiveId }, 'render asked after stop: ignored');
      return;
    }
    const waiting: Waiting | undefined = waiter ? { waiter, told: false } : undefined;
    if (!this.known.has(goLiveId)) {
      // First touch since this process started: renders lost in a crash are repaired by rendering everything.
      this.known.add(goLiveId);
      void this.track(
        this.options.store.getGoLive(goLiveId).then(
          (goLive) => {
            const all = goLive ? [ROOT, ...goLive.template.sections.map((s) => s.id)] : [];
            for (const target of new Set([...targets, ...all]))
              this.mark(goLiveId, target, targets.includes(target) ? waiting : undefined);
          },
          (error: unknown) => {
            this.known.delete(goLiveId);
            this.options.logger.error({ err: error, goLiveId }, 'could not read a go-live to render it');
          },
        ),
      );
      return;
    }
    for (const target of targets) this.mark(goLiveId, target, waiting);
  }

  /** Renders one target now, in turn with any coalesced render of it; for the start, where order matters. */
  renderNow(goLiveId: string, target: RenderTarget): Promise<RenderResult> {
    this.known.add(goLiveId);
    return this.track(this.exclusive(goLiveId, target, () => this.render(goLiveId, target, 'waiting')));
  }

  /**
   * Brings every message of these go-lives up to date from the database, a few go-lives at a time and each one
   * message after another, so that 500 go-lives never put thousands of calls in flight. Which messages are behind
   * (older version, no ts, missing) is read for all of them at once; only those are rendered, and one whose
   * content did not change costs no Slack call. For the start of the process: renders a crash cut off are
   * repaired without waiting for someone to click. idle() waits for it; stop() lets it finish only the go-lives
   * it is on.
   */
  catchUp(goLiveIds: readonly string[]): Promise<CatchUpReport> {
    const queue = [...new Set(goLiveIds)];
    // Every message is brought up to date here, so the first click need not render them all again.
    for (const id of queue) this.known.add(id);
    const before = { ...this.stats };
    let done = 0;
    let failed = 0;
    const run = async (): Promise<void> => {
      // After the caller's start: the reads below take a moment for thousands of go-lives.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const behind = await this.behindTargets(queue);
      const worker = async (): Promise<void> => {
        for (let id = queue.shift(); id !== undefined && !this.stopping && !this.stopped; id = queue.shift()) {
          done += 1;
          const targets = behind.get(id);
          if (targets?.length === 0) continue;
          // The store answers without real I/O: yield to the event loop so acks are not held up behind the renders.
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.stopping || this.stopped) break;
          if (!(await this.renderTargets(id, targets)).ok) failed += 1;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.catchUpConcurrency, queue.length) }, () => worker()));
    };
    return this.track(
      run().then(() => ({
        goLives: done,
        failed,
        posts: this.stats.posts - before.posts,
        updates: this.stats.updates - before.updates,
        unchanged: this.stats.unchanged - before.unchanged,
        skipped: this.stats.skipped - before.skipped,
      })),
    );
  }

  /**
   * The messages of each active go-live among these that are behind, from two reads for all of them (a restart on
   * 5,000 go-lives must not render 60,000 messages to find out). As on the per-message path, a newer version is
   * what makes a message stale; the content hash is compared only when it is rendered. Messages found current are
   * counted as skipped; a go-live it cannot judge (not active, or the reads failed) is absent: rendered in full.
   */
  private async behindTargets(goLiveIds: readonly string[]): Promise<Map<string, RenderTarget[]>> {
    const behind = new Map<string, RenderTarget[]>();
    let active: GoLive[];
    let records: MessageVersion[];
    try {
      [active, records] = await Promise.all([this.options.store.listActive(), this.options.store.listActiveMessages()]);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not read which messages are behind: catching up every message');
      return behind;
    }
    const wanted = new Set(goLiveIds);
    const byGoLive = new Map<string, Map<string, MessageVersion>>();
    for (const r of records) {
      if (!wanted.has(r.goLiveId)) continue;
      const own = byGoLive.get(r.goLiveId);
      if (own) own.set(r.key, r);
      else byGoLive.set(r.goLiveId, new Map([[r.key, r]]));
    }
    for (const goLive of active) {
      if (!wanted.has(goLive.id)) continue;
      const own = byGoLive.get(goLive.id) ?? new Map<string, MessageVersion>();
      const current = (r: MessageVersion | undefined): boolean =>
        r?.ts !== undefined && r.renderedVersion >= goLive.version;
      const stale = new Set<RenderTarget>();
      const root = own.get(ROOT);
      if (
        this.rootStateChanged.has(goLive.id) ||
        goLive.rootTs === undefined ||
        root?.ts !== goLive.rootTs ||
        !current(root)
      )
        stale.add(ROOT);
      for (const section of goLive.template.sections) if (!own.has(section.id)) stale.add(section.id);
      for (const [key, record] of own) if (!current(record) && key !== ROOT) stale.add(targetOf(key));
      let skipped = 0;
      for (const key of own.keys()) if (!stale.has(targetOf(key))) skipped += 1;
      this.stats.skipped += skipped;
      // In thread order: the root, then the sections as the template lists them.
      behind.set(
        goLive.id,
        [ROOT, ...goLive.template.sections.map((s) => s.id)].filter((target) => stale.has(target)),
      );
    }
    return behind;
  }

  /** Resolves when no render is waiting or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs every waiting render now and waits for all of them. */
  async flush(): Promise<void> {
    for (const state of this.states.values()) {
      if (state.timer) {
        this.clock.clearTimeout(state.timer);
        state.timer = undefined;
        this.pending -= 1;
        void this.run(state);
      }
    }
    await this.idle();
  }

  /** Refuses new work, renders what is waiting, and resolves when it is all done. */
  async stop(): Promise<void> {
    this.stopping = true;
    // Renders that can reach Slack soon still go; none waits out an outage or a long Retry-After.
    this.budget.stop();
    await this.flush();
    this.stopped = true;
    await this.idle();
  }

  // ---- coalescing --------------------------------------------------------------------------------------

  private mark(goLiveId: string, target: RenderTarget, waiting?: Waiting): void {
    const key = `${goLiveId}\u0000${target}`;
    let state = this.states.get(key);
    if (!state) {
      state = { goLiveId, target, dirty: false, running: false, waiting: [] };
      this.states.set(key, state);
    }
    if (waiting) state.waiting.push(waiting);
    state.dirty = true;
    state.dirtySince ??= this.clock.now();
    // While it renders, the run itself reschedules; otherwise each change pushes the render back (debounce).
    if (!state.running) this.schedule(state);
  }

  /** (Re)arms the render of a dirty message: when it has been quiet a window, or at its max wait. */
  private schedule(state: TargetState): void {
    if (state.timer) {
      this.clock.clearTimeout(state.timer);
      this.pending -= 1;
    }
    const now = this.clock.now();
    const maxWaitMs = this.options.maxWaitMs ?? 4 * this.options.windowMs;
    const due = Math.min(now + this.options.windowMs, (state.dirtySince ?? now) + maxWaitMs);
    const wait = Math.max(due - now, 0);
    this.pending += 1;
    state.timer = this.clock.setTimeout(() => {
      state.timer = undefined;
      this.pending -= 1;
      void this.run(state);
    }, wait);
  }

  private async run(state: TargetState): Promise<void> {
    // Counted as pending from start to reschedule, so that idle() never resolves between the two.
    this.pending += 1;
    try {
      state.dirty = false;
      state.dirtySince = undefined;
      state.running = true;
      // Who waits on this render; people whose changes come in while it runs wait on the next one.
      const waiting = state.waiting;
      state.waiting = [];
      const priority: UpdatePriority = waiting.length > 0 ? 'waiting' : 'background';
      const result = await this.exclusive(state.goLiveId, state.target, () =>
        this.render(state.goLiveId, state.target, priority),
      );
      // Behind, not refused: render() marked it again, and the same people wait on that render (first in line).
      if (!result.ok && result.retry && !this.stopping) state.waiting.unshift(...waiting);
      else if (!result.ok) this.tellWaiting(state, result.error, waiting);
      state.running = false;
      if (state.dirty && !this.stopped) this.schedule(state);
      else if (state.dirty) void this.run(state);
      else this.states.delete(`${state.goLiveId}\u0000${state.target}`);
    } finally {
      this.pending -= 1;
      this.settle();
    }
  }

  /** Passes the people not told yet (once each) to onRenderFailed; tracked, so idle() and stop() wait for it. */
  private tellWaiting(state: TargetState, error: string, waiting: readonly Waiting[]): void {
    const onRenderFailed = this.options.onRenderFailed;
    const people = new Map<string, RenderWaiter>();
    for (const entry of waiting) {
      if (entry.told) continue;
      entry.told = true;
      const { userId, channelId, threadTs } = entry.waiter;
      people.set(`${userId}\u0000${channelId}\u0000${threadTs ?? ''}`, entry.waiter);
    }
    if (!onRenderFailed || people.size === 0) return;
    const { goLiveId, target } = state;
    void this.track(
      Promise.resolve()
        .then(() => onRenderFailed(goLiveId, target, error, [...people.values()]))
        .catch((err: unknown) =>
          this.options.logger.error({ err, goLiveId, target }, 'telling the people waiting on a failed render failed'),
        ),
    );
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.pending += 1;
    try {
      return await work;
    } finally {
      this.pending -= 1;
      this.settle();
    }
  }

  private settle(): void {
    if (this.pending !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** One render of a target at a time, whoever asks (the start or the coalescer): never two posts of one message. */
  private exclusive<T>(goLiveId: string, target: RenderTarget, work: () => Promise<T>): Promise<T> {
    const key = `${goLiveId}\u0000${target}`;
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return next;
  }

  // ---- rendering from the database -------------------------------------------------------------------

  /**
   * These messages (all of them when undefined: the root, then every section), each in turn with any coalesced
   * render of it; the first failure is returned.
   */
  private async renderTargets(goLiveId: string, only?: readonly RenderTarget[]): Promise<RenderResult> {
    let targets = only;
    if (targets === undefined) {
      let goLive: GoLive | undefined;
      try {
        goLive = await this.options.store.getGoLive(goLiveId);
      } catch (error) {
        this.stats.failures += 1;
        this.options.logger.error({ err: error, goLiveId }, 'could not read a go-live to render it');
        return { ok: false, error: 'render failed' };
      }
      if (!goLive) return { ok: false, error: 'go-live not found' };
      targets = [ROOT, ...goLive.template.sections.map((s) => s.id)];
    }
    let outcome: RenderResult = { ok: true };
    for (const target of targets) {
      const result = await this.exclusive(goLiveId, target, () => this.render(goLiveId, target, 'background'));
      if (!result.ok && outcome.ok) outcome = result;
    }
    if (!outcome.ok)
      this.options.logger.warn({ goLiveId, error: outcome.error }, 'catching up a go-live left a message behind');
    return outcome;
  }

  /**
   * Reading and building a message is synchronous work (milliseconds for a big section); several falling due at
   * once would hold the event loop for their sum and delay every ack behind them. Each waits its turn, and a turn
   * starts only after the event loop has polled for requests (setImmediate).
   */
  private nextCpuTurn(): Promise<void> {
    const turn = this.cpuTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.cpuTurn = turn;
    return turn;
  }

  private async render(goLiveId: string, target: RenderTarget, priority: UpdatePriority): Promise<Rendered> {
    try {
      await this.nextCpuTurn();
      const view = await this.options.store.getChecklist(goLiveId);
      if (!view) return { ok: false, error: 'go-live not found', retry: false };
      const records = new Map((await this.options.store.getMessages(goLiveId)).map((r) => [r.key, r]));
      const result =
        target === ROOT
          ? await this.renderRoot(view, records, priority)
          : await this.renderSection(view, target, records, priority);
      if (!result.ok) this.stats.failures += 1;
      if (!result.ok && result.retry && !this.stopping) {
        // Behind: rendered again from the database once the budget lets a call through (Slack answers again).
        this.stats.behind += 1;
        this.mark(goLiveId, target);
      }
      return result;
    } catch (error) {
      this.stats.failures += 1;
      this.options.logger.error({ err: error, goLiveId, target }, 'rendering a go-live message failed');
      return { ok: false, error: 'render failed', retry: false };
    }
  }

  private async renderRoot(
    view: ChecklistView,
    records: Map<string, MessageRecord>,
    priority: UpdatePriority,
  ): Promise<Rendered> {
    const { goLive } = view;
    const record = records.get(ROOT);
    const ts = goLive.rootTs ?? record?.ts;
    const stateChanged = this.rootStateChanged.delete(goLive.id);
    if (!stateChanged && ts !== undefined && record?.ts === ts && record.renderedVersion >= goLive.version) {
      this.stats.skipped += 1;
      return { ok: true };
    }
    const message = this.options.messages.root(view);
    const renderedHash = messageHash(message);
    if (ts === undefined) {
      const posted = await this.withRetries(
        () => this.options.slack.postMessage({ channel: goLive.channelId, ...message }),
        priority,
        'other',
      );
      if (!posted.ok) return failed(posted);
      this.stats.posts += 1;
      await this.options.store.setRootTs(goLive.id, posted.value.ts);
      await this.options.store.saveMessage({
        goLiveId: goLive.id,
        key: ROOT,
        ts: posted.value.ts,
        renderedVersion: goLive.version,
        renderedHash,
      });
      return { ok: true };
    }
    if (record?.ts === ts && record.renderedHash === renderedHash)
      return this.unchanged(goLive.id, ROOT, ts, goLive.version, renderedHash);
    const updated = await this.withRetries(
      () => this.options.slack.update({ channel: goLive.channelId, ts, ...message }),
      priority,
      'update',
    );
    if (!updated.ok) {
      // The thread hangs on the root: re-posting it would orphan the sections, so say so and leave it.
      if (updated.error === 'message_not_found')
        this.options.logger.error({ goLiveId: goLive.id }, 'the root message of a go-live was deleted');
      return failed(updated);
    }
    this.stats.updates += 1;
    await this.options.store.saveMessage({
      goLiveId: goLive.id,
      key: ROOT,
      ts,
      renderedVersion: goLive.version,
      renderedHash,
    });
    return { ok: true };
  }

  private async renderSection(
    view: ChecklistView,
    sectionId: string,
    records: Map<string, MessageRecord>,
    priority: UpdatePriority,
  ): Promise<Rendered> {
    const { goLive } = view;
    if (goLive.rootTs === undefined) return { ok: false, error: 'the go-live has no thread yet', retry: false };
    if (!goLive.template.sections.some((s) => s.id === sectionId))
      return { ok: false, error: `no section ${sectionId}`, retry: false };
    const parts = this.options.messages.section(view, sectionId);
    // Parts a shorter rendering no longer needs are blanked rather than deleted, so the thread keeps its order.
    for (let part = parts.length; records.has(sectionMessageKey(sectionId, part)); part += 1) {
      parts.push({ ...CONTINUED, key: sectionMessageKey(sectionId, part) });
    }
    for (const { key, ...message } of parts) {
      const result = await this.renderThreadMessage(view, key, message, records.get(key), priority);
      if (!result.ok) return result;
    }
    return { ok: true };
  }

  private async renderThreadMessage(
    view: ChecklistView,
    key: string,
    message: SlackMessage,
    record: MessageRecord | undefined,
    priority: UpdatePriority,
  ): Promise<Rendered> {
    const { goLive } = view;
    const rootTs = goLive.rootTs as string;
    if (record?.ts !== undefined && record.renderedVersion >= goLive.version) {
      this.stats.skipped += 1;
      return { ok: true };
    }
    const renderedHash = messageHash(message);
    if (record?.ts !== undefined) {
      const ts = record.ts;
      if (record.renderedHash === renderedHash) return this.unchanged(goLive.id, key, ts, goLive.version, renderedHash);
      const updated = await this.withRetries(
        () => this.options.slack.update({ channel: goLive.channelId, ts, ...message }),
        priority,
        'update',
      );
      if (updated.ok) {
        this.stats.updates += 1;
        await this.options.store.saveMessage({
          goLiveId: goLive.id,
          key,
          ts,
          renderedVersion: goLive.version,
          renderedHash,
        });
        return { ok: true };
      }
      if (updated.error !== 'message_not_found') return failed(updated);
      this.options.logger.warn({ goLiveId: goLive.id, key }, 'a thread message was deleted by hand: posting it again');
      this.stats.reposts += 1;
    }
    const posted = await this.withRetries(
      () => this.options.slack.postMessage({ channel: goLive.channelId, threadTs: rootTs, ...message }),
      priority,
      'other',
    );
    if (!posted.ok) return failed(posted);
    this.stats.posts += 1;
    await this.options.store.saveMessage({
      goLiveId: goLive.id,
      key,
      ts: posted.value.ts,
      renderedVersion: goLive.version,
      renderedHash,
    });
    return { ok: true };
  }

  /** The message already shows this: no Slack call, only the version, so the next render takes the fast path. */
  private async unchanged(
    goLiveId: string,
    key: string,
    ts: string,
    renderedVersion: number,
    renderedHash: string,
  ): Promise<Rendered> {
    this.stats.unchanged += 1;
    await this.options.store.saveMessage({ goLiveId, key, ts, renderedVersion, renderedHash });
    return { ok: true };
  }

  /**
   * A Slack call through the budget: after a 429 again (the budget waits out Retry-After for every call); after no
   * answer, a post again (the start needs it, in order) but a chat.update not: it is rendered again, fresh, later.
   */
  private async withRetries<T>(
    call: () => Promise<SlackResult<T>>,
    priority: UpdatePriority,
    kind: BudgetedCall,
  ): Promise<SlackResult<T>> {
    let rateLimited = 0;
    let transport = 0;
    for (;;) {
      const result = await this.budget.run(call, priority, kind);
      if (result.ok || result.kind === 'platform') return result;
      if (result.kind === 'rate-limited') {
        this.stats.rateLimited += 1;
        if (rateLimited++ >= this.maxRateLimitRetries) return result;
        continue;
      }
      if (kind === 'update' || this.stopping || transport++ >= this.maxTransportRetries) return result;
    }
  }
}
