// Stopping on SIGTERM/SIGINT, as systemd, Docker and Ctrl-C send them: the first signal stops Golive in order
// and exits 0; a second signal, or a stop that outlasts its deadline, exits at once. Nothing acknowledged is
// lost either way: every change is saved before Slack gets its answer.
import type { ClockTimer } from './clock.js';
import type { Logger } from './logger.js';

export type StopSignal = 'SIGTERM' | 'SIGINT';

/** Where signals come from and how the process ends: `process` in production, a fake in tests. */
export interface SignalTarget {
  on(signal: StopSignal, listener: () => void): unknown;
  exit(code: number): void;
}

export interface StopOnSignalsOptions {
  target: SignalTarget;
  /** Stops Golive in order; resolves once the database is closed. */
  stop: () => Promise<void>;
  clock: ClockTimer;
  logger: Logger;
  /** How long the stop may take before the process exits anyway (systemd and Docker kill at 10 s). */
  deadlineMs?: number;
}

/** Docker's and the unit's grace period is 10 s: exit on our own terms before the SIGKILL. */
export const STOP_DEADLINE_MS = 9_000;

/** The shell's convention for "ended by signal N": 128 + N. */
const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export function stopOnSignals(options: StopOnSignalsOptions): void {
  const { target, logger, clock } = options;
  const deadlineMs = options.deadlineMs ?? STOP_DEADLINE_MS;
  let stopping = false;
  let exited = false;
  const exit = (code: number): void => {
    if (exited) return;
    exited = true;
    target.exit(code);
  };

  const onSignal = (signal: StopSignal): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      exit(SIGNAL_EXIT[signal]);
      return;
    }
    stopping = true;
    const started = clock.now();
    logger.info({ signal }, 'stopping');
    clock.setTimeout(() => {
      logger.error({ deadlineMs }, 'stopping took too long: exiting with the stop unfinished');
      exit(1);
    }, deadlineMs);
    options.stop().then(
      () => {
        logger.info({ stopMs: clock.now() - started }, 'stopped');
        exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        exit(1);
      },
    );
  };
  target.on('SIGTERM', () => onSignal('SIGTERM'));
  target.on('SIGINT', () => onSignal('SIGINT'));
}
