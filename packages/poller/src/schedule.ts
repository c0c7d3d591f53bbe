import { createTask } from 'node-cron';
import { usageError } from './poller-error';

/** An interval: the units add up (`{ hours: 1, minutes: 30 }` is 90 minutes). */
export interface Every {
  seconds?: number;
  minutes?: number;
  hours?: number;
}

/** What the status page shows of a schedule. */
export type ScheduleDescription =
  | { readonly every: Readonly<Every>; readonly ms: number }
  | { readonly cron: string; readonly timezone: string | null };

/** When a job fires: the first scheduled time strictly after a given instant. */
export interface Schedule {
  readonly description: ScheduleDescription;
  /** A short label (`every 15m`, `cron 0 9 * * 1-5`), for default job names and logs. */
  readonly label: string;
  next(after: number): number;
}

const UNITS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000 } as const;

/**
 * Fires at the multiples of the interval since the Unix epoch, so every instance computes the
 * same scheduled times whatever its start time (`{ minutes: 15 }` fires at :00, :15, :30, :45 UTC).
 */
export function intervalSchedule(every: Every): Schedule {
  if (typeof every !== 'object' || every === null) throw invalid(`every() takes { seconds | minutes | hours }, got ${typeof every}`);
  let ms = 0;
  const given: Every = {};
  for (const key of Object.keys(every)) {
    const unit = UNITS[key as keyof Every];
    const value = every[key as keyof Every];
    if (unit === undefined) throw invalid(`every() takes seconds, minutes and hours, not "${key}"`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalid(`every({ ${key} }) must be a whole number >= 0, got ${String(value)}`);
    given[key as keyof Every] = value;
    ms += value * unit;
  }
  if (ms < 1_000) throw invalid('every() needs an interval of at least 1 second');
  const label = `every ${Object.entries(given).filter(([, v]) => v).map(([k, v]) => `${v}${k[0]}`).join(' ')}`;
  return Object.freeze({
    description: Object.freeze({ every: Object.freeze(given), ms }),
    label,
    next: (after: number) => (Math.floor(after / ms) + 1) * ms,
  });
}

interface TimeMatcher { getNextMatch(date: Date): Date }

/**
 * A cron expression (5 or 6 fields, node-cron 4 syntax) in a time zone (default: the process's).
 * node-cron parses it and computes the next match; its matcher is reached through a task object
 * that is destroyed at once (4.6.0 has no public "next match after this date" function).
 */
export function cronSchedule(expression: string, timezone: string | undefined): Schedule {
  if (typeof expression !== 'string') throw invalid(`cron() takes an expression string, got ${typeof expression}`);
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw invalid(`unknown time zone "${timezone}"`);
    }
  }
  let matcher: TimeMatcher | undefined;
  try {
    const task = createTask(expression, () => undefined, timezone === undefined ? {} : { timezone });
    task.destroy();
    matcher = (task as unknown as { timeMatcher?: TimeMatcher }).timeMatcher;
  } catch (err) {
    throw invalid(`invalid cron expression "${expression}": ${(err as Error).message}`);
  }
  if (typeof matcher?.getNextMatch !== 'function') throw invalid('this node-cron version has no TimeMatcher; install node-cron 4.6.0');
  const m = matcher;
  return Object.freeze({
    description: Object.freeze({ cron: expression, timezone: timezone ?? null }),
    label: `cron ${expression}`,
    next: (after: number) => m.getNextMatch(new Date(after)).getTime(),
  });
}

function invalid(message: string) {
  return usageError('ERR_POLLER_INVALID_SCHEDULE', message);
}
