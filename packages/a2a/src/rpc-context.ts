import type { Request, Response } from 'express';
import type { PrincipalLike } from '@agentway/agents';
import type { ServerConfig } from './server-options';
import type { TaskScope } from './task-reader';

/** One JSON-RPC call being answered. */
export interface RpcContext {
  readonly config: ServerConfig;
  readonly req: Request;
  readonly res: Response;
  /** The request's `id` (echoed in the response and in every stream frame). */
  readonly id: string | number | null;
  /** A 0.3 method: read and answer the 0.3 shapes. */
  readonly legacy: boolean;
  readonly principal: PrincipalLike | undefined;
  readonly scope: TaskScope;
  /** Aborted when the server closes (`close()`). */
  readonly shutdown: AbortSignal;
}

/** What a method returns once it has answered itself (a stream). */
export const STREAMED: unique symbol = Symbol('streamed');

/** A JSON-RPC method: its result, or `STREAMED`. */
export type RpcMethod = (ctx: RpcContext, params: unknown) => Promise<unknown>;

/** The caller as the auth middleware set it (`req.user` with a string `id`), if any. */
export function principalOf(req: Request): PrincipalLike | undefined {
  const user = (req as Request & { user?: unknown }).user as PrincipalLike | undefined;
  return user && typeof user === 'object' && typeof user.id === 'string' ? user : undefined;
}

const CLIENT_LEFT = Object.freeze(new Error('the client closed the connection'));

/**
 * An AbortSignal that aborts when the client leaves before the response has ended (with a ready
 * reason: no DOMException per request), or when the server closes.
 */
export function closeSignal(ctx: Pick<RpcContext, 'res' | 'shutdown'>): AbortSignal {
  const { res, shutdown } = ctx;
  const controller = new AbortController();
  if (res.closed) controller.abort(CLIENT_LEFT);
  else if (shutdown.aborted) controller.abort(shutdown.reason);
  else {
    const onShutdown = () => controller.abort(shutdown.reason);
    shutdown.addEventListener('abort', onShutdown, { once: true });
    res.once('close', () => {
      shutdown.removeEventListener('abort', onShutdown);
      if (!res.writableFinished) controller.abort(CLIENT_LEFT);
    });
  }
  return controller.signal;
}
