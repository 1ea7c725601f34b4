// Work started after an ack (posting a thread, re-rendering) is tracked, so that stop() waits for it to end
// before the database closes, and no listener runs against a closed store.
import { setImmediate as nextTurn } from 'node:timers/promises';

export class WorkTracker {
  private readonly running = new Set<Promise<unknown>>();

  /** Runs `work` and remembers it until it settles; failures stay with the caller. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /**
   * Runs `work` on a later turn of the event loop, tracked from now. The store is synchronous underneath, so
   * work run straight after an ack would hold the loop while requests already waiting are neither read nor acked.
   */
  afterAck<T>(work: () => Promise<T>): Promise<T> {
    return this.track(nextTurn().then(work));
  }

  /** Resolves when everything tracked so far (and anything it started meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
  }
}
