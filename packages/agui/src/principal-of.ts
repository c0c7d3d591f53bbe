import type { Request } from 'express';
import type { PrincipalLike } from '@agentway/agents';

/** `req.user` when an auth middleware set a principal (an object with a string `id`). */
export function principalOf(req: Request): PrincipalLike | undefined {
  const user = (req as { user?: unknown }).user as PrincipalLike | undefined;
  return typeof user === 'object' && user !== null && typeof user.id === 'string' ? user : undefined;
}
