import assert from 'node:assert/strict';
import request from 'supertest';
import { createRuntime, echoAgent, type Runtime } from '@agentway/agents';
import { createMemoryBroker, type Broker, type Subscription } from '@agentway/broker';
import { aguiStream } from '@agentway/agui';
import { assertAguiSequence, parseSse, sseBody, sseJson } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' };

async function offsets(runtime: Runtime, runId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const record of runtime.events(runId)) out.push(record.offset);
  return out;
}

/** A broker whose run subscriptions fail (or just stop) after `records` records. */
function brokenBroker(broker: Broker, records: number, how: 'throw' | 'stop'): Broker {
  const wrapped: Broker = Object.create(broker);
  for (const m of ['publish', 'setRetention', 'expire', 'describe', 'claim', 'close'] as const) {
    (wrapped as unknown as Record<string, unknown>)[m] = (broker[m] as (...a: unknown[]) => unknown).bind(broker);
  }
  wrapped.subscribe = <V>(topic: string, options?: Parameters<Broker['subscribe']>[1]): Subscription<V> => {
    const subscription = broker.subscribe<V>(topic, options);
    if (!topic.startsWith('runs.')) return subscription;
    let read = 0;
    return Object.assign(Object.create(subscription), {
      next: async () => {
        if (read++ < records) return subscription.next();
        if (how === 'throw') throw new Error('connection to the broker lost');
        await subscription.close();
        return undefined;
      },
      close: () => subscription.close(),
    }) as Subscription<V>;
  };
  return wrapped;
}

