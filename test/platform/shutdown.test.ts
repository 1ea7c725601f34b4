// The signal rules of stopOnSignals on a manual clock: first signal → the stop runs → exit 0; a second signal
// exits at once with 128 + its number; a stop that outlasts the deadline exits 1; a failed stop exits 1.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { STOP_DEADLINE_MS, stopOnSignals } from '../../src/shutdown.js';
import type { SignalTarget, StopSignal } from '../../src/shutdown.js';
import { ManualClock } from '../support/manual-clock.js';
import { capturedLogger } from './helpers.js';

class FakeProcess extends EventEmitter implements SignalTarget {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
  send(signal: StopSignal): void {
    this.emit(signal);
  }
}

/** A stop the test finishes by hand. */
function controlledStop(): {
  stop: () => Promise<void>;
  calls: number;
  finish: () => void;
  fail: (err: Error) => void;
} {
  let resolve = (): void => undefined;
  let reject = (_err: Error): void => undefined;
  const control = {
    calls: 0,
    stop: () => {
      control.calls += 1;
      return new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
    },
    finish: () => resolve(),
    fail: (err: Error) => reject(err),
  };
  return control;
}

function setUp() {
  const target = new FakeProcess();
  const clock = new ManualClock();
  const stop = controlledStop();
  const log = capturedLogger();
  stopOnSignals({ target, stop: stop.stop, clock, logger: log.logger });
  return { target, clock, stop, log };
}

describe('stopOnSignals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops once, in order, then exits 0', async (signal) => {
    const { target, clock, stop, log } = setUp();
    target.send(signal);
    expect(stop.calls).toBe(1);
    await clock.advance(2_000);
    expect(target.exits).toEqual([]);
    stop.finish();
    await clock.advance(0);
    expect(target.exits).toEqual([0]);
    expect(log.text()).toContain('"msg":"stopped"');
    // The deadline's timer firing later changes nothing: the process has exited once.
    await clock.advance(STOP_DEADLINE_MS);
    expect(target.exits).toEqual([0]);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('a second %s while stopping exits at once with %i', async (second, code) => {
    const { target, clock, stop } = setUp();
    target.send('SIGTERM');
    await clock.advance(500);
    target.send(second);
    expect(target.exits).toEqual([code]);
    expect(stop.calls).toBe(1);
    stop.finish();
    await clock.advance(0);
    expect(target.exits).toEqual([code]);
  });

  it('exits 1 when the stop outlasts the deadline, before systemd or Docker would SIGKILL at 10 s', async () => {
    const { target, clock, log } = setUp();
    target.send('SIGTERM');
    await clock.advance(STOP_DEADLINE_MS - 1);
    expect(target.exits).toEqual([]);
    await clock.advance(1);
    expect(target.exits).toEqual([1]);
    expect(STOP_DEADLINE_MS).toBeLessThan(10_000);
    expect(log.text()).toContain('stopping took too long');
  });

  it('exits 1 when the stop fails, saying why in the log', async () => {
    const { target, clock, stop, log } = setUp();
    target.send('SIGINT');
    stop.fail(new Error('database is locked'));
    await clock.advance(0);
    expect(target.exits).toEqual([1]);
    expect(log.text()).toContain('stop failed');
    expect(log.text()).toContain('database is locked');
  });
});
