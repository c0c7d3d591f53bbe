import { loggerOf } from '@agentway/observability';
import { FrameEncoder } from './frame-encoder';
import type { RpcContext } from './rpc-context';
import { rpcErrors, type RpcError } from './rpc-error';
import { SseWriter } from '@agentway/sse';
import type { TaskSnapshot } from './task-reader';

/**
 * Streams a task as SSE: the Task as it stands, then its status and artifact updates as its run's
 * events arrive, and closes the stream once the task reaches a terminal state (or the client
 * leaves; the task goes on and can be subscribed to again). Waits for the client to take what was
 * written before reading more. A failure to read the run after the stream opened is sent as
 * `event: error` with a JSON-RPC error, then the stream ends; so is the server's `close()` (the
 * task goes on, and can be subscribed to again elsewhere).
 */
export async function streamTask(ctx: RpcContext, snapshot: TaskSnapshot, historyLength?: number): Promise<void> {
  const writer = new SseWriter(ctx.res, { heartbeat: ctx.config.heartbeat, protocol: 'a2a' });
  const { projection, events } = snapshot;
  const encoder = new FrameEncoder(ctx.legacy ? '0.3' : '1.0', ctx.id, projection.taskId, projection.contextId, (frame) => writer.write(frame));
  const onShutdown = () => {
    if (!writer.closed && !projection.terminal) encoder.error(rpcErrors.shuttingDown());
    writer.end();
  };
  ctx.shutdown.addEventListener('abort', onShutdown, { once: true });
  encoder.response({ task: projection.toTask({ historyLength }) });
  try {
    while (events && !projection.terminal && !writer.closed) {
      const step = await events.next();
      if (step.done) break;
      projection.apply(step.value, encoder);
      if (writer.full) await writer.drained();
    }
  } catch (err) {
    loggerOf(ctx.req, ctx.config.logger).warn({ err, taskId: projection.taskId }, 'reading the task failed: the stream ends with a -32603 error');
    encoder.error(rpcErrors.internal('Internal error: the task\'s events could not be read'));
  } finally {
    ctx.shutdown.removeEventListener('abort', onShutdown);
    await events?.return(undefined);
    writer.end();
  }
}

/** A 0.3 `tasks/resubscribe` error: always on an SSE stream, as strict 0.3 clients expect. */
export function streamError(ctx: RpcContext, error: RpcError): void {
  const writer = new SseWriter(ctx.res, { heartbeat: 0 });
  new FrameEncoder('0.3', ctx.id, '', '', (frame) => writer.write(frame)).error(error);
  writer.end();
}
