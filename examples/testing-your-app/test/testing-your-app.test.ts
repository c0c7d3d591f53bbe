import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import request from 'supertest';
import type { Express } from 'express';
import type { Agent } from '@agentway/agents';
import { describeOnExpress } from '@agentway/test-harness';
import {
  assertAguiSequence, langstreamClient, listen, parseAguiStream, parseChatCompletionStream, readStream, scriptedAgent, signWebhook,
  type LangStreamClient, type Listening,
} from '@agentway/testing';

const requireHere = createRequire(__filename);
const { createApp } = requireHere('../app.js') as {
  createApp(options: { agents: Agent[]; githubSecret: string }): { app: Express; attach(server: Server): void; close(): Promise<void> };
};

const SECRET = 'whsec-for-tests';
const lookupOrder = { type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: 'string' } } } } };
const runInput = (runId: string, content: string) => ({
  threadId: 'thread-1', runId, messages: [{ id: 'm1', role: 'user', content }], tools: [], context: [], state: {}, forwardedProps: {},
});

// In your own suite: describe('support desk', …). describeOnExpress(4, …) runs this one in the
// repository's Express 4 pass, where `express` is 4.x as in this app.
describeOnExpress(4, 'examples/testing-your-app', () => {
  let desk: ReturnType<typeof createApp>;
  let server: Listening;
  let dashboards: LangStreamClient;

  before(async () => {
    desk = createApp({
      githubSecret: SECRET,
      agents: [
        scriptedAgent('assistant', ['Let me check ', 'your order.', { type: 'tool_call', id: 'call_1', name: 'lookup_order', arguments: { id: 'A-42' } }]),
        scriptedAgent('triage', ['bug']),
        scriptedAgent('flaky', ['Thinking…', { type: 'fail', message: 'model overloaded', code: 'overloaded' }]),
      ],
    });
    // supertest takes the app as it is; WebSockets need a listening server.
    server = await listen(desk.app);
    desk.attach(server.server);
    dashboards = langstreamClient(server.url);
  });

  after(async () => {
    await dashboards.close();
    await server.close();
    await desk.close();
  });

  it('should keep its own API', async () => {
    await request(desk.app).get('/api/health').expect(200, { ok: true, agents: ['assistant', 'triage', 'flaky'] });
  });

  it('should stream a chat completion whose tool call the OpenAI client runs', async () => {
    const res = await readStream(request(desk.app).post('/v1/chat/completions')
      .send({ model: 'assistant', stream: true, tools: [lookupOrder], messages: [{ role: 'user', content: 'Where is my order?' }] })
      .expect(200));
    const completion = parseChatCompletionStream(res);
    assert.equal(completion.text, 'Let me check your order.');
    assert.deepEqual(completion.toolCalls, [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"id":"A-42"}' } }]);
    assert.deepEqual([completion.finishReason, completion.done], ['tool_calls', true]);
  });

  it('should stream the same agent to the chat UI as AG-UI events the official client accepts', async () => {
    const res = await readStream(request(desk.app).post('/agui/runs/assistant').set('Accept', 'text/event-stream')
      .send(runInput('run-1', 'Where is my order?')).expect(200));
    const events = parseAguiStream(res);
    assertAguiSequence(events);
    assert.deepEqual(events.map((e) => e.type), [
      'RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END',
      'TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END', 'RUN_FINISHED',
    ]);
    assert.deepEqual(events[6], { type: 'TOOL_CALL_ARGS', toolCallId: 'call_1', delta: '{"id":"A-42"}' });
  });

  it('should end a failing run with RUN_ERROR and its code', async () => {
    const events = parseAguiStream(await readStream(request(desk.app).post('/agui/runs/flaky').set('Accept', 'text/event-stream')
      .send(runInput('run-2', 'Hello?')).expect(200)));
    assertAguiSequence(events);
    assert.deepEqual(events.at(-1), { type: 'RUN_ERROR', message: 'model overloaded', code: 'overloaded' });
  });

  it('should triage an opened issue and push the label to the dashboards', async () => {
    const triage = await dashboards.consume('desk/support/triage');
    const { headers, body } = signWebhook({
      scheme: 'github', secret: SECRET, event: 'issues', payload: { action: 'opened', issue: { number: 42, title: 'Login button broken' } },
    });
    await request(desk.app).post('/webhooks/github').set(headers).send(body).expect(200, { issue: 42, label: 'bug' });
    const { record } = await triage.nextRecord();
    assert.deepEqual([record.key, record.value], ['42', '{"issue":42,"label":"bug"}']);
  });

  it('should refuse a delivery signed with another secret', async () => {
    const { headers, body } = signWebhook({ scheme: 'github', secret: 'not-ours', event: 'issues', payload: { action: 'opened', issue: { number: 7, title: 'x' } } });
    const res = await request(desk.app).post('/webhooks/github').set(headers).send(body).expect(401);
    assert.equal(res.body.error.code, 'ERR_WEBHOOKS_INVALID_SIGNATURE');
  });
});
