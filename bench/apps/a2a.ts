import express from 'express';
import { createRuntime, echoAgent, type AgentOutput, type RunContext, type Runtime } from '@agentway/agents';
import { createMemoryBroker } from '@agentway/broker';
import { a2aServer } from '@agentway/a2a';

/**
 * `stream` / `send`: `app.use('/a2a', a2aServer({ runtime }))` with the echo agent (a runtime on a
 * memory broker; finished runs expire after 2 s so the heap stays flat).
 * `stream-runtime` / `send-runtime`: a hand-written handler on the same runtime —
 * `runtime.start()`, then `runtime.events()` turned into the same A2A 1.0 frames, one
 * `res.write()` each (or gathered into the same task): what the a2a layer itself costs.
 * `stream-baseline` / `send-baseline`: the same answer written by hand with the echo agent called
 * directly (no runtime, no broker, no task index): the runtime's cost included.
 */
export async function createApp(side: string) {
  const app = express();
  app.disable('x-powered-by');
  const runtime = () => createRuntime({ broker: createMemoryBroker(), agents: [echoAgent()], finishedRunTtl: 2_000 });
  if (side === 'stream' || side === 'send') {
    app.use('/a2a', a2aServer({ runtime: runtime() }));
    return app;
  }
  if (side === 'stream-runtime' || side === 'send-runtime') {
    const onRuntime = runtime();
    app.post('/a2a', express.json({ limit: '1mb' }), (req, res, next) => {
      handWrittenOnRuntime(onRuntime, req.body, res, side === 'stream-runtime').catch(next);
    });
    return app;
  }
  if (side !== 'stream-baseline' && side !== 'send-baseline') throw new Error(`unknown side ${side}`);
  const agent = echoAgent();
  app.post('/a2a', express.json({ limit: '1mb' }), (req, res, next) => {
    handWritten(agent.run.bind(agent) as Run, req.body, res, side === 'stream-baseline').catch(next);
  });
  return app;
}

type Run = (input: { messages: { role: 'user'; content: string }[] }, ctx: RunContext) => Promise<AsyncIterable<AgentOutput>>;

let counter = 0;

async function handWritten(run: Run, body: { id: number; params: { message: { messageId: string; parts: { text: string }[] } } }, res: express.Response, stream: boolean) {
  const { message } = body.params;
  const id = `run_${++counter}`;
  const contextId = `thread_${counter}`;
  const ctx: RunContext = { runId: id, threadId: contextId, agentName: 'echo', signal: new AbortController().signal, principal: undefined };
  const history = [{ ...message, role: 'ROLE_USER', taskId: id, contextId }];
  const now = () => new Date().toISOString();
  const frame = (result: unknown) => `data: ${JSON.stringify({ jsonrpc: '2.0', id: body.id, result })}\n\n`;
  const chunk = (text: string, append: boolean, lastChunk: boolean) => frame({
    artifactUpdate: { taskId: id, contextId, artifact: { artifactId: 'msg_1', name: 'response', parts: [{ text }] }, append, lastChunk },
  });
  const pieces = await run({ messages: [{ role: 'user', content: message.parts[0]!.text }] }, ctx);
  if (!stream) {
    let text = '';
    for await (const piece of pieces) text += piece as string;
    const task = { id, contextId, status: { state: 'TASK_STATE_COMPLETED', timestamp: now() }, artifacts: [{ artifactId: 'msg_1', name: 'response', parts: [{ text }] }], history };
    res.json({ jsonrpc: '2.0', id: body.id, result: { task } });
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write(frame({ task: { id, contextId, status: { state: 'TASK_STATE_SUBMITTED', timestamp: now() }, history } }));
  res.write(frame({ statusUpdate: { taskId: id, contextId, status: { state: 'TASK_STATE_WORKING', timestamp: now() } } }));
  let first = true;
  for await (const piece of pieces) {
    res.write(chunk(piece as string, !first, false));
    first = false;
  }
  res.write(chunk('', true, true));
  res.end(frame({ statusUpdate: { taskId: id, contextId, status: { state: 'TASK_STATE_COMPLETED', timestamp: now() } } }));
}

async function handWrittenOnRuntime(runtime: Runtime, body: { id: number; params: { message: { messageId: string; parts: { text: string }[] } } }, res: express.Response, stream: boolean) {
  const { message } = body.params;
  const { runId: id, threadId: contextId } = await runtime.start({ input: { messages: [{ role: 'user', content: message.parts[0]!.text }] } });
  const history = [{ ...message, role: 'ROLE_USER', taskId: id, contextId }];
  const frame = (result: unknown) => `data: ${JSON.stringify({ jsonrpc: '2.0', id: body.id, result })}\n\n`;
  const status = (state: string, at: number) => frame({ statusUpdate: { taskId: id, contextId, status: { state, timestamp: new Date(at).toISOString() } } });
  const chunk = (artifactId: string, text: string, append: boolean, lastChunk: boolean) => frame({
    artifactUpdate: { taskId: id, contextId, artifact: { artifactId, name: 'response', parts: [{ text }] }, append, lastChunk },
  });
  let text = '';
  let artifactId = '';
  if (stream) res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  for await (const { event, timestamp } of runtime.events(id)) {
    if (event.type === 'text_delta') {
      if (stream && artifactId === '') res.write(status('TASK_STATE_WORKING', timestamp));
      if (stream) res.write(chunk(event.message_id, event.delta, artifactId !== '', false));
      artifactId = event.message_id;
      text += event.delta;
    } else if (event.type === 'run_started' && stream) {
      res.write(frame({ task: { id, contextId, status: { state: 'TASK_STATE_SUBMITTED', timestamp: new Date(timestamp).toISOString() }, history } }));
    } else if (event.type === 'run_completed') {
      if (!stream) {
        const task = { id, contextId, status: { state: 'TASK_STATE_COMPLETED', timestamp: new Date(timestamp).toISOString() }, artifacts: [{ artifactId, name: 'response', parts: [{ text }] }], history };
        res.json({ jsonrpc: '2.0', id: body.id, result: { task } });
        return;
      }
      res.write(chunk(artifactId, '', true, true));
      res.end(status('TASK_STATE_COMPLETED', timestamp));
      return;
    }
  }
}
