/**
 * The requests a router is answering, and what closing the router does to each: once `close()`
 * has begun, `closing` is true (new requests are refused) and every request still here is told
 * to wind up; `close()` resolves when they have (their runs cancelled).
 */
export class InFlight {
  private readonly entries = new Set<() => Promise<void> | void>();
  private closingFlag = false;

  get closing(): boolean {
    return this.closingFlag;
  }

  /** Registers a request's shutdown step; returns the function that forgets it (call it when the response closes). */
  add(onShutdown: () => Promise<void> | void): () => void {
    this.entries.add(onShutdown);
    return () => { this.entries.delete(onShutdown); };
  }

  /** Tells every request to wind up, and waits for the steps they return. */
  async close(): Promise<void> {
    this.closingFlag = true;
    const steps: (Promise<void> | void)[] = [];
    for (const onShutdown of [...this.entries]) {
      try {
        steps.push(onShutdown());
      } catch {
        // one request failing to wind up must not stop the others
      }
    }
    await Promise.allSettled(steps);
  }
}
