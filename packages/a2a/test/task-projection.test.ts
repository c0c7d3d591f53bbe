import assert from 'node:assert/strict';
import type { RunEvent, RunEventRecord } from '@agentway/agents';
import type { TaskStatusUpdateEvent } from '../src/a2a-types';
import { TaskProjection } from '../src/task-projection';

let offset = 0;
const record = (event: RunEvent): RunEventRecord => ({ offset: String(++offset), timestamp: Date.UTC(2026, 0, 1, 0, 0, offset), event });
const started = (input: unknown = { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'hi' }], metadata: { 'a2a.messageId': 'm-1' } }) =>
  record({ type: 'run_started', run_id: 'run_1', agent_name: 'a', thread_id: 'ctx', input: input as never, principal_id: 'p' });

describe('TaskProjection', () => {
  beforeEach(() => { offset = 0; });

  it('should only start from a run_started', () => {
    assert.equal(TaskProjection.start(record({ type: 'text_delta', message_id: 'x', delta: 'y' })), undefined);
    const task = TaskProjection.start(started())!;
    assert.deepEqual([task.taskId, task.contextId, task.agentName, task.principalId], ['run_1', 'ctx', 'a', 'p']);
    assert.deepEqual(task.toTask(), {
      id: 'run_1', contextId: 'ctx', status: { state: 'TASK_STATE_SUBMITTED', timestamp: '2026-01-01T00:00:02.000Z' },
      history: [{ messageId: 'm-1', role: 'ROLE_USER', parts: [{ text: 'hi' }], taskId: 'run_1', contextId: 'ctx' }],
    });
  });

  it('should report status changes and artifact chunks, closing an artifact at a tool step and reopening it with append', () => {
    const task = TaskProjection.start(started())!;
    const calls: unknown[] = [];
    const sink = {
      status: (u: TaskStatusUpdateEvent) => calls.push(['status', u.status.state, u.status.message?.parts[0]]),
      chunk: (id: string, text: string, append: boolean, last: boolean) => calls.push(['chunk', id, text, append, last]),
    };
    for (const event of [
      { type: 'text_delta', message_id: 'm1', delta: 'a' },
      { type: 'state', snapshot: { k: 1 } },
      { type: 'tool_call', tool_call_id: 'c1', name: 'f', arguments: '{}' },
      { type: 'text_delta', message_id: 'm1', delta: 'b' },
      { type: 'text_delta', message_id: 'm2', delta: 'c' },
      { type: 'run_completed', run_id: 'run_1', output: 'abc', finish_reason: 'stop' },
    ] as RunEvent[]) task.apply(record(event), sink);
    assert.deepEqual(calls, [
      ['status', 'TASK_STATE_WORKING', undefined],
      ['chunk', 'm1', 'a', false, false],
      ['chunk', 'm1', '', true, true],
      ['status', 'TASK_STATE_WORKING', { data: { type: 'tool_call', toolCallId: 'c1', name: 'f', arguments: '{}' }, mediaType: 'application/json' }],
      ['chunk', 'm1', 'b', true, false],
      ['chunk', 'm1', '', true, true],
      ['chunk', 'm2', 'c', false, false],
      ['chunk', 'm2', '', true, true],
      ['status', 'TASK_STATE_COMPLETED', undefined],
    ]);
    assert.deepEqual(task.toTask({ historyLength: 1 }).artifacts, [
      { artifactId: 'm1', name: 'response', parts: [{ text: 'ab' }] },
      { artifactId: 'm2', name: 'response', parts: [{ text: 'c' }] },
    ]);
    assert.equal(task.terminal, true);
  });

  it('should end CANCELED for a cancelled run and FAILED otherwise, saying why', () => {
    const canceled = TaskProjection.start(started())!;
    canceled.apply(record({ type: 'run_error', run_id: 'run_1', error: { code: 'cancelled', message: 'stop' } }));
    assert.deepEqual(canceled.status(), {
      state: 'TASK_STATE_CANCELED', timestamp: '2026-01-01T00:00:02.000Z',
      message: { messageId: 'run_1-2', role: 'ROLE_AGENT', parts: [{ text: 'stop' }], taskId: 'run_1', contextId: 'ctx' },
    });
    const failed = TaskProjection.start(started({ messages: [] }))!;
    failed.apply(record({ type: 'run_error', run_id: 'run_1', error: { code: 'timeout', message: 'too slow' } }));
    assert.equal(failed.state, 'TASK_STATE_FAILED');
    assert.equal(failed.toTask().history, undefined);
    assert.equal(failed.toTask({ includeArtifacts: true }).artifacts!.length, 0);
  });
});
