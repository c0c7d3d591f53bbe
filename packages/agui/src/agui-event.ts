import type { JsonPatchOperation, JsonValue } from '@agentway/agents';

/**
 * The AG-UI 1.0 events `aguiStream()` emits (a subset of the 31 types of `@ag-ui/core`, with the
 * same field names). Optional fields are omitted, never `null`: the official client rejects some nulls.
 */
export type AguiEvent =
  | { type: 'RUN_STARTED'; threadId: string; runId: string; metadata?: Record<string, JsonValue> }
  | { type: 'RUN_FINISHED'; threadId: string; runId: string; result?: JsonValue }
  | { type: 'RUN_ERROR'; message: string; code?: string }
  | { type: 'TEXT_MESSAGE_START'; messageId: string; role: 'assistant' }
  | { type: 'TEXT_MESSAGE_CONTENT'; messageId: string; delta: string }
  | { type: 'TEXT_MESSAGE_END'; messageId: string }
  | { type: 'TOOL_CALL_START'; toolCallId: string; toolCallName: string; parentMessageId?: string }
  | { type: 'TOOL_CALL_ARGS'; toolCallId: string; delta: string }
  | { type: 'TOOL_CALL_END'; toolCallId: string }
  | { type: 'TOOL_CALL_RESULT'; messageId: string; toolCallId: string; role: 'tool'; content: string }
  | { type: 'STATE_SNAPSHOT'; snapshot: JsonValue }
  | { type: 'STATE_DELTA'; delta: JsonPatchOperation[] };

/** The dialects a stream can speak: official AG-UI 1.0 events, or the simple named SSE events. */
export type AguiDialect = 'official' | 'simple';
