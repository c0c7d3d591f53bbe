import type { RequestHandler } from 'express';
import type { Agent } from '@agentway/agents';
import { OptionError, anyOf, arrayOf, boolean, object, recordOf, required, satisfies, string, type Check } from '@agentway/options';
import type { AgentCard, AgentSkill } from './a2a-types';
import type { ProtocolVersion } from './protocol-version';
import { securityFor } from './security-schemes';

/** The original design's short card: capabilities become skills, `endpoint` the interface URL. */
export interface ShortCard {
  name: string;
  description?: string;
  capabilities?: string[];
  endpoint?: string;
  model?: string;
  version?: string;
}

/** A full A2A 1.0 card, fields to put over the one built from an agent, or the short form. */
export type CardInput = Partial<AgentCard> | ShortCard;

/** What a card is built from an agent: its name, description and skills. */
export type AgentLike = Pick<Agent, 'name' | 'description' | 'skills'>;

/** What a card is built from (checked options). */
export interface CardSource {
  card?: CardInput;
  agent?: AgentLike;
  /** The JSON-RPC endpoint, absolute or relative to where the card is served. */
  url?: string;
  versions: readonly ProtocolVersion[];
  auth?: RequestHandler;
}

/** The extension a short card's `model` is declared with. */
export const MODEL_EXTENSION = 'urn:agentway:model';

const url = satisfies<string>('a URL (absolute, or a path)', (v) => typeof v === 'string' && v.length > 0 && URL.canParse(v, 'http://h/'));
const strings = arrayOf(string());
const skill = object({
  id: required(string({ nonEmpty: true })), name: required(string({ nonEmpty: true })), description: required(string()),
  tags: required(strings), examples: strings, inputModes: strings, outputModes: strings, securityRequirements: arrayOf(satisfies('an object', isObject)),
});

/** The checks of the `card` option: a (partial) 1.0 card or the short form. */
export const cardCheck: Check<CardInput> = object({
  name: string({ nonEmpty: true }), description: string(), version: string({ nonEmpty: true }),
  supportedInterfaces: arrayOf(object({
    url: required(url), protocolBinding: required(string({ nonEmpty: true })), protocolVersion: required(string({ nonEmpty: true })), tenant: string(),
  }), { nonEmpty: true }),
  capabilities: anyOf('an array of capability names (short form) or { streaming, pushNotifications, extendedAgentCard, extensions }',
    arrayOf(string({ nonEmpty: true })),
    object({ streaming: boolean(), pushNotifications: boolean(), extendedAgentCard: boolean(), extensions: arrayOf(satisfies('an object', isObject)) })),
  defaultInputModes: strings, defaultOutputModes: strings, skills: arrayOf(skill),
  provider: object({ organization: required(string()), url: required(string()) }),
  documentationUrl: string(), iconUrl: string(),
  securitySchemes: recordOf(satisfies('a security scheme object', isObject)),
  securityRequirements: arrayOf(satisfies('an object', isObject)), signatures: arrayOf(satisfies('an object', isObject)),
  endpoint: url, model: string({ nonEmpty: true }),
}) as Check<CardInput>;

/**
 * Builds the card once, at construction; only the interface URLs are resolved per request (the
 * default endpoint is where the card is served from). Throws a coded TypeError when the result
 * lacks a name or description.
 */
export function cardTemplate(source: CardSource): (endpoint: string) => AgentCard {
  const input = (source.card ?? {}) as Partial<AgentCard> & Partial<ShortCard>;
  const short = Array.isArray(input.capabilities) || input.endpoint !== undefined || input.model !== undefined;
  const { endpoint, model, capabilities, ...given } = input;
  const name = given.name ?? source.agent?.name;
  const description = given.description ?? source.agent?.description ?? (source.agent ? `The ${source.agent.name} agent` : undefined);
  if (name === undefined) throw missing('card.name', 'option "card.name" is required when no "agent" is given');
  if (description === undefined) throw missing('card.description', 'option "card.description" is required when no "agent" is given');
  const skills = given.skills ?? (Array.isArray(capabilities) ? capabilities.map(capabilitySkill) : source.agent?.skills?.map(agentSkill))
    ?? [{ id: name, name, description, tags: [name] }];
  const base: Omit<AgentCard, 'supportedInterfaces'> = {
    name, description, version: given.version ?? '1.0.0',
    capabilities: short || capabilities === undefined ? { streaming: true, pushNotifications: false } : capabilities as AgentCard['capabilities'],
    defaultInputModes: given.defaultInputModes ?? ['text/plain', 'application/json'],
    defaultOutputModes: given.defaultOutputModes ?? ['text/plain'],
    skills,
    ...securityFor(source.auth),
  };
  if (model !== undefined) base.capabilities = { ...base.capabilities, extensions: [{ uri: MODEL_EXTENSION, description: 'The model behind this agent', required: false, params: { model } }] };
  const rest = { ...given } as Partial<AgentCard>;
  for (const key of ['name', 'description', 'version', 'skills', 'defaultInputModes', 'defaultOutputModes', 'supportedInterfaces'] as const) delete rest[key];
  const target = endpoint ?? source.url;
  return (defaultEndpoint) => {
    const resolve = (u: string) => new URL(u, defaultEndpoint).href;
    const at = target === undefined ? defaultEndpoint : resolve(target);
    const supportedInterfaces = given.supportedInterfaces?.map((i) => ({ ...i, url: resolve(i.url) }))
      ?? source.versions.map((protocolVersion) => ({ url: at, protocolBinding: 'JSONRPC', protocolVersion }));
    const { name: n, description: d, version, ...others } = base;
    return { name: n, description: d, version, supportedInterfaces, ...others, ...rest };
  };
}

function agentSkill(skill: NonNullable<AgentLike['skills']>[number]): AgentSkill {
  const { id, name, description, tags, examples } = skill;
  return { id, name, description, tags: [...tags], ...(examples && examples.length > 0 && { examples: [...examples] }) };
}

function capabilitySkill(capability: string): AgentSkill {
  const words = capability.replace(/[_-]+/g, ' ').trim();
  const label = words.charAt(0).toUpperCase() + words.slice(1);
  return { id: capability, name: label, description: label, tags: [capability] };
}

function missing(option: string, message: string): OptionError {
  return new OptionError('a2a', 'ERR_A2A_MISSING_OPTION', option, message);
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
