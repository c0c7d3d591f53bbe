import { arrayOf, checkOptions, func, object, required, satisfies, string } from '@agentway/options';
import type { Agent } from './agent';

const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const agentSchema = {
  name: required(satisfies<string>('letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)',
    (v) => typeof v === 'string' && AGENT_NAME.test(v))),
  description: string(),
  skills: arrayOf(object({
    id: required(string({ nonEmpty: true })),
    name: required(string({ nonEmpty: true })),
    description: required(string()),
    tags: required(arrayOf(string())),
    examples: arrayOf(string()),
  })),
  run: required(func<Agent['run']>()),
};

/**
 * Declares an agent. Checks the definition now (a coded `TypeError` names what is wrong) and
 * returns it frozen; `run` keeps its `this`.
 *
 * ```ts
 * const greeter = defineAgent({
 *   name: 'greeter',
 *   async *run(input) { yield 'Hello, '; yield 'world'; },
 * });
 * ```
 */
export function defineAgent<A extends Agent>(definition: A): Readonly<A> {
  checkAgent(definition);
  return Object.freeze(definition);
}

/** Throws a coded `TypeError` when `agent` is not a valid agent. */
export function checkAgent(agent: Agent): void {
  checkOptions('agents', pick(agent), agentSchema);
}

function pick(definition: Agent): Record<string, unknown> {
  if (typeof definition !== 'object' || definition === null) return definition as never;
  const { name, description, skills, run } = definition;
  return { name, description, skills, run };
}

/** The agents a runtime serves, by name; the first is the default. */
export interface AgentSet {
  readonly defaultAgent: Agent;
  readonly names: readonly string[];
  get(name: string): Agent | undefined;
  list(): readonly Agent[];
}

export function agentSet(agents: readonly Agent[]): AgentSet {
  if (!Array.isArray(agents) || agents.length === 0) {
    throw Object.assign(new TypeError('[@agentway/agents] option "agents" must be a non-empty array of agents (the first is the default)'),
      { code: 'ERR_AGENTS_INVALID_OPTION' });
  }
  const byName = new Map<string, Agent>();
  for (const agent of agents) {
    checkAgent(agent);
    if (byName.has(agent.name)) {
      throw Object.assign(new TypeError(`[@agentway/agents] two agents are named "${agent.name}"`), { code: 'ERR_AGENTS_INVALID_OPTION' });
    }
    byName.set(agent.name, agent);
  }
  const list = Object.freeze([...byName.values()]);
  const names = Object.freeze([...byName.keys()]);
  return {
    defaultAgent: list[0]!,
    names,
    get: (name) => byName.get(name),
    list: () => list,
  };
}
