import assert from 'node:assert/strict';
import type { RunEvent } from '@agentway/agents';
import { simpleEvent } from '@agentway/agui';

describe('simpleEvent()', () => {
  it('should map every canonical event to its named simple event', () => {
    const events: RunEvent[] = [
      { type: 'run_started', run_id: 'r1', agent_name: 'clock', thread_id: 't1', input: { messages: [] }, principal_id: 'alice' },
      { type: 'text_delta', message_id: 'm1', delta: 'Hi' },
      { type: 'tool_call', tool_call_id: 'c1', name: 'get_time', arguments: '{"timezone":"UTC"}' },
      { type: 'tool_result', tool_call_id: 'c1', name: 'get_time', result: { iso: '2030-01-01T00:00:00Z' } },
      { type: 'state', snapshot: { n: 1 } },
      { type: 'state', delta: [{ op: 'add', path: '/m', value: 2 }] },
      { type: 'run_completed', run_id: 'r1', output: 'Hi', finish_reason: 'stop', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
      { type: 'run_error', run_id: 'r1', error: { code: 'timeout', message: 'too slow' } },
    ];
    assert.deepEqual(events.map(simpleEvent), [
      { name: 'run_started', data: { run_id: 'r1', agent_name: 'clock', thread_id: 't1' } },
      { name: 'text_delta', data: { delta: 'Hi' } },
      { name: 'tool_call', data: { tool_call_id: 'c1', name: 'get_time', arguments: '{"timezone":"UTC"}' } },
      { name: 'tool_result', data: { tool_call_id: 'c1', name: 'get_time', result: { iso: '2030-01-01T00:00:00Z' } } },
      { name: 'state', data: { snapshot: { n: 1 } } },
      { name: 'state', data: { delta: [{ op: 'add', path: '/m', value: 2 }] } },
      { name: 'run_completed', data: { run_id: 'r1', output: 'Hi' } },
      { name: 'run_error', data: { error: { message: 'too slow', code: 'timeout' } } },
    ]);
  });

  it('should drop empty deltas and unknown events', () => {
    assert.equal(simpleEvent({ type: 'text_delta', message_id: 'm1', delta: '' }), undefined);
    assert.equal(simpleEvent({ type: 'later' } as unknown as RunEvent), undefined);
  });
});
