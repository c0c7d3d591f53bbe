/**
 * Where a `PollerManager` reads the time and sets its timers. The default reads the globals at
 * each call, so fake timers installed after construction (`@sinonjs/fake-timers`) drive it too.
 */
export interface Clock {
  /** Milliseconds since the epoch, by this instance's clock. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process clock: `Date.now()` and the global timers, looked up at each call. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
});

/** The longest delay a Node timer takes (about 24.8 days); longer waits are re-armed in steps. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;
