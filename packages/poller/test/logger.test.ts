import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import type { Logger } from '@agentway/observability';
import { ListenerManager, PollerManager } from '@agentway/poller';

describe('PollerManager and ListenerManager logger', () => {
  it('should report a failing job the pino way: the error and the job as fields, then the message', async () => {
    const clock = FakeTimers.install({ now: Date.parse('2026-01-05T08:59:30.000Z'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const lines: [string, Record<string, unknown>, string | undefined][] = [];
    const at = (level: string) => (fields: object | string, message?: string) => { lines.push([level, fields as Record<string, unknown>, message]); };
    const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const poller = new PollerManager({ logger, backoff: false });
    poller.every({ seconds: 1 }, () => { throw new Error('upstream down'); }, { name: 'flaky' });
    try {
      poller.start();
      await clock.tickAsync(1_000);
    } finally {
      const stopping = poller.stop();
      await clock.runAllAsync();
      await stopping;
      clock.uninstall();
    }
    const [level, fields, message] = lines.at(-1)!;
    assert.deepEqual([level, fields.job, fields.failures, (fields.err as Error).message, message],
      ['error', 'flaky', 1, 'upstream down', '[@agentway/poller] job "flaky" failed (1 in a row): upstream down']);
  });

  it('should refuse a logger without the four methods (debug included)', () => {
    const threeMethods = { info() {}, warn() {}, error() {} };
    assert.throws(() => new PollerManager({ logger: threeMethods as never }), {
      code: 'ERR_POLLER_INVALID_OPTION',
      message: '[@agentway/poller] option "logger" must be a logger with debug, info, warn and error methods (pino, console, …), got an object',
    });
    assert.throws(() => new ListenerManager({ logger: threeMethods as never }), { code: 'ERR_POLLER_INVALID_OPTION' });
  });
});
