import assert from 'node:assert/strict';
import { get } from 'node:http';
import FakeTimers from '@sinonjs/fake-timers';
import { EventSource, type FetchLike } from 'eventsource';
import { HttpAgent, type BaseEvent } from '@ag-ui/client';
import request from 'supertest';
import { createRuntime, echoAgent, type Runtime } from '@agentway/agents';
import { apiKeyAuth } from '@agentway/auth';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { aguiStream } from '@agentway/agui';
import { assertAguiSequence, listen, parseSse, type Listening } from '@agentway/testing';
import { forEachExpress, type ExpressModule } from '@agentway/test-harness';
import { countingBroker, gatedAgent, until } from './support';

interface Received {
  id: string;
  /** The frame had an id: line (the last frame of each record does). */
  hasId: boolean;
  event: string;
  data: string;
}

/** Opens an EventSource and gathers its events until `done` says so (then closes it), or it fails. */
function collect(url: string, done: (events: Received[]) => boolean, init: { lastEventId?: string; names?: string[] } = {}): { events: Received[]; source: EventSource; finished: Promise<Received[]> } {
  const events: Received[] = [];
  const withHeader: FetchLike = (input, options) => fetch(input, { ...options, headers: { ...options.headers, 'Last-Event-ID': init.lastEventId! } });
  const source = new EventSource(url, init.lastEventId === undefined ? {} : { fetch: withHeader });
  const finished = new Promise<Received[]>((resolve, reject) => {
    const take = (e: MessageEvent) => {
      // The EventSource keeps the last id it saw (and sends it on reconnect); the package gives
      // events without an id: line an empty lastEventId, so carry the kept one over, as browsers do.
      events.push({ id: e.lastEventId || (events.at(-1)?.id ?? init.lastEventId ?? ''), hasId: e.lastEventId !== '', event: e.type, data: e.data as string });
      if (done(events)) {
        source.close();
        resolve(events);
      }
    };
    for (const name of init.names ?? ['message']) source.addEventListener(name, take);
    source.addEventListener('error', (e) => {
      if (source.readyState === source.CLOSED) reject(Object.assign(new Error(`EventSource failed: ${(e as { message?: string }).message}`), { code: (e as { code?: number }).code }));
    });
  });
  return { events, source, finished };
}

const typeOf = (r: Received) => (JSON.parse(r.data) as { type: string }).type;
const terminal = (events: Received[]) => ['RUN_FINISHED', 'RUN_ERROR'].includes(typeOf(events.at(-1)!));

async function offsets(runtime: Runtime, runId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const record of runtime.events(runId)) out.push(record.offset);
  return out;
}

async function startRun(app: Parameters<typeof request>[0], runId: string, path = '/agui/runs/gated'): Promise<void> {
  await request(app).post(path).send({ threadId: 'thread-g', runId, messages: [{ id: 'u1', role: 'user', content: 'x' }] }).expect(202);
}

