import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { langstreamClient, parseSse, redisPrefix, redisServer, type LangStreamClient, type RedisServer } from '@agentway/testing';
import { startCli, type CliProcess, type Exit } from '../../packages/gateway/test/cli-process';
import { follow, type Follower } from './follow-run';
import { tcpProxy, type TcpProxy } from './tcp-proxy';

/**
 * Several gateways and workers on one Redis, as deployed: `agentway serve` processes in
 * `mode: workers` and `agentway worker` processes, started from the CLI with the environment only.
 */

const CONFIG = join(__dirname, 'fixtures', 'scale-out.yaml');
const LOST = 'the worker running this run stopped before it ended';

/** SIGTERM, then SIGKILL if it has not exited within 5 s: no process outlives the suite. */
async function shutdown(cli: CliProcess): Promise<Exit> {
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 5_000);
  try {
    return await cli.stop();
  } finally {
    clearTimeout(timer);
  }
}

async function gatewayUrl(cli: CliProcess): Promise<string> {
  return /listening on (http:\/\/\S+)$/.exec(await cli.line(/^agentway gateway listening on /))![1]!;
}

/** The word pieces the echo agents stream for a text. */
const pieces = (text: string) => text.match(/\s*\S+|\s+$/g)!;
const words = (count: number) => Array.from({ length: count }, (_, i) => `word${i}`).join(' ');

/** A whole run's AG-UI frames, read in one go after it ended. */
async function wholeRun(gateway: string, runId: string): Promise<string[]> {
  const res = await fetch(`${gateway}/agui/ws?run_id=${runId}`);
  assert.equal(res.status, 200);
  return parseSse(await res.text()).events.map((e) => e.data);
}

const runIdOf = (completionId: string) => `run_${completionId.slice('chatcmpl-'.length)}`;

