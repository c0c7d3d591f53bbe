import type { ScheduleDescription } from './schedule';

/** Why scheduled times were not run on this instance, counted since construction. */
export interface SkipCounts {
  /** Another instance claimed the time (it ran there). */
  elsewhere: number;
  /** The previous run was still going. */
  overlap: number;
  /** The job was pausing after failures. */
  backoff: number;
  /** The timer fired later than the lease (the process was blocked or asleep). */
  missed: number;
  /** The lock could not be asked (fail-closed: the time is skipped). */
  lockError: number;
}

/** What one job looks like on this instance (`poller.jobs()`, `GET /` of `poller.router()`). */
export interface JobStatus {
  readonly name: string;
  readonly schedule: ScheduleDescription;
  /** The run timeout in ms, `null` for none. */
  readonly timeout: number | null;
  /** Each run starts up to this many ms after its time. */
  readonly jitter: number;
  /** ISO time of the next scheduled run, `null` while stopped. */
  readonly nextRun: string | null;
  /** ISO time the last run here started. */
  readonly lastRun: string | null;
  /** ISO time the last run here was scheduled for. */
  readonly lastScheduled: string | null;
  /** How long the last finished run took, in ms. */
  readonly lastDuration: number | null;
  /** The last failure here (its message, never a stack). */
  readonly lastError: { readonly code?: string; readonly message: string; readonly at: string } | null;
  /** Runs started on this instance. */
  readonly runCount: number;
  /** Failures in a row (0 after a success). */
  readonly failures: number;
  readonly running: boolean;
  /** ISO time the back-off after failures ends, if pausing. */
  readonly pausedUntil: string | null;
  readonly skipped: Readonly<SkipCounts>;
}

/** ISO text of a time in ms, or `null`. */
export function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
