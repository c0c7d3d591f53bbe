/**
 * The gateway under soak, in a process of its own (`node --expose-gc --import tsx test/soak/server.ts`):
 * every feature on, a memory broker whose finished runs expire after a second (so that the heap can
 * come back once the load ends), and a few routes for the runner under `/__soak/`:
 *
 * - `GET /__soak/stats`: memory after two full GCs, open connections, active resources by type,
 *   unhandled rejections, uncaught exceptions and error-level log lines seen so far;
 * - `POST /__soak/faults`: `{ "publish": "<topic regex>", "every": n }` makes every n-th publish on a
 *   matching topic fail (`{}` turns it off).
 *
 * Prints `SOAK_URL <url>` once listening; SIGTERM shuts the gateway down and exits 0.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineAgent, echoAgent, lastUserText } from '@agentway/agents';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createGateway } from '@agentway/gateway';
import type { Logger } from '@agentway/observability';

declare const gc: () => void;

/** Yields `t<i> ` every `ms` ms, `n` times, for a last user message `n:ms` (default 10:100); stops when aborted. */
const ticker = defineAgent({
  name: 'ticker',
  description: 'Ticks: "n:ms" yields n pieces, one every ms.',
  async *run(input, ctx) {
    const [n = 10, ms = 100] = lastUserText(input).split(':').map(Number);
    for (let i = 0; i < n; i++) {
      try {
        await sleep(ms, undefined, { signal: ctx.signal });
      } catch {
        return; // aborted
      }
      yield `t${i} `;
    }
  },
});

let faults: { topic: RegExp; every: number; count: number } | undefined;

/** The memory broker, with finished runs kept 1 s instead of 15 min, and publish faults on demand. */
function soakBroker(): Broker {
  const inner = createMemoryBroker({ retention: { maxLength: 100_000 } });
  const broker: Broker = Object.create(inner);
  broker.expire = (topic, ttl) => inner.expire(topic, Math.min(ttl, 1_000));
  broker.publish = (topic, message) => {
    if (faults && faults.topic.test(topic) && ++faults.count % faults.every === 0) {
      return Promise.reject(Object.assign(new Error(`soak fault: publish on "${topic}" refused`), { code: 'ERR_BROKER_UNAVAILABLE' }));
    }
    return inner.publish(topic, message);
  };
  return broker;
}

const errors: string[] = [];
let errorCount = 0;
let faultErrorCount = 0;
const noop = () => undefined;
const logError = (fields: object | string, message?: string) => {
  errorCount++;
  let err = typeof fields === 'object' ? (fields as { err?: { message?: string; cause?: unknown } }).err : undefined;
  let line = String(message ?? fields);
  for (let depth = 0; err && depth < 3; depth++, err = err.cause as typeof err) line += err.message ? `: ${err.message}` : ''; // with its causes
  if (line.includes('soak fault')) faultErrorCount++;
  else if (errors.length < 5) errors.push(line);
};
/** Counts the error-level lines, those about an injected fault apart; keeps the first few others. */
const logger: Logger = { debug: noop, info: noop, warn: noop, error: logError, child: () => logger };

let unhandled = 0;
let uncaught = 0;
process.on('unhandledRejection', (reason) => {
  unhandled++;
  process.stderr.write(`soak server: unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}\n`);
});
process.on('uncaughtException', (err) => {
  uncaught++;
  process.stderr.write(`soak server: uncaught exception: ${err.stack}\n`);
});

async function main(): Promise<void> {
  const broker = soakBroker();
  const gateway = await createGateway({
    agents: [echoAgent(), ticker],
    broker,
    metrics: true,
    shutdownTimeout: 5_000,
    features: { pollers: false },
    webhooks: { routes: [{ name: 'stripe', scheme: 'stripe', secret: 'whsec_soak' }] },
    langstream: {
      pingInterval: 0,
      tenants: { t: { applications: { a: { manifest: { gateways: [{ id: 'in', type: 'produce', topic: 'answers' }, { id: 'out', type: 'consume', topic: 'answers' }] } } } } },
    },
  }, { env: {}, logger });
  const sockets = new Set<Socket>();
  gateway.app.get('/__soak/stats', (_req, res) => {
    gc();
    gc();
    const memory = process.memoryUsage();
    const resources: Record<string, number> = {};
    for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
    // The stats request's own socket is one of the connections.
    res.json({ memory, connections: sockets.size - 1, resources, unhandled, uncaught, errorCount, faultErrorCount, errors });
  });
  if (process.env.SOAK_SNAPSHOTS) {
    gateway.app.post('/__soak/snapshot', (_req, res) => {
      gc();
      res.json({ file: require('node:v8').writeHeapSnapshot() as string });
    });
  }
  gateway.app.post('/__soak/faults', (req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => {
      const spec = JSON.parse(body || '{}') as { publish?: string; every?: number };
      faults = spec.publish === undefined ? undefined : { topic: new RegExp(spec.publish), every: spec.every ?? 1, count: 0 };
      res.json({ faults: spec });
    });
  });
  const { url, server } = await gateway.listen(0);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  process.stdout.write(`SOAK_URL ${url}\n`);
  process.once('SIGTERM', () => {
    void gateway.close().then(async () => {
      await broker.close();
      process.exitCode = unhandled + uncaught === 0 ? 0 : 3;
    });
  });
}

main().catch((err: Error) => {
  process.stderr.write(`soak server: ${err.stack}\n`);
  process.exitCode = 1;
});
