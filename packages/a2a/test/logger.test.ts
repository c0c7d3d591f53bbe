import assert from 'node:assert/strict';
import type { Request } from 'express';
import { createRuntime, echoAgent, type Runtime, type RunEventRecord } from '@agentway/agents';
import { createMemoryBroker } from '@agentway/broker';
import { a2aServer } from '@agentway/a2a';
import type { Logger } from '@agentway/observability';
import { listen, parseSse } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

/** A logger that keeps what it is told: [level, fields, message]. */
function recordingLogger(): Logger & { lines: [string, Record<string, unknown>, string][] } {
  const lines: [string, Record<string, unknown>, string][] = [];
  const at = (level: string) => (fields: object | string, message?: string) => { lines.push([level, fields as Record<string, unknown>, message ?? '']); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

forEachExpress('a2aServer() logger', (express) => {
  it('should report a stream whose task cannot be read any more through req.log', async () => {
    const runtime = createRuntime({ broker: createMemoryBroker(), agents: [echoAgent()] });
    const failing: Runtime = {
      ...runtime,
      agents: runtime.agents,
      start: (o) => runtime.start(o),
      cancel: (id, reason) => runtime.cancel(id, reason),
      events(runId, options) {
        const inner = runtime.events(runId, options);
        let read = 0;
        return Object.assign(Object.create(inner) as AsyncGenerator<RunEventRecord>, {
          next: () => (read++ === 0 ? inner.next() : Promise.reject(new Error('the broker is gone'))),
          return: (value: undefined) => inner.return(value),
          [Symbol.asyncIterator]() { return this; },
        });
      },
    };
    const requestLog = recordingLogger();
    const logger = recordingLogger();
    const app = express();
    app.use((req, _res, next) => { (req as Request & { log: Logger }).log = requestLog; next(); });
    app.use('/a2a/echo', a2aServer({ runtime: failing, logger, heartbeat: 0 }));
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/a2a/echo/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'a2a-version': '1.0' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendStreamingMessage', params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'hi' }] } } }),
      });
      const last = parseSse(await res.text()).events.at(-1)!;
      assert.deepEqual([last.event, (JSON.parse(last.data) as { error: { code: number } }).error.code], ['error', -32603]);
    } finally {
      await server.close();
      await runtime.close();
      await runtime.broker.close();
    }
    assert.deepEqual(logger.lines, []);
    assert.deepEqual(requestLog.lines.map(([level, fields, message]) => [level, typeof fields.taskId, (fields.err as Error).message, message]),
      [['warn', 'string', 'the broker is gone', 'reading the task failed: the stream ends with a -32603 error']]);
  });

  it('should refuse a logger that is not one', () => {
    assert.throws(() => a2aServer({ agents: [echoAgent()], logger: 42 as never }), { code: 'ERR_A2A_INVALID_OPTION' });
  });
});
