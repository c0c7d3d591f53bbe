import { randomUUID } from 'node:crypto';
import type { AgentOutput } from './agent';
import type { FinishReason, JsonValue, RunEvent, Usage } from './run-event';

/**
 * Turns what an agent yields into canonical run events: gives text its message ids (a new message
 * after each tool step), gives tool calls ids, matches tool results to calls by id or by name
 * (oldest open call first), and keeps what `run_completed` reports.
 */
export class RunEventBuilder {
  private output = '';
  private messageId: string | undefined;
  private usage: Usage | undefined;
  private finish: 'stop' | 'length' = 'stop';
  private readonly openCalls = new Map<string, string>(); // tool_call_id → name

  constructor(private readonly runId: string) {}

  /** The events for one output (none for an empty text piece or a usage report). */
  accept(out: AgentOutput): RunEvent | undefined {
    if (typeof out === 'string') return this.text(out);
    if (typeof out !== 'object' || out === null) throw new TypeError(`an agent yielded ${typeof out}; expected a string or an event object`);
    switch (out.type) {
      case 'text':
        return this.text(out.delta);
      case 'tool_call': {
        this.messageId = undefined;
        const id = out.id ?? `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
        this.openCalls.set(id, out.name);
        const args = typeof out.arguments === 'string' ? out.arguments : JSON.stringify(out.arguments ?? {});
        return { type: 'tool_call', tool_call_id: id, name: out.name, arguments: args };
      }
      case 'tool_result': {
        this.messageId = undefined;
        const id = out.toolCallId ?? this.oldestCall(out.name);
        if (id === undefined) throw new TypeError(`an agent yielded a tool_result for "${out.name}" with no open tool call to answer`);
        const name = this.openCalls.get(id) ?? out.name ?? 'unknown';
        this.openCalls.delete(id);
        return { type: 'tool_result', tool_call_id: id, name, result: toJson(out.result) };
      }
      case 'state':
        return 'snapshot' in out ? { type: 'state', snapshot: out.snapshot } : { type: 'state', delta: out.delta };
      case 'usage':
        this.usage = {
          prompt_tokens: out.promptTokens,
          completion_tokens: out.completionTokens,
          total_tokens: out.promptTokens + out.completionTokens,
        };
        return undefined;
      case 'finish':
        this.finish = out.reason;
        return undefined;
      default:
        throw new TypeError(`an agent yielded an unknown event type ${JSON.stringify((out as { type: unknown }).type)}`);
    }
  }

  completed(): RunEvent {
    const finishReason: FinishReason = this.finish === 'length' ? 'length' : this.openCalls.size > 0 ? 'tool_calls' : 'stop';
    return {
      type: 'run_completed',
      run_id: this.runId,
      output: flat(this.output),
      finish_reason: finishReason,
      ...(this.usage && { usage: this.usage }),
    };
  }

  private text(delta: unknown): RunEvent | undefined {
    if (typeof delta !== 'string') throw new TypeError(`an agent yielded text that is not a string (${typeof delta})`);
    if (delta === '') return undefined;
    this.messageId ??= flat(`msg_${randomUUID()}`);
    this.output += delta;
    return { type: 'text_delta', message_id: this.messageId, delta };
  }

  private oldestCall(name: string | undefined): string | undefined {
    for (const [id, callName] of this.openCalls) if (name === undefined || callName === name) return id;
    return undefined;
  }
}

/** The string flattened in place (built piece by piece, it is a rope that every reader would walk). */
function flat(text: string): string {
  void ((text as unknown as number) | 0);
  return text;
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}
