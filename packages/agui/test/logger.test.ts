import assert from 'node:assert/strict';
import type { Request } from 'express';
import { createRuntime, echoAgent, type Runtime, type RunEventRecord } from '@agentway/agents';
import { createMemoryBroker } from '@agentway/broker';
import { aguiStream } from '@agentway/agui';
import type { Logger } from '@agentway/observability';
import { listen, parseSse } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

/** A logger that keeps what it is told: [level, fields, message]. */
function recordingLogger(): Logger & { lines: [string, Record<string, unknown>, string][] } {
  const lines: [string, Record<string, unknown>, string][] = [];
  const at = (level: string) => (fields: object | string, message?: string) => { lines.push([level, fields as Record<string, unknown>, message ?? '']); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

forEachExpress('aguiStream() logger', (express) => {
  it('should report a stream whose run cannot be read through req.log, or else its logger', async () => {
    const runtime = createRuntime({ broker: createMemoryBroker(), agents: [echoAgent()] });
    const failing: Runtime = {
      ...runtime,
      agents: runtime.agents,
      start: (o) => runtime.start(o),
      async *events(): AsyncGenerator<RunEventRecord> {
        throw new Error('the broker is gone');
      },
    };
    const logger = recordingLogger();
    const requestLog = recordingLogger();
    const app = express();
    app.use((req, _res, next) => {
      if (req.headers['x-log'] === 'request') (req as Request & { log: Logger }).log = requestLog;
      next();
    });
    app.use(aguiStream({ runtime: failing, logger }));
    const server = await listen(app);
    try {
      for (const [runId, who] of [['run-1', 'request'], ['run-2', 'router']]) {
        const res = await fetch(`${server.url}/agui/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-log': who! },
          body: JSON.stringify({ threadId: 't', runId, messages: [{ id: 'm', role: 'user', content: 'hi' }], tools: [], context: [], state: {}, forwardedProps: {} }),
        });
        assert.deepEqual(JSON.parse(parseSse(await res.text()).events.at(-1)!.data), { type: 'RUN_ERROR', message: "the run's event stream failed", code: 'stream_failed' });
      }
    } finally {
      await server.close();
      await runtime.close();
      await runtime.broker.close();
    }
    const strip = (lines: [string, Record<string, unknown>, string][]) => lines.map(([level, fields, message]) => [level, fields.runId, (fields.err as Error).message, message]);
    assert.deepEqual(strip(requestLog.lines), [['warn', 'run-1', 'the broker is gone', 'reading the run failed: the stream ends with RUN_ERROR stream_failed']]);
    assert.deepEqual(strip(logger.lines), [['warn', 'run-2', 'the broker is gone', 'reading the run failed: the stream ends with RUN_ERROR stream_failed']]);
  });

  it('should refuse a logger that is not one', () => {
    assert.throws(() => aguiStream({ agents: [echoAgent()], logger: console.log as never }), { code: 'ERR_AGUI_INVALID_OPTION' });
  });
});
