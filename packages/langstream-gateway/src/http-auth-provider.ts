import { AuthConfig } from './auth-config';
import { authenticated, rejected, type AuthProvider, type AuthProviderFactory } from './auth-provider';

/**
 * LangStream's `http` provider: `GET <base-url><path-template>` (`{tenant}` substituted) with the
 * configured headers and `Authorization: Bearer <credentials>`; an accepted status (default 200 or
 * 201) authenticates, with no principal fields. Redirects are followed; 30 s at most.
 */
export const httpAuthProvider: AuthProviderFactory = (configuration) => {
  const config = new AuthConfig('http', configuration);
  const baseUrl = config.string('base-url', 'baseUrl', 'baseurl') ?? config.fail('"base-url" is required');
  const pathTemplate = config.string('path-template', 'pathTemplate', 'pathtemplate') ?? '';
  const headers = config.map('headers') ?? {};
  const accepted = config.numbers('accepted-statuses', 'acceptedStatuses', 'acceptedstatuses') ?? [200, 201];
  config.done();
  const provider: AuthProvider = {
    async authenticate(request) {
      const url = baseUrl + pathTemplate.replaceAll('{tenant}', request.tenant);
      let status: number;
      try {
        const response = await fetch(url, {
          headers: { ...headers, Authorization: `Bearer ${request.credentials ?? ''}` },
          redirect: 'follow',
          signal: AbortSignal.any([request.signal, AbortSignal.timeout(30_000)]),
        });
        status = response.status;
        await response.body?.cancel();
      } catch (err) {
        const cause = (err as { cause?: Error }).cause;
        return rejected(cause?.message ?? (err as Error).message);
      }
      return accepted.includes(status) ? authenticated({}) : rejected(`Http authentication failed: ${status}`);
    },
  };
  return provider;
};
