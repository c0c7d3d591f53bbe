import assert from 'node:assert/strict';
import { CancelTaskRequest, GetTaskRequest, ListTasksRequest, Message, SendMessageRequest, StreamResponse, SubscribeToTaskRequest, Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { JsonRpcRequestMalformedError, JsonRpcTaskNotCancelableError, JsonRpcTaskNotFoundError, JsonRpcUnsupportedOperationError } from '@a2a-js/sdk/errors';
import { createRuntime, type Runtime } from '@agentway/agents';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { listen, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { a2aServer } from '@agentway/a2a';
import { NOW, recordingFetch, testAgents } from './fixtures/agents';

type Sent = { url: string; headers: Record<string, string>; body: unknown };

const send = (text: string, extra: Record<string, unknown> = {}) =>
  SendMessageRequest.fromJSON({ message: { messageId: `m-${text}`, role: 'ROLE_USER', parts: [{ text }], ...extra } });

/** The frames' wire JSON, with the dynamic ids and timestamps replaced by placeholders. */
function wire(events: StreamResponse[], taskId: string, contextId: string): unknown[] {
  const text = JSON.stringify(events.map((e) => StreamResponse.toJSON(e)));
  return JSON.parse(text.replaceAll(taskId, 'TASK').replaceAll(contextId, 'CTX')
    .replace(/"timestamp":"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, '"timestamp":"T"').replace(/msg_[0-9a-f-]{36}/g, 'MSG'));
}

/** Resolves once the run has published an event of this type. */
async function untilEvent(runtime: Runtime, runId: string, type: string): Promise<void> {
  for await (const { event } of runtime.events(runId)) if (event.type === type) return;
}

async function collect(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const out: StreamResponse[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

forEachExpress('a2aServer() with the @a2a-js/sdk 1.3 client (A2A 1.0)', (express) => {
  let broker: Broker;
  let runtime: Runtime;
  let server: Listening;
  let aborted: string[];
  let sent: Sent[];

  const client = (agent: string): Promise<Client> => {
    const fetchImpl = recordingFetch(sent);
    const options = ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
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
    server = await listen(app);
  });

  afterEach(async () => {
    await server.close();
    await runtime.close();
    await broker.close();
  });

  describe('card discovery', () => {
    it('should be found under the base URL with a trailing slash, and pick the JSON-RPC 1.0 interface', async () => {
      const echo = await client('echo');
      assert.equal(echo.protocolVersion, '1.0');
      const card = await echo.getAgentCard();
      assert.equal(card.name, 'echo');
      assert.deepEqual(card.supportedInterfaces.map((i) => [i.url, i.protocolBinding, i.protocolVersion]), [
        [`${server.url}/a2a/echo/`, 'JSONRPC', '1.0'], [`${server.url}/a2a/echo/`, 'JSONRPC', '0.3'],
      ]);
      assert.equal(card.capabilities?.streaming, true);
      assert.deepEqual(card.skills.map((s) => s.id), ['echo']);
      assert.equal(sent[0]!.url, `${server.url}/a2a/echo/.well-known/agent-card.json`);
      assert.equal(sent[0]!.headers['A2A-Version'], '1.0');
    });
  });

  describe('sendMessage', () => {
    it('should run the agent and answer the completed task with its text artifact and the history', async () => {
      const echo = await client('echo');
      const result = await echo.sendMessage(send('hello big world'));
      const task = Task.toJSON(result as Task) as Record<string, any>;
      assert.match(task.id, /^run_/);
      assert.match(task.contextId, /^thread_/);
      assert.equal(task.status.state, 'TASK_STATE_COMPLETED');
      assert.deepEqual(task.artifacts.map((a: any) => [a.name, a.parts]), [['response', [{ text: 'hello big world' }]]]);
      assert.deepEqual(task.history, [{ messageId: 'm-hello big world', contextId: task.contextId, taskId: task.id, role: 'ROLE_USER', parts: [{ text: 'hello big world' }] }]);
      const rpc = sent.at(-1)!;
      assert.equal(rpc.headers['A2A-Version'], '1.0');
      assert.deepEqual(rpc.body, {
        jsonrpc: '2.0', id: 1, method: 'SendMessage',
        params: { message: { messageId: 'm-hello big world', role: 'ROLE_USER', parts: [{ text: 'hello big world' }] }, configuration: {} },
      });
    });

    it('should keep the contextId the client gives (a thread id)', async () => {
      const echo = await client('echo');
      const task = await echo.sendMessage(send('hi', { contextId: 'ctx-42' })) as Task;
      assert.equal(task.contextId, 'ctx-42');
    });

    it('should answer a failed run as a FAILED task whose status message says why', async () => {
      const failing = await client('failing');
      const task = await failing.sendMessage(send('go')) as Task;
      assert.equal(task.status?.state, TaskState.TASK_STATE_FAILED);
      assert.deepEqual((Message.toJSON(task.status!.message!) as { parts: unknown[] }).parts, [{ text: 'the model is down' }]);
      assert.deepEqual(task.artifacts.map((a) => a.parts.map((p) => p.content?.value)), [['partial ']]);
    });
  });

  describe('sendMessageStream', () => {
    it('should stream the task, WORKING, the text in chunks of one artifact, then COMPLETED, and close', async () => {
      const echo = await client('echo');
      const events = await collect(echo.sendMessageStream(send('hello big world')));
      const task = events[0]!.payload!.value as Task;
      assert.deepEqual(events.map((e) => e.payload?.$case), ['task', 'statusUpdate', 'artifactUpdate', 'artifactUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
      const chunk = (text: string, append: boolean, lastChunk: boolean) => ({
        // the SDK's toJSON leaves out false booleans
        artifactUpdate: { taskId: 'TASK', contextId: 'CTX', artifact: { artifactId: 'MSG', name: 'response', parts: [{ text }] }, ...(append && { append }), ...(lastChunk && { lastChunk }) },
      });
      assert.deepEqual(wire(events, task.id, task.contextId), [
        { task: { id: 'TASK', contextId: 'CTX', status: { state: 'TASK_STATE_SUBMITTED', timestamp: 'T' }, history: [{ messageId: 'm-hello big world', contextId: 'CTX', taskId: 'TASK', role: 'ROLE_USER', parts: [{ text: 'hello big world' }] }] } },
        { statusUpdate: { taskId: 'TASK', contextId: 'CTX', status: { state: 'TASK_STATE_WORKING', timestamp: 'T' } } },
        chunk('hello', false, false), chunk(' big', true, false), chunk(' world', true, false), chunk('', true, true),
        { statusUpdate: { taskId: 'TASK', contextId: 'CTX', status: { state: 'TASK_STATE_COMPLETED', timestamp: 'T' } } },
      ]);
      assert.equal(sent.at(-1)!.headers.Accept, 'text/event-stream');
    });

    it('should report tool calls and results as WORKING status messages with data parts', async () => {
      const clock = await client('clock');
      const events = await collect(clock.sendMessageStream(send('time?')));
      const task = events[0]!.payload!.value as Task;
      const frames = wire(events, task.id, task.contextId) as any[];
      assert.deepEqual(events.map((e) => e.payload?.$case), ['task', 'statusUpdate', 'statusUpdate', ...Array(5).fill('artifactUpdate'), 'statusUpdate']);
      const call = frames[1].statusUpdate.status;
      assert.equal(call.state, 'TASK_STATE_WORKING');
      assert.equal(call.message.role, 'ROLE_AGENT');
      assert.deepEqual(call.message.parts[0].data.name, 'get_time');
      assert.equal(call.message.parts[0].data.type, 'tool_call');
      assert.equal(call.message.parts[0].data.arguments, '{"timezone":"UTC"}');
      assert.deepEqual(frames[2].statusUpdate.status.message.parts[0].data.result, NOW.toISOString());
      const text = frames.filter((f) => f.artifactUpdate).map((f) => f.artifactUpdate.artifact.parts[0].text).join('');
      assert.equal(text, `The time is ${NOW.toISOString()}.`);
      assert.equal(frames.at(-1).statusUpdate.status.state, 'TASK_STATE_COMPLETED');
    });

    it('should end the stream with FAILED when the agent throws', async () => {
      const failing = await client('failing');
      const events = await collect(failing.sendMessageStream(send('go')));
      assert.deepEqual(events.map((e) => e.payload?.$case), ['task', 'statusUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
      const last = StreamResponse.toJSON(events.at(-1)!) as any;
      assert.equal(last.statusUpdate.status.state, 'TASK_STATE_FAILED');
      assert.deepEqual(last.statusUpdate.status.message.parts, [{ text: 'the model is down' }]);
    });
  });

  describe('getTask', () => {
    it('should answer the task as sendMessage did, and honour historyLength 0', async () => {
      const echo = await client('echo');
      const done = await echo.sendMessage(send('one two')) as Task;
      const got = await echo.getTask(GetTaskRequest.fromJSON({ id: done.id }));
      assert.deepEqual(Task.toJSON(got), Task.toJSON(done));
      const bare = await echo.getTask(GetTaskRequest.fromJSON({ id: done.id, historyLength: 0 }));
      assert.deepEqual(bare.history, []);
    });

    it('should throw TaskNotFound (-32001, ErrorInfo TASK_NOT_FOUND) for an unknown task and for another agent\'s task', async () => {
      const echo = await client('echo');
      await assert.rejects(echo.getTask(GetTaskRequest.fromJSON({ id: 'run_missing' })), (err: any) => {
        assert.ok(err instanceof JsonRpcTaskNotFoundError);
        assert.equal(err.envelopeCode, -32001);
        assert.deepEqual(err.data, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'TASK_NOT_FOUND', domain: 'a2a-protocol.org' }]);
        return true;
      });
      const clockTask = await (await client('clock')).sendMessage(send('t')) as Task;
      await assert.rejects(echo.getTask(GetTaskRequest.fromJSON({ id: clockTask.id })), JsonRpcTaskNotFoundError);
    });
  });

  describe('listTasks', () => {
    it('should list this agent\'s tasks newest first, filter by context and state, and page with a cursor', async () => {
      const echo = await client('echo');
      const a = await echo.sendMessage(send('a', { contextId: 'c1' })) as Task;
      const b = await echo.sendMessage(send('b', { contextId: 'c2' })) as Task;
      const c = await echo.sendMessage(send('c', { contextId: 'c1' })) as Task;
      await (await client('clock')).sendMessage(send('other agent'));
      const all = await echo.listTasks(ListTasksRequest.fromJSON({}));
      assert.deepEqual(all.tasks.map((t) => t.id), [c.id, b.id, a.id]);
      assert.equal(all.totalSize, 3);
      assert.equal(all.nextPageToken, '');
      assert.deepEqual(all.tasks[0]!.artifacts, []);
      const inC1 = await echo.listTasks(ListTasksRequest.fromJSON({ contextId: 'c1' }));
      assert.deepEqual(inC1.tasks.map((t) => t.id), [c.id, a.id]);
      const page1 = await echo.listTasks(ListTasksRequest.fromJSON({ pageSize: 2, includeArtifacts: true }));
      assert.deepEqual(page1.tasks.map((t) => t.id), [c.id, b.id]);
      assert.equal(page1.tasks[0]!.artifacts[0]!.parts[0]!.content?.value, 'c');
      assert.notEqual(page1.nextPageToken, '');
      const page2 = await echo.listTasks(ListTasksRequest.fromJSON({ pageSize: 2, pageToken: page1.nextPageToken }));
      assert.deepEqual(page2.tasks.map((t) => t.id), [a.id]);
      assert.equal(page2.nextPageToken, '');
      const working = await echo.listTasks(ListTasksRequest.fromJSON({ status: 'TASK_STATE_WORKING' }));
      assert.deepEqual(working.tasks, []);
    });
  });

  describe('cancelTask', () => {
    it('should cancel a running task: the agent\'s signal fires, the stream ends CANCELED', async () => {
      const waiter = await client('waiter');
      const stream = waiter.sendMessageStream(send('wait'));
      const events: StreamResponse[] = [];
      for await (const event of stream) {
        events.push(event);
        if (event.payload?.$case !== 'artifactUpdate') continue;
        const id = (events[0]!.payload!.value as Task).id;
        const canceled = await waiter.cancelTask(CancelTaskRequest.fromJSON({ id }));
        assert.equal(canceled.status?.state, TaskState.TASK_STATE_CANCELED);
        assert.deepEqual(aborted, [id]);
        const again = await waiter.cancelTask(CancelTaskRequest.fromJSON({ id }));
        assert.equal(again.status?.state, TaskState.TASK_STATE_CANCELED);
      }
      assert.deepEqual(events.map((e) => e.payload?.$case), ['task', 'statusUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
      assert.equal((events.at(-1)!.payload!.value as { status: { state: TaskState } }).status.state, TaskState.TASK_STATE_CANCELED);
    });

    it('should throw TaskNotCancelable (-32002) for a completed task and TaskNotFound for an unknown one', async () => {
      const echo = await client('echo');
      const done = await echo.sendMessage(send('x')) as Task;
      await assert.rejects(echo.cancelTask(CancelTaskRequest.fromJSON({ id: done.id })), (err: any) => err instanceof JsonRpcTaskNotCancelableError && err.envelopeCode === -32002);
      await assert.rejects(echo.cancelTask(CancelTaskRequest.fromJSON({ id: 'run_nope' })), JsonRpcTaskNotFoundError);
    });
  });

  describe('resubscribeTask', () => {
    it('should stream a running task from its current state (WORKING, text so far) until it ends', async () => {
      const waiter = await client('waiter');
      const started = await waiter.sendMessage(SendMessageRequest.fromJSON({ message: { messageId: 'w1', role: 'ROLE_USER', parts: [{ text: 'wait' }] }, configuration: { returnImmediately: true } })) as Task;
      assert.equal(started.status?.state, TaskState.TASK_STATE_SUBMITTED);
      await untilEvent(runtime, started.id, 'text_delta');
      const events: StreamResponse[] = [];
      for await (const event of waiter.resubscribeTask(SubscribeToTaskRequest.fromJSON({ id: started.id }))) {
        events.push(event);
        if (events.length === 1) await runtime.cancel(started.id);
      }
      const frames = wire(events, started.id, started.contextId) as any[];
      assert.deepEqual(events.map((e) => e.payload?.$case), ['task', 'artifactUpdate', 'statusUpdate']);
      assert.equal(frames[0].task.status.state, 'TASK_STATE_WORKING');
      assert.deepEqual(frames[0].task.artifacts, [{ artifactId: 'MSG', name: 'response', parts: [{ text: 'working' }] }]);
      assert.deepEqual(frames[1].artifactUpdate, { taskId: 'TASK', contextId: 'CTX', artifact: { artifactId: 'MSG', name: 'response', parts: [{ text: '' }] }, append: true, lastChunk: true });
      assert.equal(frames[2].statusUpdate.status.state, 'TASK_STATE_CANCELED');
      assert.deepEqual(aborted, [started.id]);
    });

    it('should throw UnsupportedOperation (-32004) for a task that has ended', async () => {
      const echo = await client('echo');
      const done = await echo.sendMessage(send('x')) as Task;
      await assert.rejects(collect(echo.resubscribeTask(SubscribeToTaskRequest.fromJSON({ id: done.id }))), (err: any) => {
        assert.ok(err instanceof JsonRpcUnsupportedOperationError);
        assert.equal(err.envelopeCode, -32004);
        return true;
      });
    });
  });

  it('should answer a message without parts with InvalidParams (-32602)', async () => {
    const echo = await client('echo');
    await assert.rejects(echo.sendMessage(SendMessageRequest.fromJSON({ message: { messageId: 'm', role: 'ROLE_USER', parts: [] } })), (err: any) => {
      assert.ok(err instanceof JsonRpcRequestMalformedError);
      assert.equal(err.envelopeCode, -32602);
      assert.equal(err.message, 'message.parts must hold at least one part');
      return true;
    });
  });

  it('should refuse a message for an existing task with UnsupportedOperation, and for an unknown task with TaskNotFound', async () => {
    const echo = await client('echo');
    const done = await echo.sendMessage(send('x')) as Task;
    await assert.rejects(echo.sendMessage(send('more', { taskId: done.id })), JsonRpcUnsupportedOperationError);
    await assert.rejects(echo.sendMessage(send('more', { taskId: 'run_unknown' })), JsonRpcTaskNotFoundError);
  });
});
