import { number, object } from '@agentway/options';

/** How failed handlers are retried before their delivery goes to the dead-letter topic. */
export interface RetryOptions {
  /** Tries in all, the first included. Default 6. */
  attempts?: number;
  /** Wait before the second try, in ms. Default 1000. */
  delay?: number;
  /** Each wait is this many times the previous one. Default 4 (1 s, 4 s, 16 s, 64 s, 256 s). */
  factor?: number;
  /** Longest wait, in ms. Default 600 000. */
  maxDelay?: number;
}

/** A resolved retry policy. */
export interface RetryPolicy {
  readonly attempts: number;
  /** The wait after failed attempt `attempt` (1-based). */
  delayAfter(attempt: number): number;
}

/** The checks of `RetryOptions`. */
export const retrySchema = object({
  attempts: number({ min: 1, max: 100, integer: true }),
  delay: number({ min: 0 }),
  factor: number({ min: 1 }),
  maxDelay: number({ min: 0 }),
});

/** `RetryOptions` with their defaults filled in. */
export function resolveRetry(options: RetryOptions | undefined): RetryPolicy {
  const attempts = options?.attempts ?? 6;
  const delay = options?.delay ?? 1000;
  const factor = options?.factor ?? 4;
  const maxDelay = options?.maxDelay ?? 600_000;
  return Object.freeze({
    attempts,
    delayAfter: (attempt: number) => Math.min(maxDelay, delay * factor ** (attempt - 1)),
  });
}
