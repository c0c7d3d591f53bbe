import type { WebSocketLike } from './outbound';

/**
 * Keep-alive for every open socket, on one timer: each tick pings the sockets that answered the
 * previous ping and terminates those that did not (LangStream has no pings, issue #351). The
 * timer runs only while sockets are open, and never keeps the process alive by itself.
 */
export class Heartbeat {
  private readonly sockets = new Map<WebSocketLike, boolean>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly interval: number) {}

  add(ws: WebSocketLike): void {
    if (this.interval === 0) return;
    this.sockets.set(ws, true);
    ws.on('pong', () => {
      if (this.sockets.has(ws)) this.sockets.set(ws, true);
    });
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.interval);
      this.timer.unref();
    }
  }

  delete(ws: WebSocketLike): void {
    this.sockets.delete(ws);
    if (this.sockets.size === 0) this.stop();
  }

  private tick(): void {
    for (const [ws, answered] of this.sockets) {
      if (!answered) {
        this.sockets.delete(ws);
        ws.terminate();
        continue;
      }
      this.sockets.set(ws, false);
      try {
        ws.ping();
      } catch {
        // not open any more: its close handler removes it
      }
    }
    if (this.sockets.size === 0) this.stop();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
