import type { GatewayDefinition } from './manifest';

/** What `${…}` placeholders may name: `secrets.<secret-id>.<key>` and `globals.<key>`. */
export interface PlaceholderContext {
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly globals?: Readonly<Record<string, unknown>>;
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/**
 * Resolves placeholders where LangStream does in a gateway — `topic`, `events-topic` and the
 * authentication `configuration` (recursively): `${secrets.google.client-id}` alone is replaced
 * by the value itself, inside a longer string by its text (JSON for non-strings). A reference to
 * nothing throws (LangStream would silently use null).
 */
export function resolvePlaceholders(gateway: GatewayDefinition, context: PlaceholderContext): GatewayDefinition {
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') return resolveString(value, context);
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  const topic = gateway.topic === undefined ? undefined : String(resolve(gateway.topic));
  const eventsTopic = gateway.eventsTopic === undefined ? undefined : String(resolve(gateway.eventsTopic));
  const authentication = gateway.authentication
    && { ...gateway.authentication, configuration: Object.freeze(resolve(gateway.authentication.configuration) as Record<string, unknown>) };
  return Object.freeze({
    ...gateway,
    ...(topic !== undefined && { topic }),
    ...(eventsTopic !== undefined && { eventsTopic }),
    ...(authentication && { authentication: Object.freeze(authentication) }),
  });
}

function resolveString(template: string, context: PlaceholderContext): unknown {
  const exact = /^\s*\$\{([^{}]*)\}\s*$/.exec(template);
  if (exact) return lookup(exact[1]!.trim(), context);
  return template.replace(PLACEHOLDER, (_, reference: string) => {
    const value = lookup(reference.trim(), context);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function lookup(reference: string, context: PlaceholderContext): unknown {
  let value: unknown = context;
  for (const part of reference.split('.')) {
    value = typeof value === 'object' && value !== null && Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (value === undefined || value === null) throw new Error(`placeholder \${${reference}} names nothing (give it in the application's "secrets" or "globals")`);
  return value;
}
