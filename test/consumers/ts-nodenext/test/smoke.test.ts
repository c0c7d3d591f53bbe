import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { A2AClient } from '@agentway/a2a';
import { listen, parseSse, scriptedAgent, type Listening } from '@agentway/testing';
import { createConsumerApp, type ConsumerApp } from '../src/app.js';

const API_KEY = 'consumer-key';
const weather = scriptedAgent('weather', [
  { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Lyon' } },
  { type: 'tool_result', toolCallId: 'call_1', name: 'get_weather', result: { sky: 'clear' } },
  'Clear ',
  'in Lyon.',
]);

describe('ts-nodenext', () => {
  let consumer: ConsumerApp;
  let server: Listening;

  before(async () => {
    consumer = createConsumerApp(API_KEY, [weather]);
    server = await listen(consumer.app);
  });

  after(async () => {
    await server.close();
    await consumer.close();
  });

  it('should resolve every package to its tarball', () => {
    for (const name of ['a2a', 'agents', 'agui', 'auth', 'broker', 'openai-compat', 'testing']) {
      const resolved = fileURLToPath(import.meta.resolve(`@agentway/${name}`));
      assert.equal(resolved, fileURLToPath(new URL(`../../node_modules/@agentway/${name}/dist/index.js`, import.meta.url)));
      assert.equal(realpathSync(resolved), resolved);
    }
  });

  describe('openaiCompat() and aguiStream() on one runtime', () => {
    it('should 200 a chat completion from a scriptedAgent()', async () => {
      const res = await request(consumer.app).post('/v1/chat/completions').set('Authorization', `Bearer ${API_KEY}`)
        .send({ model: 'weather', messages: [{ role: 'user', content: 'Weather in Lyon?' }] })
        .expect(200);
      const body = res.body as { id: string; created: number; [key: string]: unknown };
      const { id, created, ...rest } = body;
      assert.match(id, /^chatcmpl-[0-9a-f-]{36}$/);
      assert.equal(typeof created, 'number');
      // The agent ran its tool itself: the client gets the answer, not the tool call.
      assert.deepEqual(rest, {
        object: 'chat.completion',
        model: 'weather',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Clear in Lyon.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 },
      });
    });

    it('should stream the scripted tool call as AG-UI events', async () => {
      const res = await request(consumer.app).post('/agui/runs/weather').set('Accept', 'text/event-stream')
        .send({ threadId: 'th-1', runId: 'run-ts-1', messages: [{ id: 'u1', role: 'user', content: 'Weather in Lyon?' }] })
        .expect(200).expect('Content-Type', 'text/event-stream; charset=utf-8');
      const events = parseSse(res.text).events.map((e) => JSON.parse(e.data) as Record<string, unknown>);
      const messageId = events[5]?.['messageId'];
      assert.match(String(messageId), /^msg_[0-9a-f-]{36}$/);
      assert.deepEqual(events, [
        { type: 'RUN_STARTED', threadId: 'th-1', runId: 'run-ts-1', metadata: { agentName: 'weather' } },
        { type: 'TOOL_CALL_START', toolCallId: 'call_1', toolCallName: 'get_weather' },
        { type: 'TOOL_CALL_ARGS', toolCallId: 'call_1', delta: '{"city":"Lyon"}' },
        { type: 'TOOL_CALL_END', toolCallId: 'call_1' },
        { type: 'TOOL_CALL_RESULT', messageId: 'call_1-result', toolCallId: 'call_1', role: 'tool', content: '{"sky":"clear"}' },
        { type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: 'Clear ' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: 'in Lyon.' },
        { type: 'TEXT_MESSAGE_END', messageId },
        { type: 'RUN_FINISHED', threadId: 'th-1', runId: 'run-ts-1', result: 'Clear in Lyon.' },
      ]);
    });
  });

  describe('a2aServer() and A2AClient', () => {
    it('should delegate a task over A2A JSON-RPC and get the echo back', async () => {
      const client = new A2AClient({ gatewayUrl: server.url });
      const result = await client.delegate({ targetAgent: `${server.url}/a2a/echo`, task: 'typed all the way' });
      assert.equal(result.text, 'typed all the way');
      assert.equal(result.state, 'TASK_STATE_COMPLETED');
      assert.match(result.taskId ?? '', /^run_/);
    });
  });

  describe('a2aCard()', () => {
    it('should 200 the card of a typed agent', async () => {
      await request(consumer.app).get('/a2a/count/.well-known/agent-card.json').set('A2A-Version', '1.0')
        .expect(200).expect('Content-Type', 'application/json; charset=utf-8')
        .expect({
          name: 'count',
          description: 'Counts the characters of the last user message.',
          version: '1.0.0',
          supportedInterfaces: [
            { url: 'https://agents.example.com/a2a/count/', protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
            { url: 'https://agents.example.com/a2a/count/', protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
          ],
          capabilities: { streaming: true, pushNotifications: false },
          defaultInputModes: ['text/plain', 'application/json'],
          defaultOutputModes: ['text/plain'],
          skills: [{ id: 'count', name: 'Count', description: 'Counts characters.', tags: ['demo'] }],
        });
    });
  });
});
