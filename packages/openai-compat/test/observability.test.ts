import assert from 'node:assert/strict';
import type { Request } from 'express';
import { createMemoryBroker } from '@agentway/broker';
import { createRuntime, echoAgent, type Runtime, type RunEventRecord } from '@agentway/agents';
import { observe, type Logger, type StreamOpenMessage } from '@agentway/observability';
import { forEachExpress } from '@agentway/test-harness';
import { serve, type Served } from './helpers';

/** A logger that keeps what it is told: [level, fields, message]. */
function recordingLogger(): Logger & { lines: [string, Record<string, unknown>, string][] } {
  const lines: [string, Record<string, unknown>, string][] = [];
  const at = (level: string) => (fields: object | string, message?: string) => { lines.push([level, fields as Record<string, unknown>, message ?? '']); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const ask = (stream: boolean) => JSON.stringify({ model: 'echo', stream, messages: [{ role: 'user', content: 'hello there' }] });
const post = (url: string, body: string) => fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

forEachExpress('openaiCompat() observability', (express) => {
  let served: Served | undefined;
  let runtime: Runtime | undefined;
  let stop: (() => void) | undefined;

  afterEach(async () => {
    stop?.();
    await served?.close();
    await runtime?.close();
    await runtime?.broker.close();
    served = runtime = stop = undefined;
  });

  it('should send the request\'s own id (req.id, as pino-http sets it) as x-request-id on answers, streams and errors', async () => {
    runtime = createRuntime({ broker: createMemoryBroker(), agents: [echoAgent()] });
    served = await serve(express, { runtime }, (app) => app.use((req, _res, next) => { (req as Request & { id: string }).id = `id-${req.headers['x-n']}`; next(); }));
    const { url } = served.server;
    const json = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-n': '1' }, body: ask(false) });
    assert.equal(json.headers.get('x-request-id'), 'id-1');
    const stream = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-n': '2' }, body: ask(true) });
    assert.equal(stream.headers.get('x-request-id'), 'id-2');
    await stream.text();
    const missing = await fetch(`${url}/v1/nothing`, { headers: { 'x-n': '3' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('x-request-id'), 'id-3');
  });

  it('should report a stream whose run cannot be read through the request\'s req.log, and label its SSE events openai', async () => {
    const opened: StreamOpenMessage[] = [];
    stop = observe({ streamOpen: (m) => opened.push(m) });
    runtime = createRuntime({ broker: createMemoryBroker(), agents: [echoAgent()] });
    const real = runtime;
    const failing: Runtime = {
      ...real,
      agents: real.agents,
      start: (o) => real.start(o),
      async *events(): AsyncGenerator<RunEventRecord> {
        throw Object.assign(new Error('the broker is gone'), { code: 'ERR_BROKER_CLOSED' });
      },
    };
    const requestLog = recordingLogger();
    const routerLog = recordingLogger();
    served = await serve(express, { runtime: failing, logger: routerLog }, (app) => app.use((req, _res, next) => { (req as Request & { log: Logger }).log = requestLog; next(); }));
    const res = await post(served.server.url, ask(true));
    assert.match(await res.text(), /data: \{"error":\{"message":"\[@agentway\/openai-compat\] The run failed: the broker is gone","type":"server_error","param":null,"code":"stream_error"\}\}\n\n$/);
    assert.deepEqual(routerLog.lines, []);
    assert.equal(requestLog.lines.length, 1);
    const [level, fields, message] = requestLog.lines[0]!;
    assert.deepEqual([level, message, (fields.err as Error).message, typeof fields.runId], ['warn', 'reading the run failed: the stream ends with stream_error', 'the broker is gone', 'string']);
    assert.deepEqual(opened, [{ protocol: 'openai' }]);
  });

  it('should refuse a logger that is not one', async () => {
    runtime = createRuntime({ broker: createMemoryBroker(), agents: [echoAgent()] });
    await assert.rejects(serve(express, { runtime, logger: {} as Logger }), {
      code: 'ERR_OPENAI_COMPAT_INVALID_OPTION',
      message: '[@agentway/openai-compat] option "logger" must be a logger with debug, info, warn and error methods (pino, console, …), got an object',
    });
  });
});
