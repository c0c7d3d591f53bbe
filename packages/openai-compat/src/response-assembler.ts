import type { JsonValue, RunErrorInfo, Usage } from '@agentway/agents';

interface OutputText { type: 'output_text'; text: string; annotations: never[]; logprobs: never[] }
interface MessageItem { id: string; type: 'message'; role: 'assistant'; status: 'in_progress' | 'completed'; content: OutputText[] }
interface FunctionCallItem { id: string; type: 'function_call'; call_id: string; name: string; arguments: string; status: 'in_progress' | 'completed' }
type OutputItem = MessageItem | FunctionCallItem;

/**
 * Builds a Responses API `response` from a run's events: text becomes `message` items (a new one
 * whenever the run starts a new message, e.g. after a tool step), calls to the client's tools
 * become `function_call` items. When streaming, it also writes the event frames in the order the
 * SDK's `responses.stream()` accumulator requires (`response.created` first, then each item's
 * added → deltas → done, then `response.completed`); `take()` hands them out.
 */
export class ResponseAssembler {
  private readonly output: OutputItem[] = [];
  private open: { item: MessageItem; messageId: string; index: number; text: OutputText } | undefined;
  private sequence = 0;
  private frames = '';

  constructor(
    private readonly id: string,
    private readonly model: string,
    private readonly echo: Readonly<Record<string, JsonValue>>,
    private readonly streaming: boolean,
    private readonly createdAt = Math.floor(Date.now() / 1000),
  ) {}

  /** `response.created` and `response.in_progress`. */
  start(): void {
    const response = this.response('in_progress', null);
    this.emit('response.created', { response });
    this.emit('response.in_progress', { response });
  }

  /** A text piece of the run message `messageId`. */
  text(messageId: string, delta: string): void {
    if (this.open?.messageId !== messageId) this.openMessage(messageId);
    const open = this.open!;
    open.text.text += delta;
    if (this.streaming) {
      this.frames += `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${this.sequence++},"item_id":"${open.item.id}","output_index":${open.index},"content_index":0,"delta":${JSON.stringify(delta)},"logprobs":[]}\n\n`;
    }
  }

  /** A call to one of the client's tools. */
  toolCall(callId: string, name: string, args: string): void {
    this.closeMessage();
    const index = this.output.length;
    const item: FunctionCallItem = { id: `fc_${this.id.slice(5)}_${index}`, type: 'function_call', call_id: callId, name, arguments: '', status: 'in_progress' };
    this.output.push(item);
    this.emit('response.output_item.added', { output_index: index, item });
    this.emit('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: args });
    item.arguments = args;
    item.status = 'completed';
    this.emit('response.function_call_arguments.done', { item_id: item.id, output_index: index, name, arguments: args });
    this.emit('response.output_item.done', { output_index: index, item });
  }

  /** The run completed: the final response (`incomplete` when cut at `max_output_tokens`), and its event. */
  complete(finishReason: string, usage: Usage): Record<string, unknown> {
    this.closeMessage();
    const length = finishReason === 'length';
    const response = this.response(length ? 'incomplete' : 'completed', responseUsage(usage),
      length ? { reason: 'max_output_tokens' } : null);
    this.emit(length ? 'response.incomplete' : 'response.completed', { response });
    return response;
  }

  /** The run failed after the stream started: an `error` event, then `response.failed`. */
  fail(error: { code: string; message: string }, info: RunErrorInfo | undefined): void {
    this.emit('error', { code: error.code, message: error.message, param: null });
    const response = this.response('failed', null, null, { code: 'server_error', message: info?.message ?? error.message });
    this.emit('response.failed', { response });
  }

  /** The frames written since the last call. */
  take(): string {
    const frames = this.frames;
    this.frames = '';
    return frames;
  }

  private openMessage(messageId: string): void {
    this.closeMessage();
    const index = this.output.length;
    const item: MessageItem = { id: `msg_${this.id.slice(5)}_${index}`, type: 'message', role: 'assistant', status: 'in_progress', content: [] };
    this.output.push(item);
    this.emit('response.output_item.added', { output_index: index, item });
    const text: OutputText = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    this.emit('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: text });
    item.content.push(text);
    this.open = { item, messageId, index, text };
  }

  private closeMessage(): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const { item, index, text } = open;
    item.status = 'completed';
    this.emit('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text: text.text, logprobs: [] });
    this.emit('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part: text });
    this.emit('response.output_item.done', { output_index: index, item });
  }

  private emit(type: string, fields: Record<string, unknown>): void {
    if (!this.streaming) return;
    this.frames += `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.sequence++, ...fields })}\n\n`;
  }

  private response(status: string, usage: unknown, incomplete: unknown = null, error: unknown = null): Record<string, unknown> {
    return {
      id: this.id, object: 'response', created_at: this.createdAt, status, background: false, error, incomplete_details: incomplete,
      model: this.model, output: status === 'in_progress' ? [] : this.output, previous_response_id: null,
      reasoning: { effort: null, summary: null }, service_tier: 'default', store: false,
      text: { format: { type: 'text' } }, truncation: 'disabled', usage, user: null, ...this.echo,
    };
  }
}

function responseUsage(usage: Usage) {
  return {
    input_tokens: usage.prompt_tokens, input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.completion_tokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.total_tokens,
  };
}
