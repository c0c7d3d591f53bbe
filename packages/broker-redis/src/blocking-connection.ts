import type { RedisArgument } from 'redis';
import type { Connection, Connections } from './connections';

/**
 * A dedicated connection for blocking reads (XREAD / XREADGROUP … BLOCK) that can be interrupted:
 * `interrupt()` sends CLIENT UNBLOCK for it from the command connection, and the read returns as
 * if it had timed out. The connection's id is asked again after every reconnect.
 */
export class BlockingConnection {
  private id: Promise<number> | undefined;
  private epoch = -1;
  private inFlight: Promise<unknown> | undefined;
  private interrupting: { target: Promise<unknown>; done: Promise<void> } | undefined;
  private failures = 0;
  private pause: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  constructor(private readonly connections: Connections, readonly connection: Connection) {}

  /** True while a read is waiting for its reply. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  async read<T>(args: readonly RedisArgument[]): Promise<T> {
    if (this.epoch !== this.connection.socketEpoch) {
      this.epoch = this.connection.socketEpoch;
      this.id = this.connection.sendCommand<number>(['CLIENT', 'ID']);
      this.id.catch(() => (this.epoch = -1));
    }
    const reply = this.connection.sendCommand<T>(args);
    this.inFlight = reply;
    try {
      return await reply;
    } finally {
      if (this.inFlight === reply) this.inFlight = undefined;
    }
  }

  /**
   * Ends the read in flight, if any. CLIENT UNBLOCK answers 0 while the read has not reached the
   * server yet (the two connections are not ordered), so it is sent again until it lands or the
   * read has returned anyway.
   */
  interrupt(): Promise<void> {
    const target = this.inFlight;
    if (!target) return Promise.resolve();
    if (this.interrupting?.target === target) return this.interrupting.done;
    const done = (async () => {
      try {
        for (let attempt = 0; attempt < 200 && this.inFlight === target; attempt++) {
          const id = await this.id;
          const unblocked = await this.connections.run<number>(['CLIENT', 'UNBLOCK', String(id)]);
          if (unblocked === 1) return;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch {
        // Redis is away: the read fails by itself, or returns at its block timeout.
      }
    })();
    this.interrupting = { target, done };
    return done;
  }

  /** A read succeeded: the next failure is waited out from scratch. */
  succeeded(): void {
    this.failures = 0;
  }

  /**
   * After a failed read: waits for the connection to be back (up to `connectTimeout`), and after
   * repeated failures a little longer each time (up to 1 s), so a loop never spins.
   */
  async recover(): Promise<void> {
    this.failures++;
    await this.connections.whenReady(this.connection).catch(() => undefined);
    if (this.failures > 1) {
      await new Promise<void>((resolve) => {
        this.pause = { timer: setTimeout(resolve, Math.min(1000, 25 * 2 ** this.failures)), resolve };
      });
      this.pause = undefined;
    }
  }

  /** Ends a `recover()` pause at once (the reader is closing). */
  cancel(): void {
    if (!this.pause) return;
    clearTimeout(this.pause.timer);
    this.pause.resolve();
  }
}
