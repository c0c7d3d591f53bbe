import { createServer } from 'node:http';
import express from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { createMemoryBroker } from '@agentway/broker';
import { langstreamGateway } from '@agentway/langstream-gateway';

const MANIFEST = {
  gateways: [
    { id: 'in', type: 'produce', topic: 'bench' },
    { id: 'out', type: 'consume', topic: 'bench' },
  ],
};

/**
 * `relay`: a bare `ws` server relaying each message of `/v1/produce/…` to every socket of
 * `/v1/consume/…` (no log, no acks, no envelope). `gateway`: langstreamGateway() on a memory
 * broker, the same paths, LangStream's frames and acks.
 */
export async function createApp(side: string) {
  if (side === 'relay') {
    const consumers = new Set<WebSocket>();
    const server = createServer();
    const wss = new WebSocketServer({ server, perMessageDeflate: false });
    wss.on('connection', (ws, req) => {
      if (req.url?.startsWith('/v1/consume/')) {
        consumers.add(ws);
        ws.on('close', () => consumers.delete(ws));
      } else {
        ws.on('message', (data) => {
          for (const consumer of consumers) consumer.send(data as Buffer, { binary: false });
        });
      }
    });
    return { server };
  }
  const broker = createMemoryBroker({ retention: { maxLength: 200_000 } });
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
