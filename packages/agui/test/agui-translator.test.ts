import assert from 'node:assert/strict';
import type { RunEvent } from '@agentway/agents';
import { AguiTranslator, type AguiEvent } from '@agentway/agui';
import { assertAguiSequence } from '@agentway/testing';

const started: RunEvent = { type: 'run_started', run_id: 'run-1', agent_name: 'weather', thread_id: 'thread-1', input: { messages: [] } };
const text = (message_id: string, delta: string): RunEvent => ({ type: 'text_delta', message_id, delta });
const call = (tool_call_id: string, name: string, args: string): RunEvent => ({ type: 'tool_call', tool_call_id, name, arguments: args });
const completed = (output: string): RunEvent => ({ type: 'run_completed', run_id: 'run-1', output, finish_reason: 'stop' });

function translate(events: readonly RunEvent[], translator = new AguiTranslator()): AguiEvent[] {
  const out = events.flatMap((e) => translator.translate(e));
  assertAguiSequence(out, { legacy: true });
  return out;
}

describe('AguiTranslator', () => {
  it('should open one text message, stream its deltas and close it before RUN_FINISHED', () => {
    assert.deepEqual(translate([started, text('m1', 'Hello'), text('m1', ' world'), completed('Hello world')]), [
      { type: 'RUN_STARTED', threadId: 'thread-1', runId: 'run-1', metadata: { agentName: 'weather' } },
      { type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'Hello' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: ' world' },
      { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
      { type: 'RUN_FINISHED', threadId: 'thread-1', runId: 'run-1', result: 'Hello world' },
    ]);
  });

  it('should echo the client\'s ids and keep the run\'s own in metadata when they differ', () => {
    const out = translate([started, completed('')], new AguiTranslator({ threadId: 'client thread', runId: 'client run' }));
    assert.deepEqual(out, [
      { type: 'RUN_STARTED', threadId: 'client thread', runId: 'client run', metadata: { agentName: 'weather', agentwayRunId: 'run-1', agentwayThreadId: 'thread-1' } },
      { type: 'RUN_FINISHED', threadId: 'client thread', runId: 'client run', result: '' },
    ]);
  });

  it('should close the text before a tool call and make that message its parent', () => {
    const out = translate([
      started, text('m1', 'Let me check'), call('c1', 'get_weather', '{"city":"Paris"}'),
      { type: 'tool_result', tool_call_id: 'c1', name: 'get_weather', result: { tempC: 21 } },
      text('m2', 'It is 21C.'), completed('Let me checkIt is 21C.'),
    ]);
    assert.deepEqual(out.slice(1), [
      { type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'Let me check' },
      { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
      { type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'get_weather', parentMessageId: 'm1' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '{"city":"Paris"}' },
      { type: 'TOOL_CALL_END', toolCallId: 'c1' },
      { type: 'TOOL_CALL_RESULT', messageId: 'c1-result', toolCallId: 'c1', role: 'tool', content: '{"tempC":21}' },
      { type: 'TEXT_MESSAGE_START', messageId: 'm2', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm2', delta: 'It is 21C.' },
      { type: 'TEXT_MESSAGE_END', messageId: 'm2' },
      { type: 'RUN_FINISHED', threadId: 'thread-1', runId: 'run-1', result: 'Let me checkIt is 21C.' },
    ]);
  });

  it('should give a tool call with no text before it no parent, and no ARGS for empty arguments', () => {
    assert.deepEqual(translate([started, call('c1', 'ping', ''), completed('')]).slice(1, -1), [
      { type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'ping' },
      { type: 'TOOL_CALL_END', toolCallId: 'c1' },
    ]);
  });

  it('should pass string tool results as they are', () => {
    const out = translate([started, call('c1', 'now', '{}'), { type: 'tool_result', tool_call_id: 'c1', name: 'now', result: '12:00' }, completed('')]);
    assert.deepEqual(out[4], { type: 'TOOL_CALL_RESULT', messageId: 'c1-result', toolCallId: 'c1', role: 'tool', content: '12:00' });
  });

  it('should drop empty deltas (0.0.x clients reject them)', () => {
    assert.deepEqual(translate([started, text('m1', ''), text('m1', 'a'), text('m1', ''), completed('a')]).map((e) => e.type), [
      'RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED',
    ]);
  });

  it('should close a message when the next delta belongs to another', () => {
    assert.deepEqual(translate([started, text('m1', 'a'), text('m2', 'b'), completed('ab')]).slice(1, -1), [
      { type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'a' },
      { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
      { type: 'TEXT_MESSAGE_START', messageId: 'm2', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm2', delta: 'b' },
      { type: 'TEXT_MESSAGE_END', messageId: 'm2' },
    ]);
  });

  it('should send an output that never came as deltas as one whole message', () => {
    assert.deepEqual(translate([started, completed('all at once')]).slice(1), [
      { type: 'TEXT_MESSAGE_START', messageId: 'run-1-output', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'run-1-output', delta: 'all at once' },
      { type: 'TEXT_MESSAGE_END', messageId: 'run-1-output' },
      { type: 'RUN_FINISHED', threadId: 'thread-1', runId: 'run-1', result: 'all at once' },
    ]);
  });

  it('should map state snapshots and patches without closing the text', () => {
    const delta = [{ op: 'replace' as const, path: '/n', value: 2 }];
    assert.deepEqual(translate([started, text('m1', 'a'), { type: 'state', snapshot: { n: 1 } }, { type: 'state', delta }, completed('a')]).slice(3, 5), [
      { type: 'STATE_SNAPSHOT', snapshot: { n: 1 } },
      { type: 'STATE_DELTA', delta },
    ]);
  });

  it('should close the open text, end with RUN_ERROR and emit nothing after it', () => {
    const translator = new AguiTranslator();
    const out = translate([started, text('m1', 'Partial'), { type: 'run_error', run_id: 'run-1', error: { code: 'agent_error', message: 'boom' } }], translator);
    assert.deepEqual(out.slice(3), [
      { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
      { type: 'RUN_ERROR', message: 'boom', code: 'agent_error' },
    ]);
    assert.equal(translator.ended, true);
    assert.deepEqual(translator.translate(text('m1', 'late')), []);
    assert.deepEqual(translator.translate(completed('late')), []);
    assert.deepEqual(translator.fail({ code: 'x', message: 'again' }), []);
  });

  it('should emit nothing after RUN_FINISHED, even a failure', () => {
    const translator = new AguiTranslator();
    translate([started, completed('')], translator);
    assert.deepEqual(translator.fail({ code: 'stream_failed', message: 'late' }), []);
  });

  it('should fail a stream with RUN_ERROR, closing its open text', () => {
    const translator = new AguiTranslator();
    translator.translate(started);
    translator.translate(text('m1', 'a'));
    assert.deepEqual(translator.fail({ code: 'stream_failed', message: 'lost' }), [
      { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
      { type: 'RUN_ERROR', message: 'lost', code: 'stream_failed' },
    ]);
  });

  it('should ignore canonical event types it does not know', () => {
    assert.deepEqual(new AguiTranslator().translate({ type: 'future_event' } as unknown as RunEvent), []);
  });
});
