import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import FakeTimers from '@sinonjs/fake-timers';
import request from 'supertest';
import { createRuntime, defineAgent, echoAgent, type Runtime } from '@agentway/agents';
import type { Broker, Subscription } from '@agentway/broker';
import { forEachExpress } from '@agentway/test-harness';
import { listen, scriptedAgent, type Listening } from '@agentway/testing';
import { SERVICE_REQUEST_ID_HEADER } from '@agentway/langstream-gateway';
import { forEachBroker, Harness } from './fixture';

const TOPICS = { gateways: [
  { id: 'svc', type: 'service', parameters: ['lang'], 'service-options': { 'input-topic': 'requests', 'output-topic': 'answers', headers: [{ key: 'tier', value: 'gold' }] } },
] };
const SVC = '/api/gateways/service/t/app/svc';

/** A pipeline stand-in: answers each request on the output topic, upper-cased, keeping its headers. */
async function upperCasePipeline(h: Harness): Promise<Subscription> {
  const requests = h.broker.subscribe(h.topic('requests'));
  await requests.ready;
  void (async () => {
    for await (const record of requests) {
      void h.broker.publish(h.topic('answers'), { key: record.key, value: String(record.value).toUpperCase(), headers: { ...record.headers } });
    }
  })();
  return requests;
}

