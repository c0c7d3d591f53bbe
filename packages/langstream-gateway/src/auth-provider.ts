/** What an authentication provider sees of a request (LangStream's `GatewayRequestContext`). */
export interface AuthRequest {
  readonly tenant: string;
  readonly application: string;
  readonly gateway: string;
  /** `credentials` (or, in test mode, `test-credentials`) from the query string; `""` when empty, `undefined` when absent. */
  readonly credentials: string | undefined;
  readonly testMode: boolean;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/** A provider's verdict: the principal's fields (become headers and filters), or why not. */
export type AuthResult =
  | { readonly authenticated: true; readonly principal: Readonly<Record<string, string>> }
  | { readonly authenticated: false; readonly reason: string };

/** An authentication provider built from a manifest's `authentication.configuration`. */
export interface AuthProvider {
  /** Resolves with a verdict (401 when not authenticated); rejects on a server-side problem (500). */
  authenticate(request: AuthRequest): Promise<AuthResult>;
}

/**
 * Builds a provider from its configuration, once, at start-up. It throws (a `LangStreamGatewayError`
 * `ERR_LANGSTREAM_GATEWAY_INVALID_AUTH_CONFIG`) when the configuration is wrong or has unknown keys.
 */
export type AuthProviderFactory = (configuration: Readonly<Record<string, unknown>>) => AuthProvider;

/** A successful verdict with the principal's fields. */
export const authenticated = (principal: Readonly<Record<string, string>>): AuthResult => ({ authenticated: true, principal });
/** A refusal (401) with its reason. */
export const rejected = (reason: string): AuthResult => ({ authenticated: false, reason });

/** A principal's fields as strings (providers return JSON; nested objects and nulls are left out). */
export function principalFields(source: Readonly<Record<string, unknown>>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (typeof value === 'string') fields[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
  }
  return fields;
}
