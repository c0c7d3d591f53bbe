import type { Duplex } from 'node:stream';

/** What the gateway uses of a WebSocket: `ws` 8 (ours), or the `ws` 7 of express-ws. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Buffer | string, options: { binary: boolean }, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(): void;
  /** `ws` 8 only: stop / restart reading (ws 7 gets its TCP socket paused instead). */
  pause?(): void;
  resume?(): void;
  on(event: 'message', listener: (data: Buffer | string | ArrayBuffer | Buffer[], isBinary?: boolean) => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer | string) => void): unknown;
  on(event: 'pong' | 'error', listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

const OPEN = 1;
const TEXT = Object.freeze({ binary: false });

/**
 * The sending side of one socket. Frames sent in the same tick leave in one write (the TCP socket
 * is corked at the first and uncorked on the next tick); `congested` tells when more than
 * `highWaterMark` bytes wait to be sent, and `drained()` when they have gone — so a slow client
 * slows its own reader down instead of making the process buffer without bound.
 */
export class Outbound {
  private corked = false;
  private readonly uncork = () => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(private readonly ws: WebSocketLike, private readonly socket: Duplex, private readonly highWaterMark: number) {}

  get open(): boolean {
    return this.ws.readyState === OPEN;
  }

  send(frame: Buffer | string): void {
    if (this.ws.readyState !== OPEN) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.ws.send(frame, TEXT);
  }

  get congested(): boolean {
    return this.ws.bufferedAmount > this.highWaterMark;
  }

  /** Resolves once the socket has written out what it held (or closed). */
  drained(): Promise<void> {
    const socket = this.socket;
    if (!socket.writableNeedDrain || socket.destroyed) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }
}
