// Time comes in through a clock so that the 24-hour plan runs in tests in milliseconds: `Clock` reads the time,
// `Timer` waits for it. Code that debounces, backs off or schedules takes both, never Date.now or setTimeout.
export interface Clock {
  now(): number;
}

/** What a Timer hands back to cancel a wait; only the Timer that made it knows what is inside. */
export type TimerHandle = { readonly __timerHandle?: never } | number;

export interface Timer {
  /** Runs `run` once, `ms` from now. */
  setTimeout(run: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** A clock that can also wait: what a time-driven component takes. */
export type ClockTimer = Clock & Timer;

/** Resolves `ms` from now on the timer's time. */
export function sleep(timer: Timer, ms: number): Promise<void> {
  return new Promise((resolve) => {
    timer.setTimeout(resolve, ms);
  });
}

export const systemClock: ClockTimer = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};
