import assert from 'node:assert/strict';
import { createRuntime, type Runtime } from '@agentway/agents';
import { createMemoryBroker } from '@agentway/broker';
import { aguiStream, type AguiRouter } from '@agentway/agui';
import { observe, type StreamOpenMessage } from '@agentway/observability';
import { listen, parseSse, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { gatedAgent, until } from './support';

const input = (runId: string) => ({ threadId: 'thread-1', runId, messages: [{ id: 'm1', role: 'user', content: 'hi' }], tools: [], context: [], state: {}, forwardedProps: {} });
const SHUTDOWN = { type: 'RUN_ERROR', message: 'the server is shutting down: resume the stream (GET /agui/ws?run_id=… with Last-Event-ID) on another instance', code: 'server_shutting_down' };

forEachExpress('aguiStream() close()', (express) => {
  let runtime: Runtime;
  let router: AguiRouter;
  let server: Listening;
  let gate: ReturnType<typeof gatedAgent>;
  let stop: (() => void) | undefined;

  beforeEach(async () => {
    gate = gatedAgent('slow', ['one'], ['two']);
    runtime = createRuntime({ broker: createMemoryBroker(), agents: [gate.agent] });
    router = aguiStream({ runtime, heartbeat: 0 });
    const app = express();
    app.use(router);
    server = await listen(app);
  });

  afterEach(async () => {
    stop?.();
    stop = undefined;
    gate.open();
    await server.close();
    await router.close();
    await runtime.close();
    await runtime.broker.close();
  });

  const post = (runId: string) => fetch(`${server.url}/agui/runs`, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(input(runId)),
  });

  it('should end open POST and GET streams with RUN_ERROR server_shutting_down, leaving the run going', async () => {
    const opened: StreamOpenMessage[] = [];
    stop = observe({ streamOpen: (m) => opened.push(m) });
    const posted = await post('run-a');
    await gate.started;
    const followed = await fetch(`${server.url}/agui/ws?run_id=run-a`);
    assert.equal(followed.status, 200);
    await until(() => opened.length === 2, 'both streams are open');
    await router.close();
    for (const res of [posted, followed]) {
      const events = parseSse(await res.text()).events.map((e) => JSON.parse(e.data) as { type: string });
      assert.deepEqual(events.map((e) => e.type), ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_ERROR']);
      assert.deepEqual(events.at(-1), SHUTDOWN);
    }
    assert.deepEqual(opened, [{ protocol: 'agui' }, { protocol: 'agui' }]);
    gate.open();
    assert.equal((await runtime.result('run-a')).output, 'onetwo', 'the run went on');
  });

  it('should end a simple-dialect stream with its run_error event', async () => {
    const res = await fetch(`${server.url}/agui/runs?dialect=simple`, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(input('run-b')),
    });
    await gate.started;
    await router.close();
    const last = parseSse(await res.text()).events.at(-1)!;
    assert.deepEqual([last.event, JSON.parse(last.data)], ['run_error', { error: { message: SHUTDOWN.message, code: 'server_shutting_down' } }]);
  });

  it('should refuse requests once closing with 503 ERR_AGUI_SHUTTING_DOWN and Retry-After', async () => {
    await router.close();
    const refused = await post('run-c');
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.deepEqual(await refused.json(), { error: { code: 'ERR_AGUI_SHUTTING_DOWN', message: '[@agentway/agui] the server is shutting down: retry on another instance' } });
    const followed = await fetch(`${server.url}/agui/ws?run_id=run-c`);
    assert.equal(followed.status, 503);
    assert.equal(((await followed.json()) as { error: { code: string } }).error.code, 'ERR_AGUI_SHUTTING_DOWN');
  });

  it('should close the runtime and broker it made for agents', async () => {
    const own = aguiStream({ agents: [gate.agent] });
    await own.close();
    await assert.rejects(own.runtime.start({ input: { messages: [] } }), { code: 'ERR_AGENTS_CLOSED' });
    await assert.rejects(own.runtime.broker.publish('t', { value: 1 }), { code: 'ERR_BROKER_CLOSED' });
  });
});
