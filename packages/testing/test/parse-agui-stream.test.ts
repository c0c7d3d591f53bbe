import assert from 'node:assert/strict';
import request from 'supertest';
import { HttpAgent, type BaseEvent } from '@ag-ui/client';
import type { Express } from 'express';
import { aguiStream, type AguiRouter } from '@agentway/agui';
import { assertAguiSequence, parseAguiSimpleStream, parseAguiStream, readStream, scriptedAgent } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { replayServer, type ReplayServer } from './support/replay-server';

const input = (runId: string) => ({
  threadId: 't1', runId, state: {}, tools: [], context: [], forwardedProps: {},
  messages: [{ id: 'u1', role: 'user', content: 'Find x' }],
});

forEachExpress('parseAguiStream() and parseAguiSimpleStream()', (express) => {
  let router: AguiRouter;
  let app: Express;
  let replay: ReplayServer;

  before(async () => {
    router = aguiStream({
      agents: [scriptedAgent('assistant', [
        'Looking', ' it up.',
        { type: 'tool_call', id: 'c1', name: 'lookup', arguments: { q: 'x' } },
        { type: 'tool_result', toolCallId: 'c1', result: { found: true } },
        { type: 'state', snapshot: { step: 1 } },
        { type: 'state', delta: [{ op: 'replace', path: '/step', value: 2 }] },
        'Found it.',
      ])],
    });
    app = express();
    app.use(router);
    replay = await replayServer();
  });

  after(async () => {
    await replay.close();
    await router.runtime.close();
  });

  it('should read the official events, a sequence @ag-ui/client 1.0 HttpAgent consumes event for event', async () => {
    const res = await readStream(request(app).post('/agui/runs/assistant').set('Accept', 'text/event-stream').send(input('run-official-1')).expect(200));
    const events = parseAguiStream(res);
    assertAguiSequence(events);

    const [first, second] = events.filter((e) => e.type === 'TEXT_MESSAGE_START').map((e) => (e as { messageId: string }).messageId);
    assert.deepEqual(events, [
      { type: 'RUN_STARTED', threadId: 't1', runId: 'run-official-1', metadata: { agentName: 'assistant' } },
      { type: 'TEXT_MESSAGE_START', messageId: first, role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: first, delta: 'Looking' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: first, delta: ' it up.' },
      { type: 'TEXT_MESSAGE_END', messageId: first },
      { type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'lookup', parentMessageId: first },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '{"q":"x"}' },
      { type: 'TOOL_CALL_END', toolCallId: 'c1' },
      { type: 'TOOL_CALL_RESULT', messageId: 'c1-result', toolCallId: 'c1', role: 'tool', content: '{"found":true}' },
      { type: 'STATE_SNAPSHOT', snapshot: { step: 1 } },
      { type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/step', value: 2 }] },
      { type: 'TEXT_MESSAGE_START', messageId: second, role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: second, delta: 'Found it.' },
      { type: 'TEXT_MESSAGE_END', messageId: second },
      { type: 'RUN_FINISHED', threadId: 't1', runId: 'run-official-1', result: 'Looking it up.Found it.' },
    ]);

    replay.body = res.text;
    const seen: BaseEvent[] = [];
    const agent = new HttpAgent({ url: `${replay.url}/agui`, threadId: 't1', initialMessages: [{ id: 'u1', role: 'user', content: 'Find x' }] });
    const { result, newMessages } = await agent.runAgent({ runId: 'run-official-1' }, { onEvent: ({ event }) => { seen.push(event); } });
    assert.deepEqual(seen, events);
    assert.equal(result, 'Looking it up.Found it.');
    assert.deepEqual(agent.state, { step: 2 });
    assert.deepEqual(newMessages.map((m) => [m.role, m.content]), [['assistant', 'Looking it up.'], ['tool', '{"found":true}'], ['assistant', 'Found it.']]);
  });

  it('should read the simple dialect\'s named events', async () => {
    const res = await readStream(request(app).post('/agui/runs/assistant?dialect=simple').set('Accept', 'text/event-stream').send(input('run-simple-1')).expect(200));
    assert.deepEqual(parseAguiSimpleStream(res), [
      { name: 'run_started', data: { run_id: 'run-simple-1', agent_name: 'assistant', thread_id: 't1' } },
      { name: 'text_delta', data: { delta: 'Looking' } },
      { name: 'text_delta', data: { delta: ' it up.' } },
      { name: 'tool_call', data: { tool_call_id: 'c1', name: 'lookup', arguments: '{"q":"x"}' } },
      { name: 'tool_result', data: { tool_call_id: 'c1', name: 'lookup', result: { found: true } } },
      { name: 'state', data: { snapshot: { step: 1 } } },
      { name: 'state', data: { delta: [{ op: 'replace', path: '/step', value: 2 }] } },
      { name: 'text_delta', data: { delta: 'Found it.' } },
      { name: 'run_completed', data: { run_id: 'run-simple-1', output: 'Looking it up.Found it.' } },
    ]);
    assert.throws(() => parseAguiStream(res), {
      code: 'ERR_TESTING_INVALID_STREAM',
      message: '[@agentway/testing] event #0 of the AG-UI stream: a named event ("run_started"), as the simple dialect sends: read it with parseAguiSimpleStream()',
    });
  });

  it('should say which reader an official stream needs, and refuse what is not an AG-UI event', async () => {
    const res = await readStream(request(app).get('/agui/ws?run_id=run-official-1').expect(200));
    assert.equal(parseAguiStream(res).length, 15);
    assert.throws(() => parseAguiSimpleStream(res), {
      code: 'ERR_TESTING_INVALID_STREAM',
      message: '[@agentway/testing] event #0 of the AG-UI simple stream: an unnamed event, as the official dialect sends: read it with parseAguiStream()',
    });
    assert.throws(() => parseAguiStream('data: {"delta":"x"}\n\n'), { message: '[@agentway/testing] event #0 of the AG-UI stream: its data is not an object with a non-empty string "type"' });
    assert.throws(() => parseAguiSimpleStream('event: text\ndata: {}\n\n'), { message: '[@agentway/testing] event #0 of the AG-UI simple stream: "text" is not an event of the simple dialect' });
  });

  it('should let assertAguiSequence() catch a stream cut before its terminal event', async () => {
    const res = await readStream(request(app).post('/agui/runs/assistant').set('Accept', 'text/event-stream').send(input('run-cut-1')).expect(200));
    const all = parseAguiStream(res);
    const cut = all.slice(0, 3);
    assert.throws(() => assertAguiSequence(cut), { name: 'AssertionError', message: 'AG-UI sequence of 3 event(s) does not end with RUN_FINISHED or RUN_ERROR' });
    assert.throws(() => assertAguiSequence([...cut, all.at(-1)!]), { name: 'AssertionError', message: /^AG-UI event #3 \(RUN_FINISHED\): RUN_FINISHED while text message\(s\) still open: / });
  });
});
