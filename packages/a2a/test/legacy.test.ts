import assert from 'node:assert/strict';
import { CancelTaskRequest, GetTaskRequest, SendMessageRequest, StreamResponse, SubscribeToTaskRequest, Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { JsonRpcTaskNotCancelableError, JsonRpcTaskNotFoundError, JsonRpcUnsupportedOperationError, JsonRpcVersionNotSupportedError } from '@a2a-js/sdk/errors';
import { createRuntime, type Runtime } from '@agentway/agents';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { listen, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { a2aServer } from '@agentway/a2a';
import { recordingFetch, testAgents } from './fixtures/agents';

type Sent = { url: string; headers: Record<string, string>; body: any };

const send = (text: string) => SendMessageRequest.fromJSON({ message: { messageId: `m-${text}`, role: 'ROLE_USER', parts: [{ text }] } });

async function collect(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const out: StreamResponse[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

forEachExpress('a2aServer() with the @a2a-js/sdk 1.3 client in legacy mode (A2A 0.3)', (express) => {
  let broker: Broker;
  let runtime: Runtime;
  let server: Listening;
  let aborted: string[];
  let sent: Sent[];

  /** The SDK client as a 0.3 peer: legacyCompat on, and its card request without `A2A-Version`. */
  const legacyClient = (agent: string): Promise<Client> => {
    const fetchImpl = recordingFetch(sent);
    const headerless: typeof fetch = (input, init) => fetchImpl(input, { ...init, headers: {} });
    const options = ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl, legacyCompat: { enabled: true } })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl: headerless, legacyCompat: { enabled: true } }),
    });
    return new ClientFactory(options).createFromUrl(`${server.url}/a2a/${agent}/`);
  };

  beforeEach(async () => {
    aborted = [];
    sent = [];
    broker = createMemoryBroker();
    runtime = createRuntime({ broker, agents: testAgents(aborted) });
    const app = express();
    for (const agent of runtime.agents.names) app.use(`/a2a/${agent}`, a2aServer({ runtime, agent, heartbeat: 0 }));
    app.use('/only10', a2aServer({ runtime, agent: 'echo', versions: ['1.0'] }));
    app.use('/only03', a2aServer({ runtime, agent: 'echo', versions: ['0.3'] }));
    server = await listen(app);
  });

  afterEach(async () => {
    await server.close();
    await runtime.close();
    await broker.close();
  });

  it('should get the 0.3 card and pick the legacy JSON-RPC transport', async () => {
    const echo = await legacyClient('echo');
    assert.equal(echo.protocolVersion, '0.3');
    const card = await echo.getAgentCard();
    assert.deepEqual(card.supportedInterfaces.map((i) => [i.url, i.protocolBinding, i.protocolVersion]), [[`${server.url}/a2a/echo/`, 'JSONRPC', '0.3.0']]);
    assert.equal(sent[0]!.headers['A2A-Version'], undefined);
  });

  it('should answer message/send in 0.3 shapes, which the client reads as a completed task', async () => {
    const echo = await legacyClient('echo');
    const task = await echo.sendMessage(send('hello world')) as Task;
    assert.equal(task.status?.state, TaskState.TASK_STATE_COMPLETED);
    assert.deepEqual(task.artifacts.map((a) => a.parts.map((p) => p.content?.value).join('')), ['hello world']);
    assert.equal(task.history[0]!.messageId, 'm-hello world');
    const rpc = sent.at(-1)!;
    assert.equal(rpc.headers['A2A-Version'], '0.3');
    assert.equal(rpc.body.method, 'message/send');
    assert.deepEqual(rpc.body.params.message, { kind: 'message', messageId: 'm-hello world', role: 'user', parts: [{ kind: 'text', text: 'hello world' }] });
    assert.equal(rpc.body.params.configuration.blocking, true);
  });

  it('should stream message/stream as task, status-update and artifact-update events, ending at the final status', async () => {
    const echo = await legacyClient('echo');
    const events = await collect(echo.sendMessageStream(send('a b')));
    assert.deepEqual(events.map((e) => e.payload?.$case), ['task', 'statusUpdate', 'artifactUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
    const states = events.filter((e) => e.payload?.$case === 'statusUpdate').map((e) => (e.payload!.value as { status: { state: TaskState } }).status.state);
    assert.deepEqual(states, [TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]);
    const chunks = events.filter((e) => e.payload?.$case === 'artifactUpdate').map((e) => StreamResponse.toJSON(e) as any);
    assert.deepEqual(chunks.map((c) => [c.artifactUpdate.artifact.parts[0].text, c.artifactUpdate.append ?? false, c.artifactUpdate.lastChunk ?? false]),
      [['a', false, false], [' b', true, false], ['', true, true]]);
    assert.equal(sent.at(-1)!.body.method, 'message/stream');
  });

  it('should answer tasks/get and tasks/cancel, and their errors', async () => {
    const echo = await legacyClient('echo');
    const done = await echo.sendMessage(send('x')) as Task;
    const got = await echo.getTask(GetTaskRequest.fromJSON({ id: done.id }));
    assert.deepEqual(Task.toJSON(got), Task.toJSON(done));
    assert.equal(sent.at(-1)!.body.method, 'tasks/get');
    await assert.rejects(echo.getTask(GetTaskRequest.fromJSON({ id: 'run_missing' })), (err: any) => err instanceof JsonRpcTaskNotFoundError && err.data === undefined);
    await assert.rejects(echo.cancelTask(CancelTaskRequest.fromJSON({ id: done.id })), JsonRpcTaskNotCancelableError);
  });

  it('should cancel a running task over tasks/cancel (the agent\'s signal fires) and resubscribe over tasks/resubscribe', async () => {
    const waiter = await legacyClient('waiter');
    const events: StreamResponse[] = [];
    for await (const event of waiter.sendMessageStream(send('wait'))) {
      events.push(event);
      if (events.length !== 3) continue; // task, WORKING, then the first chunk: the agent is running
      const id = (events[0]!.payload!.value as Task).id;
      const resubscribed: StreamResponse[] = [];
      for await (const again of waiter.resubscribeTask(SubscribeToTaskRequest.fromJSON({ id }))) {
        resubscribed.push(again);
        if (resubscribed.length === 1) {
          const canceled = await waiter.cancelTask(CancelTaskRequest.fromJSON({ id }));
          assert.equal(canceled.status?.state, TaskState.TASK_STATE_CANCELED);
          assert.equal(sent.at(-1)!.body.method, 'tasks/cancel');
        }
      }
      assert.deepEqual(resubscribed.map((e) => e.payload?.$case), ['task', 'artifactUpdate', 'statusUpdate']);
      assert.deepEqual(aborted, [id]);
    }
    assert.deepEqual(events.map((e) => e.payload?.$case), ['task', 'statusUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
    assert.equal((events.at(-1)!.payload!.value as { status: { state: TaskState } }).status.state, TaskState.TASK_STATE_CANCELED);
  });

  it('should send a tasks/resubscribe error on an SSE stream, as 0.3 clients expect', async () => {
    const echo = await legacyClient('echo');
    const done = await echo.sendMessage(send('x')) as Task;
    await assert.rejects(collect(echo.resubscribeTask(SubscribeToTaskRequest.fromJSON({ id: done.id }))), (err: Error) => {
      assert.match(err.message, /SSE event contained an error: Task .* is in a terminal state \(TASK_STATE_COMPLETED\) and cannot be subscribed to \(Code: -32004\)/);
      assert.ok(err.cause instanceof JsonRpcUnsupportedOperationError);
      return true;
    });
  });

  describe('version negotiation', () => {
    it('should refuse a 1.0 client with VersionNotSupported (-32009) where only 0.3 is served', async () => {
      const strict = await new ClientFactory().createFromUrl(`${server.url}/only03/`);
      await assert.rejects(strict.sendMessage(send('x')), (err: any) => {
        assert.ok(err instanceof JsonRpcVersionNotSupportedError);
        assert.equal(err.envelopeCode, -32009);
        assert.match(err.message, /A2A version '1.0' is not supported; supported versions: 0.3/);
        return true;
      });
    });

    it('should give a header-less card request the 1.0 card where only 1.0 is served, and the client then speaks 1.0', async () => {
      const legacy = (async () => {
        const fetchImpl = recordingFetch(sent);
        const options = ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
          transports: [new JsonRpcTransportFactory({ fetchImpl, legacyCompat: { enabled: true } })],
          cardResolver: new DefaultAgentCardResolver({ fetchImpl: (input, init) => fetchImpl(input, { ...init, headers: {} }), legacyCompat: { enabled: true } }),
        });
        return new ClientFactory(options).createFromUrl(`${server.url}/only10/`);
      })();
      const client = await legacy;
      assert.equal(client.protocolVersion, '1.0');
      assert.deepEqual((await client.sendMessage(send('fine')) as Task).artifacts.map((a) => a.parts[0]!.content?.value), ['fine']);
    });
  });
});
