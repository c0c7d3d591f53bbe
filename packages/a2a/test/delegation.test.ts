import assert from 'node:assert/strict';
import { CancelTaskRequest, ListTasksRequest, SendMessageRequest, StreamResponse, Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { createRuntime, defineAgent, echoAgent, lastUserText, type Agent, type Runtime } from '@agentway/agents';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { listen, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { A2AClient, a2aServer } from '@agentway/a2a';
import { waiterAgent } from './fixtures/agents';

/**
 * A planner that delegates over A2A: "<agent>: <task>" is sent to that agent of the other
 * gateway; the remote answer's chunks are passed on as they arrive, and the planner's signal
 * goes with the delegation (cancelling the planner cancels the remote task).
 */
function plannerAgent(gatewayUrl: () => string): Agent {
  return defineAgent({
    name: 'planner',
    async *run(input, ctx) {
      const [target, task] = lastUserText(input).split(': ');
      const a2a = new A2AClient({ gatewayUrl: gatewayUrl() });
      yield `${target} says: `;
      for await (const event of a2a.delegateStream({ targetAgent: target!, task: task!, signal: ctx.signal })) {
        for (const part of event.artifactUpdate?.artifact.parts ?? []) if (part.text) yield part.text;
      }
    },
  });
}

forEachExpress('a delegation chain over A2A (SDK client → planner → A2AClient → echo)', (express) => {
  let brokers: Broker[];
  let planners: Runtime;
  let workers: Runtime;
  let front: Listening;
  let back: Listening;
  let aborted: string[];

  beforeEach(async () => {
    aborted = [];
    brokers = [createMemoryBroker(), createMemoryBroker()];
    workers = createRuntime({ broker: brokers[1]!, agents: [echoAgent(), waiterAgent(aborted)] });
    planners = createRuntime({ broker: brokers[0]!, agents: [plannerAgent(() => back.url)] });
    const backApp = express();
    for (const agent of workers.agents.names) backApp.use(`/a2a/${agent}`, a2aServer({ runtime: workers, agent }));
    back = await listen(backApp);
    const frontApp = express();
    frontApp.use('/a2a/planner', a2aServer({ runtime: planners }));
    front = await listen(frontApp);
  });

  afterEach(async () => {
    await front.close();
    await back.close();
    await planners.close();
    await workers.close();
    await Promise.all(brokers.map((b) => b.close()));
  });

  const message = (text: string) => SendMessageRequest.fromJSON({ message: { messageId: `m-${text}`, role: 'ROLE_USER', parts: [{ text }] } });

  it('should answer with the delegate\'s answer, each side keeping its own task', async () => {
    const client = await new ClientFactory().createFromUrl(`${front.url}/a2a/planner/`);
    const task = await client.sendMessage(message('echo: hello over there')) as Task;
    assert.equal(task.status?.state, TaskState.TASK_STATE_COMPLETED);
    assert.equal(task.artifacts.map((a) => a.parts.map((p) => p.content?.value).join('')).join(''), 'echo says: hello over there');
    const remote = await (await new ClientFactory().createFromUrl(`${back.url}/a2a/echo/`)).listTasks(ListTasksRequest.fromJSON({ includeArtifacts: true }));
    assert.equal(remote.tasks.length, 1);
    assert.equal(remote.tasks[0]!.artifacts[0]!.parts[0]!.content?.value, 'hello over there');
  });

  it('should stream the delegate\'s chunks through, in order', async () => {
    const client = await new ClientFactory().createFromUrl(`${front.url}/a2a/planner/`);
    const texts: string[] = [];
    const cases: string[] = [];
    for await (const event of client.sendMessageStream(message('echo: one two three'))) {
      cases.push(event.payload!.$case!);
      const json = StreamResponse.toJSON(event) as { artifactUpdate?: { artifact: { parts: { text: string }[] } } };
      if (json.artifactUpdate) texts.push(json.artifactUpdate.artifact.parts[0]!.text);
    }
    assert.deepEqual(texts, ['echo says: ', 'one', ' two', ' three', '']);
    assert.deepEqual(cases, ['task', 'statusUpdate', 'artifactUpdate', 'artifactUpdate', 'artifactUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
  });

  it('should cancel the delegate\'s task when the planner\'s task is canceled', async () => {
    const client = await new ClientFactory().createFromUrl(`${front.url}/a2a/planner/`);
    const started = await client.sendMessage(SendMessageRequest.fromJSON({ message: { messageId: 'w', role: 'ROLE_USER', parts: [{ text: 'waiter: wait' }] }, configuration: { returnImmediately: true } })) as Task;
    for await (const { event } of planners.events(started.id)) if (event.type === 'text_delta' && event.delta === 'working') break; // the remote answer is flowing
    const canceled = await client.cancelTask(CancelTaskRequest.fromJSON({ id: started.id }));
    assert.equal(canceled.status?.state, TaskState.TASK_STATE_CANCELED);
    const remoteId = (await workers.broker.describe<{ task_id: string }>('a2a.tasks.waiter'))!.last!.value.task_id;
    const remote = await workers.result(remoteId);
    assert.deepEqual([remote.status, remote.error?.code], ['failed', 'cancelled']);
    assert.deepEqual(aborted, [remoteId]);
  });
});
