import { checkOptions, func, number, object, satisfies, string, anyOf } from '@agentway/options';
import type { RequestHandler } from 'express';
import { systemClock, type Clock } from './clock';
import type { Lock } from './job';
import { loggerOption, silentLogger, type Logger } from '@agentway/observability';

/** Options of `new PollerManager()`. */
export interface PollerOptions {
  /**
   * The fire-once lock shared by the instances: a `Broker` (`createRedisBroker()` across
   * processes, `createMemoryBroker()` within one) or any `{ claim(key, ttl) }`. Without it every
   * instance runs every job, and `start()` says so through the logger.
   */
  lock?: Lock;
  /** How long a scheduled time's claim lasts, in ms: the clock skew tolerated between instances. Default 30 000. */
  lease?: number;
  /** Prefix of the lock keys (`<prefix><job name>:<ISO time>`). Default `poller:`. */
  keyPrefix?: string;
  /** Pause after failures: `initial` ms after the first, doubling up to `max`. Default `{ initial: 1000, max: 300000 }`; `false` to run every time. */
  backoff?: { initial?: number; max?: number } | false;
  /** Where start-up lines, failures and missed runs are reported. Default: silent. */
  logger?: Logger;
  /** Time and timers (default: the process's, looked up at each call, so fake timers work). */
  clock?: Clock;
}

/** Options of one job (`every()`, `cron()`). */
export interface JobOptions {
  /** Unique per manager and the same on every instance: it forms the lock keys. Default: the function's name, else the schedule. */
  name?: string;
  /** Abort the job's signal after this many ms (the run counts as failed). Default: none. */
  timeout?: number;
  /** Start each run a random 0…jitter ms after its scheduled time. Default 0. */
  jitter?: number;
}

/** Options of a `cron()` job. */
export interface CronJobOptions extends JobOptions {
  /** IANA time zone the expression is read in (`Europe/Paris`). Default: the process's. */
  timezone?: string;
}

/** Options of `poller.router()` and `listeners.router()`. */
export interface StatusRouterOptions {
  /** Runs first (e.g. `apiKeyAuth()` from `@agentway/auth`); its 401 is answered as JSON. */
  auth?: RequestHandler;
}

const PKG = 'poller';
const isLock = (v: unknown) => typeof (v as Lock | null)?.claim === 'function';
const isClock = (v: unknown) => ['now', 'setTimeout', 'clearTimeout'].every((k) => typeof (v as Record<string, unknown> | null)?.[k] === 'function');
const ms = (min = 0) => number({ min, integer: true });

/** Checks a manager's options once and fills in the defaults. */
export function resolvePollerOptions(options: Readonly<PollerOptions> | undefined) {
  const o = checkOptions(PKG, options, {
    lock: satisfies<Lock>('an object with claim(key, ttl), such as a Broker', isLock),
    lease: ms(1),
    keyPrefix: string(),
    backoff: anyOf<[false, { initial?: number | undefined; max?: number | undefined }]>('false or { initial, max }',
      satisfies<false>('false', (v) => v === false), object({ initial: ms(), max: ms() })),
    logger: loggerOption,
    clock: satisfies<Clock>('a clock with now, setTimeout and clearTimeout', isClock),
  });
  const backoff = o.backoff === false ? undefined : { initial: o.backoff?.initial ?? 1_000, max: o.backoff?.max ?? 300_000 };
  return Object.freeze({
    lock: o.lock, lease: o.lease ?? 30_000, keyPrefix: o.keyPrefix ?? 'poller:', backoff,
    logger: o.logger ?? silentLogger, clock: o.clock ?? systemClock,
  });
}

/** Checks one job's options. */
export function resolveJobOptions(options: Readonly<CronJobOptions> | undefined, cron: boolean) {
  return checkOptions(PKG, options, {
    name: string({ nonEmpty: true }), timeout: ms(1), jitter: ms(),
    ...(cron && { timezone: string({ nonEmpty: true }) }),
  }) as { name?: string; timeout?: number; jitter?: number; timezone?: string };
}

/** Checks the options of a status router. */
export function resolveRouterOptions(options: Readonly<StatusRouterOptions> | undefined) {
  return checkOptions(PKG, options, { auth: func<RequestHandler>() });
}
