import express, { type RequestHandler } from 'express';
import { a2aCard } from './a2a-card';
import { rpcBody, rpcErrorHandler } from './rpc-body';
import { dispatchRpc } from './rpc-dispatch';
import { resolveServerOptions, type A2AServerOptions } from './server-options';

/** What `a2aServer()` returns: the middleware to mount, and how to close it. */
export type A2AServer = RequestHandler & {
  /**
   * Winds the endpoint up: new calls are refused (JSON-RPC -32603 `SERVER_SHUTTING_DOWN`, HTTP
   * 503), open streams end with that error as `event: error`, calls still waiting are answered
   * it; the tasks go on. Resolves once those responses have closed, then closes the runtime and
   * broker made for `agents`, if any.
   */
  close(): Promise<void>;
};

/**
 * An A2A agent, served where it is mounted: its card at `.well-known/agent-card.json` (and
 * `agent.json`), and its JSON-RPC endpoint at the mount path itself — A2A 1.0 and 0.3, tasks as
 * agentway runs whose state lives on the broker, so any instance sharing it answers.
 *
 * ```ts
 * app.use('/a2a/echo', a2aServer({ runtime, agent: 'echo', auth: apiKeyAuth({ keys }) }));
 * // card: GET /a2a/echo/.well-known/agent-card.json · JSON-RPC: POST /a2a/echo/
 * ```
 */
export function a2aServer(options: Readonly<A2AServerOptions>): A2AServer {
  const config = resolveServerOptions(options);
  const router = express.Router();
  router.use(a2aCard(config.card));
  const rpc: RequestHandler = function a2aRpcMiddleware(req, res, next) {
    dispatchRpc(config, req, res).catch(next);
  };
  router.post('/', ...(config.auth ? [config.auth] : []), ...rpcBody(config.limit), rpc, rpcErrorHandler);
  let closing: Promise<void> | undefined;
  return Object.assign(Object.defineProperty(router, 'name', { value: 'a2aServerMiddleware' }), {
    close() {
      closing ??= (async () => {
        await config.shutdown.close();
        if (config.owned) {
          await config.owned.runtime.close();
          await config.owned.broker?.close();
        }
      })();
      return closing;
    },
  });
}
