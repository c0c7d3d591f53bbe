import { createServer } from 'node:http';
import express from 'express';
import { createRedisBroker } from '@agentway/broker-redis';
import { langstreamGateway } from '@agentway/langstream-gateway';
import { BENCH_REDIS_URL } from '../redis-bench';

const MANIFEST = {
  gateways: [
    { id: 'in', type: 'produce', topic: 'bench' },
    { id: 'out', type: 'consume', topic: 'bench' },
  ],
};

/**
 * `gateway <prefix>`: `bench/apps/langstream.ts`'s `gateway` side — langstreamGateway(), the same
 * paths, frames and acks — on a Redis broker (keys under `<prefix>`) instead of a memory broker.
 */
export async function createApp(side: string) {
  const [name, prefix] = side.split(' ');
  if (name !== 'gateway' || !prefix) throw new Error(`unknown side ${side} (expected "gateway <prefix>")`);
  const broker = await createRedisBroker({ url: BENCH_REDIS_URL, prefix, retention: { maxLength: 200_000 } });
  const gateway = langstreamGateway({ broker, manifest: MANIFEST, tenant: 'bench', application: 'app' });
  const app = express();
  app.use(gateway.router);
  const server = createServer(app);
  gateway.attach(server);
  return {
    server,
    async close() {
      await gateway.close();
      await broker.close();
    },
  };
}
