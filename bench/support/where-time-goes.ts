// Where the wall time of one short call went, so that a latency tail can be told apart from the code's own
// cost on a shared machine: the main thread's time on a CPU and its time runnable but waiting for one (Linux's
// /proc/<pid>/task/<pid>/schedstat), and whether a garbage collection ran during it. The rest of the wall time the
// thread was blocked (a lock, I/O, a sleep).
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

export interface Timed {
  wallMs: number;
  /** Main thread on a CPU; NaN where schedstat is not available. */
  cpuMs: number;
  /** Main thread runnable, waiting for a CPU the other processes held. */
  waitMs: number;
  start: number;
  end: number;
}

const SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;

function schedstat(): [number, number] {
  try {
    const [cpu, wait] = readFileSync(SCHEDSTAT, 'utf8').split(' ').map(Number);
    return [cpu ?? NaN, wait ?? NaN];
  } catch {
    return [NaN, NaN];
  }
}

export class TimeAccounting {
  private readonly gcs: { start: number; end: number }[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.gcs.push({ start: e.startTime, end: e.startTime + e.duration });
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  async time(work: () => Promise<unknown>): Promise<Timed> {
    const [cpu0, wait0] = schedstat();
    const start = performance.now();
    await work();
    const end = performance.now();
    const [cpu1, wait1] = schedstat();
    return { wallMs: end - start, cpuMs: (cpu1 - cpu0) / 1e6, waitMs: (wait1 - wait0) / 1e6, start, end };
  }

  /** Whether a collection ran during the call; ask after the calls (the observer hears of a pause later). */
  duringGc(t: Timed): boolean {
    return this.gcs.some((g) => g.end > t.start && g.start < t.end);
  }

  stop(): void {
    this.observer.disconnect();
  }
}
