// The garbage collector's pauses while a server answers: with the event loop stopped, every ack due meanwhile
// waits, so a chunk's slowest acks are often its pauses. All servers of the ack bench share one isolate (one heap):
// a pause counts for the server whose chunk it fell in.
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';

interface Pause {
  at: number;
  ms: number;
  major: boolean;
}

export class GcPauses {
  private readonly pauses: Pause[] = [];
  private readonly windows = new Map<string, [number, number][]>();
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.pauses.push(pauseOf(entry));
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** `work` as one of `who`'s chunks: the pauses that start while it runs are `who`'s. */
  async during<T>(who: string, work: Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work;
    } finally {
      const list = this.windows.get(who) ?? [];
      list.push([start, performance.now()]);
      this.windows.set(who, list);
    }
  }

  /** "9 minor (max 6.2 ms), 1 major (23.1 ms)": `who`'s pauses over all its chunks. */
  summary(who: string): string {
    const windows = this.windows.get(who) ?? [];
    const mine = this.pauses.filter((p) => windows.some(([from, to]) => p.at >= from && p.at <= to));
    const minor = mine.filter((p) => !p.major);
    const major = mine.filter((p) => p.major);
    const max = (list: Pause[]) => Math.max(0, ...list.map((p) => p.ms)).toFixed(1);
    return `${minor.length} minor (max ${max(minor)} ms), ${major.length} major${major.length > 0 ? ` (max ${max(major)} ms)` : ''}`;
  }

  /** Forgets the chunks so far (a new reading starts). */
  reset(): void {
    this.windows.clear();
  }

  close(): void {
    this.observer.disconnect();
  }
}

function pauseOf(entry: PerformanceEntry): Pause {
  // Node's gc entries carry their kind in `detail`, which @types/node does not declare on PerformanceEntry.
  const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  return {
    at: entry.startTime,
    ms: entry.duration,
    major: kind === constants.NODE_PERFORMANCE_GC_MAJOR || kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL,
  };
}
