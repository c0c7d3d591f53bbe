import type { RequestHandler } from 'express';
import type { AgentCard, SecurityRequirement, SecurityScheme } from './a2a-types';

type Json = Record<string, unknown>;

/**
 * What a card declares for an `auth` middleware: agentway's `apiKeyAuth()` and `jwtAuth()` (and
 * any bearer middleware) take `Authorization: Bearer <credential>`, declared as an HTTP bearer
 * scheme — with `bearerFormat: "JWT"` for `jwtAuth()`. Declare other schemes in `card`.
 */
export function securityFor(auth: RequestHandler | undefined): Pick<AgentCard, 'securitySchemes' | 'securityRequirements'> {
  if (!auth) return {};
  const jwt = auth.name === 'jwtAuthMiddleware';
  return {
    securitySchemes: { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer', ...(jwt && { bearerFormat: 'JWT' }) } } },
    securityRequirements: [{ schemes: { bearer: { list: [] } } }],
  };
}

/** A 1.0 security scheme in the 0.3 (OpenAPI-style) shape. */
export function schemeToLegacy(scheme: SecurityScheme): Json {
  if (scheme.httpAuthSecurityScheme) {
    const { scheme: name, bearerFormat, description } = scheme.httpAuthSecurityScheme;
    return { type: 'http', scheme: name.toLowerCase(), ...(bearerFormat && { bearerFormat }), ...(description && { description }) };
  }
  if (scheme.apiKeySecurityScheme) {
    const { location, name, description } = scheme.apiKeySecurityScheme;
    return { type: 'apiKey', in: location, name, ...(description && { description }) };
  }
  if (scheme.oauth2SecurityScheme) {
    const { flows, oauth2MetadataUrl, description } = scheme.oauth2SecurityScheme;
    const { deviceCode: _deviceCode, ...legacyFlows } = flows;
    return { type: 'oauth2', flows: legacyFlows, ...(oauth2MetadataUrl && { oauth2MetadataUrl }), ...(description && { description }) };
  }
  if (scheme.openIdConnectSecurityScheme) {
    const { openIdConnectUrl, description } = scheme.openIdConnectSecurityScheme;
    return { type: 'openIdConnect', openIdConnectUrl, ...(description && { description }) };
  }
  return { type: 'mutualTLS', ...(scheme.mtlsSecurityScheme?.description && { description: scheme.mtlsSecurityScheme.description }) };
}

/** `[{ schemes: { bearer: { list: [] } } }]` → `[{ bearer: [] }]`. */
export function requirementToLegacy(requirement: SecurityRequirement): Record<string, string[]> {
  return Object.fromEntries(Object.entries(requirement.schemes).map(([name, scopes]) => [name, [...(scopes?.list ?? [])]]));
}
