/** What `RunStopper.aborted()` resolves with. */
export const ABORTED = Symbol('aborted');

/**
 * How a run executing here is stopped (cancelled, timed out, shut down). The agent's
 * `AbortSignal` is made only when the agent reads `ctx.signal` — a quick agent never does, and an
 * AbortController with its EventTarget is among the costliest objects a run would otherwise make —
 * and the runtime waits for the stop on a promise of its own rather than listening on the signal.
 */
export class RunStopper {
  private controller: AbortController | undefined;
  private stopped: Promise<typeof ABORTED> | undefined;
  private resolveStopped: ((value: typeof ABORTED) => void) | undefined;
  /** Why the run was stopped (a `RunAbort`), once it was. */
  reason: unknown;
  isStopped = false;

  /** The agent's signal (made on first use; already aborted if the run was stopped before). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isStopped) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Stops the run (once; later calls are ignored): its signal aborts with `reason`. */
  stop(reason: unknown): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.resolveStopped?.(ABORTED);
  }

  /** Resolves with `ABORTED` when the run is stopped. */
  aborted(): Promise<typeof ABORTED> {
    this.stopped ??= this.isStopped ? Promise.resolve(ABORTED) : new Promise((resolve) => { this.resolveStopped = resolve; });
    return this.stopped;
  }
}
