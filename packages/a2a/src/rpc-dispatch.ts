import type { Request, Response } from 'express';
import { isLegacyVersion, requestedVersion } from './protocol-version';
import { principalOf, STREAMED, type RpcContext, type RpcMethod } from './rpc-context';
import { RpcError, rpcErrors } from './rpc-error';
import { sendMessage, sendStreamingMessage } from './send-message';
import type { ServerConfig } from './server-options';
import { cancelTask, getTask, listTasksMethod, subscribeToTask } from './task-methods';

const noPush: RpcMethod = async () => {
  throw rpcErrors.pushNotSupported();
};
const noExtendedCard: RpcMethod = async () => {
  throw rpcErrors.unsupported('This agent has no extended agent card (capabilities.extendedAgentCard is not set)');
};

/** The 1.0 methods (PascalCase). */
const METHODS_10: Readonly<Record<string, RpcMethod>> = {
  SendMessage: sendMessage,
  SendStreamingMessage: sendStreamingMessage,
  GetTask: getTask,
  ListTasks: listTasksMethod,
  CancelTask: cancelTask,
  SubscribeToTask: subscribeToTask,
  CreateTaskPushNotificationConfig: noPush,
  GetTaskPushNotificationConfig: noPush,
  ListTaskPushNotificationConfigs: noPush,
  DeleteTaskPushNotificationConfig: noPush,
  GetExtendedAgentCard: noExtendedCard,
};

/** The 0.3 methods (`namespace/verb`): the two grammars never overlap. */
const METHODS_03: Readonly<Record<string, RpcMethod>> = {
  'message/send': sendMessage,
  'message/stream': sendStreamingMessage,
  'tasks/get': getTask,
  'tasks/cancel': cancelTask,
  'tasks/resubscribe': subscribeToTask,
  'tasks/pushNotificationConfig/set': noPush,
  'tasks/pushNotificationConfig/get': noPush,
  'tasks/pushNotificationConfig/list': noPush,
  'tasks/pushNotificationConfig/delete': noPush,
  'agent/getAuthenticatedExtendedCard': noExtendedCard,
};

/**
 * Answers one JSON-RPC request: checks the envelope, then the version the client speaks
 * (`A2A-Version`, missing = 0.3) against the versions served (-32009), then dispatches by method
 * name — a 1.0 name gets 1.0 shapes, a 0.3 name (when 0.3 is served) the 0.3 shapes. Protocol
 * errors are answered as JSON-RPC errors; anything else rejects (to `next(err)`).
 */
export async function dispatchRpc(config: ServerConfig, req: Request, res: Response): Promise<void> {
  const version = requestedVersion(req);
  let errorVersion = isLegacyVersion(version) ? '0.3' : '1.0';
  let id: string | number | null = null;
  const { shutdown } = config;
  // The server closing answers a call that has not answered yet (a blocking SendMessage, a CancelTask waiting).
  const onShutdown = () => {
    if (!res.headersSent) res.status(503).json({ jsonrpc: '2.0', id, error: rpcErrors.shuttingDown().toJSON(errorVersion) });
  };
  try {
    shutdown.track(res);
    shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    const body: unknown = req.body;
    if (Array.isArray(body)) throw rpcErrors.invalidRequest('Batch requests are not supported');
    if (typeof body !== 'object' || body === null) throw rpcErrors.invalidRequest('The body must be a JSON-RPC 2.0 request object');
    const request = body as Record<string, unknown>;
    if (isId(request.id)) id = request.id;
    else if (request.id !== undefined) throw rpcErrors.invalidRequest('The request id must be a string, an integer or null');
    if (request.jsonrpc !== '2.0' || typeof request.method !== 'string' || request.method === '') {
      throw rpcErrors.invalidRequest('The request must have "jsonrpc": "2.0" and a "method"');
    }
    if (shutdown.closing) throw rpcErrors.shuttingDown();
    if (!(config.versions as readonly string[]).includes(version)) throw rpcErrors.versionNotSupported(version, config.versions);
    const name = request.method;
    const legacy = config.versions.includes('0.3') && Object.hasOwn(METHODS_03, name);
    const method = legacy ? METHODS_03[name] : Object.hasOwn(METHODS_10, name) ? METHODS_10[name] : undefined;
    if (!method) throw rpcErrors.methodNotFound(`Method not found: ${name}`);
    errorVersion = legacy ? '0.3' : '1.0';
    const principal = principalOf(req);
    const ctx: RpcContext = {
      config, req, res, id, legacy, principal, scope: { agentName: config.agent.name, principalId: principal?.id }, shutdown: shutdown.signal,
    };
    const result = await method(ctx, request.params);
    if (result !== STREAMED && !res.headersSent) res.json({ jsonrpc: '2.0', id, result });
  } catch (err) {
    if (shutdown.closing && res.headersSent) return; // answered by the shutdown; what failed after it is moot
    if (!(err instanceof RpcError) || res.headersSent) throw err;
    res.status(err.status).json({ jsonrpc: '2.0', id, error: err.toJSON(errorVersion) });
  } finally {
    shutdown.signal.removeEventListener('abort', onShutdown);
  }
}

function isId(value: unknown): value is string | number | null {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}
