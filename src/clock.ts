// Time comes in through a clock so that the 24-hour plan runs in tests in milliseconds.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
