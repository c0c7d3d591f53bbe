import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { arrayOf, checkOptions, func, number, oneOf, satisfies, type Check } from '@agentway/options';
import type { AgentCard } from './a2a-types';
import { cardCheck, cardTemplate, type AgentLike, type CardInput } from './agent-card';
import { toLegacyCard } from './legacy-card';
import { PROTOCOL_VERSIONS, isLegacyVersion, requestedVersion, VERSION_HEADER, type ProtocolVersion } from './protocol-version';

/** The options of `a2aCard()`. */
export interface A2ACardOptions {
  /** A full A2A 1.0 card, fields to put over the card built from `agent`, or the short form `{ name, description, capabilities: [...], endpoint, model }`. */
  card?: CardInput;
  /** Build the card from an agent's name, description and skills. */
  agent?: AgentLike;
  /** The JSON-RPC endpoint the card points to: absolute, or relative to where the card is served. Default: the mount path itself (`<base>/`). */
  url?: string;
  /** The wire versions advertised, preferred first. Default `['1.0', '0.3']`. */
  versions?: ProtocolVersion[];
  /** The auth middleware in front of the endpoint: declared in the card's security schemes (bearer). */
  auth?: RequestHandler;
  /** `Cache-Control: max-age` in seconds; 0 sends `no-cache`. Default 3600. */
  maxAge?: number;
}

/** The checks shared with `a2aServer()`. */
export const cardOptionChecks = {
  card: cardCheck,
  url: satisfies<string>('a URL (absolute, or a path)', (v) => typeof v === 'string' && v.length > 0 && URL.canParse(v, 'http://h/')),
  versions: arrayOf(oneOf(...PROTOCOL_VERSIONS), { nonEmpty: true }) as Check<ProtocolVersion[]>,
  auth: func<RequestHandler>(),
};

/** Where the card is served, under the mount path: the 0.3+ path, then the older 0.2 one. */
export const CARD_PATHS = ['/.well-known/agent-card.json', '/.well-known/agent.json'] as const;

interface Entry { body: string; etag: string }
const MAX_CACHED = 64;

/**
 * Serves an A2A agent card at `/.well-known/agent-card.json` and the older
 * `/.well-known/agent.json`, relative to where it is mounted. The version follows `A2A-Version`:
 * 1.x gets the 1.0 card, a missing header or 0.3 the 0.3 card (when 0.3 is advertised), with
 * `Vary: A2A-Version`, `Cache-Control` and a weak `ETag` (304 on `If-None-Match`).
 *
 * ```ts
 * app.use(a2aCard({ card: { name: 'search', description: 'Searches the web', capabilities: ['web_search'], endpoint: 'https://example.com/a2a/' } }));
 * ```
 */
export function a2aCard(options: Readonly<A2ACardOptions>): RequestHandler {
  const config = checkOptions('a2a', options, {
    ...cardOptionChecks,
    agent: satisfies<A2ACardOptions['agent']>('an agent ({ name, description?, skills? })', isAgentLike),
    maxAge: number({ min: 0, integer: true }),
  });
  if (config.card === undefined && config.agent === undefined) {
    throw Object.assign(new TypeError('[@agentway/a2a] a2aCard needs "card" or "agent"'), { code: 'ERR_A2A_MISSING_OPTION' });
  }
  const build = cardTemplate({ card: config.card, agent: config.agent, url: config.url, versions: config.versions ?? PROTOCOL_VERSIONS, auth: config.auth });
  build('http://localhost/');
  const cacheControl = (config.maxAge ?? 3600) > 0 ? `public, max-age=${config.maxAge ?? 3600}` : 'no-cache';
  const cache = new Map<string, { v1: Entry; v03: Entry | undefined }>();

  function entries(endpoint: string) {
    let hit = cache.get(endpoint);
    if (!hit) {
      const card: AgentCard = build(endpoint);
      const legacy = toLegacyCard(card);
      hit = { v1: entry(card), v03: legacy && entry(legacy) };
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(endpoint, hit);
    }
    return hit;
  }

  function serveCard(req: Request, res: Response) {
    let endpoint: string;
    try {
      endpoint = new URL(`${req.baseUrl}/`, `${req.protocol}://${req.get('host') ?? 'localhost'}`).href;
    } catch {
      res.status(400).json({ error: { message: '[@agentway/a2a] the request has an invalid Host header', code: 'ERR_A2A_BAD_HOST' } });
      return;
    }
    const { v1, v03 } = entries(endpoint);
    const chosen = v03 && isLegacyVersion(requestedVersion(req)) ? v03 : v1;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', chosen.etag);
    res.append('Vary', VERSION_HEADER);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.send(chosen.body);
  }

  const router = express.Router();
  for (const path of CARD_PATHS) router.get(path, serveCard);
  return Object.defineProperty(router, 'name', { value: 'a2aCardMiddleware' });
}

/** An agent, or anything with its card fields: a non-empty `name`, optional `description` and `skills`. */
export function isAgentLike(value: unknown): boolean {
  const a = value as AgentLike | undefined;
  return typeof a === 'object' && a !== null && typeof a.name === 'string' && a.name.length > 0
    && (a.description === undefined || typeof a.description === 'string') && (a.skills === undefined || Array.isArray(a.skills));
}

function entry(card: unknown): Entry {
  const body = JSON.stringify(card);
  return { body, etag: `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}