describe('scale-out: two gateways and agent workers on one Redis (agentway CLI processes)', function () {
  this.timeout(20_000);
  const redis = redisPrefix('e2e-scale-out');
  const { url: REDIS_URL, prefix } = redis;
  const env = { AGENTWAY_BROKER_URL: REDIS_URL, AGENTWAY_BROKER_PREFIX: prefix };
  const processes: CliProcess[] = [];
  let gatewayA: CliProcess | undefined;
  let gatewayB: CliProcess | undefined;
  let a: string;
  let b: string;
  const workers: CliProcess[] = [];
  const killed = new Set<CliProcess>();

  const startWorker = async () => {
    const worker = startCli(['worker', '--config', CONFIG], env);
    processes.push(worker);
    await worker.line(/^agentway worker serving echo, slow$/);
    workers.push(worker);
    return worker;
  };
  /** The worker that printed `running <agent> <runId>`. */
  const runnerOf = (agent: string, runId: string) => new Promise<CliProcess>((resolve) => {
    for (const worker of workers) worker.line(new RegExp(`^running ${agent} ${runId}$`)).then(() => resolve(worker), () => undefined);
  });
  const ran = (cli: CliProcess, runId: string) => cli.lines.filter((line) => line.startsWith('running ') && line.endsWith(` ${runId}`));

  before(async () => {
    const serve = ['serve', '--config', CONFIG, '--port', '0'];
    gatewayA = startCli(serve, { ...env, AGENTWAY_MODE: 'workers' });
    gatewayB = startCli(serve, { ...env, AGENTWAY_MODE: 'workers' });
    processes.push(gatewayA, gatewayB);
    [a, b] = await Promise.all([gatewayUrl(gatewayA), gatewayUrl(gatewayB), startWorker()]);
    for (const gateway of [gatewayA, gatewayB]) {
      assert.equal(await gateway.line(/^ {2}broker: /), `  broker: redis ${REDIS_URL} prefix ${prefix} · mode: workers · agents: echo (default), slow`);
    }
  });

  after(async () => {
    const exits = await Promise.all(processes.map(shutdown));
    await redis.cleanup();
    // Everything but the worker killed on purpose closed and exited by itself on SIGTERM.
    assert.deepEqual(exits, processes.map((p) => (killed.has(p) ? [null, 'SIGKILL'] : [0, null])));
    for (const gateway of [gatewayA, gatewayB]) {
      if (gateway) assert.deepEqual(gateway.lines.filter((l) => l.startsWith('running ')), [], 'no gateway ran an agent');
    }
  });

  it('should answer an OpenAI-compatible request to gateway A from the worker, streamed and not', async () => {
    const client = new OpenAI({ baseURL: `${a}/v1`, apiKey: 'unused', maxRetries: 0 });
    const text = 'answered by a worker, through Redis';
    const completion = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: text }] });
    assert.deepEqual([completion.choices[0]!.message.content, completion.choices[0]!.finish_reason], [text, 'stop']);
    const [worker] = workers;
    assert.equal(await runnerOf('echo', runIdOf(completion.id)), worker);

    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'streamed by a worker' }] });
    const chunks: [string | null | undefined, string | null | undefined][] = [];
    let id = '';
    for await (const chunk of stream) {
      id = chunk.id;
      chunks.push([chunk.choices[0]?.delta.content, chunk.choices[0]?.finish_reason]);
    }
    assert.deepEqual(chunks, [['', null], ['streamed', null], [' by', null], [' a', null], [' worker', null], [undefined, 'stop']]);
    assert.equal(await runnerOf('echo', runIdOf(id)), worker);
    assert.deepEqual([runIdOf(completion.id), runIdOf(id)].map((runId) => ran(worker!, runId).length), [1, 1], 'each run once');
  });

  describe('an AG-UI run started on gateway A', () => {
    let proxy: TcpProxy | undefined;
    let follower: Follower | undefined;

    afterEach(async () => {
      follower?.close();
      await proxy?.close();
    });

    it('should stream from gateway B, and resume there with Last-Event-ID after a dropped connection: nothing lost or repeated', async () => {
      const runId = `e2e-${randomUUID()}`;
      const text = words(12);
      const res = await fetch(`${a}/agui/runs/slow`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ threadId: 'e2e-thread', runId, messages: [{ id: 'u1', role: 'user', content: text }] }),
      });
      assert.equal(res.status, 202);
      const started = await res.json() as { stream_url: string };
      assert.deepEqual(started, { run_id: runId, thread_id: 'e2e-thread', stream_url: `/agui/ws?run_id=${runId}` });

      proxy = await tcpProxy(Number(new URL(b).port));
      follower = follow(`${proxy.url}${started.stream_url}`);
      await follower.until((f) => f.events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').length === 3);
      proxy.drop(); // the network path breaks mid-run
      const cut = follower.events.length;
      await follower.until((f) => f.opens === 2);
      const received = await follower.finished;

      assert.ok(cut < received.length - 1, 'the connection was cut before the run ended');
      const lastSeen = received.slice(0, cut).map((e) => e.id).filter(Boolean).at(-1)!;
      assert.equal(proxy.requests.length, 2);
      assert.match(proxy.requests[1]!, new RegExp(`\r\nlast-event-id: ${lastSeen}(\r\n|$)`, 'i'), 'the EventSource resumed after the last id it saw');
      assert.deepEqual(received.map((e) => e.data), await wholeRun(a, runId), 'every frame once, in order');
      const deltas = received.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => (JSON.parse(e.data) as { delta: string }).delta);
      assert.deepEqual(deltas, pieces(text));
      assert.deepEqual(JSON.parse(received.at(-1)!.data), { type: 'RUN_FINISHED', threadId: 'e2e-thread', runId, result: text });
      assert.deepEqual(ran(await runnerOf('slow', runId), runId), [`running slow ${runId}`], 'a worker ran it, once');
    });
  });

  describe('a worker killed mid-run while another worker runs', () => {
    let follower: Follower | undefined;

    afterEach(() => follower?.close());

    it('should end the run with worker_lost, on the OpenAI stream of gateway A and the AG-UI stream of gateway B, without running it twice', async () => {
      await startWorker();
      const client = new OpenAI({ baseURL: `${a}/v1`, apiKey: 'unused', maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'slow', stream: true, messages: [{ role: 'user', content: words(60) }] });
      const chunks = stream[Symbol.asyncIterator]();
      const first = await chunks.next();
      const runId = runIdOf((first.value as { id: string }).id);
      const runner = await runnerOf('slow', runId);
      const survivor = workers.find((w) => w !== runner)!;

      follower = follow(`${b}/agui/ws?run_id=${runId}`);
      await follower.until((f) => f.events.some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
      killed.add(runner);
      runner.child.kill('SIGKILL');
      assert.deepEqual(await runner.exited, [null, 'SIGKILL']);

      const texts: string[] = [];
      await assert.rejects(async () => {
        for (let chunk = await chunks.next(); !chunk.done; chunk = await chunks.next()) texts.push(chunk.value.choices[0]!.delta.content!);
      }, (err: unknown) => {
        assert.ok(err instanceof APIError, String(err));
        assert.deepEqual([err.status, err.type, err.code, err.message], [undefined, 'server_error', 'worker_lost', `[@agentway/openai-compat] The run failed: ${LOST}`]);
        return true;
      });
      const events = await follower.finished;
      const deltas = events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => (JSON.parse(e.data) as { delta: string }).delta);
      assert.deepEqual(events.map((e) => e.type), ['RUN_STARTED', 'TEXT_MESSAGE_START', ...deltas.map(() => 'TEXT_MESSAGE_CONTENT'), 'TEXT_MESSAGE_END', 'RUN_ERROR']);
      assert.deepEqual(JSON.parse(events.at(-1)!.data), { type: 'RUN_ERROR', message: LOST, code: 'worker_lost' });
      assert.deepEqual(texts, deltas, 'both protocols saw the same pieces');
      assert.ok(deltas.length >= 1 && deltas.length < 60, `${deltas.length} pieces before the worker died`);
      assert.deepEqual(deltas, pieces(words(60)).slice(0, deltas.length));
      assert.deepEqual(ran(survivor, runId), [], 'the surviving worker did not run it again');

      // The survivor goes on serving.
      const next = await new OpenAI({ baseURL: `${b}/v1`, apiKey: 'unused', maxRetries: 0 })
        .chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'still served' }] });
      assert.equal(next.choices[0]!.message.content, 'still served');
      assert.equal(await runnerOf('echo', runIdOf(next.id)), survivor);
    });
  });
});

