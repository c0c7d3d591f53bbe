import assert from 'node:assert/strict';
import { createRuntime, defineAgent, type Runtime } from '@agentway/agents';
import { createMemoryBroker } from '@agentway/broker';
import { a2aServer, type A2AServer } from '@agentway/a2a';
import { observe, type StreamOpenMessage } from '@agentway/observability';
import { listen, parseSse, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

const SHUTDOWN_MESSAGE = 'The server is shutting down: the task goes on; get it (GetTask) or subscribe to it (SubscribeToTask) on another instance';
const SHUTDOWN_10 = {
  code: -32603,
  message: SHUTDOWN_MESSAGE,
  data: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVER_SHUTTING_DOWN', domain: 'agentway' }],
};

forEachExpress('a2aServer() close()', (express) => {
  let runtime: Runtime;
  let server: A2AServer;
  let listening: Listening;
  let open!: () => void;
  let started!: Promise<string>;
  let stop: (() => void) | undefined;

  beforeEach(async () => {
    let markStarted!: (taskId: string) => void;
    started = new Promise((resolve) => { markStarted = resolve; });
    const gate = new Promise<void>((resolve) => { open = resolve; });
    const agent = defineAgent({
      name: 'slow',
      async *run(_input, ctx) {
        yield 'one';
        markStarted(ctx.runId);
        await gate;
        yield 'two';
      },
    });
    runtime = createRuntime({ broker: createMemoryBroker(), agents: [agent] });
    server = a2aServer({ runtime, heartbeat: 0 });
    const app = express();
    app.use('/a2a/slow', server);
    listening = await listen(app);
  });

  afterEach(async () => {
    stop?.();
    stop = undefined;
    open();
    await listening.close();
    await server.close();
    await runtime.close();
    await runtime.broker.close();
  });

  const call = (method: string, params: unknown, accept = 'application/json') => fetch(`${listening.url}/a2a/slow/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, 'a2a-version': '1.0' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params }),
  });
  const message = { message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'hi' }] } };

  it('should end an open stream with a -32603 SERVER_SHUTTING_DOWN error event, leaving the task going', async () => {
    const opened: StreamOpenMessage[] = [];
    stop = observe({ streamOpen: (m) => opened.push(m) });
    const res = await call('SendStreamingMessage', message, 'text/event-stream');
    const taskId = await started;
    await server.close();
    const { events } = parseSse(await res.text());
    const last = events.at(-1)!;
    assert.equal(last.event, 'error');
    assert.deepEqual(JSON.parse(last.data), { jsonrpc: '2.0', id: 7, error: SHUTDOWN_10 });
    assert.ok(events.length >= 2, 'the task came first');
    assert.deepEqual(opened, [{ protocol: 'a2a' }]);
    open();
    assert.equal((await runtime.result(taskId)).status, 'completed', 'the task went on');
  });

  it('should answer a blocking SendMessage still waiting with HTTP 503 and the error', async () => {
    const res = call('SendMessage', message);
    await started;
    await server.close();
    const answer = await res;
    assert.equal(answer.status, 503);
    assert.deepEqual(await answer.json(), { jsonrpc: '2.0', id: 7, error: SHUTDOWN_10 });
  });

  it('should refuse calls once closing with HTTP 503, in the caller\'s version', async () => {
    await server.close();
    const refused = await call('GetTask', { id: 'run_x' });
    assert.equal(refused.status, 503);
    assert.deepEqual(await refused.json(), { jsonrpc: '2.0', id: 7, error: SHUTDOWN_10 });
    const legacy = await fetch(`${listening.url}/a2a/slow/`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 'x', method: 'tasks/get', params: { id: 'run_x' } }),
    });
    assert.equal(legacy.status, 503);
    assert.deepEqual(await legacy.json(), { jsonrpc: '2.0', id: 'x', error: { code: -32603, message: SHUTDOWN_MESSAGE } });
  });
});
