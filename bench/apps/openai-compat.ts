import { randomUUID } from 'node:crypto';
import express from 'express';
import { echoAgent, type AgentOutput, type RunContext, type RunInput } from '@agentway/agents';
import { openaiCompat } from '@agentway/openai-compat';

/**
 * `compat`: `app.use(openaiCompat({ agents: [echoAgent()] }))`, JSON and SSE.
 * `baseline`: what a developer would write by hand for the same answers — `express.json()`, the
 * echo agent called directly (no runtime, no broker), the same `chat.completion` JSON through
 * `res.json()`, and for `stream: true` the same chunks, one `res.write()` each.
 */
export async function createApp(side: string) {
  const app = express();
  app.disable('x-powered-by');
  if (side === 'compat') {
    const router = openaiCompat({ agents: [echoAgent()] });
    app.use(router);
    return app;
  }
  const agent = echoAgent();
  app.post('/v1/chat/completions', express.json({ limit: '1mb' }), (req, res, next) => {
    handBuilt(agent.run.bind(agent), req.body, res).catch(next);
  });
  return app;
}

type Run = (input: RunInput, ctx: RunContext) => unknown;

async function handBuilt(run: Run, body: { model: string; messages: RunInput['messages']; stream?: boolean }, res: express.Response) {
  const controller = new AbortController();
  const ctx: RunContext = { runId: 'run', threadId: 'thread', agentName: body.model, signal: controller.signal, principal: undefined };
  const pieces = (await run({ messages: body.messages }, ctx)) as AsyncIterable<AgentOutput>;
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  if (body.stream) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({
      id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '', refusal: null }, null));
    for await (const piece of pieces) res.write(chunk({ content: piece as string }, null));
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
    return;
  }
  let output = '';
  for await (const piece of pieces) output += piece as string;
  const prompt = Math.ceil(body.messages.reduce((n, m) => n + m.content.length, 0) / 4);
  const completion = Math.ceil(output.length / 4);
  res.json({
    id, object: 'chat.completion', created, model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: output, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });
}
