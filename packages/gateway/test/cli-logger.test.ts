import assert from 'node:assert/strict';
import { cliLogger } from '../src/cli-logger';

describe('the CLI logger', () => {
  it('should log at AGENTWAY_LOG_LEVEL (default info), and refuse a level pino does not have', () => {
    assert.equal(cliLogger({}, false).level, 'info');
    assert.equal(cliLogger({ AGENTWAY_LOG_LEVEL: 'debug' }, true).level, 'debug');
    assert.throws(() => cliLogger({ AGENTWAY_LOG_LEVEL: 'loud' }, false), {
      code: 'ERR_GATEWAY_INVALID_ENV',
      message: '[@agentway/gateway] AGENTWAY_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    });
  });
});
