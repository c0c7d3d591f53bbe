import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import FakeTimers from '@sinonjs/fake-timers';
import { defineAgent, echoAgent, type Agent } from '@agentway/agents';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createGateway, type Gateway } from '@agentway/gateway';
import { langstreamClient, parseSse, signWebhook } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

/** Yields "first", says so, then waits for its signal: a run only a cancel or a shutdown ends. */
function waitingAgent(started: () => void): Agent {
  return defineAgent({
    name: 'waiting',
    async *run(_input, ctx) {
      yield 'first';
      started();
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    },
  });
}

/** A memory broker whose publishes on `topic` wait until `release()`. */
function holdingBroker(topic: string): { broker: Broker; held: Promise<void>; release(): void } {
  const inner = createMemoryBroker();
  let release!: () => void;
  let markHeld!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const held = new Promise<void>((resolve) => { markHeld = resolve; });
  const broker: Broker = Object.create(inner);
  broker.publish = (t, message) => {
    if (t !== topic) return inner.publish(t, message);
    markHeld();
    return gate.then(() => inner.publish(t, message));
  };
  return { broker, held, release };
}

const MANIFEST = { gateways: [{ id: 'out', type: 'consume', topic: 'answers' }] };
const SECRET = 'whsec_shutdown';

forEachExpress('createGateway() close()', () => {
  let gateway: Gateway | undefined;
  let brokers: Broker[] = [];

  afterEach(async () => {
    await gateway?.close();
    await Promise.all(brokers.map((b) => b.close()));
    gateway = undefined;
    brokers = [];
  });

  it('should end every protocol\'s streams with its final event, close WebSockets with 1001, let a delivery finish, and refuse new requests', async () => {
    let started = 0;
    let onStarted: () => void = () => undefined;
    const agent = waitingAgent(() => { started++; onStarted(); });
    const hold = holdingBroker('webhooks.stripe');
    brokers.push(hold.broker);
    gateway = await createGateway({
      agents: [agent, echoAgent()],
      broker: hold.broker,
      webhooks: { routes: [{ name: 'stripe', scheme: 'stripe', secret: SECRET }] },
      langstream: { tenants: { t: { applications: { a: { manifest: MANIFEST } } } } },
      features: { pollers: false },
    }, { env: {} });
    const { url } = await gateway.listen(0);
    const allStarted = (n: number) => new Promise<void>((resolve) => {
      onStarted = () => { if (started >= n) resolve(); };
      onStarted();
    });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${url}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
    });
    const openai = await post('/v1/chat/completions', { model: 'waiting', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const waitingJson = post('/v1/chat/completions', { model: 'waiting', messages: [{ role: 'user', content: 'hi' }] });
    const agui = await post('/agui/runs', { threadId: 't', runId: 'run-agui', messages: [{ id: 'm', role: 'user', content: 'hi' }], tools: [], context: [], state: {}, forwardedProps: {} },
      { accept: 'text/event-stream' });
    const a2a = await post('/a2a/waiting/', { jsonrpc: '2.0', id: 1, method: 'SendStreamingMessage', params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'hi' }] } } },
      { accept: 'text/event-stream', 'a2a-version': '1.0' });
    await allStarted(4);
    const client = langstreamClient(url);
    const socket = await client.consume('t/a/out');
    const { headers, body } = signWebhook({ scheme: 'stripe', secret: SECRET, payload: { id: 'evt_1', type: 'invoice.paid', data: {} } });
    const delivery = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${url}/webhooks/stripe`, { method: 'POST', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    await hold.held;

    const closing = gateway.close();
    const healthz = await fetch(`${url}/healthz`).then((r) => r.status, () => 'refused');
    assert.equal(healthz, 'refused', 'no new connection is accepted');
    assert.deepEqual(await socket.closed, { code: 1001, reason: 'the gateway is shutting down' });

    const openaiFrames = parseSse(await openai.text()).events;
    assert.deepEqual(JSON.parse(openaiFrames.at(-1)!.data).error.code, 'server_shutting_down');
    const json = await waitingJson;
    assert.deepEqual([json.status, ((await json.json()) as { error: { code: string } }).error.code], [503, 'server_shutting_down']);
    const aguiLast = JSON.parse(parseSse(await agui.text()).events.at(-1)!.data) as { type: string; code: string };
    assert.deepEqual([aguiLast.type, aguiLast.code], ['RUN_ERROR', 'server_shutting_down']);
    const a2aLast = parseSse(await a2a.text()).events.at(-1)!;
    assert.deepEqual([a2aLast.event, (JSON.parse(a2aLast.data) as { error: { code: number } }).error.code], ['error', -32603]);

    hold.release();
    assert.deepEqual(await delivery, { status: 200, text: '{"received":true}' });
    await closing;
    assert.equal((await hold.broker.describe('webhooks.stripe'))?.length, 1, 'the delivery was stored before the broker closed');
    await client.close();
  });

  it('should cut what is still open once shutdownTimeout has passed', async () => {
    const hold = holdingBroker('webhooks.stripe');
    brokers.push(hold.broker);
    gateway = await createGateway({
      broker: hold.broker, shutdownTimeout: 2_000, webhooks: { routes: [{ name: 'stripe', scheme: 'stripe', secret: SECRET }] }, features: { pollers: false },
    }, { env: {} });
    const { url } = await gateway.listen(0);
    const { headers, body } = signWebhook({ scheme: 'stripe', secret: SECRET, payload: { id: 'evt_2', type: 'invoice.paid', data: {} } });
    const delivery = fetch(`${url}/webhooks/stripe`, { method: 'POST', headers, body }).then((r) => r.status, (err: Error) => err.message);
    await hold.held;
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
    let closed = false;
    try {
      const closing = gateway.close().then(() => { closed = true; });
      await clock.tickAsync(1_999);
      assert.equal(closed, false);
      await clock.tickAsync(1);
      await closing;
    } finally {
      clock.uninstall();
    }
    assert.equal(await delivery, 'fetch failed', 'the connection was cut');
    hold.release();
  });
});
