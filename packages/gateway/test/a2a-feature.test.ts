import assert from 'node:assert/strict';
import request from 'supertest';
import { SendMessageRequest, Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { A2AClient } from '@agentway/a2a';
import { createGateway, type Gateway } from '@agentway/gateway';
import { forEachExpress } from '@agentway/test-harness';

const V1 = { 'A2A-Version': '1.0' };
const message = (text: string) => SendMessageRequest.fromJSON({ message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text }] } });

forEachExpress('createGateway() with the a2a feature', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('should serve each agent at /a2a/<agent>/ and the default agent\'s card at the root', async () => {
    gateway = await createGateway({}, { env: {} });
    assert.deepEqual(gateway.endpoints.filter((e) => e.includes('a2a') || e.includes('agent-card')), [
      'GET /.well-known/agent-card.json (echo)',
      'POST /a2a/echo/', 'GET /a2a/echo/.well-known/agent-card.json',
      'POST /a2a/clock/', 'GET /a2a/clock/.well-known/agent-card.json',
    ]);
    const { url } = await gateway.listen(0);
    const root = await new ClientFactory().createFromUrl(`${url}/`);
    assert.equal((await root.getAgentCard()).name, 'echo');
    const task = await root.sendMessage(message('through the root card')) as Task;
    assert.equal(task.status?.state, TaskState.TASK_STATE_COMPLETED);
    assert.equal(task.artifacts[0]!.parts[0]!.content?.value, 'through the root card');
    const clock = await new A2AClient({ gatewayUrl: url }).delegate({ targetAgent: 'clock', task: 'time?' });
    assert.match(clock.text, /^The time is \d{4}-\d\d-\d\dT[\d:.]+Z\.$/);
  });

  it('should take its options from the a2a section', async () => {
    gateway = await createGateway({ a2a: { agents: ['clock'], publicUrl: 'https://agents.example.com/', versions: ['1.0'], cardMaxAge: 60 } }, { env: {} });
    const card = await request(gateway.app).get('/.well-known/agent-card.json').expect(200);
    assert.equal(card.body.name, 'clock');
    assert.deepEqual(card.body.supportedInterfaces, [{ url: 'https://agents.example.com/a2a/clock/', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }]);
    assert.equal(card.headers['cache-control'], 'public, max-age=60');
    const own = await request(gateway.app).get('/a2a/clock/.well-known/agent-card.json').set(V1).expect(200);
    assert.equal(own.body.supportedInterfaces[0].url, 'https://agents.example.com/a2a/clock/');
    await request(gateway.app).get('/a2a/echo/.well-known/agent-card.json').expect(404);
  });

  it('should require the gateway\'s API keys on JSON-RPC calls, and declare them in the cards', async () => {
    gateway = await createGateway({ apiKeys: ['sk-gw'] }, { env: {} });
    const card = await request(gateway.app).get('/.well-known/agent-card.json').set(V1).expect(200);
    assert.deepEqual(card.body.securitySchemes, { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer' } } });
    const body = { jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'hi' }] } } };
    const denied = await request(gateway.app).post('/a2a/echo/').set(V1).send(body).expect(401);
    assert.equal(denied.body.error.code, -32000);
    const ok = await request(gateway.app).post('/a2a/echo/').set(V1).set('Authorization', 'Bearer sk-gw').send(body).expect(200);
    assert.equal(ok.body.result.task.status.state, 'TASK_STATE_COMPLETED');
  });

  it('should reject a wrong a2a section with the option\'s path', async () => {
    await assert.rejects(createGateway({ a2a: { agnets: ['echo'] } }, { env: {} }), {
      code: 'ERR_GATEWAY_UNKNOWN_OPTION', message: '[@agentway/gateway] unknown option "a2a.agnets"; did you mean "agents"?',
    });
    await assert.rejects(createGateway({ a2a: { agents: ['nobody'] } }, { env: {} }), {
      code: 'ERR_GATEWAY_INVALID_OPTION', message: '[@agentway/gateway] option "a2a.agents" names "nobody", which is not an agent (echo, clock)',
    });
    await assert.rejects(createGateway({ a2a: { publicUrl: 'agents.example.com' } }, { env: {} }), { code: 'ERR_GATEWAY_INVALID_OPTION' });
  });

  it('should not mount it when the feature is off', async () => {
    gateway = await createGateway({ features: { a2a: false } }, { env: {} });
    assert.equal(gateway.endpoints.some((e) => e.includes('a2a')), false);
    await request(gateway.app).get('/.well-known/agent-card.json').expect(404);
  });
});
