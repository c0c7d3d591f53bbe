import { AgentsError } from '@agentway/agents';
import { taskToLegacy } from './legacy-wire';
import { listTasks } from './list-tasks';
import { closeSignal, STREAMED, type RpcContext } from './rpc-context';
import { RpcError, rpcErrors } from './rpc-error';
import { listParams, taskIdParams } from './rpc-params';
import { streamError, streamTask } from './stream-task';
import { readTask } from './task-reader';

/** GetTask / tasks/get: the task as its run's events say now, from any instance. */
export async function getTask(ctx: RpcContext, rawParams: unknown): Promise<unknown> {
  const { id, historyLength } = taskIdParams(rawParams);
  const snapshot = await readTask(ctx.config.runtime, id, ctx.scope);
  if (!snapshot) throw rpcErrors.taskNotFound(id);
  const task = snapshot.projection.toTask({ historyLength });
  return ctx.legacy ? taskToLegacy(task) : task;
}

/** ListTasks (1.0 only): the caller's tasks of this agent, newest update first, paged. */
export async function listTasksMethod(ctx: RpcContext, rawParams: unknown): Promise<unknown> {
  return listTasks(ctx.config.runtime, ctx.config.index, ctx.scope, listParams(rawParams));
}

/**
 * CancelTask / tasks/cancel: cancels the run wherever it executes (the agent's signal aborts) and
 * answers the CANCELED task once its run has ended. Canceling a canceled task answers it again;
 * a task that already ended otherwise (or ends before the cancel lands) is TaskNotCancelable.
 */
export async function cancelTask(ctx: RpcContext, rawParams: unknown): Promise<unknown> {
  const { id, historyLength } = taskIdParams(rawParams);
  const { runtime } = ctx.config;
  const before = await readTask(runtime, id, ctx.scope);
  if (!before) throw rpcErrors.taskNotFound(id);
  let { projection } = before;
  if (!projection.terminal) {
    try {
      await runtime.cancel(id, 'the task was canceled by the client');
    } catch (err) {
      if (err instanceof AgentsError && err.code === 'ERR_AGENTS_RUN_NOT_FOUND') throw rpcErrors.taskNotFound(id);
      throw err;
    }
    const after = await readTask(runtime, id, ctx.scope, { follow: true, signal: closeSignal(ctx) });
    if (!after) throw rpcErrors.taskNotFound(id);
    projection = after.projection;
    if (after.events) {
      for await (const record of after.events) {
        projection.apply(record);
        if (projection.terminal) break;
      }
    }
  }
  if (projection.state !== 'TASK_STATE_CANCELED') throw rpcErrors.taskNotCancelable(id, projection.state);
  const task = projection.toTask({ historyLength });
  return ctx.legacy ? taskToLegacy(task) : task;
}

/**
 * SubscribeToTask / tasks/resubscribe: from any instance, the Task as it stands, then its updates
 * until it ends. A task that has ended already is UnsupportedOperation (spec §3.1.6).
 */
export async function subscribeToTask(ctx: RpcContext, rawParams: unknown): Promise<typeof STREAMED> {
  try {
    if (!ctx.config.streaming) throw rpcErrors.unsupported('This agent does not stream (its card says capabilities.streaming is false)');
    const { id, historyLength } = taskIdParams(rawParams);
    const snapshot = await readTask(ctx.config.runtime, id, ctx.scope, { follow: true, signal: closeSignal(ctx) });
    if (!snapshot) throw rpcErrors.taskNotFound(id);
    if (snapshot.projection.terminal) {
      throw rpcErrors.unsupported(`Task ${id} is in a terminal state (${snapshot.projection.state}) and cannot be subscribed to`);
    }
    await streamTask(ctx, snapshot, historyLength);
  } catch (err) {
    if (!(err instanceof RpcError) || !ctx.legacy) throw err;
    streamError(ctx, err);
  }
  return STREAMED;
}
