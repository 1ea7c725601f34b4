// One Slack budget for the whole workspace. chat.update is Tier 3 (about 50 a minute sustained, short bursts
// allowed) per workspace, not per go-live: every go-live's renders draw on one token bucket here, the message a
// person waits on goes before catch-up and check renders, and an answer that says "stop" stops all of them: a 429
// pauses every call for its Retry-After, and calls nothing answered (5xx, reset connections) pause every call
// with a backoff (1 s, doubling, capped at 30 s) after which one call alone probes whether Slack is back.
// A call is tried once: what failed is the caller's to render again from the database, so nothing stale is re-sent.
import type { ClockTimer, TimerHandle } from '../clock.js';
import type { SlackResult } from './gateway.js';

/** `waiting`: a person's change asked for it and they wait to see it. `background`: catch-up, check runs. */
export type UpdatePriority = 'waiting' | 'background';

/** Which allowance a call draws on: chat.update's Tier 3 tokens, or none (it only waits out pauses). */
export type BudgetedCall = 'update' | 'other';

export interface UpdateBudgetOptions {
  clock: ClockTimer;
  /** Sustained chat.update calls a minute (Slack's Tier 3: about 50). */
  perMinute?: number;
  /** chat.update calls that may go at once after a quiet spell. */
  burst?: number;
  /** Pause after the first call nothing answered; doubled after each further one, up to `maxBackoffMs`. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface UpdateBudgetStats {
  /** Calls let through, by priority. */
  waiting: number;
  background: number;
  other: number;
  rateLimited: number;
  unanswered: number;
  /** The most calls ever queued at once. */
  maxQueued: number;
}

interface Entry {
  kind: BudgetedCall;
  go: (allowed: boolean) => void;
}

/** A failure answered to calls that could not wait because the budget is stopping. */
const STOPPING = { ok: false, kind: 'transport', error: 'stopping' } as const;

export class UpdateBudget {
  readonly stats: UpdateBudgetStats = {
    waiting: 0,
    background: 0,
    other: 0,
    rateLimited: 0,
    unanswered: 0,
    maxQueued: 0,
  };
  private readonly clock: ClockTimer;
  private readonly perMs: number;
  private readonly burst: number;
  private readonly firstBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly queues: Record<UpdatePriority, Entry[]> = { waiting: [], background: [] };
  private tokens: number;
  private refilledAt: number;
  /** No call starts before this clock value (a 429's Retry-After, or the backoff after unanswered calls). */
  private pausedUntil = 0;
  /** Unanswered calls in a row; while > 0, one call at a time probes. */
  private unansweredInRow = 0;
  /** Backoff steps taken so far: a call remembers the count it left under. */
  private failureSteps = 0;
  private inFlight = 0;
  private wake: TimerHandle | undefined;
  private wakeDue = 0;
  private stopDeadline: number | undefined;

  constructor(options: UpdateBudgetOptions) {
    this.clock = options.clock;
    this.perMs = (options.perMinute ?? 50) / 60_000;
    this.burst = Math.max(1, options.burst ?? 10);
    this.firstBackoffMs = options.firstBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.tokens = this.burst;
    this.refilledAt = this.clock.now();
  }

  /** Calls waiting for their turn. */
  get queued(): number {
    return this.queues.waiting.length + this.queues.background.length;
  }

  /** Slack looks down: calls wait out a backoff, then one probes. */
  get unreachable(): boolean {
    return this.unansweredInRow > 0;
  }

  /**
   * Makes `call` when its turn comes: after any pause, with a token for chat.update, waiting before background,
   * first come first served within each. Its answer adjusts the budget for everyone; it is returned as it is.
   */
  async run<T>(
    call: () => Promise<SlackResult<T>>,
    priority: UpdatePriority,
    kind: BudgetedCall = 'update',
  ): Promise<SlackResult<T>> {
    const allowed = await new Promise<boolean>((go) => {
      this.queues[priority].push({ kind, go });
      this.stats.maxQueued = Math.max(this.stats.maxQueued, this.queued);
      this.pump();
    });
    if (!allowed) return STOPPING;
    const sentIn = this.failureSteps;
    this.stats[kind === 'other' ? 'other' : priority] += 1;
    let result: SlackResult<T>;
    try {
      result = await call();
    } finally {
      this.inFlight -= 1;
    }
    this.learn(result, kind, sentIn);
    this.pump();
    return result;
  }

