import type { ServerStats, SoakServer } from '../soak-server';

/** What one check found: pass, the reasons it did not, and its figures (for the report). */
export interface CheckResult {
  readonly name: string;
  readonly pass: boolean;
  readonly failures: string[];
  readonly figures: Record<string, string | number>;
}

/** Collects the failures and figures of a check. */
export class Check {
  readonly failures: string[] = [];
  readonly figures: Record<string, string | number> = {};

  constructor(readonly name: string) {}

  /** Records a failure unless `ok`. */
  expect(ok: boolean, failure: string): void {
    if (!ok && this.failures.length < 50) this.failures.push(failure);
  }

  figure(key: string, value: string | number): void {
    this.figures[key] = value;
  }

  result(): CheckResult {
    return { name: this.name, pass: this.failures.length === 0, failures: this.failures, figures: this.figures };
  }
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `task` over `items`, at most `concurrency` at once. */
export async function pool<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** mulberry32: seeded, so that a failing fuzz case can be replayed (SOAK_SEED). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Resolves once `test()` holds (polled every 100 ms), false after `ms`. */
export async function until(test: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await test()) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/** The server once warm and idle: what the end of every check is compared with. */
export async function baseline(server: SoakServer): Promise<ServerStats> {
  await until(async () => (await server.stats()).connections === 0, 10_000);
  return server.stats();
}

/**
 * The pass criteria once the load ended: every connection closed (no leaked socket), the
 * finished runs expired, then no more timers nor sockets than at the start, the heap back within
 * 10 % of it, no unhandled rejection or uncaught exception, and (unless faults were injected) no
 * error-level log line.
 */
export async function settle(check: Check, server: SoakServer, start: ServerStats, options: { errorsAllowed?: boolean } = {}): Promise<ServerStats> {
  const closed = await until(async () => (await server.stats()).connections === 0, 15_000);
  await sleep(1_500); // finished runs expire after 1 s on the soak server
  const end = await server.stats();
  check.expect(closed, `connections still open on the server after the load: ${end.connections}`);
  for (const type of ['TCPSocketWrap', 'Timeout']) {
    const before = start.resources[type] ?? 0;
    const after = end.resources[type] ?? 0;
    check.expect(after <= before, `${type}: ${after} after the load, ${before} before (a leak)`);
  }
  const growth = end.memory.heapUsed / start.memory.heapUsed - 1;
  check.figure('heap before → after', `${mb(start.memory.heapUsed)} → ${mb(end.memory.heapUsed)} (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %)`);
  check.expect(growth <= 0.10, `heap ${mb(end.memory.heapUsed)} after the load, more than 10 % over ${mb(start.memory.heapUsed)}`);
  check.expect(end.unhandled === start.unhandled, `${end.unhandled - start.unhandled} unhandled rejection(s) on the server`);
  check.expect(end.uncaught === start.uncaught, `${end.uncaught - start.uncaught} uncaught exception(s) on the server`);
  if (!options.errorsAllowed) {
    check.expect(end.errorCount === start.errorCount, `${end.errorCount - start.errorCount} error log line(s): ${end.errors.join(' | ')}`);
  }
  return end;
}
