import { AuthConfig } from './auth-config';
import { authenticated, principalFields, rejected, type AuthProviderFactory } from './auth-provider';

/**
 * LangStream's `github` provider: the credential is a GitHub token, `GET <apiUrl>/user` tells who
 * it belongs to (`login`, `id`, `email`, … become principal fields). With `clientId`, the token must
 * have been issued to that OAuth app (`X-OAuth-Client-Id`). Unlike LangStream it checks the status:
 * a token GitHub rejects does not authenticate. `apiUrl` (agentway's addition, default
 * `https://api.github.com`) points it at GitHub Enterprise or a test double.
 */
export const githubAuthProvider: AuthProviderFactory = (configuration) => {
  const config = new AuthConfig('github', configuration);
  const clientId = config.string('clientId');
  const apiUrl = (config.string('apiUrl', 'api-url') ?? 'https://api.github.com').replace(/\/+$/, '');
  config.done();
  return {
    async authenticate(request) {
      const token = request.credentials;
      if (token === undefined) return rejected('Invalid token.');
      const response = await fetch(`${apiUrl}/user`, {
        headers: { Accept: 'application/vnd.github+json', Authorization: `Bearer ${token}`, 'X-GitHub-Api-Version': '2022-11-28' },
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(30_000)]),
      });
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        return rejected(`Invalid token: GitHub answered ${response.status}.`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`GitHub answered ${response.status} to GET ${apiUrl}/user`);
      }
      const user = (await response.json()) as Record<string, unknown>;
      if (clientId) {
        const issuedBy = response.headers.get('x-oauth-client-id');
        if (issuedBy !== clientId) return rejected(`Invalid client id,the token has been issued by ${issuedBy}, expecting ${clientId}`);
      }
      return authenticated(principalFields(typeof user === 'object' && user !== null ? user : {}));
    },
  };
};
