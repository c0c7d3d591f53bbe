/** What the queue needs of a topic: its deadline and its place in the heap, kept on the topic itself. */
export interface Expiring {
  /** When the topic expires (ms since the epoch), while it is queued. */
  expiresAt: number | undefined;
  /** Its index in the queue's heap; -1 when not queued. */
  expiryIndex: number;
}

/**
 * Topic expiries on one timer: the topics in a binary heap by deadline (most TTLs are alike, so
 * most land at the end), the timer set for the earliest. Each topic knows its place in the heap,
 * so re-expiring one moves it there: the queue holds each topic once, and a topic dropped early
 * (a run discarded right after its end) is not kept alive by a deadline it no longer has.
 */
export class ExpiryQueue<T extends Expiring> {
  private readonly heap: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(private readonly expire: (topic: T) => void) {}

  schedule(topic: T, at: number): void {
    topic.expiresAt = at;
    if (topic.expiryIndex === -1) {
      topic.expiryIndex = this.heap.length;
      this.heap.push(topic);
    }
    this.up(topic.expiryIndex);
    this.down(topic.expiryIndex);
    if (at < this.timerAt) this.arm(at);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    for (const topic of this.heap) {
      topic.expiryIndex = -1;
      topic.expiresAt = undefined;
    }
    this.heap.length = 0;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.fire, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.expiresAt! <= now) {
      const topic = heap[0]!;
      this.removeTop();
      this.expire(topic);
    }
    if (heap.length > 0) this.arm(heap[0]!.expiresAt!);
  };

  private removeTop(): void {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    top.expiryIndex = -1;
    top.expiresAt = undefined;
    if (last !== top) {
      heap[0] = last;
      last.expiryIndex = 0;
      this.down(0);
    }
  }

  private up(i: number): void {
    const heap = this.heap;
    const topic = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.expiresAt! <= topic.expiresAt!) break;
      this.place(heap[parent]!, i);
      i = parent;
    }
    this.place(topic, i);
  }

  private down(i: number): void {
    const heap = this.heap;
    const topic = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const child = r < heap.length && heap[r]!.expiresAt! < heap[l]!.expiresAt! ? r : l;
      if (heap[child]!.expiresAt! >= topic.expiresAt!) break;
      this.place(heap[child]!, i);
      i = child;
    }
    this.place(topic, i);
  }

  private place(topic: T, i: number): void {
    this.heap[i] = topic;
    topic.expiryIndex = i;
  }
}
