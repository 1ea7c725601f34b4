// The workspace's one chat.update budget on a clock the test moves: the burst and the sustained rate, the person
// waiting first, a 429 pausing everyone for its Retry-After, and the capped backoff with a single probe while
// nothing answers. Calls are functions the test answers, so what Slack "says" is exact.
import { describe, expect, it } from 'vitest';
import type { SlackResult } from '../../src/slack/gateway.js';
import { UpdateBudget } from '../../src/slack/update-budget.js';
import type { UpdatePriority } from '../../src/slack/update-budget.js';
import { ManualClock } from '../support/manual-clock.js';

type Answer = SlackResult<void>;
const OK: Answer = { ok: true, value: undefined };
const DOWN: Answer = { ok: false, kind: 'transport', error: 'http_500' };
const limited = (seconds: number): Answer => ({
  ok: false,
  kind: 'rate-limited',
  error: 'ratelimited',
  retryAfterMs: seconds * 1000,
});

/** Calls through the budget, each recorded when Slack "receives" it and answered by `answer`. */
function harness(options: { perMinute?: number; burst?: number } = {}) {
  const clock = new ManualClock();
  const budget = new UpdateBudget({
    clock,
    perMinute: options.perMinute ?? 60,
    burst: options.burst ?? 3,
    firstBackoffMs: 1000,
    maxBackoffMs: 30_000,
  });
  const started = clock.now();
  const received: { name: string; at: number }[] = [];
  let answer: (name: string) => Answer = () => OK;
  const results = new Map<string, Answer>();
  let redo = false;
  const call = (name: string, priority: UpdatePriority = 'background'): void => {
    void budget
      .run(async () => {
        received.push({ name, at: clock.now() - started });
        return answer(name);
      }, priority)
      .then((result) => {
        results.set(name, result);
        // As the renderer does: a message Slack did not take is rendered again, through the budget.
        if (redo && !result.ok && result.kind === 'transport' && result.error !== 'stopping') call(name, priority);
      });
  };
  return {
    clock,
    budget,
    received,
    results,
    call,
    answerWith(next: (name: string) => Answer, again = false) {
      answer = next;
      redo = again;
    },
  };
}

