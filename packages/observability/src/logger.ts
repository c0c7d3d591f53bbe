import { satisfies, type Check } from '@agentway/options';

/**
 * One log method, called the pino way: `log.warn({ runId, err }, 'the run failed')` or
 * `log.info('started')`. pino, its child loggers and `console` fit.
 */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/**
 * What every agentway factory's `logger` option takes: pino (or anything with its four methods —
 * `console` too). `child` is used when there (a package binds its name once).
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child?(bindings: Record<string, unknown>): Logger;
}

const noop = () => undefined;

/** The default of every library: says nothing. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** Does `value` have the four log methods? */
export function isLogger(value: unknown): value is Logger {
  const v = value as Partial<Logger> | null;
  return typeof v === 'object' && v !== null && typeof v.debug === 'function' && typeof v.info === 'function'
    && typeof v.warn === 'function' && typeof v.error === 'function';
}

/** The check of a `logger` option, for `checkOptions()`. */
export const loggerOption: Check<Logger> = satisfies<Logger>('a logger with debug, info, warn and error methods (pino, console, …)', isLogger);

/**
 * The logger a request's lines go to: `req.log` when the app set one (pino-http does, bound to the
 * request id), else `fallback` (the factory's `logger`).
 */
export function loggerOf(req: object | undefined, fallback: Logger): Logger {
  const log = (req as { log?: unknown } | undefined)?.log;
  return log !== undefined && isLogger(log) ? log : fallback;
}
