import type { Request, RequestHandler, Response } from 'express';
import type { RunEvent } from '@agentway/agents';
import { loggerOf } from '@agentway/observability';
import { answerError, sendError } from './error-envelope';
import { sendJson } from './send-json';
import { ResponseAssembler } from './response-assembler';
import { parseResponsesRequest, type ResponsesRequest } from './responses-request';
import { SseWriter } from '@agentway/sse';
import { streamHeaders } from './request-id';
import { answerRun, idFor, runFailed, SHUTDOWN_ERROR, shuttingDown, startRun, type RunServices, type StartedRun } from './start-run';
import { usageOf } from './usage';

/** `POST /responses`: a `response` object, or its events over SSE when `body.stream` is true. */
export function responses(services: RunServices): RequestHandler {
  return function responsesHandler(req, res, next) {
    serve(services, req, res).catch((err: unknown) => answerError(res, err, next));
  };
}

async function serve(services: RunServices, req: Request, res: Response): Promise<void> {
  const request = parseResponsesRequest(req.body);
  const run = await startRun(services, req, res, request.model, request.input);
  if (!run) return;
  const assembler = new ResponseAssembler(idFor('resp_', run.runId), request.model, request.echo, request.stream);
  await answerRun(services, res, run, () => (request.stream
    ? streamResponse(services, res, request, run, assembler)
    : answerResponse(services, res, request, run, assembler)));
}

async function answerResponse(services: RunServices, res: Response, request: ResponsesRequest, run: StartedRun, assembler: ResponseAssembler) {
  run.onShutdown = () => sendError(res, shuttingDown(true));
  const result = await services.runtime.result(run.runId);
  if (run.left) return;
  if (result.status === 'failed') throw runFailed(result.error);
  let chars = 0;
  for (const event of result.events) chars += apply(assembler, request, event);
  sendJson(res, assembler.complete(result.finishReason ?? 'stop', usageOf(result.usage, request.input, chars)), true);
}

/** Feeds one run event to the assembler; returns the characters of output it added. */
function apply(assembler: ResponseAssembler, request: ResponsesRequest, event: RunEvent): number {
  if (event.type === 'text_delta') {
    assembler.text(event.message_id, event.delta);
    return event.delta.length;
  }
  if (event.type === 'tool_call' && request.clientTools.has(event.name)) {
    assembler.toolCall(event.tool_call_id, event.name, event.arguments);
    return event.name.length + event.arguments.length;
  }
  return 0;
}

async function streamResponse(services: RunServices, res: Response, request: ResponsesRequest, run: StartedRun, assembler: ResponseAssembler) {
  const writer = new SseWriter(res, { heartbeat: services.heartbeat, headers: streamHeaders(res), protocol: 'openai' });
  run.onShutdown = () => {
    assembler.fail({ code: SHUTDOWN_ERROR.code!, message: SHUTDOWN_ERROR.message }, undefined);
    writer.end(assembler.take());
  };
  assembler.start();
  writer.write(assembler.take());
  let chars = 0;
  try {
    for await (const { event } of services.runtime.events(run.runId)) {
      if (event.type === 'run_completed') {
        assembler.complete(event.finish_reason, usageOf(event.usage, request.input, chars));
        writer.end(assembler.take());
        return;
      }
      if (event.type === 'run_error') {
        assembler.fail(runFailed(event.error).toObject() as { code: string; message: string }, event.error);
        writer.end(assembler.take());
        return;
      }
      chars += apply(assembler, request, event);
      writer.write(assembler.take());
      if (writer.closed) break; // the client left: the cancelled run ends, and this loop with it
      if (writer.full) await writer.drained();
    }
  } catch (err) {
    if (run.left) return;
    loggerOf(res.req, services.logger).warn({ err, runId: run.runId }, 'reading the run failed: the stream ends with stream_error');
    assembler.fail({ code: 'stream_error', message: (err as Error).message }, undefined);
    writer.end(assembler.take());
    return;
  }
  if (run.left) return;
  assembler.fail({ code: 'stream_error', message: 'the run ended without a terminal event' }, undefined);
  writer.end(assembler.take());
}
