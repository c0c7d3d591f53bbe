import type { Request } from 'express';
import type { Agent, AgentSet, PrincipalLike } from '@agentway/agents';
import { OpenAICompatError } from './openai-compat-error';

/** OpenAI's model object: what `/v1/models` lists for each agent. */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The caller as the auth middleware established it (`req.user`), when it has an id. */
export function principalOf(req: Request): PrincipalLike | undefined {
  const user = (req as { user?: unknown }).user as PrincipalLike | undefined;
  return user && typeof user.id === 'string' ? user : undefined;
}

/**
 * The agents as OpenAI models: the model id is the agent's name. With `allowModel`, each caller
 * sees (and may use) only the agents it allows; the others answer 404 exactly like unknown ones.
 */
export class ModelCatalog {
  private readonly objects = new Map<string, ModelObject>();

  constructor(
    private readonly agents: AgentSet,
    private readonly allowModel: ((principal: PrincipalLike | undefined, model: string) => boolean) | undefined,
  ) {
    const created = Math.floor(Date.now() / 1000);
    for (const name of agents.names) this.objects.set(name, Object.freeze({ id: name, object: 'model', created, owned_by: 'agentway' }));
  }

  /** The agent serving `model`, if it exists and the caller may use it. */
  find(model: string, principal: PrincipalLike | undefined): Agent | undefined {
    const agent = this.agents.get(model);
    if (!agent || (this.allowModel && !this.allowModel(principal, model))) return undefined;
    return agent;
  }

  /** The model objects the caller may use, in the runtime's order. */
  list(principal: PrincipalLike | undefined): ModelObject[] {
    const out: ModelObject[] = [];
    for (const [name, object] of this.objects) if (!this.allowModel || this.allowModel(principal, name)) out.push(object);
    return out;
  }

  /** The model object, if the caller may use it. */
  get(model: string, principal: PrincipalLike | undefined): ModelObject | undefined {
    return this.find(model, principal) ? this.objects.get(model) : undefined;
  }

  /** 404 `model_not_found`, listing the ids the caller may use (a base URL or model name mix-up is the usual cause). */
  notFound(model: string, principal: PrincipalLike | undefined): OpenAICompatError {
    const ids = this.list(principal).map((m) => m.id);
    return new OpenAICompatError('ERR_OPENAI_COMPAT_MODEL_NOT_FOUND',
      `The model ${JSON.stringify(model)} does not exist or you do not have access to it. Available models: ${ids.join(', ') || '(none)'}.`,
      { status: 404, type: 'invalid_request_error', param: 'model', errorCode: 'model_not_found' });
  }
}