describe('one chat.update budget', () => {
  it('lets a burst through at once, then one call per token (60 a minute: one a second)', async () => {
    const h = harness({ perMinute: 60, burst: 3 });
    for (let i = 0; i < 6; i += 1) h.call(`c${i}`);
    await h.clock.advance(0);
    expect(h.received.map((r) => r.name)).toEqual(['c0', 'c1', 'c2']);
    await h.clock.advance(3000);
    expect(h.received.map((r) => [r.name, r.at])).toEqual([
      ['c0', 0],
      ['c1', 0],
      ['c2', 0],
      ['c3', 1000],
      ['c4', 2000],
      ['c5', 3000],
    ]);
    expect(h.results.size).toBe(6);
  });

  it('gives the next token to a change someone waits on before catch-up and check renders queued earlier', async () => {
    const h = harness({ perMinute: 60, burst: 1 });
    h.call('first');
    for (let i = 0; i < 3; i += 1) h.call(`catch-up-${i}`, 'background');
    h.call('dana-ticked', 'waiting');
    h.call('sam-ticked', 'waiting');
    await h.clock.advance(5000);
    expect(h.received.map((r) => r.name)).toEqual([
      'first',
      'dana-ticked',
      'sam-ticked',
      'catch-up-0',
      'catch-up-1',
      'catch-up-2',
    ]);
    expect(h.budget.stats).toMatchObject({ waiting: 2, background: 4, maxQueued: 5 });
  });

  it("pauses every call for a 429's Retry-After, then starts the bucket over", async () => {
    const h = harness({ perMinute: 60, burst: 3 });
    h.answerWith((name) => (name === 'a' ? limited(5) : OK));
    h.call('a');
    await h.clock.advance(0);
    h.call('b', 'waiting');
    h.call('c');
    await h.clock.advance(4999);
    expect(h.received.map((r) => r.name)).toEqual(['a']);
    expect(h.results.get('a')).toEqual(limited(5));
    await h.clock.advance(2001);
    // After the pause the bucket refills from empty: one call a second, not a burst of three.
    expect(h.received.map((r) => [r.name, r.at])).toEqual([
      ['a', 0],
      ['b', 6000],
      ['c', 7000],
    ]);
    expect(h.budget.stats.rateLimited).toBe(1);
  });

  it('backs off 1 s, 2 s, 4 s … capped at 30 s while nothing answers, one probe at a time, and resumes at once', async () => {
    const h = harness({ perMinute: 600, burst: 10 });
    let down = true;
    h.answerWith(() => (down ? DOWN : OK), true);
    h.call('probe-1');
    await h.clock.advance(0);
    // Queued behind the outage: none of them is sent while Slack does not answer.
    for (let i = 0; i < 5; i += 1) h.call(`behind-${i}`, 'waiting');
    await h.clock.advance(90_000);
    const failedAt = h.received.map((r) => r.at);
    const gaps = failedAt.slice(1).map((at, i) => at - (failedAt[i] as number));
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000].slice(0, gaps.length));
    expect(gaps.length).toBeGreaterThanOrEqual(6);
    expect(h.budget.unreachable).toBe(true);
    expect(h.budget.stats.unanswered).toBe(h.received.length);
    const beforeRecovery = h.received.length;

    down = false;
    await h.clock.advance(30_000);
    // One probe answers, then everything behind it goes at once (the bucket allows the burst): six calls, six messages.
    const after = h.received.slice(beforeRecovery);
    expect(after).toHaveLength(6);
    expect(new Set(after.map((r) => r.at)).size).toBe(1);
    expect(h.budget.unreachable).toBe(false);
    expect([...h.results.values()].filter((r) => r.ok)).toHaveLength(6);
  });

  it('counts calls that were already on their way when Slack stopped answering as one backoff step', async () => {
    const h = harness({ perMinute: 600, burst: 10 });
    let down = true;
    h.answerWith(() => (down ? DOWN : OK), true);
    // A section and the root of one tick leave together and fail together.
    h.call('section', 'waiting');
    h.call('root', 'waiting');
    await h.clock.advance(0);
    expect(h.received.map((r) => r.at)).toEqual([0, 0]);
    await h.clock.advance(3000);
    // 1 s later the first probe (not 2 s, as if two outages had been seen), 2 s after that the next.
    expect(h.received.map((r) => r.at)).toEqual([0, 0, 1000, 3000]);
    down = false;
    await h.clock.advance(4000);
    expect([...h.results.values()].filter((r) => r.ok)).toHaveLength(2);
  });

  it('answers what is queued at once when stopped, instead of waiting out a pause', async () => {
    const h = harness();
    h.answerWith(() => limited(60));
    h.call('a');
    await h.clock.advance(0);
    h.call('b', 'waiting');
    h.call('c');
    h.budget.stop();
    await h.clock.advance(0);
    expect(h.received.map((r) => r.name)).toEqual(['a']);
    expect(h.results.get('b')).toEqual({ ok: false, kind: 'transport', error: 'stopping' });
    expect(h.results.get('c')).toEqual({ ok: false, kind: 'transport', error: 'stopping' });
    expect(h.clock.waiting).toBe(0);
  });

  it('still lets a call wait out a short Retry-After while stopping', async () => {
    const h = harness();
    h.answerWith((name) => (name === 'a' ? limited(1) : OK));
    h.call('a');
    await h.clock.advance(0);
    h.call('b', 'waiting');
    h.budget.stop(5000);
    await h.clock.advance(2000);
    // The pause (1 s), then the bucket's next token (1 s): within the 5 s grace.
    expect(h.received.map((r) => [r.name, r.at])).toEqual([
      ['a', 0],
      ['b', 2000],
    ]);
    expect(h.results.get('b')).toEqual(OK);
  });
});