forEachExpress('langstreamGateway() service gateways', (express) => {
  forEachBroker((kind) => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    describe('in topics mode', () => {
      it('should answer with the record that carries its request id, under 100 concurrent calls', async function () {
        this.timeout(10_000);
        h = await Harness.start(express, kind, TOPICS);
        const pipeline = await upperCasePipeline(h);
        const calls = Array.from({ length: 100 }, (_, i) => request(h!.listening.url).post(`${SVC}?param:lang=en`)
          .set('Content-Type', 'application/json').send({ key: `k${i}`, value: `value ${i}`, headers: { n: String(i) } }).expect(200));
        const answers = await Promise.all(calls);
        answers.forEach((res, i) => {
          const { record, offset } = JSON.parse(res.text);
          assert.equal(record.key, `k${i}`);
          assert.equal(record.value, `VALUE ${i}`);
          assert.equal(record.headers.tier, 'gold');
          assert.equal(record.headers.n, String(i));
          assert.match(record.headers[SERVICE_REQUEST_ID_HEADER], /^[0-9a-f-]{36}$/);
          assert.match(offset, /^[A-Za-z0-9_-]+$/);
        });
        assert.equal(new Set(answers.map((r) => JSON.parse(r.text).record.headers[SERVICE_REQUEST_ID_HEADER])).size, 100);
        await pipeline.close();
      });

      it('should take a text body as the value, ignore a client request id, and accept declared parameters only', async () => {
        h = await Harness.start(express, kind, TOPICS);
        const pipeline = await upperCasePipeline(h);
        const res = await request(h.listening.url).post(SVC).set('Content-Type', 'text/plain').send('my-text').expect(200);
        assert.deepEqual(JSON.parse(res.text).record.value, 'MY-TEXT');
        const spoof = await request(h.listening.url).post(SVC).set('Content-Type', 'application/json')
          .send({ value: 'v', headers: { [SERVICE_REQUEST_ID_HEADER]: 'mine' } }).expect(200);
        assert.notEqual(JSON.parse(spoof.text).record.headers[SERVICE_REQUEST_ID_HEADER], 'mine');
        const unknown = await request(h.listening.url).post(`${SVC}?param:session=x`).send('x').expect(400);
        assert.equal(unknown.body.detail, 'Error for gateway svc (tenant: t, appId: app): unknown parameters: [session]');
        const get = await request(h.listening.url).get(SVC).expect(400);
        assert.equal(get.body.detail, '400 BAD_REQUEST "Only POST method is supported"');
        await pipeline.close();
      });

      it('should answer 504 when no answer comes within serviceTimeout', async () => {
        h = await Harness.start(express, kind, TOPICS, { serviceTimeout: 5000 });
        const requests = h.broker.subscribe(h.topic('requests'));
        await requests.ready;
        const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
        try {
          const call = request(h.listening.url).post(SVC).set('Content-Type', 'text/plain').send('nobody answers').then((r) => r);
          await requests.next(); // the request is out, the gateway waits
          clock.tick(5000);
          const res = await call;
          assert.equal(res.status, 504);
          assert.deepEqual(res.body, { type: 'about:blank', title: 'Gateway Timeout', status: 504, detail: 'Request timed out', instance: SVC });
        } finally {
          clock.uninstall();
          await requests.close();
        }
      });
    });

    describe('in agent mode', () => {
      let runtime: Runtime | undefined;
      let agentServer: Listening | undefined;
      let runtimeBroker: Broker | undefined;
      afterEach(async () => {
        await runtime?.close();
        if (runtimeBroker) await kind.release(runtimeBroker);
        await agentServer?.close();
        runtime = undefined;
        agentServer = undefined;
      });

      const agentGateways = { gateways: [
        { id: 'echo', type: 'service', 'service-options': { 'agent-id': 'echo' } },
        { id: 'broken', type: 'service', 'service-options': { 'agent-id': 'broken' } },
        { id: 'stuck', type: 'service', 'service-options': { 'agent-id': 'stuck' } },
        { id: 'remote', type: 'service', 'service-options': { 'agent-id': 'remote' } },
        { id: 'down', type: 'service', 'service-options': { 'agent-id': 'down' } },
      ] };
      const stuck = defineAgent({ name: 'stuck', run: (_input, ctx) => new Promise<string>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))) });

      async function start(options: { serviceTimeout?: number } = {}) {
        agentServer = await listen(createServer((req, res) => {
          let body = '';
          req.on('data', (c: Buffer) => { body += c.toString(); });
          req.on('end', () => {
            res.statusCode = req.url!.includes('/missing') ? 404 : 201;
            res.setHeader('content-type', 'application/json');
            res.setHeader('x-agent', 'remote');
            res.end(JSON.stringify({ method: req.method, url: req.url, custom: req.headers['x-custom'], body }));
          });
        }));
        runtimeBroker = await kind.create();
        runtime = createRuntime({ broker: runtimeBroker, agents: [echoAgent(), scriptedAgent('broken', ['half', { type: 'fail', message: 'the model is down' }]), stuck] });
        h = await Harness.start(express, kind, { t: { applications: { app: { manifest: agentGateways, agents: { remote: `${agentServer.url}/base`, down: 'http://127.0.0.1:2' } } } } },
          { tenants: true, runtime, ...options });
      }

      it('should run a registered agent with the body as the user message', async () => {
        await start();
        const res = await request(h!.listening.url).post('/api/gateways/service/t/app/echo').set('Content-Type', 'application/json')
          .send({ key: 'conv-1', value: 'hello agent' }).expect(200);
        assert.deepEqual(JSON.parse(res.text), { record: { key: 'conv-1', value: 'hello agent', headers: {} }, offset: null });
        const failed = await request(h!.listening.url).post('/api/gateways/service/t/app/broken').set('Content-Type', 'text/plain').send('x').expect(500);
        assert.equal(failed.body.detail, 'the model is down');
      });

      it('should cancel a run still going after serviceTimeout and answer 504', async () => {
        await start({ serviceTimeout: 2000 });
        const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
        try {
          let settled = false;
          const call = request(h!.listening.url).post('/api/gateways/service/t/app/stuck').set('Content-Type', 'text/plain').send('x')
            .then((r) => { settled = true; return r; });
          while (!settled && clock.countTimers() === 0) await new Promise((resolve) => setImmediate(resolve));
          clock.tick(2000);
          const res = await call;
          assert.equal(res.status, 504);
          assert.equal(res.body.detail, 'Request timed out');
        } finally {
          clock.uninstall();
        }
      });

      it('should forward to an agent URL: method, path, query without credentials, headers, body; and relay the answer', async () => {
        await start();
        const res = await request(h!.listening.url).put('/api/gateways/service/t/app/remote/agent-endpoint/custom-path?x=1&credentials=secret&param:p=2')
          .set('x-custom', 'c').set('Content-Type', 'application/json').send({ a: 1 }).expect(201);
        assert.equal(res.headers['x-agent'], 'remote');
        assert.deepEqual(res.body, { method: 'PUT', url: '/base/agent-endpoint/custom-path?x=1&param:p=2', custom: 'c', body: '{"a":1}' });
        const root = await request(h!.listening.url).get('/api/gateways/service/t/app/remote').expect(201);
        assert.equal(root.body.url, '/base/');
        await request(h!.listening.url).delete('/api/gateways/service/t/app/remote/missing').expect(404);
        const down = await request(h!.listening.url).post('/api/gateways/service/t/app/down').send('x').expect(502);
        assert.match(down.body.detail, /^agent http:\/\/127\.0\.0\.1:2 did not answer: connect ECONNREFUSED/);
      });
    });
  });
});
