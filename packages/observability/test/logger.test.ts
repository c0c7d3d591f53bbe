import assert from 'node:assert/strict';
import { checkOptions } from '@agentway/options';
import { isLogger, loggerOf, loggerOption, silentLogger, type Logger } from '@agentway/observability';

function recorder(): Logger & { lines: unknown[][] } {
  const lines: unknown[][] = [];
  const log = (level: string) => (...args: unknown[]) => { lines.push([level, ...args]); };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

describe('silentLogger', () => {
  it('should say nothing and be frozen', () => {
    assert.equal(silentLogger.info({ a: 1 }, 'x'), undefined);
    assert.ok(Object.isFrozen(silentLogger));
  });
});

describe('isLogger()', () => {
  it('should take console, an object with the four methods, and refuse the rest', () => {
    assert.equal(isLogger(console), true);
    assert.equal(isLogger(recorder()), true);
    assert.equal(isLogger({ info() {}, warn() {}, error() {} }), false);
    assert.equal(isLogger(null), false);
    assert.equal(isLogger('pino'), false);
  });
});

describe('loggerOption', () => {
  it('should pass a logger through checkOptions() and name the option when it is not one', () => {
    const logger = recorder();
    assert.equal(checkOptions('demo', { logger }, { logger: loggerOption }).logger, logger);
    assert.throws(() => checkOptions('demo', { logger: { info() {} } }, { logger: loggerOption }), {
      name: 'TypeError',
      code: 'ERR_DEMO_INVALID_OPTION',
      message: '[@agentway/demo] option "logger" must be a logger with debug, info, warn and error methods (pino, console, …), got an object',
    });
  });
});

describe('loggerOf()', () => {
  it('should prefer the request\'s req.log (pino-http) and fall back to the given logger', () => {
    const fallback = recorder();
    const requestLog = recorder();
    assert.equal(loggerOf({ log: requestLog }, fallback), requestLog);
    assert.equal(loggerOf({}, fallback), fallback);
    assert.equal(loggerOf({ log: 'not a logger' }, fallback), fallback);
    assert.equal(loggerOf(undefined, fallback), fallback);
  });
});
