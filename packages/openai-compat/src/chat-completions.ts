import type { Request, RequestHandler, Response } from 'express';
import { streamChat } from './chat-stream';
import { parseChatRequest, type ChatRequest } from './chat-request';
import { answerError, sendError } from './error-envelope';
import { sendJson } from './send-json';
import { answerRun, idFor, runFailed, shuttingDown, startRun, type RunServices, type StartedRun } from './start-run';
import { usageOf } from './usage';

/** An assistant tool call as the client gets it. */
interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** `POST /chat/completions`: a `chat.completion`, or its chunks over SSE when `body.stream` is true. */
export function chatCompletions(services: RunServices): RequestHandler {
  return function chatCompletionsHandler(req, res, next) {
    serve(services, req, res).catch((err: unknown) => answerError(res, err, next));
  };
}

async function serve(services: RunServices, req: Request, res: Response): Promise<void> {
  const request = parseChatRequest(req.body);
  const run = await startRun(services, req, res, request.model, request.input);
  if (!run) return;
  await answerRun(services, res, run, () => (request.stream ? streamChat(services, res, request, run) : answerChat(services, res, request, run)));
}

async function answerChat(services: RunServices, res: Response, request: ChatRequest, run: StartedRun): Promise<void> {
  run.onShutdown = () => sendError(res, shuttingDown(true));
  const result = await services.runtime.result(run.runId);
  if (run.left) return; // the run was cancelled: nobody is listening, or close() answered
  if (result.status === 'failed') throw runFailed(result.error);
  const toolCalls: ChatToolCall[] = [];
  let toolChars = 0;
  if (request.clientTools.size > 0) {
    for (const event of result.events) {
      if (event.type !== 'tool_call' || !request.clientTools.has(event.name)) continue;
      toolCalls.push({ id: event.tool_call_id, type: 'function', function: { name: event.name, arguments: event.arguments } });
      toolChars += event.name.length + event.arguments.length;
    }
  }
  const calls = toolCalls.length > 0;
  const completion = {
    id: idFor('chatcmpl-', run.runId),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [{
      index: 0,
      message: calls
        ? { role: 'assistant', content: result.output === '' ? null : result.output, refusal: null, tool_calls: toolCalls }
        : { role: 'assistant', content: result.output, refusal: null },
      logprobs: null,
      finish_reason: calls ? 'tool_calls' : result.finishReason === 'length' ? 'length' : 'stop',
    }],
    usage: usageOf(result.usage, request.input, result.output.length + toolChars),
  };
  sendJson(res, completion, true);
}
