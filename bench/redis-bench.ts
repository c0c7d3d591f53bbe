import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';

/** The Redis of the Redis benchmarks: AGENTWAY_BENCH_REDIS_URL, default the local one. */
export const BENCH_REDIS_URL = process.env.AGENTWAY_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of one measured run (`bench:<label>:<uuid>:`), deleted after it with `deleteKeys()`. */
export function benchPrefix(label: string): string {
  return `bench:${label}:${randomUUID()}:`;
}

/** Deletes every key under a prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const client = createClient({ url: BENCH_REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length > 0) await client.unlink(keys);
  } finally {
    await client.close();
  }
}

/** Runs `measure(prefix)` with a fresh prefix and deletes its keys afterwards. */
export async function withPrefix<T>(label: string, measure: (prefix: string) => Promise<T>): Promise<T> {
  const prefix = benchPrefix(label);
  try {
    return await measure(prefix);
  } finally {
    await deleteKeys(prefix);
  }
}
