import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { HttpAgent, type BaseEvent } from '@ag-ui/client';
import { EventSource, type FetchLike } from 'eventsource';
import { createRuntime, echoAgent, type Runtime } from '@agentway/agents';
import type { Broker } from '@agentway/broker';
import { createRedisBroker } from '@agentway/broker-redis';
import { aguiStream } from '@agentway/agui';
import { assertAguiSequence, listen, redisPrefix, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { gatedAgent, until } from './support';

/** An EventSource's data payloads until the terminal event; `lastEventId` resumes. */
function follow(url: string, lastEventId?: string): { data: string[]; ids: string[]; done: Promise<string[]> } {
  const data: string[] = [];
  const ids: string[] = [];
  const withHeader: FetchLike = (input, init) => fetch(input, { ...init, headers: { ...init.headers, 'Last-Event-ID': lastEventId! } });
  const source = new EventSource(url, lastEventId === undefined ? {} : { fetch: withHeader });
  const done = new Promise<string[]>((resolve, reject) => {
    source.onmessage = (e) => {
      data.push(e.data as string);
      ids.push(e.lastEventId);
      const { type } = JSON.parse(e.data as string) as { type: string };
      if (type === 'RUN_FINISHED' || type === 'RUN_ERROR') {
        source.close();
        resolve(data);
      }
    };
    source.onerror = () => {
      if (source.readyState === source.CLOSED) reject(new Error('EventSource failed'));
    };
  });
  return { data, ids, done };
}

forEachExpress('aguiStream() on two instances sharing a real Redis', (express) => {
  const redis = redisPrefix('agui');
  let brokers: Broker[];
  let runtimes: Runtime[];
  let servers: Listening[];
  let gate: ReturnType<typeof gatedAgent>;

  beforeEach(async () => {
    gate = gatedAgent('gated', ['Hello', ' from'], [' Redis']);
    // Two brokers, two runtimes, two apps: two gateway processes in all but the process.
    brokers = await Promise.all([createRedisBroker({ url: redis.url, prefix: redis.prefix }), createRedisBroker({ url: redis.url, prefix: redis.prefix })]);
    runtimes = brokers.map((broker) => createRuntime({ broker, agents: [echoAgent(), gate.agent], finishedRunTtl: 60_000 }));
    servers = await Promise.all(runtimes.map((runtime) => {
      const app = express();
      app.use(aguiStream({ runtime }));
      return listen(app);
    }));
  });

  afterEach(async () => {
    gate.open();
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(runtimes.map((r) => r.close()));
    await Promise.all(brokers.map((b) => b.close()));
  });

  after(() => redis.cleanup());

  it('should stream from one instance, event for event, a run HttpAgent runs on the other', async () => {
    const runId = `redis-${randomUUID()}`;
    const agent = new HttpAgent({ url: `${servers[0]!.url}/agui/runs/gated`, threadId: 'thread-r', initialMessages: [{ id: 'u1', role: 'user', content: 'x' }] });
    const posted: BaseEvent[] = [];
    const running = agent.runAgent({ runId }, { onEvent: ({ event }) => { posted.push(event); } });
    await gate.started;
    const other = follow(`${servers[1]!.url}/agui/ws?run_id=${runId}`);
    await until(() => other.data.length === 4, 'the other instance streams the run');
    gate.open();
    const [data, { result }] = await Promise.all([other.done, running]);
    assert.equal(result, 'Hello from Redis');
    assert.deepEqual(data.map((d) => JSON.parse(d)), posted);
    assertAguiSequence(posted, { legacy: true });
  });

  it('should resume on one instance after a Last-Event-ID seen on the other', async () => {
    const runId = `redis-${randomUUID()}`;
    const res = await fetch(`${servers[0]!.url}/agui/runs/gated`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: 't', runId, messages: [{ id: 'u1', role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 202);
    const first = follow(`${servers[0]!.url}/agui/ws?run_id=${runId}`);
    await until(() => first.data.length === 4, 'the first events arrive');
    gate.open();
    const full = await first.done;
    // Resume on the other instance after the second content event (the 4th frame, which carries an id).
    const rest = await follow(`${servers[1]!.url}/agui/ws?run_id=${runId}`, first.ids[3]!).done;
    assert.deepEqual([...full.slice(0, 4), ...rest], full);
    assert.equal(full.length, 7);
  });
});
