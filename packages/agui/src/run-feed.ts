import type { Response } from 'express';
import type { Runtime } from '@agentway/agents';
import { AguiError } from './agui-error';
import type { AguiDialect } from './agui-event';
import { SseWriter } from '@agentway/sse';
import { createFrameEncoder, STREAM_ENDED, STREAM_FAILED, type FrameEncoder } from './frame-encoder';
import { SHUTTING_DOWN, type OpenStreams } from './open-streams';
import type { SseTiming } from './options';

/** Where a stream starts in a feed: at a record index, or nowhere (it asked to resume after the run's last event). */
export type FeedStart = number | 'ended';

/**
 * One run in one dialect on this instance, read once from the broker and shared by every
 * `GET /agui/ws` stream of it: each record is translated and framed once, and each tick's new
 * frames are encoded once into a Buffer that every up-to-date stream is given. The frames are kept
 * while anyone watches, so a stream is only a cursor into them: one that resumes, joins late or
 * cannot keep up (its socket is full) catches up from them, and never holds the others back.
 * The feed stops reading, and forgets its frames, when its last stream leaves; the router's
 * `close()` ends it, every stream getting what it had not had and `RUN_ERROR` `server_shutting_down`.
 */
export class RunFeed {
  private readonly offsets = new Map<string, number>();
  private readonly chunks: string[] = [];
  private readonly readers = new Set<FeedReader>();
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  private delivered = 0;
  private scheduled = false;
  private pending = 0;
  private terminalIndex = -1;
  private ended = false;
  private closed = false;
  private failure: unknown;
  private readonly encoder: FrameEncoder;

  constructor(runtime: Runtime, private readonly runId: string, dialect: AguiDialect, private readonly streams: OpenStreams,
    private readonly onIdle: () => void) {
    this.encoder = createFrameEncoder(dialect);
    void this.read(runtime);
  }

  private async read(runtime: Runtime): Promise<void> {
    const encoder = this.encoder;
    try {
      for await (const record of runtime.events(this.runId, { signal: this.controller.signal })) {
        this.offsets.set(record.offset, this.chunks.length);
        this.chunks.push(encoder.encode(record));
        if (encoder.ended) this.terminalIndex = this.chunks.length - 1;
        this.changed();
      }
      if (!encoder.ended) this.chunks.push(encoder.fail(STREAM_ENDED));
    } catch (err) {
      // Requests still locating their start are refused with it; streams already attached end with RUN_ERROR.
      if (this.chunks.length === 0) this.failure = err;
      this.chunks.push(encoder.fail(STREAM_FAILED));
    }
    this.ended = true;
    this.changed();
  }

  /**
   * Where a stream resuming after `lastEventId` starts (0 without one). Waits until the feed has
   * read that far; a 400 when the run's newest offset at the request (`newestOffset`) or its end
   * came first — it is not an offset of this run.
   */
  async locate(lastEventId: string | undefined, newestOffset: string | undefined): Promise<FeedStart> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      if (lastEventId === undefined) return 0;
      const index = this.offsets.get(lastEventId);
      if (index !== undefined) return index === this.terminalIndex ? 'ended' : index + 1;
      if (this.ended || (newestOffset !== undefined && this.offsets.has(newestOffset))) {
        throw new AguiError(400, 'ERR_AGUI_INVALID_LAST_EVENT_ID', `Last-Event-ID ${JSON.stringify(lastEventId)} is not an event of run "${this.runId}"`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Streams the feed to `res` from record `start`: what is there now, then live until the run ends. */
  attach(res: Response, start: number, timing: SseTiming): void {
    const reader: FeedReader = { cursor: start, sse: new SseWriter(res, { ...timing, onClose: () => this.detach(reader), protocol: 'agui' }) };
    this.readers.add(reader);
    this.streams.add(res, this.shutdown);
    this.catchUp(reader);
  }

  /** Counts a request about to attach: the feed stays while it locates its start. */
  retain(): this {
    this.pending++;
    return this;
  }

  /** The end of `retain()`: stops reading when nobody watches (nor is about to) any more. */
  release(): void {
    this.pending--;
    this.closeIfIdle();
  }

  /** The router is closing: the feed ends with `RUN_ERROR` `server_shutting_down`, which every stream gets after what it had not had. */
  private readonly shutdown = (): void => {
    if (this.ended) return;
    this.chunks.push(this.encoder.fail(SHUTTING_DOWN));
    this.ended = true;
    this.controller.abort(SHUTTING_DOWN);
    this.changed();
  };

  private detach(reader: FeedReader): void {
    this.readers.delete(reader);
    this.closeIfIdle();
  }

  private closeIfIdle(): void {
    if (this.readers.size > 0 || this.pending > 0 || this.closed) return;
    this.closed = true;
    this.controller.abort(NOBODY_WATCHES);
    this.onIdle();
  }

  private changed(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => this.deliver());
  }

  /** Once per tick: the new frames, as one Buffer, to every stream that was up to date; the others catch up. */
  private deliver(): void {
    this.scheduled = false;
    const from = this.delivered;
    const to = this.chunks.length;
    this.delivered = to;
    const text = from < to ? this.chunks.slice(from, to).join('') : '';
    const batch = text === '' ? undefined : Buffer.from(text);
    for (const reader of this.readers) {
      if (reader.cursor === from && !reader.sse.full) {
        reader.cursor = to;
        if (batch) reader.sse.send(batch);
        if (this.ended) reader.sse.end();
      } else {
        this.catchUp(reader);
      }
    }
  }

  /** Writes what `reader` has not had yet, unless its socket is full (then again once it drains). */
  private catchUp(reader: FeedReader): void {
    if (reader.sse.closed || reader.waiting) return;
    if (reader.sse.full) {
      reader.waiting = true;
      void reader.sse.drained().then(() => {
        reader.waiting = false;
        this.catchUp(reader);
      });
      return;
    }
    const to = this.chunks.length;
    if (reader.cursor < to) reader.sse.write(this.chunks.slice(reader.cursor, to).join(''));
    reader.cursor = to;
    if (this.ended && to === this.delivered) reader.sse.end();
  }
}

interface FeedReader {
  cursor: number;
  readonly sse: SseWriter;
  waiting?: boolean;
}

const NOBODY_WATCHES = Object.freeze(new Error('nobody watches the run here any more'));
