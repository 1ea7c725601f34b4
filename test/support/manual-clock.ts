// A clock that moves only when a test says so: debounce windows, Retry-After pauses and 24-hour plans run in
// microseconds, and a test asserts what happened at each instant instead of sleeping and hoping.
import type { ClockTimer, TimerHandle } from '../../src/clock.js';

interface Pending {
  id: number;
  due: number;
  run: () => void;
}

export class ManualClock implements ClockTimer {
  private current: number;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(start = Date.UTC(2026, 11, 1, 12, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(run: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { id, due: this.current + Math.max(0, ms), run });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }

  /** Waits not yet due or cancelled. */
  get waiting(): number {
    return this.pending.size;
  }

  /**
   * Moves time forward by `ms`, running each wait that falls due in order of its due time, at its due time.
   * Between two waits, promise callbacks run, so that work a timer starts can arm the next one.
   */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    for (;;) {
      await settle();
      const next = [...this.pending.values()]
        .filter((p) => p.due <= until)
        .sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.pending.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.run();
    }
    this.current = until;
    await settle();
  }
}

/** Lets queued promise callbacks (and the I/O callbacks already due) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
