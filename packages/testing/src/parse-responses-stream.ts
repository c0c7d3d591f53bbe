import { eventData, invalidStream, streamEvents, type StreamBody } from './stream-body';

/** A text part of a message item. */
export interface ResponseOutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
}

/** An item of a response's `output`: a message, or a call to one of the client's functions. */
export type ResponseOutputItem =
  | { id: string; type: 'message'; role: 'assistant'; status: 'in_progress' | 'completed' | 'incomplete'; content: ResponseOutputText[] }
  | { id: string; type: 'function_call'; call_id: string; name: string; arguments: string; status: 'in_progress' | 'completed' | 'incomplete' };

/** A `response` object (the fields a test reads; the others are kept as sent). */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  model: string;
  output: ResponseOutputItem[];
  usage: { input_tokens: number; output_tokens: number; total_tokens: number; [field: string]: unknown } | null;
  [field: string]: unknown;
}

type Lifecycle = 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed';
type InPart = { sequence_number: number; item_id: string; output_index: number; content_index: number };
type InItem = { sequence_number: number; item_id: string; output_index: number };

/** The events of a streamed response that `openaiCompat()` sends, in the SDK's shapes. */
export type ResponsesStreamEvent =
  | { type: Lifecycle; sequence_number: number; response: ResponseObject }
  | { type: 'response.output_item.added' | 'response.output_item.done'; sequence_number: number; output_index: number; item: ResponseOutputItem }
  | ({ type: 'response.content_part.added' | 'response.content_part.done'; part: ResponseOutputText } & InPart)
  | ({ type: 'response.output_text.delta'; delta: string; logprobs?: unknown[] } & InPart)
  | ({ type: 'response.output_text.done'; text: string; logprobs?: unknown[] } & InPart)
  | ({ type: 'response.function_call_arguments.delta'; delta: string } & InItem)
  | ({ type: 'response.function_call_arguments.done'; name?: string; arguments: string } & InItem)
  | { type: 'error'; sequence_number: number; code: string | null; message: string; param: string | null };

/** A function call of the response, as the client runs it. */
export interface ResponseFunctionCall {
  callId: string;
  name: string;
  arguments: string;
}

/** A streamed response: its events, and what they add up to. */
export interface ParsedResponsesStream {
  readonly events: ResponsesStreamEvent[];
  /** The `response` of the last lifecycle event: `completed`, `incomplete` or `failed` at the end of a whole stream. */
  readonly response: ResponseObject | null;
  /** The `output_text` deltas joined. */
  readonly text: string;
  /** The `function_call` items, once done. */
  readonly functionCalls: ResponseFunctionCall[];
  /** The `error` event (a run that failed after the stream started), or `null`. */
  readonly error: { code: string | null; message: string; param: string | null } | null;
}

const STREAM = 'Responses';
const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const KNOWN = new Set([
  'response.created', 'response.in_progress', ...TERMINAL, 'response.output_item.added', 'response.output_item.done',
  'response.content_part.added', 'response.content_part.done', 'response.output_text.delta', 'response.output_text.done',
  'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'error',
]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a streamed response (`POST /v1/responses` with `stream: true`) into its typed events and
 * their outcome. Each event must be one `openaiCompat()` sends, with an `event:` name equal to its
 * `type` and a `sequence_number`, and nothing may follow `response.completed`, `.incomplete` or
 * `.failed`; otherwise `ERR_TESTING_INVALID_STREAM` names the event.
 *
 * ```ts
 * const { text, response } = parseResponsesStream(await readStream(request(app).post('/v1/responses').send(body)));
 * assert.equal(response?.status, 'completed');
 * ```
 */
export function parseResponsesStream(body: StreamBody): ParsedResponsesStream {
  const events: ResponsesStreamEvent[] = [];
  const functionCalls: ResponseFunctionCall[] = [];
  let response: ResponseObject | null = null;
  let text = '';
  let error: ParsedResponsesStream['error'] = null;
  let endedBy: string | undefined;
  for (const [i, sse] of streamEvents(body, 'parseResponsesStream').entries()) {
    if (endedBy) throw invalidStream(STREAM, i, `an event after ${endedBy}`);
    const data = eventData(sse, i, STREAM);
    if (!isObject(data) || typeof data.type !== 'string' || !KNOWN.has(data.type)) {
      throw invalidStream(STREAM, i, `not an event openaiCompat() sends: ${isObject(data) ? JSON.stringify(data.type) : typeof data}`);
    }
    if (sse.event !== data.type) throw invalidStream(STREAM, i, `its "event:" name ${JSON.stringify(sse.event ?? 'message')} is not its type ${JSON.stringify(data.type)}`);
    if (typeof data.sequence_number !== 'number') throw invalidStream(STREAM, i, 'no numeric "sequence_number"');
    const event = data as ResponsesStreamEvent;
    events.push(event);
    if ('response' in event) {
      response = event.response;
      if (TERMINAL.has(event.type)) endedBy = event.type;
    } else if (event.type === 'response.output_text.delta') {
      text += event.delta;
    } else if (event.type === 'response.output_item.done' && event.item.type === 'function_call') {
      functionCalls.push({ callId: event.item.call_id, name: event.item.name, arguments: event.item.arguments });
    } else if (event.type === 'error') {
      error = { code: event.code, message: event.message, param: event.param };
    }
  }
  return { events, response, text, functionCalls, error };
}
