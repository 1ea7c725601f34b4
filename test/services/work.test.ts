// WorkTracker.afterAck: the work after an ack waits for a later turn of the event loop, so whatever was already
// waiting (a request read, acked) goes first; and it is tracked from the start, so idle() and stop() wait for it.
import { describe, expect, it } from 'vitest';
import { WorkTracker } from '../../src/services/work.js';

describe('WorkTracker.afterAck', () => {
  it('runs the work after what was already waiting on the event loop, never straight after the ack', async () => {
    const work = new WorkTracker();
    const order: string[] = [];
    // Stands for a request already read and waiting for its turn when the earlier click was acked.
    setImmediate(() => order.push('waiting request'));
    const done = work.afterAck(async () => {
      order.push('click work');
      return 'applied';
    });
    queueMicrotask(() => order.push('same turn'));
    await Promise.resolve();
    expect(order).toEqual(['same turn']);
    expect(await done).toBe('applied');
    expect(order).toEqual(['same turn', 'waiting request', 'click work']);
  });

  it('is waited for by idle() even before it has started', async () => {
    const work = new WorkTracker();
    let applied = false;
    void work.afterAck(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      applied = true;
    });
    await work.idle();
    expect(applied).toBe(true);
  });

  it('leaves a failure to the caller and forgets the work once it has settled', async () => {
    const work = new WorkTracker();
    await expect(work.afterAck(() => Promise.reject(new Error('store closed')))).rejects.toThrow('store closed');
    await work.idle();
  });
});
