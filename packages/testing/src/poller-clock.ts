import { invalidArgument, TestingError } from './testing-error';

/** The part of a `@sinonjs/fake-timers` clock (installed, or from `createClock()`) that `pollerClock()` drives. */
export interface FakeClockLike {
  readonly now: number;
  tickAsync(ms: number): Promise<number>;
}

/** The part of a `PollerManager` (`@agentway/poller`) that `pollerClock()` reads. */
export interface PollerLike {
  jobs(): ReadonlyArray<{ readonly name: string; readonly nextRun: string | null; readonly jitter?: number }>;
  idle(): Promise<void>;
}

/** A span of fake time: milliseconds, or units that add up. */
export type PollerClockDuration = number | { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number };

/** What `pollerClock()` gives a test. */
export interface PollerClock {
  /**
   * Moves the fake time to the next scheduled run (of the job `name`, or of whichever job is
   * next), past its jitter, and waits until the run — and the claim before it — has settled.
   * Resolves with the job's name and the time it was scheduled for.
   */
  next(name?: string): Promise<{ name: string; scheduledAt: Date }>;
  /**
   * Moves the fake time forward, firing every timer on the way (runs, timeouts, back-offs) and
   * letting promises settle between them; it does not wait for runs blocked on real I/O (`settle()` does).
   */
  advance(duration: PollerClockDuration): Promise<void>;
  /** Waits until no claim or run is in flight (real I/O included, such as a Redis lock). */
  settle(): Promise<void>;
}

const UNIT_MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1_000, ms: 1 } as const;

/** Milliseconds in a `PollerClockDuration`. */
export function durationMs(duration: PollerClockDuration): number {
  if (typeof duration === 'number') return duration;
  return Object.entries(duration).reduce((sum, [unit, n]) => sum + (n ?? 0) * (UNIT_MS[unit as keyof typeof UNIT_MS] ?? Number.NaN), 0);
}

/**
 * Drives a `PollerManager`'s schedules with a fake clock, so a test can say "at the next run" or
 * "an hour later" instead of sleeping. It does not install fake timers itself: the test chooses
 * what to fake and owns `uninstall()`. Either install them before `poller.start()` —
 * `FakeTimers.install({ now, toFake: ['Date', 'setTimeout', 'clearTimeout'] })`, leaving
 * `setImmediate` and `nextTick` real so that I/O (a Redis lock) still runs — or, touching no
 * global, give the poller a clock of its own: `const fake = FakeTimers.createClock(now)` and
 * `new PollerManager({ clock: { now: () => fake.now, setTimeout: fake.setTimeout, clearTimeout: fake.clearTimeout } })`.
 */
export function pollerClock(poller: PollerLike, clock: FakeClockLike): PollerClock {
  if (typeof poller?.jobs !== 'function' || typeof poller.idle !== 'function') {
    throw invalidArgument('pollerClock() takes a PollerManager (with jobs() and idle()) first');
  }
  if (typeof clock?.tickAsync !== 'function' || typeof clock.now !== 'number') {
    throw invalidArgument('pollerClock() takes a @sinonjs/fake-timers clock second (FakeTimers.install() or FakeTimers.createClock())');
  }
  return {
    async next(name) {
      const due = poller.jobs()
        .filter((job) => job.nextRun !== null && (name === undefined || job.name === name))
        .map((job) => ({ name: job.name, at: Date.parse(job.nextRun!), jitter: job.jitter ?? 0 }))
        .sort((a, b) => a.at - b.at)[0];
      if (!due) {
        throw new TestingError('ERR_TESTING_NO_SCHEDULED_JOB',
          name === undefined ? 'pollerClock(): no job is scheduled (was poller.start() called?)' : `pollerClock(): no scheduled job named "${name}"`);
      }
      await clock.tickAsync(Math.max(0, due.at - clock.now + due.jitter));
      await poller.idle();
      return { name: due.name, scheduledAt: new Date(due.at) };
    },
    async advance(duration) {
      const ms = durationMs(duration);
      if (!(ms >= 0)) throw invalidArgument(`pollerClock().advance() takes ms >= 0 or { days, hours, minutes, seconds, ms }, got ${JSON.stringify(duration)}`);
      await clock.tickAsync(ms);
    },
    settle: () => poller.idle(),
  };
}
