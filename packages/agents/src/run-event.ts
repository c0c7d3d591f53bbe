export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: JsonValue;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * The canonical events of a run (DESIGN.md §3), published in order on topic `runs.<runId>`.
 * Every protocol is a view of this stream. `run_started.principal_id` is the id of whoever started the
 * run (when auth was on), so that any instance can refuse to show the run to someone else. A run ends with exactly one terminal event
 * (`run_completed` or `run_error`); a reader stops at the first one it sees.
 */
export type RunEvent =
  | { type: 'run_started'; run_id: string; agent_name: string; thread_id: string; input: JsonValue; principal_id?: string }
  | { type: 'text_delta'; message_id: string; delta: string }
  | { type: 'tool_call'; tool_call_id: string; name: string; arguments: string }
  | { type: 'tool_result'; tool_call_id: string; name: string; result: JsonValue }
  | { type: 'state'; snapshot: JsonValue }
  | { type: 'state'; delta: JsonPatchOperation[] }
  | { type: 'run_completed'; run_id: string; output: string; finish_reason: FinishReason; usage?: Usage }
  | { type: 'run_error'; run_id: string; error: RunErrorInfo };

export type FinishReason = 'stop' | 'length' | 'tool_calls';

/**
 * Why a run failed. `code` is one of `agent_error` (the agent threw), `cancelled`, `timeout`,
 * `worker_lost` (the worker running it died), `worker_shutdown`, `publish_failed`, or an agent's own.
 */
export interface RunErrorInfo {
  message: string;
  code: string;
}

export type TerminalRunEvent = Extract<RunEvent, { type: 'run_completed' | 'run_error' }>;

export function isTerminal(event: RunEvent): event is TerminalRunEvent {
  return event.type === 'run_completed' || event.type === 'run_error';
}

/** A run event as read from the broker: the event and its record offset (the resume point). */
export interface RunEventRecord {
  readonly offset: string;
  readonly timestamp: number;
  readonly event: RunEvent;
}
