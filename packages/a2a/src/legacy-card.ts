import type { AgentCard, AgentSkill } from './a2a-types';
import { isLegacyVersion } from './protocol-version';
import { requirementToLegacy, schemeToLegacy } from './security-schemes';

type Json = Record<string, unknown>;

/**
 * The card in the 0.3 shape, for peers that speak 0.3 (they send no `A2A-Version`, or `0.3`):
 * `protocolVersion`, the primary `url` and `preferredTransport`, `additionalInterfaces`, and
 * OpenAPI-style security. Only the card's 0.3 interfaces are listed; `undefined` when it has none.
 */
export function toLegacyCard(card: AgentCard): Json | undefined {
  const interfaces = card.supportedInterfaces.filter((i) => isLegacyVersion(i.protocolVersion));
  const [primary, ...rest] = interfaces;
  if (!primary) return undefined;
  const { streaming, pushNotifications, extendedAgentCard, extensions } = card.capabilities;
  const legacy: Json = {
    protocolVersion: '0.3.0',
    name: card.name,
    description: card.description,
    url: primary.url,
    preferredTransport: primary.protocolBinding,
    ...(rest.length > 0 && { additionalInterfaces: rest.map((i) => ({ url: i.url, transport: i.protocolBinding })) }),
    version: card.version,
    capabilities: {
      ...(streaming !== undefined && { streaming }),
      ...(pushNotifications !== undefined && { pushNotifications }),
      ...(extensions && extensions.length > 0 && { extensions }),
    },
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map(skillToLegacy),
  };
  if (card.provider) legacy.provider = card.provider;
  if (card.documentationUrl) legacy.documentationUrl = card.documentationUrl;
  if (card.iconUrl) legacy.iconUrl = card.iconUrl;
  if (extendedAgentCard !== undefined) legacy.supportsAuthenticatedExtendedCard = extendedAgentCard;
  if (card.securitySchemes && Object.keys(card.securitySchemes).length > 0) {
    legacy.securitySchemes = Object.fromEntries(Object.entries(card.securitySchemes).map(([name, s]) => [name, schemeToLegacy(s)]));
  }
  if (card.securityRequirements && card.securityRequirements.length > 0) legacy.security = card.securityRequirements.map(requirementToLegacy);
  if (card.signatures && card.signatures.length > 0) legacy.signatures = card.signatures;
  return legacy;
}

function skillToLegacy(skill: AgentSkill): Json {
  const { securityRequirements, ...rest } = skill;
  return securityRequirements && securityRequirements.length > 0 ? { ...rest, security: securityRequirements.map(requirementToLegacy) } : rest;
}
