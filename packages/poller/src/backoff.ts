/** Exponential back-off between reconnections: `initial` ms, doubling up to `max`. */
export interface Backoff {
  readonly initial: number;
  readonly max: number;
}

/** The wait before reconnection number `attempt` (0-based): the doubled delay, less up to half at random. */
export function backoffDelay(attempt: number, backoff: Backoff): number {
  const base = Math.min(backoff.max, backoff.initial * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
