import type { Lock, Logger } from '@agentway/poller';

/** A logger (called the pino way: fields, then message) that keeps `<level> <message>` lines. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (fields: object | string, message?: string) => { lines.push(`${level} ${typeof fields === 'string' ? fields : message}`); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Wraps a lock (a Broker's claim) and counts its claims in flight, so a fake-clock test can wait for the real I/O. */
export function trackedLock(inner: Lock) {
  const pending = new Set<Promise<unknown>>();
  return {
    claims: 0,
    claim(key: string, ttl: number): Promise<boolean> {
      this.claims++;
      const claiming = Promise.resolve(inner.claim(key, ttl));
      pending.add(claiming);
      void claiming.finally(() => pending.delete(claiming)).catch(() => undefined);
      return claiming;
    },
    /** Resolves once no claim is in flight (a claim may lead to another: loops until quiet). */
    async settle(): Promise<void> {
      for (let quiet = 0; quiet < 2;) {
        await new Promise((resolve) => setImmediate(resolve));
        if (pending.size === 0) quiet++;
        else {
          quiet = 0;
          await Promise.allSettled([...pending]);
        }
      }
    },
  };
}
