import assert from 'node:assert/strict';
import { CancelTaskRequest, GetTaskRequest, ListTasksRequest, SendMessageRequest, StreamResponse, SubscribeToTaskRequest, Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory, type Client } from '@a2a-js/sdk/client';
import { createRuntime, type Runtime } from '@agentway/agents';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createRedisBroker } from '@agentway/broker-redis';
import { listen, redisPrefix, type Listening, type RedisPrefix } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { a2aServer } from '@agentway/a2a';
import { testAgents } from './fixtures/agents';

const message = (text: string) => SendMessageRequest.fromJSON({ message: { messageId: `m-${text}`, role: 'ROLE_USER', parts: [{ text }] } });
const states = (events: StreamResponse[]) => events.map((e) => e.payload?.$case === 'statusUpdate' ? e.payload.value.status?.state : e.payload?.$case);

/** Each instance's broker: one memory broker shared in-process, or a connection each to one Redis (as two processes have). */
const setups: Record<string, () => Promise<Broker[]>> = {
  'a memory broker': async () => {
    const broker = createMemoryBroker();
    return [broker, broker];
  },
  Redis: async () => {
    const redis = redisPrefix('a2a');
    prefixes.push(redis);
    return Promise.all([1, 2].map(() => createRedisBroker({ url: redis.url, prefix: redis.prefix })));
  },
};
const prefixes: RedisPrefix[] = [];

after(() => Promise.all(prefixes.splice(0).map((redis) => redis.cleanup())));

for (const [shared, connect] of Object.entries(setups)) forEachExpress(`a2aServer() on two instances sharing ${shared}`, (express) => {
  let brokers: Broker[];
  let broker: Broker;
  let runtimes: Runtime[];
  let servers: Listening[];
  let aborted: string[];

  beforeEach(async () => {
    aborted = [];
    brokers = await connect();
    broker = brokers[0]!;
    runtimes = brokers.map((b) => createRuntime({ broker: b, agents: testAgents(aborted) }));
    servers = await Promise.all(runtimes.map((runtime) => {
      const app = express();
      for (const agent of runtime.agents.names) app.use(`/a2a/${agent}`, a2aServer({ runtime, agent }));
      return listen(app);
    }));
  });

  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(runtimes.map((r) => r.close()));
    await Promise.all([...new Set(brokers)].map((b) => b.close()));
  });

  const clients = (agent: string): Promise<Client[]> => Promise.all(servers.map((s) => new ClientFactory().createFromUrl(`${s.url}/a2a/${agent}/`)));

  it('should answer GetTask and ListTasks on B for a task that ran on A', async () => {
    const [a, b] = await clients('echo');
    const done = await a!.sendMessage(message('ran on A')) as Task;
    const got = await b!.getTask(GetTaskRequest.fromJSON({ id: done.id }));
    assert.deepEqual(Task.toJSON(got), Task.toJSON(done));
    const listed = await b!.listTasks(ListTasksRequest.fromJSON({}));
    assert.deepEqual(listed.tasks.map((t) => t.id), [done.id]);
  });

  it('should stream a task running on A to a subscriber on B, and cancel it from B (A\'s agent sees its signal)', async () => {
    const [a, b] = await clients('waiter');
    const onA: StreamResponse[] = [];
    const streamA = (async () => {
      for await (const event of a!.sendMessageStream(message('wait'))) onA.push(event);
    })();
    const taskId = await (async () => {
      for (;;) {
        const info = await broker.describe<{ task_id: string }>('a2a.tasks.waiter');
        if (info?.last) return info.last.value.task_id;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for await (const { event } of runtimes[0]!.events(taskId)) if (event.type === 'text_delta') break;
    const onB: StreamResponse[] = [];
    for await (const event of b!.resubscribeTask(SubscribeToTaskRequest.fromJSON({ id: taskId }))) {
      onB.push(event);
      if (onB.length === 1) {
        const canceled = await b!.cancelTask(CancelTaskRequest.fromJSON({ id: taskId }));
        assert.equal(canceled.status?.state, TaskState.TASK_STATE_CANCELED);
      }
    }
    await streamA;
    assert.deepEqual(aborted, [taskId]);
    assert.deepEqual(states(onB), ['task', 'artifactUpdate', TaskState.TASK_STATE_CANCELED]);
    assert.equal((onB[0]!.payload!.value as Task).status?.state, TaskState.TASK_STATE_WORKING);
    assert.deepEqual(states(onA), ['task', TaskState.TASK_STATE_WORKING, 'artifactUpdate', 'artifactUpdate', TaskState.TASK_STATE_CANCELED]);
  });
});
