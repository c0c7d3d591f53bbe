import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { channels } from '@agentway/observability';
import { HEARTBEAT_FRAME, SSE_HEADERS } from './sse-frame';

export interface SseWriterOptions {
  /** Send a comment after this many ms without a write (0: never). Default 15 000. */
  heartbeat?: number;
  /** Headers sent with the SSE headers (`x-request-id`, …). */
  headers?: OutgoingHttpHeaders;
  /** A `retry:` hint (ms) sent first: how long an EventSource waits before reconnecting. */
  retry?: number;
  /** Called once when the response closes: the client left, or `end()` finished it (see `ended`). */
  onClose?: () => void;
  /** The label of the `agentway:sse:open` / `agentway:sse:close` diagnostics events (`openai`, `agui`, `a2a`…). Default `sse`. */
  protocol?: string;
}

/** Past this many queued characters a write goes out at once instead of at the end of the tick. */
const MAX_PENDING = 64 * 1024;

/**
 * One Server-Sent Events response. The frames written within one tick go out together in one
 * `res.write()` at the end of it (a run's events often come several per tick; 100 writes cost
 * 2.3× one) — coalesced, never delayed by a timer. Each write is flushed through `compression()`
 * when it is mounted. `full` and `drained()` surface back-pressure; a heartbeat comment goes out
 * after `heartbeat` ms of silence; the response's `close` (never the request's) ends it, and
 * writes after that are dropped. While someone subscribes to them, its opening and closing are
 * published on `agentway:sse:open` / `agentway:sse:close` (see `@agentway/observability`).
 */
export class SseWriter {
  private pending = '';
  private scheduled = false;
  private isClosed = false;
  private isEnded = false;
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: number;
  /** When the open was published (-1: it was not, nobody listened), for the close's duration. */
  private openedAt = -1;
  private wrote = false;

  constructor(private readonly res: ServerResponse, options: SseWriterOptions = {}) {
    this.heartbeat = options.heartbeat ?? 15_000;
    res.writeHead(200, options.headers ? { ...SSE_HEADERS, ...options.headers } : SSE_HEADERS);
    if (channels.streamOpen.hasSubscribers) {
      this.openedAt = Date.now();
      channels.streamOpen.publish({ protocol: options.protocol ?? 'sse' });
    }
    res.once('close', () => {
      this.isClosed = true;
      this.pending = '';
      this.stopHeartbeat();
      if (this.openedAt >= 0 && channels.streamClose.hasSubscribers) {
        channels.streamClose.publish({ protocol: options.protocol ?? 'sse', duration: Date.now() - this.openedAt, ended: this.isEnded });
      }
      options.onClose?.();
    });
    if (options.retry !== undefined) this.pending = `retry: ${options.retry}\n\n`;
    if (this.heartbeat > 0) {
      this.lastWrite = Date.now();
      this.timer = setTimeout(this.beat, this.heartbeat);
      this.timer.unref();
    }
    this.schedule(); // the headers go out at the end of this tick even if nothing is written
  }

  /** True once the response is closed: the client left, or `end()` finished it. */
  get closed(): boolean {
    return this.isClosed || this.isEnded;
  }

  /** True when `end()` finished the response (false when the client left first). */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Queues frames for the end of this tick. */
  write(frames: string): void {
    if (this.closed || frames === '') return;
    this.pending += frames;
    if (this.pending.length > MAX_PENDING) this.flush();
    else this.schedule();
  }

  /** Writes now, after what is queued: frames already coalesced, or one Buffer shared by many streams. */
  send(chunk: Buffer | string): void {
    if (this.closed) return;
    if (this.pending !== '') this.flush();
    this.out(chunk);
  }

  /** True while the socket's buffer is full: wait for `drained()` before producing more. */
  get full(): boolean {
    return !this.closed && this.res.writableNeedDrain;
  }

  /** Resolves once the socket takes more, or the response closed. */
  drained(): Promise<void> {
    if (!this.full) return Promise.resolve();
    const res = this.res;
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  /** Writes what is queued and `frames`, and ends the response. */
  end(frames = ''): void {
    if (this.closed) return;
    this.isEnded = true;
    this.stopHeartbeat();
    const body = this.pending + frames;
    this.pending = '';
    this.res.end(body);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.closed || this.res.writableEnded) return;
    if (this.pending !== '') {
      const body = this.pending;
      this.pending = '';
      this.out(body);
    } else if (!this.wrote) {
      this.res.flushHeaders(); // writeHead() only stores them (headersSent is already true): push them out
    }
  };

  private out(chunk: Buffer | string): void {
    this.res.write(chunk);
    this.wrote = true;
    (this.res as { flush?: () => void }).flush?.(); // compression(): push it through now
    this.lastWrite = Date.now();
  }

  private readonly beat = (): void => {
    const idle = Date.now() - this.lastWrite;
    if (idle >= this.heartbeat) this.send(HEARTBEAT_FRAME);
    if (this.closed) return;
    this.timer = setTimeout(this.beat, idle >= this.heartbeat ? this.heartbeat : this.heartbeat - idle);
    this.timer.unref();
  };

  private stopHeartbeat(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
