import type { ServerResponse } from 'node:http';
import type { RunErrorInfo } from '@agentway/agents';
import { AguiError } from './agui-error';

/** The `RUN_ERROR` of a stream the router's `close()` ended: the run goes on, and can be read again elsewhere. */
export const SHUTTING_DOWN: RunErrorInfo = Object.freeze({
  code: 'server_shutting_down',
  message: 'the server is shutting down: resume the stream (GET /agui/ws?run_id=… with Last-Event-ID) on another instance',
});

/** The refusal of a request that comes (or would start streaming) while the router closes. */
export function shuttingDown(): AguiError {
  return new AguiError(503, 'ERR_AGUI_SHUTTING_DOWN', 'the server is shutting down: retry on another instance');
}

/**
 * The streams a router has open, and whether it is closing. `close()` ends each with its
 * dialect's `RUN_ERROR` `server_shutting_down` and resolves once their responses have closed.
 */
export class OpenStreams {
  private readonly streams = new Map<ServerResponse, () => void>();
  private isClosing = false;

  get closing(): boolean {
    return this.isClosing;
  }

  /** Tracks a stream until its response closes; `end` is what `close()` does to it. */
  add(res: ServerResponse, end: () => void): void {
    this.streams.set(res, end);
    res.once('close', () => this.streams.delete(res));
  }

  async close(): Promise<void> {
    this.isClosing = true;
    const closed: Promise<void>[] = [];
    for (const [res, end] of [...this.streams]) {
      closed.push(new Promise<void>((resolve) => {
        if (res.closed) resolve();
        else res.once('close', () => resolve());
      }));
      end();
    }
    await Promise.all(closed);
  }
}
