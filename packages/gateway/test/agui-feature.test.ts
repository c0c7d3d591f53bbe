import assert from 'node:assert/strict';
import request from 'supertest';
import { createGateway, type Gateway } from '@agentway/gateway';
import { assertAguiSequence, parseSse, sseJson } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

forEachExpress('createGateway() with the agui feature', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('should mount aguiStream() on the gateway\'s runtime by default', async () => {
    gateway = await createGateway({}, { env: {} });
    assert.deepEqual(gateway.endpoints.filter((e) => e.includes('/agui/')), ['POST /agui/runs', 'POST /agui/runs/:agent', 'GET /agui/ws']);
    const res = await request(gateway.app).post('/agui/runs/clock').set('Accept', 'text/event-stream')
      .send({ threadId: 'gw-thread', runId: 'gw-clock-1', messages: [{ id: 'u1', role: 'user', content: 'time?' }] }).expect(200);
    const events = sseJson<{ type: string; result?: string }>(res.text);
    assertAguiSequence(events, { legacy: true });
    assert.deepEqual(events.map((e) => e.type).slice(0, 5), ['RUN_STARTED', 'TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END', 'TOOL_CALL_RESULT']);
    assert.match(String(events.at(-1)!.result), /^The time is \d{4}-\d\d-\d\dT[\d:.]+Z\.$/);
    const replay = await request(gateway.app).get('/agui/ws?run_id=gw-clock-1').expect(200);
    assert.deepEqual(sseJson(replay.text), events);
  });

  it('should take its options from the agui section', async () => {
    gateway = await createGateway({ agui: { dialect: 'simple', heartbeat: 0, retry: 500, limit: '10kb' } }, { env: {} });
    const res = await request(gateway.app).post('/agui/runs').set('Accept', 'text/event-stream')
      .send({ threadId: 't', runId: 'gw-simple-1', messages: [{ id: 'u1', role: 'user', content: 'hi' }] }).expect(200);
    assert.ok(res.text.startsWith('retry: 500\n\nevent: run_started\n'));
    assert.deepEqual(parseSse(res.text).events.map((e) => e.event), ['run_started', 'text_delta', 'run_completed']);
    await request(gateway.app).post('/agui/runs').send({ threadId: 't', runId: 'r', messages: [{ id: 'u1', role: 'user', content: 'x'.repeat(20_000) }] })
      .expect(413);
  });

  it('should reject a wrong agui section with the option\'s path', async () => {
    await assert.rejects(createGateway({ agui: { dialect: 'loud' } }, { env: {} }), {
      code: 'ERR_GATEWAY_INVALID_OPTION', message: '[@agentway/gateway] option "agui.dialect" must be one of "official", "simple", got "loud"',
    });
    await assert.rejects(createGateway({ agui: { heartbeet: 1 } }, { env: {} }), {
      code: 'ERR_GATEWAY_UNKNOWN_OPTION', message: '[@agentway/gateway] unknown option "agui.heartbeet"; did you mean "heartbeat"?',
    });
  });

  it('should require the gateway\'s API keys, also as ?access_token=', async () => {
    gateway = await createGateway({ apiKeys: ['sk-gw'] }, { env: {} });
    const body = { threadId: 't', runId: 'gw-auth-1', messages: [{ id: 'u1', role: 'user', content: 'hi' }] };
    await request(gateway.app).post('/agui/runs').send(body).expect(401);
    await request(gateway.app).post('/agui/runs').set('Authorization', 'Bearer sk-gw').send(body).expect(202);
    await request(gateway.app).get('/agui/ws?run_id=gw-auth-1').expect(401);
    const res = await request(gateway.app).get('/agui/ws?run_id=gw-auth-1&access_token=sk-gw').expect(200);
    assert.equal(parseSse(res.text).events.length, 5);
  });

  it('should not mount it when the feature is off', async () => {
    gateway = await createGateway({ features: { agui: false } }, { env: {} });
    assert.equal(gateway.endpoints.some((e) => e.includes('/agui/')), false);
    await request(gateway.app).post('/agui/runs').send({}).expect(404);
  });
});
