import express from 'express';
import { a2aCard, a2aServer, type A2AServer, type ProtocolVersion } from '@agentway/a2a';
import { anyOf, arrayOf, duration, number, object, oneOf, OptionError, satisfies, string, type Check } from '@agentway/options';
import type { Feature } from '../feature';

/** The `a2a` section of the gateway config. */
export interface A2ASection {
  /** The gateway's public base URL (`https://agents.example.com`), put in the cards. Default: each request's own host. */
  publicUrl?: string;
  /** The agents served over A2A. Default: every agent. */
  agents?: string[];
  /** The wire versions served and advertised, preferred first. Default `['1.0', '0.3']`. */
  versions?: ProtocolVersion[];
  /** ms between SSE heartbeats; 0 turns them off. Default 15 000. */
  heartbeat?: number;
  /** How many tasks per agent ListTasks can list. Default 1000. */
  taskIndexLength?: number;
  /** The cards' `Cache-Control: max-age`, in seconds. Default 3600. */
  cardMaxAge?: number;
  /** Largest JSON-RPC request body. Default `'1mb'`. */
  limit?: number | string;
}

/**
 * A2A (`@agentway/a2a`): each agent at `/a2a/<agent>/` (JSON-RPC 1.0 and 0.3, card at
 * `/a2a/<agent>/.well-known/agent-card.json`), and the default agent's card at the root
 * `/.well-known/agent-card.json`, on the gateway's runtime and auth.
 */
export const a2aFeature: Feature<A2ASection> = {
  name: 'a2a',
  config: object({
    publicUrl: satisfies<string>('an http(s) URL', (v) => typeof v === 'string' && /^https?:\/\//.test(v) && URL.canParse(v)),
    agents: arrayOf(string({ nonEmpty: true }), { nonEmpty: true }),
    versions: arrayOf(oneOf('1.0', '0.3'), { nonEmpty: true }) as Check<ProtocolVersion[]>,
    heartbeat: duration(0),
    taskIndexLength: number({ min: 1, integer: true }),
    cardMaxAge: number({ min: 0, integer: true }),
    limit: anyOf<[number, string]>('a number of bytes or a size such as "1mb"', number({ min: 1, integer: true }), string({ nonEmpty: true })),
  }),
  mount({ runtime, auth, logger }, section = {}) {
    const { publicUrl, agents, cardMaxAge, ...options } = section;
    const names = agents ?? runtime.agents.names;
    for (const name of names) {
      if (!runtime.agents.get(name)) {
        throw new OptionError('gateway', 'ERR_GATEWAY_INVALID_OPTION', 'a2a.agents',
          `option "a2a.agents" names "${name}", which is not an agent (${runtime.agents.names.join(', ')})`);
      }
    }
    const url = (name: string) => `${publicUrl?.replace(/\/+$/, '') ?? ''}/a2a/${name}/`;
    const router = express.Router();
    const endpoints: string[] = [];
    const servers: A2AServer[] = [];
    for (const name of names) {
      const server = a2aServer({ ...options, runtime, agent: name, logger, ...(auth && { auth }), ...(publicUrl && { url: url(name) }), ...(cardMaxAge !== undefined && { cardMaxAge }) });
      servers.push(server);
      router.use(`/a2a/${name}`, server);
      endpoints.push(`POST /a2a/${name}/`, `GET /a2a/${name}/.well-known/agent-card.json`);
    }
    const main = names.includes(runtime.agents.defaultAgent.name) ? runtime.agents.defaultAgent : runtime.agents.get(names[0]!)!;
    router.use(a2aCard({ agent: main, url: url(main.name), ...(auth && { auth }), ...(options.versions && { versions: options.versions }), ...(cardMaxAge !== undefined && { maxAge: cardMaxAge }) }));
    endpoints.unshift(`GET /.well-known/agent-card.json (${main.name})`);
    return {
      endpoints,
      router,
      close: () => Promise.all(servers.map((s) => s.close())).then(() => undefined),
      answerError(_err, req, res) {
        if (req.method !== 'POST' || !req.path.startsWith('/a2a/')) return false;
        const id = (req.body as { id?: unknown } | undefined)?.id;
        const validId = id === null || typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)) ? id : null;
        res.status(500).json({ jsonrpc: '2.0', id: validId, error: { code: -32603, message: 'Internal error' } });
        return true;
      },
    };
  },
};
