/** Records calls and lets a test await the n-th one (no sleeps). */
export class Calls<T> {
  readonly items: T[] = [];
  private readonly waiters: { count: number; resolve: (items: T[]) => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.waiters]) {
      if (this.items.length >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(this.items);
      }
    }
  }

  /** Resolves once at least `count` calls were recorded. */
  until(count: number): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve(this.items);
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}
