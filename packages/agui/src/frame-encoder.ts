import { isTerminal, type RunErrorInfo, type RunEventRecord } from '@agentway/agents';
import type { AguiDialect } from './agui-event';
import { AguiTranslator, type EchoIds } from './agui-translator';
import { simpleEvent } from './simple-dialect';

/** The `RUN_ERROR` of a stream whose reading failed after its headers. */
export const STREAM_FAILED = Object.freeze({ code: 'stream_failed', message: "the run's event stream failed" });
/** The `RUN_ERROR` of a stream whose events stopped before the run's terminal event. */
export const STREAM_ENDED = Object.freeze({ code: 'stream_ended', message: "the run's event stream ended before the run did" });

/**
 * Turns one stream's records into SSE bytes. Each canonical record becomes zero or more frames;
 * the last carries `id: <record offset>` (the `Last-Event-ID` to resume after it). Frames are
 * LF-only (`@ag-ui/client` splits on "\n\n" and fails on CRLF), one `data:` line of JSON each.
 */
export interface FrameEncoder {
  /** The frames of one record ('' when it maps to nothing, or after the end). */
  encode(record: RunEventRecord): string;
  /** The terminal error frame when the stream fails after its headers ('' once ended). */
  fail(error: RunErrorInfo): string;
  /** True once the terminal frame was produced: nothing may follow it. */
  readonly ended: boolean;
}

/** A frame encoder for one stream in `dialect`; `echo` sets the ids `RUN_STARTED` / `RUN_FINISHED` answer with. */
export function createFrameEncoder(dialect: AguiDialect, echo?: EchoIds): FrameEncoder {
  return dialect === 'simple' ? new SimpleEncoder() : new OfficialEncoder(new AguiTranslator(echo));
}

class OfficialEncoder implements FrameEncoder {
  /** `data: {"type":"TEXT_MESSAGE_CONTENT","messageId":<id>,"delta":` for the open message, built once per message. */
  private contentPrefix = '';
  private prefixFor: string | undefined;

  constructor(private readonly translator: AguiTranslator) {}

  get ended(): boolean {
    return this.translator.ended;
  }

  encode(record: RunEventRecord): string {
    const event = record.event;
    // The hot path, once per token: a delta for the open message is one CONTENT frame, the same
    // bytes JSON.stringify gives the event object, without building it.
    if (event.type === 'text_delta' && event.delta !== '' && event.message_id === this.translator.openMessage && !this.translator.ended) {
      if (this.prefixFor !== event.message_id) {
        this.prefixFor = event.message_id;
        this.contentPrefix = `data: {"type":"TEXT_MESSAGE_CONTENT","messageId":${JSON.stringify(event.message_id)},"delta":`;
      }
      return `id: ${record.offset}\n${this.contentPrefix}${JSON.stringify(event.delta)}}\n\n`;
    }
    const events = this.translator.translate(event);
    const last = events.length - 1;
    let frames = '';
    for (let i = 0; i < last; i++) frames += `data: ${JSON.stringify(events[i])}\n\n`;
    return last < 0 ? '' : `${frames}id: ${record.offset}\ndata: ${JSON.stringify(events[last])}\n\n`;
  }

  fail(error: RunErrorInfo): string {
    let frames = '';
    for (const event of this.translator.fail(error)) frames += `data: ${JSON.stringify(event)}\n\n`;
    return frames;
  }
}

class SimpleEncoder implements FrameEncoder {
  private done = false;

  get ended(): boolean {
    return this.done;
  }

  encode(record: RunEventRecord): string {
    if (this.done) return '';
    if (record.event.type === 'text_delta' && record.event.delta !== '') {
      return `event: text_delta\nid: ${record.offset}\ndata: {"delta":${JSON.stringify(record.event.delta)}}\n\n`;
    }
    const event = simpleEvent(record.event);
    if (!event) return '';
    if (isTerminal(record.event)) this.done = true;
    return `event: ${event.name}\nid: ${record.offset}\ndata: ${JSON.stringify(event.data)}\n\n`;
  }

  fail(error: RunErrorInfo): string {
    if (this.done) return '';
    this.done = true;
    return `event: run_error\ndata: ${JSON.stringify({ error: { message: error.message, code: error.code } })}\n\n`;
  }
}
