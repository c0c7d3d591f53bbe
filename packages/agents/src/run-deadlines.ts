import { RunAbort } from './run-abort';
import type { RunStopper } from './run-stopper';

/**
 * The run timeouts of one runtime on one timer. Every run gets the same timeout, so deadlines
 * come in order: a Map (insertion-ordered) holds the runs in progress, its first entry is the next
 * deadline, and a run that ends is simply deleted — no timer per run, nothing kept after it.
 * The timer keeps the process alive while runs are in progress, as a run's own timer would (it
 * is unref'd, not re-armed, when none is left) and aborts each late run with `RunAbort('timeout')`.
 */
export class RunDeadlines {
  private readonly runs = new Map<RunStopper, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;

  constructor(private readonly timeout: number) {}

  /** Stops the run with code `timeout` unless the returned `done()` is called within the timeout. */
  add(stopper: RunStopper): () => void {
    const at = Date.now() + this.timeout;
    this.runs.set(stopper, at);
    if (!this.timer) this.arm(at);
    else if (this.runs.size === 1) this.timer.ref();
    return () => {
      this.runs.delete(stopper);
      // No run left: the timer stays (re-arming it for every run costs more) but no longer keeps the process alive.
      if (this.runs.size === 0) this.timer?.unref();
    };
  }

  /** Stops the timer (the runtime is closing). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(at: number): void {
    this.timerAt = at;
    this.timer = setTimeout(this.fire, Math.max(0, at - Date.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    if (this.runs.size === 0) return;
    const now = Date.now();
    for (const [stopper, at] of this.runs) {
      if (at > now) {
        this.arm(at);
        return;
      }
      this.runs.delete(stopper);
      stopper.stop(new RunAbort('timeout', `the run took longer than ${this.timeout} ms`));
    }
  };
}