describe('scale-out: Redis restarted mid-stream (a private redis-server with an append-only file)', function () {
  this.timeout(30_000);
  let redis: RedisServer | undefined;
  const processes: CliProcess[] = [];
  const clients: LangStreamClient[] = [];

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    const exits = await Promise.all(processes.map(shutdown));
    await redis?.stop();
    assert.deepEqual(exits, processes.map(() => [0, null]));
  });

  it('should keep a LangStream consumer on gateway B going, and deliver every record gateway A acknowledged', async () => {
    redis = await redisServer({ aof: true });
    const serve = ['serve', '--config', CONFIG, '--port', '0'];
    const env = { AGENTWAY_BROKER_URL: redis.url, AGENTWAY_BROKER_PREFIX: 'e2e:' };
    processes.push(startCli(serve, env), startCli(serve, env));
    const [a, b] = await Promise.all(processes.map(gatewayUrl));
    clients.push(langstreamClient(a!, { timeout: 15_000 }), langstreamClient(b!, { timeout: 15_000 }));
    const live = await clients[1]!.consume('e2e/app/out', { 'option:position': 'earliest' });
    const producer = await clients[0]!.produce('e2e/app/in');

    const acknowledged: string[] = [];
    const refused: string[] = [];
    let sent = 0;
    /** Sends `count` records at once; the returned function collects their answers. */
    const send = (count: number) => {
      const values = Array.from({ length: count }, () => `record-${sent++}`);
      for (const value of values) producer.send({ value });
      return async () => {
        for (const value of values) {
          const answer = await producer.nextResponse();
          if (answer.status === 'OK') acknowledged.push(value);
          else refused.push(`${value} ${answer.status}`);
        }
      };
    };
    /** Reads a consumer until it has the last acknowledged record (every earlier record comes before it). */
    const readAll = async (consumer: typeof live, received: { value: string; offset: string }[]) => {
      while (received.at(-1)?.value !== acknowledged.at(-1)) {
        const { record, offset } = await consumer.nextRecord<string>();
        received.push({ value: record.value, offset: offset! });
      }
      return received;
    };

    await send(100)();
    const before = await readAll(live, []);
    const inFlight = send(50); // being published as Redis dies
    await redis.kill(); // SIGKILL: only what the append-only file holds survives
    const during = send(50); // produced while Redis is away
    await redis.start();
    await inFlight();
    await during();
    await send(100)();
    const seenLive = await readAll(live, before);
    // A consumer that connects after the restart reads the log from its start: what Redis kept.
    const seenLater = await readAll(await clients[1]!.consume('e2e/app/out', { 'option:position': 'earliest' }), []);

    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `record-${from + i}`);
    assert.equal(acknowledged.length + refused.length, 300);
    assert.deepEqual([acknowledged.slice(0, 100), acknowledged.slice(-100)], [range(0, 100), range(200, 300)], 'all acknowledged with Redis up');
    // Those sent as Redis died were refused (they may or may not be stored); those sent while it was away waited for it.
    assert.deepEqual(refused.filter((r) => !r.endsWith(' PRODUCER_ERROR')), []);
    assert.deepEqual(acknowledged.filter((value) => !seenLive.some((r) => r.value === value)), [], 'the live consumer got every acknowledged record');
    assert.deepEqual(seenLive, seenLater, 'the live consumer got exactly what the log holds, once each');
    // In the order produced; a refused record may still have been stored (and read).
    const order = seenLive.map((r) => Number(r.value.slice('record-'.length)));
    assert.deepEqual(order, [...new Set(order)].sort((x, y) => x - y));
    assert.ok(seenLive.length - acknowledged.length <= refused.length);
  });
});
