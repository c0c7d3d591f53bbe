import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { demoAgents, type Agent } from '@agentway/agents';

/** The agents of a config: given as such, from a module (CommonJS or ESM), or the demo agents. */
export async function loadAgents(agents: string | readonly Agent[] | undefined, baseDir: string): Promise<readonly Agent[]> {
  if (agents === undefined) return demoAgents();
  if (typeof agents !== 'string') return agents;
  const module = await importModule(agents, baseDir);
  const exported = pickAgents(module);
  if (!exported) {
    throw Object.assign(new TypeError(`[@agentway/gateway] ${agents} must export its agents: \`exports.agents = [...]\`, \`export const agents = [...]\` or \`module.exports = [...]\``),
      { code: 'ERR_GATEWAY_INVALID_AGENTS_MODULE' });
  }
  return exported;
}

function pickAgents(module: unknown): readonly Agent[] | undefined {
  const candidates = [module, (module as { agents?: unknown })?.agents, (module as { default?: unknown })?.default,
    (module as { default?: { agents?: unknown } })?.default?.agents];
  return candidates.find((c): c is readonly Agent[] => Array.isArray(c) && c.length > 0);
}

/** Imports a user module named in the config (relative to `baseDir`, or a package name). */
export async function importModule(specifier: string, baseDir: string): Promise<unknown> {
  const local = specifier.startsWith('.') || isAbsolute(specifier);
  const target = local ? pathToFileURL(resolve(baseDir, specifier)).href : specifier;
  try {
    return await import(target);
  } catch (err) {
    throw Object.assign(new Error(`[@agentway/gateway] cannot load ${specifier}: ${(err as Error).message}`), { code: 'ERR_GATEWAY_MODULE', cause: err });
  }
}
