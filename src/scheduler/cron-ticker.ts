// The scheduler's ticker on node-cron: GOLIVE_TICK becomes a cron pattern with a seconds field. A tick that does not
// divide its minute (or hour, or day) evenly fires on the nearest finer pattern and is held back in between, so
// ticks stay GOLIVE_TICK apart.
import cron from 'node-cron';

/** Calls `run` every `everyMs` until the returned function is called; tests tick by hand instead. */
export interface Ticker {
  every(everyMs: number, run: () => void): () => void;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The cron pattern for a tick and whether it is exact (false: the pattern fires more often than the tick). */
export function cronPattern(everyMs: number): { pattern: string; exact: boolean } {
  const seconds = Math.max(1, Math.round(everyMs / SECOND));
  if (seconds < 60 && 60 % seconds === 0)
    return { pattern: seconds === 1 ? '* * * * * *' : `*/${seconds} * * * * *`, exact: seconds * SECOND === everyMs };
  if (everyMs % MINUTE === 0 && everyMs < HOUR && 60 % (everyMs / MINUTE) === 0)
    return { pattern: `0 */${everyMs / MINUTE} * * * *`, exact: true };
  if (everyMs % HOUR === 0 && everyMs <= 24 * HOUR && 24 % (everyMs / HOUR) === 0)
    return { pattern: `0 0 */${everyMs / HOUR} * * *`, exact: true };
  return { pattern: '* * * * * *', exact: false };
}

/** `now` is the process clock (src/clock.ts), read to hold back an inexact pattern between ticks. */
export function cronTicker(now: () => number): Ticker {
  return {
    every(everyMs, run) {
      const { pattern, exact } = cronPattern(everyMs);
      let last = -Infinity;
      const task = cron.schedule(
        pattern,
        () => {
          const at = now();
          // An inexact pattern fires every second: run only once a whole tick has passed (a little slack for jitter).
          if (!exact && at - last < everyMs - 500) return;
          last = at;
          run();
        },
        { noOverlap: false },
      );
      return () => {
        void task.destroy();
      };
    },
  };
}
