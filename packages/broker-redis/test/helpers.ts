import { createClient } from 'redis';

// Unique key prefixes and their clean-up (redisPrefix()) and throwaway servers (redisServer())
// come from @agentway/testing.

/** A plain node-redis client for looking at what the broker wrote; close it after use. */
export async function rawClient(url: string) {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
