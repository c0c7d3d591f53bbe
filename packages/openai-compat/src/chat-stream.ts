import type { Response } from 'express';
import { ChatChunkEncoder, DONE_FRAME, errorFrame } from './chat-chunk-encoder';
import type { ChatRequest } from './chat-request';
import { loggerOf } from '@agentway/observability';
import { SseWriter } from '@agentway/sse';
import { streamHeaders } from './request-id';
import { idFor, runFailed, SHUTDOWN_ERROR, type RunServices, type StartedRun } from './start-run';
import { usageOf } from './usage';

/**
 * Streams a run as `chat.completion.chunk` events: the role first, then each text piece and each
 * call to a client tool (its `id`/`type`/`name` piece, then its arguments), the finish reason,
 * the usage chunk when asked for, and `[DONE]`. A failure after the headers ends the stream with
 * `data: {"error":…}` — so does the router's `close()`, with `server_shutting_down`. Reading stops
 * while the socket is full and when the client leaves.
 */
export async function streamChat(services: RunServices, res: Response, request: ChatRequest, run: StartedRun): Promise<void> {
  const writer = new SseWriter(res, { heartbeat: services.heartbeat, headers: streamHeaders(res), protocol: 'openai' });
  run.onShutdown = () => writer.end(errorFrame(SHUTDOWN_ERROR));
  const encoder = new ChatChunkEncoder(idFor('chatcmpl-', run.runId), Math.floor(Date.now() / 1000), request.model, request.includeUsage);
  writer.write(encoder.role());
  let calls = 0;
  let toolChars = 0;
  try {
    for await (const { event } of services.runtime.events(run.runId)) {
      switch (event.type) {
        case 'text_delta':
          writer.write(encoder.content(event.delta));
          break;
        case 'tool_call':
          if (request.clientTools.has(event.name)) {
            writer.write(encoder.toolCallStart(calls, event.tool_call_id, event.name) + encoder.toolCallArguments(calls, event.arguments));
            toolChars += event.name.length + event.arguments.length;
            calls++;
          }
          break;
        case 'run_completed': {
          let frames = encoder.finish(calls > 0 ? 'tool_calls' : event.finish_reason === 'length' ? 'length' : 'stop');
          if (request.includeUsage) frames += encoder.usage(usageOf(event.usage, request.input, event.output.length + toolChars));
          writer.end(frames + DONE_FRAME);
          return;
        }
        case 'run_error':
          writer.end(errorFrame(runFailed(event.error).toObject()));
          return;
        default:
          break;
      }
      if (writer.closed) break; // the client left: the cancelled run ends, and this loop with it
      if (writer.full) await writer.drained();
    }
  } catch (err) {
    if (run.left) return;
    loggerOf(res.req, services.logger).warn({ err, runId: run.runId }, 'reading the run failed: the stream ends with stream_error');
    writer.end(errorFrame(runFailed({ code: 'stream_error', message: (err as Error).message }).toObject()));
    return;
  }
  if (!run.left) writer.end(errorFrame(runFailed({ code: 'stream_error', message: 'the run ended without a terminal event' }).toObject()));
}
