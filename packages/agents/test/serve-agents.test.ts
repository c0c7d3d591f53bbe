import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createRuntime, defineAgent, echoAgent, requestTopic, serveAgents, WORKER_GROUP, type AgentWorker, type Runtime } from '@agentway/agents';
import { allEvents, ask, deferred } from './helpers';

describe('serveAgents()', () => {
  let broker: Broker;
  let gateway: Runtime;
  const workers: AgentWorker[] = [];

  beforeEach(() => {
    broker = createMemoryBroker();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await gateway?.close();
    await broker.close();
  });

  it("should execute the runs of a runtime in mode 'workers'", async () => {
    const executedBy: string[] = [];
    const agent = (worker: string) => defineAgent({ name: 'echo', async *run(input) { executedBy.push(worker); yield* echoAgent().run(input, {} as never) as AsyncIterable<string>; } });
    gateway = createRuntime({ broker, agents: [echoAgent()], mode: 'workers' });
    workers.push(serveAgents({ broker, agents: [agent('w1')] }), serveAgents({ broker, agents: [agent('w2')] }));
    const runs = await Promise.all([...Array(10).keys()].map((i) => gateway.start({ input: ask(`message ${i}`) })));
    const results = await Promise.all(runs.map((run) => gateway.result(run.runId)));
    assert.deepEqual(results.map((r) => r.output), [...Array(10).keys()].map((i) => `message ${i}`));
    assert.equal(executedBy.length, 10, 'each run executed exactly once');
  });

  it('should cancel a run executing on a worker', async () => {
    const started = deferred();
    const aborted = deferred();
    gateway = createRuntime({ broker, agents: [echoAgent()], mode: 'workers' });
    workers.push(serveAgents({
      broker,
      agents: [defineAgent({
        name: 'echo',
        async run(_input, ctx) {
          started.resolve();
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
          aborted.resolve();
          return 'x';
        },
      })],
    }));
    const run = await gateway.start({ input: ask('x') });
    await started.promise;
    await gateway.cancel(run.runId, 'stop');
    await aborted.promise;
    const events = await allEvents(gateway, run.runId);
    assert.deepEqual(events.slice(1), [{ type: 'run_error', run_id: run.runId, error: { code: 'cancelled', message: 'stop' } }]);
  });

  it('should end a queued run that is cancelled, and no worker runs it afterwards', async () => {
    let calls = 0;
    gateway = createRuntime({ broker, agents: [echoAgent()], mode: 'workers', cancelGrace: 20 });
    const run = await gateway.start({ input: ask('x') });
    await gateway.cancel(run.runId, 'changed my mind');
    workers.push(serveAgents({ broker, agents: [defineAgent({ name: 'echo', run: () => { calls++; return 'ran'; } })] }));
    const result = await gateway.result(run.runId);
    assert.deepEqual(result.error, { code: 'cancelled', message: 'changed my mind' });
    // A later run goes through the same worker: the cancelled one was taken and skipped before it.
    const next = await gateway.start({ input: ask('y') });
    assert.equal((await gateway.result(next.runId)).output, 'ran');
    assert.equal(calls, 1);
  });

  it('should end with run_error worker_lost a run whose worker died, without running the agent twice', async () => {
    let calls = 0;
    gateway = createRuntime({ broker, agents: [echoAgent()], mode: 'workers' });
    // A worker that takes the request and dies: it never acks nor keeps it alive.
    const dead = broker.subscribe(requestTopic('echo'), { group: WORKER_GROUP, ackTimeout: 50 });
    const run = await gateway.start({ input: ask('x') });
    assert.equal((await dead.next())!.value && true, true);
    workers.push(serveAgents({ broker, ackTimeout: 50, agents: [defineAgent({ name: 'echo', run: () => { calls++; return 'x'; } })] }));
    const result = await gateway.result(run.runId);
    assert.deepEqual(result.error, { code: 'worker_lost', message: 'the worker running this run stopped before it ended' });
    assert.equal(calls, 0);
    await dead.close();
  });

  it('should keep a long run alive past the ack timeout', async () => {
    gateway = createRuntime({ broker, agents: [echoAgent()], mode: 'workers' });
    const release = deferred();
    let calls = 0;
    workers.push(serveAgents({ broker, ackTimeout: 30, agents: [defineAgent({ name: 'echo', async run() { calls++; await release.promise; return 'late'; } })] }));
    workers.push(serveAgents({ broker, ackTimeout: 30, agents: [defineAgent({ name: 'echo', async run() { calls++; await release.promise; return 'late'; } })] }));
    const clock = FakeTimers.install({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const run = await gateway.start({ input: ask('x') });
      await clock.tickAsync(300); // ten ack timeouts
      release.resolve();
      const result = gateway.result(run.runId);
      await clock.tickAsync(10);
      assert.equal((await result).output, 'late');
      assert.equal(calls, 1, 'no other worker took the request over');
    } finally {
      clock.uninstall();
    }
  });

  it('should end its running runs with worker_shutdown on close() and give back what it took', async () => {
    const started = deferred();
    gateway = createRuntime({ broker, agents: [echoAgent()], mode: 'workers' });
    const worker = serveAgents({ broker, agents: [defineAgent({ name: 'echo', run: () => { started.resolve(); return new Promise<string>(() => undefined); } })] });
    const run = await gateway.start({ input: ask('x') });
    await started.promise;
    await worker.close();
    assert.equal((await gateway.result(run.runId)).error?.code, 'worker_shutdown');
    const queued = await gateway.start({ input: ask('after') });
    workers.push(serveAgents({ broker, agents: [echoAgent()] }));
    assert.equal((await gateway.result(queued.runId)).output, 'after');
  });
});
