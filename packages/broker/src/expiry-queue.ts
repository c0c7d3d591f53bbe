import type { MemoryTopic } from './memory-topic';

/**
 * Topic expiries on one timer: deadlines in a binary heap (most TTLs are alike, so most land at
 * the end), the timer set for the earliest. Re-expiring a topic moves its deadline; the stale
 * entry is skipped when it comes up.
 */
export class ExpiryQueue {
  private readonly heap: { at: number; topic: MemoryTopic }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(private readonly expire: (topic: MemoryTopic) => void) {}

  schedule(topic: MemoryTopic, at: number): void {
    topic.expiresAt = at;
    this.push({ at, topic });
    if (at < this.timerAt) this.arm(at);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.heap.length = 0;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const { at, topic } = this.pop()!;
      if (topic.expiresAt === at) {
        topic.expiresAt = undefined;
        this.expire(topic);
      }
    }
    if (this.heap.length > 0) this.arm(this.heap[0]!.at);
  }

  private push(entry: { at: number; topic: MemoryTopic }): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): { at: number; topic: MemoryTopic } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && heap[l]!.at < heap[smallest]!.at) smallest = l;
        if (r < heap.length && heap[r]!.at < heap[smallest]!.at) smallest = r;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}
