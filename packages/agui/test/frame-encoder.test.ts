import assert from 'node:assert/strict';
import type { RunEvent, RunEventRecord } from '@agentway/agents';
import { AguiTranslator, simpleEvent } from '@agentway/agui';
import { parseSse } from '@agentway/testing';
import { createFrameEncoder } from '../src/frame-encoder';

const tricky = ['say "hi"', '\n', 'line\r\nbreak', '\u2028', 'é😀', '\\', '</script>', '', 'data: x\n\n'];
const events: RunEvent[] = [
  { type: 'run_started', run_id: 'r1', agent_name: 'a', thread_id: 't1', input: { messages: [] } },
  ...tricky.map((delta): RunEvent => ({ type: 'text_delta', message_id: 'm"1', delta })),
  { type: 'tool_call', tool_call_id: 'c1', name: 'f', arguments: '{"q":"\\n"}' },
  { type: 'text_delta', message_id: 'm2', delta: 'after' },
  { type: 'run_completed', run_id: 'r1', output: tricky.join('') + 'after', finish_reason: 'stop' },
];
const records: RunEventRecord[] = events.map((event, i) => ({ offset: `1-${i}`, timestamp: 0, event }));

describe('createFrameEncoder()', () => {
  it('should frame every official event as one LF-only data: line of exactly JSON.stringify(event)', () => {
    const encoder = createFrameEncoder('official');
    const body = records.map((r) => encoder.encode(r)).join('');
    const translator = new AguiTranslator();
    const expected = records.flatMap((r) => translator.translate(r.event));
    assert.equal(body.includes('\r'), false);
    const parsed = parseSse(body).events;
    assert.deepEqual(parsed.map((e) => e.data), expected.map((e) => JSON.stringify(e)));
    // The last frame of each record carries its offset (empty deltas make none).
    assert.deepEqual(body.match(/^id: .*$/gm), records.filter((r) => !(r.event.type === 'text_delta' && r.event.delta === '')).map((r) => `id: ${r.offset}`));
    assert.equal(encoder.ended, true);
    assert.equal(encoder.encode(records[1]!), '');
    assert.equal(encoder.fail({ code: 'x', message: 'late' }), '');
  });

  it('should frame the simple dialect as named events of exactly JSON.stringify(data)', () => {
    const encoder = createFrameEncoder('simple');
    const parsed = parseSse(records.map((r) => encoder.encode(r)).join('')).events;
    const expected = events.map(simpleEvent).filter((e) => e !== undefined);
    assert.deepEqual(parsed.map((e) => [e.event, e.data]), expected.map((e) => [e!.name, JSON.stringify(e!.data)]));
    assert.equal(encoder.ended, true);
  });

  it('should end a failing stream with one error frame and nothing after it', () => {
    for (const dialect of ['official', 'simple'] as const) {
      const encoder = createFrameEncoder(dialect);
      encoder.encode(records[0]!);
      const failed = encoder.fail({ code: 'stream_failed', message: 'lost' });
      assert.equal(failed, dialect === 'official'
        ? 'data: {"type":"RUN_ERROR","message":"lost","code":"stream_failed"}\n\n'
        : 'event: run_error\ndata: {"error":{"message":"lost","code":"stream_failed"}}\n\n');
      assert.equal(encoder.encode(records[1]!), '');
      assert.equal(encoder.fail({ code: 'x', message: 'again' }), '');
    }
  });
});
