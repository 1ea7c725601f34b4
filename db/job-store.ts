// Scheduled work as rows: what the scheduler (src/scheduler/) asks of a store. Every method is one transaction;
// a claim is a lease, so a job claimed by a process that died is claimed again once the lease expires.
export type JobState = 'pending' | 'claimed' | 'done' | 'failed' | 'parked' | 'cancelled';

export const JOB_STATES: readonly JobState[] = ['pending', 'claimed', 'done', 'failed', 'parked', 'cancelled'];

export interface NewJob {
  goLiveId: string;
  kind: string;
  /** Unique per go-live: scheduling the same key twice adds nothing. */
  key: string;
  /** Several due jobs of one series run as the latest (src/domain/post-launch.ts collapseDue). */
  series: string;
  dueAt: number;
  /** Among jobs due at the same moment, lower runs first. */
  priority: number;
  payload: unknown;
}

export interface Job extends NewJob {
  id: string;
  state: JobState;
  /** Claims so far, this one included. */
  attempts: number;
  /** Steps an earlier attempt finished (a retry skips them). */
  progress: string[];
  leaseOwner?: string;
  leaseExpiresAt?: number;
  lastError?: string;
  note?: string;
}

/** A job claimed to run now. */
export interface ClaimedJob extends Job {
  /** Earlier jobs of its series that were due too and were folded into this one. */
  replaces: number;
}

export interface ClaimRequest {
  now: number;
  owner: string;
  leaseMs: number;
  limit: number;
}

export interface ClaimResult {
  /** In run order: by go-live, each go-live's jobs by due time then priority. */
  jobs: ClaimedJob[];
  /** Due jobs of ended go-lives, cancelled instead of run. */
  cancelled: number;
  /** Due repeats folded into a later one of their series. */
  collapsed: number;
  /** The due time of the oldest job that was due (claimed or not), for the scheduler's lag. */
  oldestDueAt?: number;
}

export interface JobStore {
  /** Inserts the jobs whose key is new for their go-live; returns how many were added. */
  schedule(jobs: readonly NewJob[]): Promise<number>;
  /**
   * In ONE write transaction: cancels due jobs of ended go-lives, folds due repeats of a series into the latest,
   * and leases the due jobs (expired leases included) of go-lives nobody else holds a live lease on.
   */
  claimDue(request: ClaimRequest): Promise<ClaimResult>;
  /** Records finished steps and extends the lease; false when the lease is no longer ours. */
  saveProgress(id: string, owner: string, progress: readonly string[], leaseExpiresAt: number): Promise<boolean>;
  complete(id: string, owner: string, now: number, note?: string): Promise<boolean>;
  /** Back to pending at `dueAt`; `countAttempt: false` for waits that are not failures (a Slack 429). */
  retry(id: string, owner: string, dueAt: number, error: string, countAttempt: boolean): Promise<boolean>;
  park(id: string, owner: string, now: number, error: string): Promise<boolean>;
  /** This owner's leases back to pending, their attempt not counted (a clean stop). */
  release(owner: string): Promise<number>;
  /** Cancels a go-live's pending jobs (of one series, when given). */
  cancelPending(goLiveId: string, now: number, note: string, series?: string): Promise<number>;
  countByState(): Promise<Record<JobState, number>>;
  /** The earliest due time of a pending job, for tests and benches that jump the clock to it. */
  nextDueAt(): Promise<number | undefined>;
  listJobs(goLiveId: string): Promise<Job[]>;
}
