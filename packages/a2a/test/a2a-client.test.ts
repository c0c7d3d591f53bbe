import assert from 'node:assert/strict';
import type { Express } from 'express';
import { createRuntime, type Runtime } from '@agentway/agents';
import { apiKeyAuth } from '@agentway/auth';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { listen, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { A2AClient, a2aServer, type StreamResponse } from '@agentway/a2a';
import { recordingFetch, testAgents } from './fixtures/agents';
import { mountSdkAgent } from './fixtures/sdk-server';

type Sent = { url: string; headers: Record<string, string>; body: any };

async function collect(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const out: StreamResponse[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

const kinds = (events: StreamResponse[]) => events.map((e) => Object.keys(e)[0]);

forEachExpress('A2AClient', (express) => {
  let broker: Broker;
  let runtime: Runtime;
  let server: Listening;
  let app: Express;
  let aborted: string[];
  let sent: Sent[];

  const client = (options: ConstructorParameters<typeof A2AClient>[0] = {}) => new A2AClient({ gatewayUrl: server.url, fetch: recordingFetch(sent), ...options });

  beforeEach(async () => {
    aborted = [];
    sent = [];
    broker = createMemoryBroker();
    runtime = createRuntime({ broker, agents: testAgents(aborted) });
    app = express();
    for (const agent of runtime.agents.names) app.use(`/a2a/${agent}`, a2aServer({ runtime, agent, heartbeat: 0 }));
    app.use('/private', a2aServer({ runtime, auth: apiKeyAuth({ keys: [{ key: 'k-1', id: 'carol' }] }) }));
    server = await listen(app);
    mountSdkAgent(app, '/sdk', server.url);
    mountSdkAgent(app, '/sdk03', server.url, { legacy: true });
    mountSdkAgent(app, '/sdk-blocking', server.url, { streaming: false });
  });

  afterEach(async () => {
    await server.close();
    await runtime.close();
    await broker.close();
  });

  describe('against agentway', () => {
    it('should find the agent by name, stream the task and return its text', async () => {
      const result = await client().delegate({ targetAgent: 'echo', task: 'hello big world' });
      assert.equal(result.text, 'hello big world');
      assert.equal(result.state, 'TASK_STATE_COMPLETED');
      assert.match(result.taskId!, /^run_/);
      assert.match(result.contextId!, /^thread_/);
      assert.equal(result.task!.artifacts!.length, 1);
      assert.deepEqual(sent.map((s) => [s.url, s.headers['A2A-Version'], s.body?.method]), [
        [`${server.url}/a2a/echo/.well-known/agent-card.json`, '1.0', undefined],
        [`${server.url}/a2a/echo/`, '1.0', 'SendStreamingMessage'],
      ]);
      assert.deepEqual(sent[1]!.body.params.message.parts, [{ text: 'hello big world' }]);
    });

    it('should yield the stream\'s frames as 1.0 objects, ending with the final status', async () => {
      const events = await collect(client().delegateStream({ targetAgent: 'echo', task: 'a b' }));
      assert.deepEqual(kinds(events), ['task', 'statusUpdate', 'artifactUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
      assert.deepEqual(events.slice(2, 5).map((e) => [e.artifactUpdate!.artifact.parts[0]!.text, e.artifactUpdate!.append, e.artifactUpdate!.lastChunk]), [['a', false, false], [' b', true, false], ['', true, true]]);
      assert.equal(events.at(-1)!.statusUpdate!.status.state, 'TASK_STATE_COMPLETED');
    });

    it('should speak 0.3 when told to, and go on in a context', async () => {
      const a2a = client({ versions: ['0.3'] });
      const first = await a2a.delegate({ targetAgent: 'echo', task: 'one', contextId: 'conv-1' });
      assert.equal(first.contextId, 'conv-1');
      assert.equal(first.text, 'one');
      assert.deepEqual([sent[1]!.headers['A2A-Version'], sent[1]!.body.method], ['0.3', 'message/stream']);
      assert.deepEqual(sent[1]!.body.params.message, { kind: 'message', messageId: sent[1]!.body.params.message.messageId, role: 'user', parts: [{ kind: 'text', text: 'one' }], contextId: 'conv-1' });
      const task = await a2a.getTask({ targetAgent: 'echo', taskId: first.taskId! });
      assert.deepEqual(task, first.task);
    });

    it('should throw ERR_A2A_TASK_FAILED with the task when the agent fails', async () => {
      await assert.rejects(client().delegate({ targetAgent: 'failing', task: 'go' }), (err: any) => {
        assert.equal(err.code, 'ERR_A2A_TASK_FAILED');
        assert.match(err.message, /^\[@agentway\/a2a\] task run_\S+ of agent "failing" ended TASK_STATE_FAILED: the model is down$/);
        assert.equal(err.task.status.state, 'TASK_STATE_FAILED');
        return true;
      });
    });

    it('should get, subscribe to and cancel a task', async () => {
      const a2a = client();
      const stream = a2a.delegateStream({ targetAgent: 'waiter', task: 'wait' });
      const first = (await stream.next()).value as StreamResponse;
      const taskId = first.task!.id;
      assert.equal((await stream.next()).value!.statusUpdate!.status.state, 'TASK_STATE_WORKING');
      const subscribed = a2a.subscribe({ targetAgent: 'waiter', taskId });
      assert.equal((await subscribed.next()).value!.task!.id, taskId);
      const canceled = await a2a.cancelTask({ targetAgent: 'waiter', taskId });
      assert.equal(canceled.status.state, 'TASK_STATE_CANCELED');
      assert.deepEqual(aborted, [taskId]);
      const rest = await collect(subscribed);
      assert.equal(rest.at(-1)!.statusUpdate!.status.state, 'TASK_STATE_CANCELED');
      await collect(stream);
      assert.equal((await a2a.getTask({ targetAgent: 'waiter', taskId, historyLength: 0 })).history, undefined);
    });

    it('should cancel the remote task when the caller aborts', async () => {
      const controller = new AbortController();
      let waiting!: () => void;
      const idle = new Promise<void>((resolve) => { waiting = resolve; });
      const a2a = client({ fetch: pullWatchingFetch(recordingFetch(sent), (received) => { if (received.includes('"working"')) waiting(); }) });
      const running = a2a.delegate({ targetAgent: 'waiter', task: 'wait', signal: controller.signal });
      await idle; // the client has read the agent's first words and waits for more
      controller.abort();
      await assert.rejects(running, { name: 'AbortError' });
      const taskId = sent.at(-1)!.body.params.id;
      assert.deepEqual([sent.at(-1)!.body.method, aborted], ['CancelTask', [taskId]]);
    });

    it('should send the headers option (a function of the URL) with every request', async () => {
      const seen: string[] = [];
      const a2a = client({ headers: (url) => { seen.push(url); return { Authorization: 'Bearer k-1' }; } });
      const result = await a2a.delegate({ targetAgent: `${server.url}/private`, task: 'with a key' });
      assert.equal(result.text, 'with a key');
      assert.deepEqual(seen, [`${server.url}/private/.well-known/agent-card.json`, `${server.url}/private/`]);
      await assert.rejects(client().delegate({ targetAgent: `${server.url}/private`, task: 'no key' }), { code: 'ERR_A2A_RPC_ERROR', status: 401, rpcCode: -32000 });
    });

    it('should fetch a card once per cardTtl', async () => {
      const a2a = client();
      await a2a.delegate({ targetAgent: 'echo', task: 'one' });
      await a2a.delegate({ targetAgent: 'echo', task: 'two' });
      assert.equal(sent.filter((s) => s.url.endsWith('agent-card.json')).length, 1);
      const fresh = client({ cardTtl: 0 });
      await fresh.delegate({ targetAgent: 'echo', task: 'one' });
      await fresh.delegate({ targetAgent: 'echo', task: 'two' });
      assert.equal(sent.filter((s) => s.url.endsWith('agent-card.json')).length, 3);
    });
  });

  describe('against an @a2a-js/sdk server', () => {
    it('should delegate over JSON-RPC 1.0, from a base URL without the trailing slash', async () => {
      const result = await client().delegate({ targetAgent: `${server.url}/sdk`, task: 'hi' });
      assert.equal(result.text, 'echo: hi');
      assert.equal(result.state, 'TASK_STATE_COMPLETED');
      assert.equal(sent[0]!.url, `${server.url}/sdk/.well-known/agent-card.json`);
      assert.deepEqual([sent[1]!.url, sent[1]!.body.method], [`${server.url}/sdk/rpc`, 'SendStreamingMessage']);
    });

    it('should stream its frames, get the task, and report its errors', async () => {
      const a2a = client();
      const events = await collect(a2a.delegateStream({ targetAgent: `${server.url}/sdk/`, task: 'yo' }));
      assert.deepEqual(kinds(events), ['task', 'statusUpdate', 'artifactUpdate', 'statusUpdate']);
      assert.deepEqual(events[2]!.artifactUpdate!.artifact.parts, [{ text: 'echo: yo', mediaType: 'text/plain', metadata: {} }]);
      const task = await a2a.getTask({ targetAgent: `${server.url}/sdk/`, taskId: events[0]!.task!.id });
      assert.equal(task.status.state, 'TASK_STATE_COMPLETED');
      await assert.rejects(a2a.getTask({ targetAgent: `${server.url}/sdk/`, taskId: 'nope' }), (err: any) => {
        assert.equal(err.code, 'ERR_A2A_RPC_ERROR');
        assert.equal(err.rpcCode, -32001);
        assert.deepEqual(err.rpcData, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'TASK_NOT_FOUND', domain: 'a2a-protocol.org' }]);
        return true;
      });
      await assert.rejects(a2a.delegate({ targetAgent: `${server.url}/sdk/`, task: 'fail' }), { code: 'ERR_A2A_TASK_FAILED', message: /ended TASK_STATE_FAILED: I cannot$/ });
    });

    it('should speak 0.3 to a server whose card offers only JSON-RPC 0.3', async () => {
      const a2a = client();
      const result = await a2a.delegate({ targetAgent: `${server.url}/sdk03`, task: 'old' });
      assert.equal(result.text, 'echo: old');
      assert.deepEqual([sent[1]!.headers['A2A-Version'], sent[1]!.body.method], ['0.3', 'message/stream']);
      const events = await collect(a2a.delegateStream({ targetAgent: `${server.url}/sdk03`, task: 'old' }));
      assert.deepEqual(kinds(events), ['task', 'statusUpdate', 'artifactUpdate', 'statusUpdate']);
      assert.equal(events.at(-1)!.statusUpdate!.status.state, 'TASK_STATE_COMPLETED');
      const task = await a2a.getTask({ targetAgent: `${server.url}/sdk03`, taskId: result.taskId! });
      assert.equal(task.artifacts![0]!.parts[0]!.text, 'echo: old');
    });

    it('should use SendMessage when the card does not stream', async () => {
      const result = await client().delegate({ targetAgent: `${server.url}/sdk-blocking`, task: 'blocking' });
      assert.equal(result.text, 'echo: blocking');
      assert.equal(sent[1]!.body.method, 'SendMessage');
      assert.deepEqual(sent[1]!.body.params.configuration, { returnImmediately: false });
    });
  });

  describe('discovery and errors', () => {
    it('should fall back to agent.json, and take a card URL as is', async () => {
      const card = { name: 'old', description: 'd', url: `${server.url}/a2a/echo/`, protocolVersion: '0.3.0', capabilities: {}, skills: [], defaultInputModes: [], defaultOutputModes: [], version: '1' };
      app.get('/legacy/.well-known/agent.json', (_req, res) => { res.json(card); });
      app.get('/cards/echo.json', (_req, res) => { res.json(card); });
      const a2a = client();
      assert.deepEqual((await a2a.getCard(`${server.url}/legacy`)).supportedInterfaces, [{ url: `${server.url}/a2a/echo/`, protocolBinding: 'JSONRPC', protocolVersion: '0.3' }]);
      const result = await a2a.delegate({ targetAgent: `${server.url}/cards/echo.json`, task: 'via a card URL' });
      assert.equal(result.text, 'via a card URL');
      assert.equal(sent.at(-1)!.body.method, 'message/send', 'the 0.3 card has no streaming capability');
    });

    it('should throw coded errors for a missing card, a card with no usable interface, and an unreachable server', async () => {
      await assert.rejects(client().getCard('nobody'), { code: 'ERR_A2A_CARD_NOT_FOUND', status: 404, message: `[@agentway/a2a] no agent card at ${server.url}/a2a/nobody/.well-known/agent.json (HTTP 404)` });
      app.get('/rest/.well-known/agent-card.json', (_req, res) => {
        res.json({ name: 'rest', description: 'd', supportedInterfaces: [{ url: 'http://x.test', protocolBinding: 'HTTP+JSON', protocolVersion: '1.0' }], capabilities: {} });
      });
      await assert.rejects(client().delegate({ targetAgent: `${server.url}/rest`, task: 'x' }), {
        code: 'ERR_A2A_NO_TRANSPORT', message: '[@agentway/a2a] agent "rest" offers HTTP+JSON 1.0; A2AClient speaks JSONRPC 1.0 and 0.3',
      });
      app.get('/html/.well-known/agent-card.json', (_req, res) => { res.type('html').send('<html>'); });
      await assert.rejects(client().getCard(`${server.url}/html`), { code: 'ERR_A2A_INVALID_CARD' });
      const gone = await listen(express());
      await gone.close();
      await assert.rejects(client().getCard(`${gone.url}/a2a/x`), { code: 'ERR_A2A_UNREACHABLE' });
    });

    it('should poll GetTask when a server answers before its task has ended', async () => {
      let polls = 0;
      const base = { id: 't1', contextId: 'c1' };
      app.get('/slow/.well-known/agent-card.json', (_req, res) => {
        res.json({ name: 'slow', description: 'd', version: '1', supportedInterfaces: [{ url: `${server.url}/slow/rpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }], capabilities: {}, defaultInputModes: [], defaultOutputModes: [], skills: [] });
      });
      app.post('/slow/rpc', express.json(), (req, res) => {
        const done = req.body.method === 'GetTask' && ++polls === 2;
        const task = { ...base, status: { state: done ? 'TASK_STATE_COMPLETED' : 'TASK_STATE_WORKING' }, artifacts: done ? [{ artifactId: 'a', parts: [{ text: 'finally' }] }] : [] };
        res.json({ jsonrpc: '2.0', id: req.body.id, result: req.body.method === 'SendMessage' ? { task } : task });
      });
      const result = await client({ pollInterval: 0 }).delegate({ targetAgent: `${server.url}/slow`, task: 'x' });
      assert.equal(result.text, 'finally');
      assert.deepEqual(sent.slice(1).map((s) => s.body.method), ['SendMessage', 'GetTask', 'GetTask']);
    });

    it('should check its options', async () => {
      assert.throws(() => new A2AClient({ gatewayUrl: 'ftp://x' }), { code: 'ERR_A2A_INVALID_OPTION', message: '[@agentway/a2a] option "gatewayUrl" must be an http(s) URL, got "ftp://x"' });
      assert.throws(() => new A2AClient({ gatwayUrl: 'http://x' } as never), { code: 'ERR_A2A_UNKNOWN_OPTION', message: /did you mean "gatewayUrl"\?/ });
      await assert.rejects(new A2AClient().getCard('echo'), { code: 'ERR_A2A_INVALID_OPTION', message: /needs the "gatewayUrl" option/ });
      await assert.rejects(new A2AClient({ gatewayUrl: 'http://x.test' }).delegate({ targetAgent: 'echo', task: '' }), { code: 'ERR_A2A_INVALID_OPTION', message: /option "task" must be text, or an array of A2A parts/ });
    });
  });
});

/**
 * A fetch whose SSE bodies are handed to the reader only when it asks (highWaterMark 0), calling
 * `onPull` with everything delivered so far each time it asks: when the text holds an event, the
 * reader has processed it and is waiting for more.
 */
function pullWatchingFetch(base: typeof fetch, onPull: (received: string) => void): typeof fetch {
  return async (input, init) => {
    const res = await base(input, init);
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return res;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        onPull(received);
        const { done, value } = await reader.read();
        if (done) return controller.close();
        received += decoder.decode(value, { stream: true });
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
    return new Response(body, { status: res.status, headers: res.headers });
  };
}
