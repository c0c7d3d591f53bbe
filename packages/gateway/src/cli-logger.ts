import { pino, type Level, type Logger as PinoLogger } from 'pino';
import pinoPretty from 'pino-pretty';

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The CLI's logger: pino at `AGENTWAY_LOG_LEVEL` (default `info`), pretty (pino-pretty, colours,
 * local time) when stdout is a terminal, one JSON object per line otherwise.
 */
export function cliLogger(env: NodeJS.ProcessEnv, tty = process.stdout.isTTY === true): PinoLogger {
  const level = env.AGENTWAY_LOG_LEVEL || 'info';
  if (!LEVELS.includes(level)) {
    throw Object.assign(new TypeError(`[@agentway/gateway] AGENTWAY_LOG_LEVEL must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`),
      { code: 'ERR_GATEWAY_INVALID_ENV' });
  }
  const options = { level: level as Level, name: 'agentway' };
  if (!tty) return pino(options);
  return pino(options, pinoPretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' }));
}
