import type { AuthProvider } from './auth-provider';
import { RequestError } from './langstream-error';
import type { GatewayDefinition } from './manifest';
import { testPrincipal } from './test-principal';

/** The credentials of a validated request, as LangStream's request context holds them. */
export interface CredentialsOf {
  readonly tenant: string;
  readonly application: string;
  readonly gateway: GatewayDefinition;
  readonly credentials: string | undefined;
  readonly testCredentials: string | undefined;
}

/**
 * Step 11 of LangStream's pipeline: no `authentication` → anonymous (`{}`); `test-credentials` →
 * the server's test provider, then the principal derived from the credential; otherwise the
 * gateway's own provider. Resolves with the principal's fields; rejects with a `RequestError`
 * `auth` (401, LangStream's reason) — a provider's own failure (keys unreachable) stays a 500.
 */
export async function authenticate(request: CredentialsOf, provider: AuthProvider | undefined, testProvider: AuthProvider | undefined,
  signal: AbortSignal): Promise<Readonly<Record<string, string>>> {
  const { gateway } = request;
  if (!gateway.authentication) return {};
  const testMode = request.testCredentials !== undefined;
  if (testMode && !gateway.authentication.allowTestMode) {
    throw new RequestError('auth', `Gateway ${gateway.id} of tenant ${request.tenant} does not allow test mode.`);
  }
  const chosen = testMode ? testProvider : provider;
  if (!chosen) throw new RequestError('auth', 'No test auth provider specified');
  const credentials = testMode ? request.testCredentials : request.credentials;
  const result = await chosen.authenticate({
    tenant: request.tenant, application: request.application, gateway: gateway.id, credentials, testMode, signal,
  });
  if (!result) throw new RequestError('auth', 'Authentication provider returned null');
  if (!result.authenticated) throw new RequestError('auth', result.reason || 'unknown');
  return Object.freeze(testMode ? testPrincipal(credentials!) : { ...result.principal });
}
