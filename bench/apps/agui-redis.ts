import { createServer } from 'node:http';
import express from 'express';
import { createRuntime, echoAgent, type Runtime } from '@agentway/agents';
import { aguiStream } from '@agentway/agui';
import { createRedisBroker } from '@agentway/broker-redis';
import { BENCH_REDIS_URL } from '../redis-bench';

/**
 * `bench/apps/agui.ts`'s `stream` and `stream-baseline` sides with the echo agent's runtime on a
 * Redis broker (keys under `<prefix>`; a finished run's topic expires after 2 s):
 * `stream <prefix>`: `app.use(aguiStream({ runtime }))`.
 * `stream-baseline <prefix>`: the same AG-UI frames written by hand from `runtime.events()`, one
 * `res.write()` per event (what a developer would write, as in bench/apps/agui.ts).
 */
export async function createApp(side: string) {
  const [name, prefix] = side.split(' ');
  if ((name !== 'stream' && name !== 'stream-baseline') || !prefix) throw new Error(`unknown side ${side} (expected "stream <prefix>" or "stream-baseline <prefix>")`);
  const broker = await createRedisBroker({ url: BENCH_REDIS_URL, prefix });
  const runtime = createRuntime({ broker, agents: [echoAgent()], finishedRunTtl: 2_000 });
  const app = express();
  app.disable('x-powered-by');
  if (name === 'stream') {
    app.use(aguiStream({ runtime }));
  } else {
    app.post('/agui/runs', express.json({ limit: '1mb' }), (req, res, next) => {
      // The app stops (its broker closed) while the load generator's last requests are in flight: cut those quietly.
      handWrittenOnRuntime(runtime, req.body, res).catch((err: { code?: string }) => (err?.code === 'ERR_BROKER_CLOSED' ? res.destroy() : next(err)));
    });
  }
  return {
    server: createServer(app),
    async close() {
      await runtime.close();
      await broker.close();
    },
  };
}

type Body = { threadId: string; runId: string; messages: { role: 'user'; content: string }[] };
const HEADERS = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' };

/** As `handWrittenOnRuntime()` of bench/apps/agui.ts. */
async function handWrittenOnRuntime(runtime: Runtime, body: Body, res: express.Response) {
  const { threadId, runId } = body;
  const run = await runtime.start({ input: { messages: body.messages } });
  res.writeHead(200, HEADERS);
  let messageId: string | undefined;
  for await (const { offset, event } of runtime.events(run.runId)) {
    if (event.type === 'run_started') {
      res.write(`id: ${offset}\ndata: ${JSON.stringify({ type: 'RUN_STARTED', threadId, runId, metadata: { agentName: event.agent_name } })}\n\n`);
    } else if (event.type === 'text_delta') {
      if (messageId === undefined) {
        messageId = event.message_id;
        res.write(`data: ${JSON.stringify({ type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' })}\n\n`);
      }
      res.write(`id: ${offset}\ndata: ${JSON.stringify({ type: 'TEXT_MESSAGE_CONTENT', messageId, delta: event.delta })}\n\n`);
    } else if (event.type === 'run_completed') {
      if (messageId !== undefined) res.write(`data: ${JSON.stringify({ type: 'TEXT_MESSAGE_END', messageId })}\n\n`);
      res.end(`id: ${offset}\ndata: ${JSON.stringify({ type: 'RUN_FINISHED', threadId, runId, result: event.output })}\n\n`);
    }
  }
}
