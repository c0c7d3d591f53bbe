import type { Clock } from './clock';
import { PollerError } from './poller-error';

/** What a job function receives at each run. */
export interface JobContext {
  /** The job's name (also the prefix of its fire-once lock keys). */
  readonly name: string;
  /** The time this run was scheduled for (not when it started: see jitter and lateness). */
  readonly scheduledAt: Date;
  /** Aborted when the run's timeout passes or the manager stops: pass it to fetch() and friends. */
  readonly signal: AbortSignal;
}

/** A job: any function, sync or async; what it returns is ignored, what it throws is recorded. */
export type JobFn = (context: JobContext) => unknown;

/**
 * Runs a job function once and resolves with its error (or `undefined`). It always waits for the
 * function to settle, so a job that ignores its signal still never overlaps itself; after a
 * timeout or a stop the error is the signal's reason.
 */
export async function runOnce(fn: JobFn, context: JobContext, controller: AbortController,
  timeout: number | undefined, clock: Clock): Promise<unknown> {
  const timer = timeout === undefined ? undefined : clock.setTimeout(() => {
    controller.abort(new PollerError('ERR_POLLER_JOB_TIMEOUT', `job "${context.name}" timed out after ${timeout} ms`));
  }, timeout);
  try {
    await fn(context);
    return controller.signal.aborted ? controller.signal.reason : undefined;
  } catch (error) {
    return controller.signal.aborted ? controller.signal.reason : (error ?? new Error('job threw a nullish value'));
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
}