forEachExpress('aguiStream() GET /agui/ws', (express: ExpressModule) => {
  let broker: Broker;
  let counted: ReturnType<typeof countingBroker>;
  let runtime: Runtime;
  let gate: ReturnType<typeof gatedAgent>;
  let server: Listening;

  beforeEach(async () => {
    broker = createMemoryBroker();
    counted = countingBroker(broker);
    gate = gatedAgent('gated', ['Hello', ' there'], ['!']);
    runtime = createRuntime({ broker: counted.broker, agents: [echoAgent(), gate.agent] });
    const app = express();
    app.use(aguiStream({ runtime, retry: 20 }));
    server = await listen(app);
  });

  afterEach(async () => {
    gate.open();
    await server.close();
    await runtime.close();
    await broker.close();
  });

  describe('with EventSource (eventsource 4.1.1)', () => {
    it('should stream a live run from its start, each record\'s last frame carrying its offset as id', async () => {
      await startRun(server.server, 'live-1');
      const reading = collect(`${server.url}/agui/ws?run_id=live-1`, terminal);
      await until(() => reading.events.length === 4, 'the first events arrive');
      gate.open();
      const events = await reading.finished;
      const [o0, o1, o2, o3, o4] = await offsets(runtime, 'live-1');
      assert.deepEqual(events.map((e) => [typeOf(e), e.id]), [
        ['RUN_STARTED', o0], ['TEXT_MESSAGE_START', o0], ['TEXT_MESSAGE_CONTENT', o1], ['TEXT_MESSAGE_CONTENT', o2],
        ['TEXT_MESSAGE_CONTENT', o3], ['TEXT_MESSAGE_END', o3], ['RUN_FINISHED', o4],
      ]);
      assertAguiSequence(events.map((e) => JSON.parse(e.data)), { legacy: true });
      assert.deepEqual(JSON.parse(events[0]!.data), { type: 'RUN_STARTED', threadId: 'thread-g', runId: 'live-1', metadata: { agentName: 'gated' } });
    });

    it('should resume after Last-Event-ID exactly where the stream stopped', async () => {
      await startRun(server.server, 'resume-1');
      gate.open();
      const full = await collect(`${server.url}/agui/ws?run_id=resume-1`, terminal).finished;
      // A client may stop after any frame that carries an id (the last frame of each record).
      const cuts = full.map((e, i) => (e.hasId && i < full.length - 1 ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(cuts, [0, 2, 3, 4]);
      for (const cut of cuts) {
        const rest = await collect(`${server.url}/agui/ws?run_id=resume-1`, terminal, { lastEventId: full[cut]!.id }).finished;
        assert.deepEqual([...full.slice(0, cut + 1), ...rest].map((e) => e.data), full.map((e) => e.data), `resumed after ${full[cut]!.id}`);
      }
    });

    it('should reconnect by itself after a dropped connection and neither lose nor repeat an event', async () => {
      await startRun(server.server, 'drop-1');
      const reading = collect(`${server.url}/agui/ws?run_id=drop-1`, terminal);
      let opens = 0;
      const reopened = new Promise<void>((resolve) => reading.source.addEventListener('open', () => { if (++opens === 2) resolve(); }));
      await until(() => reading.events.length === 4, 'the first events arrive');
      server.server.closeAllConnections();
      await reopened;
      gate.open();
      const events = await reading.finished;
      assert.deepEqual(events.map(typeOf), [
        'RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED',
      ]);
      assert.deepEqual(events.slice(2, 5).map((e) => JSON.parse(e.data).delta), ['Hello', ' there', '!']);
    });

    it('should 204 a Last-Event-ID that is the run\'s last event, so that EventSource stops reconnecting', async () => {
      await startRun(server.server, 'ended-1', '/agui/runs');
      const full = await collect(`${server.url}/agui/ws?run_id=ended-1`, terminal).finished;
      const reading = collect(`${server.url}/agui/ws?run_id=ended-1`, () => true, { lastEventId: full.at(-1)!.id });
      await assert.rejects(reading.finished, { code: 204 });
      assert.deepEqual(reading.events, []);
    });

    it('should speak the simple dialect with ?dialect=simple', async () => {
      await startRun(server.server, 'simple-1');
      gate.open();
      const names = ['run_started', 'text_delta', 'run_completed', 'run_error'];
      const events = await collect(`${server.url}/agui/ws?run_id=simple-1&dialect=simple`, (e) => e.at(-1)!.event === 'run_completed', { names }).finished;
      assert.deepEqual(events.map((e) => [e.event, JSON.parse(e.data)]), [
        ['run_started', { run_id: 'simple-1', agent_name: 'gated', thread_id: 'thread-g' }],
        ['text_delta', { delta: 'Hello' }], ['text_delta', { delta: ' there' }], ['text_delta', { delta: '!' }],
        ['run_completed', { run_id: 'simple-1', output: 'Hello there!' }],
      ]);
    });
  });

  describe('when clients leave', () => {
    it('should share one read of the run among its streams, and keep it while anyone watches', async () => {
      await startRun(server.server, 'leave-1');
      const topic = 'runs.leave-1';
      const readings = [0, 1, 2].map(() => collect(`${server.url}/agui/ws?run_id=leave-1`, terminal));
      await until(() => readings.every((r) => r.events.length === 4), 'every stream is live');
      assert.equal(counted.open(topic), 1);
      readings[1]!.source.close();
      readings[2]!.source.close();
      gate.open();
      const events = await readings[0]!.finished;
      assert.deepEqual(events.map(typeOf), [
        'RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED',
      ]);
      assert.deepEqual(readings[1]!.events.length, 4);
      assert.equal((await runtime.result('leave-1')).status, 'completed');
      await until(() => counted.open(topic) === 0, 'the shared read is closed');
    });

    it('should stop reading the run when the last stream leaves, and not cancel it', async () => {
      await startRun(server.server, 'leave-2');
      const topic = 'runs.leave-2';
      const readings = [0, 1].map(() => collect(`${server.url}/agui/ws?run_id=leave-2`, terminal));
      await until(() => readings.every((r) => r.events.length === 4) && counted.open(topic) === 1, 'both streams are live');
      for (const reading of readings) reading.source.close();
      await until(() => counted.open(topic) === 0, 'the shared read is closed');
      gate.open();
      const outcome = await runtime.result('leave-2');
      assert.equal(outcome.status, 'completed');
      assert.equal(outcome.output, 'Hello there!');
      // A stream that comes later reads the whole run again.
      const late = await collect(`${server.url}/agui/ws?run_id=leave-2`, terminal).finished;
      assert.equal(late.length, 7);
    });
  });

  describe('when a client cannot keep up', () => {
    it('should let it lag behind (its socket full) without holding the others back, then catch it up exactly', async () => {
      const big = gatedAgent('big', ['start'], Array.from({ length: 400 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(16_380)}`));
      const bigRuntime = createRuntime({ broker: counted.broker, agents: [big.agent] });
      const app = express();
      app.use(aguiStream({ runtime: bigRuntime }));
      const bigServer = await listen(app);
      try {
        await startRun(bigServer.server, 'big-1', '/agui/runs');
        const read = (onResponse: (res: import('node:http').IncomingMessage) => void) => {
          let body = '';
          const ended = new Promise<string>((resolve, reject) => {
            get(`${bigServer.url}/agui/ws?run_id=big-1`, (res) => {
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => { body += chunk; });
              res.on('end', () => resolve(body));
              onResponse(res);
            }).on('error', reject);
          });
          return { ended, get body() { return body; } };
        };
        let slowResponse!: import('node:http').IncomingMessage;
        const slow = read((res) => { slowResponse = res; res.once('data', () => res.pause()); });
        const fast = read(() => undefined);
        await until(() => slow.body.length > 0 && fast.body.length > 0, 'both streams started');
        big.open();
        const all = await fast.ended;
        assert.equal(parseSse(all).events.length, 1 + 1 + 401 + 1 + 1);
        assert.ok(slow.body.length < all.length / 2, `the slow stream lags (${slow.body.length} of ${all.length} bytes)`);
        slowResponse.resume();
        assert.equal(await slow.ended, all);
      } finally {
        await bigServer.close();
        await bigRuntime.close();
      }
    });
  });

  describe('when the request is wrong', () => {
    it('should 400 without run_id', () => request(server.server).get('/agui/ws').expect(400, {
      error: { code: 'ERR_AGUI_MISSING_RUN_ID', message: '[@agentway/agui] the query parameter run_id is required: GET /agui/ws?run_id=<run id>' },
    }));

    it('should 404 an unknown run', () => request(server.server).get('/agui/ws?run_id=nope').expect(404, {
      error: { code: 'ERR_AGUI_RUN_NOT_FOUND', message: '[@agentway/agui] no run "nope" (it never started, or it finished and expired)' },
    }));

    it('should 400 a Last-Event-ID that is not an event of the run, finished or live', async () => {
      await startRun(server.server, 'bad-id-1', '/agui/runs');
      await startRun(server.server, 'bad-id-2');
      await gate.started;
      for (const runId of ['bad-id-1', 'bad-id-2']) {
        for (const id of ['bogus', '999-999']) {
          await request(server.server).get(`/agui/ws?run_id=${runId}`).set('Last-Event-ID', id).expect(400, {
            error: { code: 'ERR_AGUI_INVALID_LAST_EVENT_ID', message: `[@agentway/agui] Last-Event-ID "${id}" is not an event of run "${runId}"` },
          });
        }
      }
    });
  });

  describe('heartbeats', () => {
    it('should send a comment every `heartbeat` ms while the run is quiet', async () => {
      const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const app = express();
      app.use(aguiStream({ runtime, heartbeat: 5_000 }));
      const quiet = await listen(app);
      try {
        await startRun(quiet.server, 'quiet-1');
        let body = '';
        const ended = new Promise<void>((resolve, reject) => {
          get(`${quiet.url}/agui/ws?run_id=quiet-1`, (res) => {
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => { body += chunk; });
            res.on('end', resolve);
          }).on('error', reject);
        });
        await until(() => parseSse(body).events.length === 4, 'the first events arrive');
        clock.tick(4_999);
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(parseSse(body).comments, []);
        clock.tick(1);
        await until(() => parseSse(body).comments.length === 1, 'a heartbeat arrives');
        clock.tick(5_000);
        await until(() => parseSse(body).comments.length === 2, 'a second heartbeat arrives');
        assert.ok(body.endsWith('\n\n: ping\n\n: ping\n\n'));
        gate.open();
        await ended;
        assert.equal(parseSse(body).events.length, 7);
      } finally {
        clock.uninstall();
        await quiet.close();
      }
    });
  });

  describe('with auth', () => {
    let authed: Listening;
    beforeEach(async () => {
      const app = express();
      app.use(aguiStream({ runtime, auth: apiKeyAuth({ keys: [{ key: 'sk-alice', id: 'alice' }, { key: 'sk-bob', id: 'bob' }] }) }));
      authed = await listen(app);
    });
    afterEach(() => authed.close());

    const startAs = (key: string, runId: string) => request(authed.server).post('/agui/runs').set('Authorization', `Bearer ${key}`)
      .send({ threadId: 't', runId, messages: [{ id: 'u1', role: 'user', content: 'secret plans' }] }).expect(202);

    it('should take the key as ?access_token= (EventSource cannot set headers)', async () => {
      await startAs('sk-alice', 'alice-1');
      const events = await collect(`${authed.url}/agui/ws?run_id=alice-1&access_token=sk-alice`, terminal).finished;
      assert.deepEqual(events.map(typeOf), ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED']);
    });

    it('should 404 a run another principal started, as if it did not exist', async () => {
      await startAs('sk-alice', 'alice-2');
      await request(authed.server).get('/agui/ws?run_id=alice-2&access_token=sk-bob').expect(404, {
        error: { code: 'ERR_AGUI_RUN_NOT_FOUND', message: '[@agentway/agui] no run "alice-2" (it never started, or it finished and expired)' },
      });
    });

    it('should 401 without a credential', () => request(authed.server).get('/agui/ws?run_id=alice-3').expect('WWW-Authenticate', 'Bearer realm="agentway"').expect(401, {
      error: { code: 'ERR_AUTH_MISSING_CREDENTIALS', message: '[@agentway/auth] a credential is required: send "Authorization: Bearer <key>"' },
    }));
  });

  describe('two apps sharing one broker', () => {
    it('should stream from one a run started on the other, event for event', async () => {
      const other = createRuntime({ broker: counted.broker, agents: [echoAgent()] });
      const app = express();
      app.use(aguiStream({ runtime: other }));
      const second = await listen(app);
      try {
        const agent = new HttpAgent({ url: `${server.url}/agui/runs/gated`, threadId: 'thread-g', initialMessages: [{ id: 'u1', role: 'user', content: 'x' }] });
        const posted: BaseEvent[] = [];
        const running = agent.runAgent({ runId: 'shared-1' }, { onEvent: ({ event }) => { posted.push(event); } });
        await gate.started;
        const reading = collect(`${second.url}/agui/ws?run_id=shared-1`, terminal);
        await until(() => reading.events.length === 4, 'the other app streams the run');
        gate.open();
        const [events] = await Promise.all([reading.finished, running]);
        assert.deepEqual(events.map((e) => JSON.parse(e.data)), posted);
        assert.equal(events.length, 7);
      } finally {
        await second.close();
        await other.close();
      }
    });
  });
});
