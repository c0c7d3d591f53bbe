import { AgentsError, type RunHandle } from '@agentway/agents';
import { taskToLegacy } from './legacy-wire';
import { messageToInput } from './message-input';
import { closeSignal, STREAMED, type RpcContext } from './rpc-context';
import { rpcErrors } from './rpc-error';
import { sendParams, type SendParams } from './rpc-params';
import { streamTask } from './stream-task';
import { readTask } from './task-reader';

/**
 * SendMessage / message/send: starts a run of the endpoint's agent (task id = run id, context id
 * = thread id, given or new) and, unless `returnImmediately` (0.3: `blocking: false`), waits for
 * it to end. The client leaving does not stop the task: CancelTask does.
 */
export async function sendMessage(ctx: RpcContext, rawParams: unknown): Promise<unknown> {
  const params = sendParams(rawParams, ctx.legacy);
  const handle = await startTask(ctx, params);
  const snapshot = await readTask(ctx.config.runtime, handle.runId, ctx.scope, {
    until: handle.offset, follow: !params.returnImmediately, signal: closeSignal(ctx),
  });
  if (!snapshot) throw rpcErrors.internal('Internal error: the task was started but could not be read');
  const { projection, events } = snapshot;
  if (events) {
    for await (const record of events) {
      projection.apply(record);
      if (projection.terminal) break;
    }
  }
  const task = projection.toTask({ historyLength: params.historyLength });
  return ctx.legacy ? taskToLegacy(task) : { task };
}

/** SendStreamingMessage / message/stream: starts the task and streams it until it ends. */
export async function sendStreamingMessage(ctx: RpcContext, rawParams: unknown): Promise<typeof STREAMED> {
  if (!ctx.config.streaming) throw rpcErrors.unsupported('This agent does not stream (its card says capabilities.streaming is false)');
  const params = sendParams(rawParams, ctx.legacy);
  const handle = await startTask(ctx, params);
  const snapshot = await readTask(ctx.config.runtime, handle.runId, ctx.scope, { until: handle.offset, follow: true, signal: closeSignal(ctx) });
  if (!snapshot) throw rpcErrors.internal('Internal error: the task was started but could not be read');
  await streamTask(ctx, snapshot, params.historyLength);
  return STREAMED;
}

async function startTask(ctx: RpcContext, params: SendParams): Promise<RunHandle> {
  const { message } = params;
  const { runtime, agent, index } = ctx.config;
  if (message.taskId !== undefined) {
    const existing = await readTask(runtime, message.taskId, ctx.scope);
    if (!existing) throw rpcErrors.taskNotFound(message.taskId);
    const { projection } = existing;
    if (message.contextId !== undefined && message.contextId !== projection.contextId) {
      throw rpcErrors.invalidParams('message.contextId', `message.contextId does not match the context of task ${message.taskId}`);
    }
    throw rpcErrors.unsupported(projection.terminal
      ? `Task ${message.taskId} is in a terminal state (${projection.state}) and cannot take more messages`
      : `Task ${message.taskId} cannot take more messages: send a new message with contextId "${projection.contextId}" to go on in its context`);
  }
  const input = messageToInput(message);
  let handle: RunHandle;
  try {
    handle = await runtime.start({ agent: agent.name, input, threadId: message.contextId, principal: ctx.principal });
  } catch (err) {
    if (err instanceof AgentsError && err.code === 'ERR_AGENTS_INVALID_INPUT') throw rpcErrors.invalidParams('message', err.message.replace('[@agentway/agents] ', ''));
    throw err;
  }
  await index.add({ task_id: handle.runId, context_id: handle.threadId, ...(ctx.principal && { principal_id: ctx.principal.id }) });
  return handle;
}
