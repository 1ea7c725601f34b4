// Which go-lives have a check run going, and who started it: one run per go-live at a time.
import type { Actor } from '../domain/go-live.js';

export interface RunningCheck {
  by: Actor;
  at: number;
}

/** The runs in progress in this process, by go-live id. */
export class CheckRuns {
  private readonly running = new Map<string, RunningCheck>();

  holder(goLiveId: string): RunningCheck | undefined {
    return this.running.get(goLiveId);
  }

  /** Takes the go-live's run for `run`; false when another run holds it. */
  take(goLiveId: string, run: RunningCheck): boolean {
    if (this.running.has(goLiveId)) return false;
    this.running.set(goLiveId, run);
    return true;
  }

  release(goLiveId: string): void {
    this.running.delete(goLiveId);
  }
}
