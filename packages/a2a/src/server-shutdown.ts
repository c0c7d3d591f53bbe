import { setMaxListeners } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * The JSON-RPC calls an `a2aServer()` is answering, and its closing: `close()` aborts `signal` —
 * the calls' reads stop, streams send their last frame, calls not yet answered get the 503
 * error — and resolves once every one of their responses has closed.
 */
export class ServerShutdown {
  private readonly controller = new AbortController();
  private readonly calls = new Set<ServerResponse>();

  constructor() {
    setMaxListeners(0, this.controller.signal); // one listener per call in progress: no leak warning past 10
  }

  /** Aborted by `close()`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closing(): boolean {
    return this.controller.signal.aborted;
  }

  /** Tracks a call until its response closes. */
  track(res: ServerResponse): void {
    this.calls.add(res);
    res.once('close', () => this.calls.delete(res));
  }

  async close(): Promise<void> {
    const open = [...this.calls].map((res) => new Promise<void>((resolve) => {
      if (res.closed) resolve();
      else res.once('close', () => resolve());
    }));
    this.controller.abort(SHUTTING_DOWN);
    await Promise.all(open);
  }
}

const SHUTTING_DOWN = Object.freeze(new Error('the server is shutting down'));