forEachExpress('aguiStream() POST /agui/runs', (express) => {
  let broker: Broker;
  let runtime: Runtime;
  let app: ReturnType<typeof express>;

  before(() => {
    broker = createMemoryBroker();
    runtime = createRuntime({ broker, agents: [echoAgent()] });
    app = express();
    app.use(aguiStream({ runtime, limit: 2_000 }));
  });

  after(async () => {
    await runtime.close();
    await broker.close();
  });

  const input = (runId: string, content: unknown = 'hi there', extra: Record<string, unknown> = {}) => ({
    threadId: 't-1', runId, messages: [{ id: 'u1', role: 'user', content }], tools: [], context: [], state: {}, forwardedProps: {}, ...extra,
  });

  describe('with Accept: text/event-stream', () => {
    it('should stream LF-framed data: lines, each record\'s last frame with id: <offset>', async () => {
      const res = await request(app).post('/agui/runs').set('Accept', 'text/event-stream').send(input('bytes-1'))
        .buffer(true).parse(sseBody).expect(200).expect((r) => assert.deepEqual(pick(r.headers, Object.keys(SSE_HEADERS)), SSE_HEADERS));
      const [o0, o1, o2, o3] = await offsets(runtime, 'bytes-1');
      const events = sseJson<{ messageId?: string }>(res.body as string);
      const m = events[1]!.messageId!;
      assert.equal(res.body, [
        `id: ${o0}\ndata: {"type":"RUN_STARTED","threadId":"t-1","runId":"bytes-1","metadata":{"agentName":"echo"}}\n\n`,
        `data: {"type":"TEXT_MESSAGE_START","messageId":"${m}","role":"assistant"}\n\n`,
        `id: ${o1}\ndata: {"type":"TEXT_MESSAGE_CONTENT","messageId":"${m}","delta":"hi"}\n\n`,
        `id: ${o2}\ndata: {"type":"TEXT_MESSAGE_CONTENT","messageId":"${m}","delta":" there"}\n\n`,
        `data: {"type":"TEXT_MESSAGE_END","messageId":"${m}"}\n\n`,
        `id: ${o3}\ndata: {"type":"RUN_FINISHED","threadId":"t-1","runId":"bytes-1","result":"hi there"}\n\n`,
      ].join(''));
      assertAguiSequence(events, { legacy: true });
    });

    it('should speak the simple dialect with ?dialect=simple', async () => {
      const res = await request(app).post('/agui/runs?dialect=simple').set('Accept', 'text/event-stream').send(input('simple-1', 'a b'))
        .buffer(true).parse(sseBody).expect(200);
      const [o0, o1, o2, o3] = await offsets(runtime, 'simple-1');
      assert.equal(res.body, [
        `event: run_started\nid: ${o0}\ndata: {"run_id":"simple-1","agent_name":"echo","thread_id":"t-1"}\n\n`,
        `event: text_delta\nid: ${o1}\ndata: {"delta":"a"}\n\n`,
        `event: text_delta\nid: ${o2}\ndata: {"delta":" b"}\n\n`,
        `event: run_completed\nid: ${o3}\ndata: {"run_id":"simple-1","output":"a b"}\n\n`,
      ].join(''));
    });

    it('should echo client ids the runtime cannot take, and run under ids of its own', async () => {
      const res = await request(app).post('/agui/runs').set('Accept', 'text/event-stream')
        .send(input('my run #1', 'ok', { threadId: 'thread with spaces' })).buffer(true).parse(sseBody).expect(200);
      const events = sseJson<Record<string, unknown>>(res.body as string);
      const started = events[0] as { runId: string; threadId: string; metadata: Record<string, string> };
      assert.equal(started.runId, 'my run #1');
      assert.equal(started.threadId, 'thread with spaces');
      assert.match(started.metadata.agentwayRunId!, /^run_[0-9a-f-]{36}$/);
      assert.match(started.metadata.agentwayThreadId!, /^thread_[0-9a-f-]{36}$/);
      assert.deepEqual(events.at(-1), { type: 'RUN_FINISHED', threadId: 'thread with spaces', runId: 'my run #1', result: 'ok' });
    });

    it('should give the agent the text of content parts, joined by newlines', async () => {
      const parts = [{ type: 'text', text: 'line one' }, { type: 'binary', mimeType: 'image/png', data: 'AAAA' }, { type: 'text', text: 'line two' }];
      await request(app).post('/agui/runs').set('Accept', 'text/event-stream').send(input('parts-1', parts)).buffer(true).parse(sseBody).expect(200);
      assert.equal((await runtime.result('parts-1')).output, 'line one\nline two');
    });
  });

  describe('without Accept: text/event-stream', () => {
    it('should 202 with the run\'s ids and where to stream it', async () => {
      const res = await request(app).post('/agui/runs?dialect=simple').send(input('accepted-1')).expect(202);
      assert.deepEqual(res.body, { run_id: 'accepted-1', thread_id: 't-1', stream_url: '/agui/ws?run_id=accepted-1&dialect=simple' });
      assert.equal(res.headers.location, '/agui/ws?run_id=accepted-1&dialect=simple');
      const stream = await request(app).get(res.body.stream_url).buffer(true).parse(sseBody).expect(200);
      assert.deepEqual(parseSse(stream.body as string).events.map((e) => e.event), ['run_started', 'text_delta', 'text_delta', 'run_completed']);
    });

    it('should give a stream_url under the path the router is mounted at', async () => {
      const mounted = express();
      mounted.use('/api', aguiStream({ runtime }));
      const res = await request(mounted).post('/api/agui/runs').send(input('mounted-1')).expect(202);
      assert.equal(res.body.stream_url, '/api/agui/ws?run_id=mounted-1');
    });
  });

  describe('when the body is wrong', () => {
    const refused = (status: number, code: string, message: string) => (res: request.Response) => {
      assert.equal(res.status, status);
      assert.deepEqual(res.body, { error: { code, message: `[@agentway/agui] ${message}` } });
    };

    it('should 400 on JSON that does not parse', () => request(app).post('/agui/runs').set('Content-Type', 'application/json').send('{"threadId":')
      .expect(refused(400, 'ERR_AGUI_INVALID_JSON', 'the body is not valid JSON')));

    it('should 413 over the limit', () => request(app).post('/agui/runs').send(input('big', 'x'.repeat(3_000)))
      .expect(refused(413, 'ERR_AGUI_BODY_TOO_LARGE', 'the body is larger than the limit')));

    it('should 415 when it is not JSON', () => request(app).post('/agui/runs').set('Content-Type', 'text/plain').send('hello')
      .expect(refused(415, 'ERR_AGUI_UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json, got "text/plain"')));

    it('should 400 without a body', () => request(app).post('/agui/runs')
      .expect(refused(400, 'ERR_AGUI_INVALID_INPUT', 'invalid RunAgentInput: the body must be a JSON object')));

    it('should 400 naming the first wrong field', async () => {
      const cases: [unknown, string][] = [
        [{ runId: 'r', messages: [] }, 'threadId must be a string'],
        [{ threadId: 't', runId: '', messages: [] }, 'threadId and runId must not be empty'],
        [{ threadId: 't', runId: 'r' }, 'messages must be an array'],
        [{ threadId: 't', runId: 'r', messages: [{ id: 'm', role: 'robot', content: 'x' }] }, 'messages[0].role must be one of user, assistant, system, developer, tool, activity, reasoning'],
        [{ threadId: 't', runId: 'r', messages: [{ role: 'user', content: 'x' }] }, 'messages[0].id must be a string'],
        [{ threadId: 't', runId: 'r', messages: [{ id: 'm', role: 'user', content: 3 }] }, 'messages[0].content must be a string or an array of content parts'],
        [{ threadId: 't', runId: 'r', messages: [{ id: 'm', role: 'tool', content: 'x' }] }, 'messages[0].toolCallId must be a string'],
        [{ threadId: 't', runId: 'r', messages: [], tools: [{ description: 'no name' }] }, 'tools[0] must be { name, description, parameters? }'],
        [{ threadId: 't', runId: 'r', messages: [], context: [{ description: 'd', value: 1 }] }, 'context[0].value must be a string'],
      ];
      for (const [body, message] of cases) {
        await request(app).post('/agui/runs').send(body as object).expect(refused(400, 'ERR_AGUI_INVALID_INPUT', `invalid RunAgentInput: ${message}`));
      }
    });

    it('should 400 on an unknown dialect', () => request(app).post('/agui/runs?dialect=fancy').send(input('d-1'))
      .expect(refused(400, 'ERR_AGUI_INVALID_DIALECT', 'dialect must be "official" or "simple", got "fancy"')));
  });

  describe('when the broker fails after the headers', () => {
    const made: Runtime[] = [];
    after(() => Promise.all(made.map((r) => r.close())));
    const createRuntimeOn = (on: Broker): Runtime => {
      const created = createRuntime({ broker: on, agents: [echoAgent()] });
      made.push(created);
      return created;
    };
    const run = async (how: 'throw' | 'stop', runId: string) => {
      const failing = express();
      failing.use(aguiStream({ runtime: createRuntimeOn(brokenBroker(broker, 2, how)) }));
      const res = await request(failing).post('/agui/runs').set('Accept', 'text/event-stream').send(input(runId, 'one two three'))
        .buffer(true).parse(sseBody).expect(200);
      const events = sseJson<{ type: string }>(res.body as string);
      assertAguiSequence(events, { legacy: true });
      return events;
    };

    it('should end the stream with RUN_ERROR stream_failed when reading fails', async () => {
      const events = await run('throw', 'broken-1');
      assert.deepEqual(events.map((e) => e.type), ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_ERROR']);
      assert.deepEqual(events.at(-1), { type: 'RUN_ERROR', message: "the run's event stream failed", code: 'stream_failed' });
    });

    it('should end a GET /agui/ws stream with RUN_ERROR stream_failed too', async () => {
      await request(app).post('/agui/runs').send(input('broken-get-1', 'one two three')).expect(202);
      await runtime.result('broken-get-1');
      const failing = express();
      failing.use(aguiStream({ runtime: createRuntimeOn(brokenBroker(broker, 2, 'throw')) }));
      const res = await request(failing).get('/agui/ws?run_id=broken-get-1').buffer(true).parse(sseBody).expect(200);
      const events = sseJson<{ type: string }>(res.body as string);
      assertAguiSequence(events, { legacy: true });
      assert.deepEqual(events.map((e) => e.type), ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_ERROR']);
      assert.deepEqual(events.at(-1), { type: 'RUN_ERROR', message: "the run's event stream failed", code: 'stream_failed' });
    });

    it('should answer a GET /agui/ws stream with RUN_ERROR alone when reading fails at once', async () => {
      await request(app).post('/agui/runs').send(input('broken-get-2')).expect(202);
      await runtime.result('broken-get-2');
      const failing = express();
      failing.use(aguiStream({ runtime: createRuntimeOn(brokenBroker(broker, 0, 'throw')) }));
      const res = await request(failing).get('/agui/ws?run_id=broken-get-2').buffer(true).parse(sseBody).expect(200);
      assert.equal(res.body, 'data: {"type":"RUN_ERROR","message":"the run\'s event stream failed","code":"stream_failed"}\n\n');
    });

    it('should end the stream with RUN_ERROR stream_ended when the events stop before the run ends', async () => {
      const events = await run('stop', 'broken-2');
      assert.deepEqual(events.at(-1), { type: 'RUN_ERROR', message: "the run's event stream ended before the run did", code: 'stream_ended' });
    });
  });
});

function pick(headers: Record<string, string>, keys: string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((k) => [k, headers[k]]));
}
