import { randomUUID } from 'node:crypto';
import express from 'express';
import { createRuntime, defineAgent, echoAgent, type AgentOutput, type RunContext, type RunInput, type Runtime } from '@agentway/agents';
import { createMemoryBroker } from '@agentway/broker';
import { aguiStream } from '@agentway/agui';

/** The events of the fan-out run: a run_started, 98 text pieces and a run_completed (100 canonical events). */
export const FANOUT_PIECES = Array.from({ length: 98 }, (_, i) => ` word${i}`);

/**
 * `stream`: `app.use(aguiStream({ runtime }))` with the echo agent (a runtime on a memory broker).
 * `stream-baseline`: what a developer would write by hand for the same stream on the same
 * runtime: `express.json()`, `runtime.start()`, then each event of `runtime.events()` turned into
 * the same AG-UI frames with the same ids, one `res.write()` each.
 * `stream-direct`: the same frames with the echo agent called directly (no runtime, no broker).
 * `fanout` / `fanout-baseline`: one gated run that many clients watch on `GET /agui/ws`;
 * `POST /bench/run` starts it, `POST /bench/go` lets it produce its events, `GET /bench/memory`
 * reports `process.memoryUsage()`.
 */
export async function createApp(side: string) {
  const app = express();
  app.disable('x-powered-by');
  app.get('/bench/memory', (_req, res) => { res.json(process.memoryUsage()); });
  if (side === 'stream') {
    const runtime = createRuntime({ broker: createMemoryBroker(), agents: [echoAgent()], finishedRunTtl: 2_000 });
    app.use(aguiStream({ runtime }));
    return app;
  }
  if (side === 'stream-baseline') {
    const runtime = createRuntime({ broker: createMemoryBroker(), agents: [echoAgent()], finishedRunTtl: 2_000 });
    app.post('/agui/runs', express.json({ limit: '1mb' }), (req, res, next) => {
      handWrittenOnRuntime(runtime, req.body, res).catch(next);
    });
    return app;
  }
  if (side === 'stream-direct') {
    const agent = echoAgent();
    app.post('/agui/runs', express.json({ limit: '1mb' }), (req, res, next) => {
      handWritten(agent.run.bind(agent), req.body, res).catch(next);
    });
    return app;
  }
  if (side === 'fanout') return fanout(app);
  if (side === 'fanout-baseline') return fanoutBaseline(app);
  throw new Error(`unknown side ${side}`);
}

type Run = (input: RunInput, ctx: RunContext) => unknown;
type Body = { threadId: string; runId: string; messages: { role: 'user'; content: string }[] };

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
const HEADERS = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' };

async function handWritten(run: Run, body: Body, res: express.Response) {
  const { threadId, runId } = body;
  const controller = new AbortController();
  const ctx: RunContext = { runId, threadId, agentName: 'echo', signal: controller.signal, principal: undefined };
  const pieces = (await run({ messages: body.messages }, ctx)) as AsyncIterable<AgentOutput>;
  const messageId = `msg_${randomUUID()}`;
  let id = 0;
  res.writeHead(200, HEADERS);
  res.write(`id: ${id++}\ndata: ${JSON.stringify({ type: 'RUN_STARTED', threadId, runId, metadata: { agentName: 'echo' } })}\n\n`);
  res.write(`data: ${JSON.stringify({ type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' })}\n\n`);
  let output = '';
  for await (const piece of pieces) {
    output += piece as string;
    res.write(`id: ${id++}\ndata: ${JSON.stringify({ type: 'TEXT_MESSAGE_CONTENT', messageId, delta: piece })}\n\n`);
  }
  res.write(`data: ${JSON.stringify({ type: 'TEXT_MESSAGE_END', messageId })}\n\n`);
  res.end(`id: ${id}\ndata: ${JSON.stringify({ type: 'RUN_FINISHED', threadId, runId, result: output })}\n\n`);
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { open, opened };
}

function fanout(app: express.Express) {
  const gates = new Map<string, () => void>();
  const agent = defineAgent({
    name: 'fanout',
    async *run(_input, ctx) {
      const { open, opened } = gate();
      gates.set(ctx.runId, open);
      await opened;
      // Tokens arrive over time, as from a model: one event-loop turn between pieces (as the baseline does).
      for (const piece of FANOUT_PIECES) {
        yield piece;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  });
  const runtime = createRuntime({ broker: createMemoryBroker(), agents: [agent] });
  app.use(aguiStream({ runtime }));
  app.post('/bench/run', (_req, res, next) => {
    runtime.start({ input: { messages: [{ role: 'user', content: 'go' }] } }).then((run) => res.json({ run_id: run.runId }), next);
  });
  app.post('/bench/go', (req, res) => {
    gates.get(String(req.query.run_id))?.();
    res.json({ ok: true });
  });
  return app;
}

/** By hand: every subscriber's response in a set; each event built once and written to each, one write per event. */
function fanoutBaseline(app: express.Express) {
  const subscribers = new Set<express.Response>();
  const frame = (id: number, event: object) => `id: ${id}\ndata: ${JSON.stringify(event)}\n\n`;
  const threadId = 'thread_1';
  const runId = 'run_1';
  const messageId = `msg_${randomUUID()}`;
  app.get('/agui/ws', (_req, res) => {
    res.writeHead(200, HEADERS);
    res.write(frame(0, { type: 'RUN_STARTED', threadId, runId, metadata: { agentName: 'fanout' } }));
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
  });
  app.post('/bench/run', (_req, res) => { res.json({ run_id: runId }); });
  app.post('/bench/go', (_req, res) => {
    res.json({ ok: true });
    void (async () => {
      let output = '';
      for (let i = 0; i < FANOUT_PIECES.length; i++) {
        const piece = FANOUT_PIECES[i]!;
        output += piece;
        const start = i === 0 ? `data: ${JSON.stringify({ type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' })}\n\n` : '';
        const data = start + frame(i + 1, { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: piece });
        for (const res of subscribers) res.write(data);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const last = `data: ${JSON.stringify({ type: 'TEXT_MESSAGE_END', messageId })}\n\n`
        + frame(FANOUT_PIECES.length + 1, { type: 'RUN_FINISHED', threadId, runId, result: output });
      for (const res of subscribers) res.end(last);
    })();
  });
  return app;
}
