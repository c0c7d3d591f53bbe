import type { RunErrorInfo, RunEvent } from '@agentway/agents';
import type { AguiEvent } from './agui-event';

/** The ids `RUN_STARTED` / `RUN_FINISHED` echo: the client's own, when it sent a RunAgentInput. */
export interface EchoIds {
  readonly threadId: string;
  readonly runId: string;
}

/**
 * Translates one run's canonical events into AG-UI 1.0 events, for one stream: a pure state
 * machine that keeps what the official client checks — the open text message (closed before a
 * tool call, a result and the end), the last assistant message (a tool call's parent), whether
 * any text was streamed, and whether the run has ended (nothing follows `RUN_FINISHED` or
 * `RUN_ERROR`). The canonical events carry the message and tool-call ids; they are used as is, so
 * two streams of the same run see the same ids.
 */
export class AguiTranslator {
  private openMessageId: string | undefined;
  private lastMessageId: string | undefined;
  private echo: EchoIds | undefined;
  private streamedText = false;
  private done = false;

  /** `echo`: the ids to answer with (default: the run's own, from `run_started`). */
  constructor(echo?: EchoIds) {
    this.echo = echo;
  }

  /** The id of the text message open now, if any (a delta for it only adds `TEXT_MESSAGE_CONTENT`). */
  get openMessage(): string | undefined {
    return this.openMessageId;
  }

  /** True once a terminal event (`RUN_FINISHED` or `RUN_ERROR`) was emitted. */
  get ended(): boolean {
    return this.done;
  }

  /** The AG-UI events for one canonical event (none for an empty delta or after the end). */
  translate(event: RunEvent): AguiEvent[] {
    if (this.done) return [];
    switch (event.type) {
      case 'run_started': {
        const echo = this.echo ??= { threadId: event.thread_id, runId: event.run_id };
        const metadata: Record<string, string> = { agentName: event.agent_name };
        if (echo.runId !== event.run_id) metadata.agentwayRunId = event.run_id;
        if (echo.threadId !== event.thread_id) metadata.agentwayThreadId = event.thread_id;
        return [{ type: 'RUN_STARTED', threadId: echo.threadId, runId: echo.runId, metadata }];
      }
      case 'text_delta': {
        if (event.delta === '') return [];
        const out: AguiEvent[] = [];
        if (this.openMessageId !== event.message_id) {
          this.closeText(out);
          out.push({ type: 'TEXT_MESSAGE_START', messageId: event.message_id, role: 'assistant' });
          this.openMessageId = this.lastMessageId = event.message_id;
          this.streamedText = true;
        }
        out.push({ type: 'TEXT_MESSAGE_CONTENT', messageId: event.message_id, delta: event.delta });
        return out;
      }
      case 'tool_call': {
        const out: AguiEvent[] = [];
        this.closeText(out);
        const toolCallId = event.tool_call_id;
        out.push(this.lastMessageId === undefined
          ? { type: 'TOOL_CALL_START', toolCallId, toolCallName: event.name }
          : { type: 'TOOL_CALL_START', toolCallId, toolCallName: event.name, parentMessageId: this.lastMessageId });
        if (event.arguments !== '') out.push({ type: 'TOOL_CALL_ARGS', toolCallId, delta: event.arguments });
        out.push({ type: 'TOOL_CALL_END', toolCallId });
        return out;
      }
      case 'tool_result': {
        const out: AguiEvent[] = [];
        this.closeText(out);
        const content = typeof event.result === 'string' ? event.result : JSON.stringify(event.result);
        out.push({ type: 'TOOL_CALL_RESULT', messageId: `${event.tool_call_id}-result`, toolCallId: event.tool_call_id, role: 'tool', content });
        return out;
      }
      case 'state':
        return 'snapshot' in event ? [{ type: 'STATE_SNAPSHOT', snapshot: event.snapshot }] : [{ type: 'STATE_DELTA', delta: event.delta }];
      case 'run_completed': {
        const out: AguiEvent[] = [];
        this.closeText(out);
        if (!this.streamedText && event.output !== '') {
          // The answer never came as deltas (a worker that reports only its output): send it whole.
          const messageId = `${event.run_id}-output`;
          out.push({ type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' },
            { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: event.output }, { type: 'TEXT_MESSAGE_END', messageId });
        }
        const echo = this.echo ?? { threadId: '', runId: event.run_id };
        out.push({ type: 'RUN_FINISHED', threadId: echo.threadId, runId: echo.runId, result: event.output });
        this.done = true;
        return out;
      }
      case 'run_error':
        return this.fail(event.error);
      default:
        return [];
    }
  }

  /** Ends the stream with `RUN_ERROR` (an agent failure, or the stream itself failing); nothing follows it. */
  fail(error: RunErrorInfo): AguiEvent[] {
    if (this.done) return [];
    const out: AguiEvent[] = [];
    this.closeText(out);
    out.push({ type: 'RUN_ERROR', message: error.message, code: error.code });
    this.done = true;
    return out;
  }

  private closeText(out: AguiEvent[]): void {
    if (this.openMessageId === undefined) return;
    out.push({ type: 'TEXT_MESSAGE_END', messageId: this.openMessageId });
    this.openMessageId = undefined;
  }
}