  /**
   * For a shutdown: calls that can go within `graceMs` (a short Retry-After, the next token) still go; the others,
   * queued now or later, are answered at once with a `stopping` failure, and so is every call while Slack is down.
   */
  stop(graceMs = 5000): void {
    this.stopDeadline = this.clock.now() + graceMs;
    this.pump();
  }

  private learn(result: SlackResult<unknown>, kind: BudgetedCall, sentIn: number): void {
    const now = this.clock.now();
    if (result.ok || result.kind === 'platform') {
      // Slack answered: whatever it said, it is up.
      this.unansweredInRow = 0;
      return;
    }
    if (result.kind === 'rate-limited') {
      this.stats.rateLimited += 1;
      this.unansweredInRow = 0;
      this.pausedUntil = Math.max(this.pausedUntil, now + result.retryAfterMs);
      if (kind === 'update') {
        // Slack counts differently than we do: start the bucket over after the pause rather than burst into it.
        this.tokens = 0;
        this.refilledAt = Math.max(now, this.pausedUntil);
      }
      return;
    }
    this.stats.unanswered += 1;
    // Calls already on their way when Slack last failed to answer tell nothing new: one step of backoff for them all.
    if (sentIn !== this.failureSteps) return;
    this.failureSteps += 1;
    const backoff = Math.min(this.maxBackoffMs, this.firstBackoffMs * 2 ** Math.min(this.unansweredInRow, 30));
    this.unansweredInRow += 1;
    this.pausedUntil = Math.max(this.pausedUntil, now + backoff);
  }

  private refill(now: number): void {
    if (now > this.refilledAt) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.perMs);
      this.refilledAt = now;
    }
  }

  /** When the head call may go: now (its token taken), at a later clock value, or once the probe in flight answers. */
  private turn(head: Entry, now: number): 'now' | 'after-probe' | number {
    if (now < this.pausedUntil) return this.pausedUntil;
    // After unanswered calls, one probe at a time until Slack answers again.
    if (this.unreachable && this.inFlight > 0) return 'after-probe';
    if (head.kind === 'update') {
      this.refill(now);
      if (this.tokens < 1) return now + Math.ceil((1 - this.tokens) / this.perMs);
      this.tokens -= 1;
    }
    return 'now';
  }

  /** Lets through every call whose turn has come and arms one timer for the next. */
  private pump(): void {
    for (;;) {
      const queue = this.queues.waiting.length > 0 ? this.queues.waiting : this.queues.background;
      const head = queue[0];
      if (head === undefined) {
        // Nothing left to wake for: a stopped budget leaves no timer behind.
        if (this.stopDeadline !== undefined && this.wake !== undefined) {
          this.clock.clearTimeout(this.wake);
          this.wake = undefined;
        }
        return;
      }
      const turn = this.turn(head, this.clock.now());
      if (turn === 'now') {
        queue.shift();
        this.inFlight += 1;
        head.go(true);
        continue;
      }
      // Stopping: a call that cannot go before the deadline is answered now instead of holding the stop up.
      if (this.stopDeadline !== undefined && (turn === 'after-probe' || this.unreachable || turn > this.stopDeadline)) {
        queue.shift();
        head.go(false);
        continue;
      }
      if (turn !== 'after-probe') this.wakeAt(turn);
      return;
    }
  }

  /** Wakes the pump at `at`, unless it wakes earlier already. */
  private wakeAt(at: number): void {
    if (this.wake !== undefined && this.wakeDue <= at) return;
    if (this.wake !== undefined) this.clock.clearTimeout(this.wake);
    this.wakeDue = at;
    this.wake = this.clock.setTimeout(
      () => {
        this.wake = undefined;
        this.pump();
      },
      Math.max(0, at - this.clock.now()),
    );
  }
}
