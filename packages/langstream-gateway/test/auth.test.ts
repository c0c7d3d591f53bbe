import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { forEachExpress } from '@agentway/test-harness';
import { listen, type Listening } from '@agentway/testing';
import { testPrincipal } from '@agentway/langstream-gateway';
import { forEachBroker, Harness } from './fixture';

const SECRET = randomBytes(32);
const TEST_SUBJECT = '9d75ff199d33e051209b59702de27d1e470eafb58ac6d8865788bf23b48e6818';

/** A stand-in for the services providers call: LangStream's test auth endpoint, GitHub's API, a JWKS. */
function fakeServices(jwks: () => object) {
  const calls: { url: string; authorization: string | undefined; h1: string | undefined }[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    calls.push({ url: req.url!, authorization: req.headers.authorization, h1: req.headers.h1 as string | undefined });
    const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (req.url === '/auth/t') {
      res.statusCode = bearer.startsWith('test-user-password') && req.headers.h1 === 'v1' ? 200 : 401;
      return res.end();
    }
    if (req.url === '/github/user') {
      if (bearer === 'gho_octocat' || bearer === 'gho_other_app') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-oauth-client-id', bearer === 'gho_octocat' ? 'Iv1.agentway' : 'Iv1.other');
        return res.end(JSON.stringify({ login: 'octocat', id: 583231, site_admin: false, plan: { name: 'free' } }));
      }
      res.statusCode = 401;
      return res.end(JSON.stringify({ message: 'Bad credentials' }));
    }
    if (req.url === '/jwks') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(jwks()));
    }
    res.statusCode = 404;
    res.end();
  };
  return { calls, handler };
}

forEachExpress('langstreamGateway() authentication', (express) => {
  forEachBroker((kind) => {
    let services: Listening;
    let calls: ReturnType<typeof fakeServices>['calls'];
    let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
    let h: Harness | undefined;

    before(async () => {
      rsa = await generateKeyPair('RS256', { extractable: true });
      const publicJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      const fake = fakeServices(() => ({ keys: [publicJwk] }));
      calls = fake.calls;
      services = await listen(createServer(fake.handler));
    });
    after(() => services.close());
    afterEach(async () => {
      await h?.close();
      h = undefined;
      calls.length = 0;
    });

    const userGateways = (name: string, authentication: object) => [
      { id: `${name}-in`, type: 'produce', topic: `${name}-messages`, authentication, 'produce-options': { headers: [{ key: 'user', 'value-from-authentication': 'subject' }] } },
      { id: `${name}-out`, type: 'consume', topic: `${name}-messages`, authentication, 'consume-options': { filters: { headers: [{ key: 'user', 'value-from-authentication': 'subject' }] } } },
    ];

    describe('in test mode', () => {
      const manifest = () => ({
        gateways: [
          ...userGateways('google', { provider: 'google', configuration: { clientId: 'unused.apps.googleusercontent.com' } }),
          { id: 'strict', type: 'produce', topic: 'strict', authentication: { provider: 'http', configuration: { 'base-url': 'http://127.0.0.1:1' }, 'allow-test-mode': false } },
        ],
      });
      const testAuth = () => ({ provider: 'http', configuration: { 'base-url': services.url, 'path-template': '/auth/{tenant}', headers: { h1: 'v1' } } });

      it('should check test-credentials with the server\'s test provider and derive the principal from them', async () => {
        h = await Harness.start(express, kind, manifest(), { testAuth: testAuth() });
        const consumer = await h.client.consume('t/app/google-out', { 'test-credentials': 'test-user-password' });
        const producer = await h.client.produce('t/app/google-in', { 'test-credentials': 'test-user-password' });
        assert.deepEqual(await producer.produce({ value: 'hi' }), { status: 'OK', reason: null });
        assert.deepEqual((await consumer.nextRecord()).record, { key: null, value: 'hi', headers: { user: TEST_SUBJECT } });
        assert.deepEqual(calls[0], { url: '/auth/t', authorization: 'Bearer test-user-password', h1: 'v1' });
        assert.deepEqual(testPrincipal('test-user-password'), {
          subject: TEST_SUBJECT, email: `${TEST_SUBJECT}@locahost`, name: TEST_SUBJECT, login: TEST_SUBJECT, id: '678703924',
        });
      });

      it('should 401 when the test provider refuses, when the gateway forbids test mode, and without a test provider', async () => {
        h = await Harness.start(express, kind, manifest(), { testAuth: testAuth() });
        const refused = await h.client.refused('produce', 't/app/google-in', { 'test-credentials': 'guess' });
        assert.equal(refused.status, 401);
        assert.equal(JSON.parse(refused.body).detail, 'Http authentication failed: 401');
        const strict = await h.client.refused('produce', 't/app/strict', { 'test-credentials': 'test-user-password' });
        assert.equal(JSON.parse(strict.body).detail, 'Gateway strict of tenant t does not allow test mode.');
        await h.close();
        h = await Harness.start(express, kind, manifest());
        const none = await h.client.refused('produce', 't/app/google-in', { 'test-credentials': 'test-user-password' });
        assert.deepEqual([none.status, JSON.parse(none.body).detail], [401, 'No test auth provider specified']);
      });
    });

    describe('with the jwt provider', () => {
      const secretKey = SECRET.toString('base64');
      const sign = (claims: object, key: Uint8Array | CryptoKey = SECRET, alg = 'HS256') =>
        new SignJWT({ ...claims }).setProtectedHeader({ alg, kid: 'k1' }).setExpirationTime('5m').sign(key);

      it('should never let a client read the records of another principal', async () => {
        h = await Harness.start(express, kind, { gateways: userGateways('jwt', { provider: 'jwt', configuration: { secretKey, authClaim: 'sub' } }).map((g) => ({
          ...g, [g.type === 'produce' ? 'produce-options' : 'consume-options']: g.type === 'produce'
            ? { headers: [{ key: 'user', 'value-from-authentication': 'sub' }] }
            : { filters: { headers: [{ key: 'user', 'value-from-authentication': 'sub' }] } },
        })) });
        const alice = await sign({ sub: 'alice' });
        const bob = await sign({ sub: 'bob' });
        const aliceReads = await h.client.consume('t/app/jwt-out', { credentials: alice });
        const bobReads = await h.client.consume('t/app/jwt-out', { credentials: bob });
        const aliceWrites = await h.client.produce('t/app/jwt-in', { credentials: alice });
        const bobWrites = await h.client.produce('t/app/jwt-in', { credentials: bob });
        await aliceWrites.produce({ value: 'alice 1' });
        assert.deepEqual(await bobWrites.produce({ value: 'spoof', headers: { user: 'alice' } }), {
          status: 'BAD_REQUEST', reason: 'Header user is configured as parameter-level header.',
        });
        await bobWrites.produce({ value: 'bob 1' });
        await h.broker.publish(h.topic('jwt-messages'), { value: 'nobody' });
        await aliceWrites.produce({ value: 'alice 2' });
        assert.deepEqual((await aliceReads.records(2)).map((m) => [m.record.value, m.record.headers.user]), [['alice 1', 'alice'], ['alice 2', 'alice']]);
        assert.deepEqual((await bobReads.records(1)).map((m) => [m.record.value, m.record.headers.user]), [['bob 1', 'bob']]);
        await bobWrites.produce({ value: 'bob 2' });
        assert.equal((await bobReads.nextRecord()).record.value, 'bob 2');
        const refused = await h.client.refused('consume', 't/app/jwt-out', { 'param:user': 'alice', credentials: bob });
        assert.match(JSON.parse(refused.body).detail, /unknown parameters: \[user\]$/);
      });

      it('should 401 with LangStream\'s reasons: bad signature, no principal claim, not an admin, expired', async () => {
        h = await Harness.start(express, kind, { gateways: [
          { id: 'any', type: 'produce', topic: 'x', authentication: { provider: 'jwt', configuration: { secretKey } } },
          { id: 'admins', type: 'produce', topic: 'x', authentication: { provider: 'jwt', configuration: { secretKey, authClaim: 'role', adminRoles: ['admin'] } } },
          { id: 'aud', type: 'produce', topic: 'x', authentication: { provider: 'jwt', configuration: { secretKey, audienceClaim: 'aud', audience: 'agentway' } } },
        ] });
        const detail = async (gateway: string, credentials: string) => {
          const refused = await h!.client.refused('produce', `t/app/${gateway}`, { credentials });
          assert.equal(refused.status, 401);
          return JSON.parse(refused.body).detail as string;
        };
        assert.equal(await detail('any', await sign({ sub: 'a' }, randomBytes(32))), 'Failed to authentication token: signature verification failed');
        assert.match(await detail('any', 'not-a-jwt'), /^Failed to authentication token: /);
        assert.equal(await detail('any', await sign({ name: 'no sub' })), 'Token was valid, however no principal found.');
        assert.equal(await detail('admins', await sign({ role: 'user' })), 'Not an admin.');
        assert.equal(await detail('aud', await sign({ sub: 'a', aud: 'other' })), 'Audiences in token: [other] not contains this broker: agentway');
        const expired = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(SECRET);
        assert.match(await detail('any', expired), /^Failed to authentication token: "exp" claim timestamp check failed/);
        await (await h.client.produce('t/app/admins', { credentials: await sign({ role: ['admin', 'user'] }) })).close();
        await (await h.client.produce('t/app/aud', { credentials: await sign({ sub: 'a', aud: ['x', 'agentway'] }) })).close();
      });

      it('should verify RS256 with a base64 DER publicKey, and keys from a jwks_uri on an allowed host', async () => {
        const der = (await exportSPKI(rsa.publicKey)).replace(/-----[A-Z ]+-----|\s/g, '');
        h = await Harness.start(express, kind, { gateways: [
          { id: 'rsa', type: 'produce', topic: 'x', authentication: { provider: 'jwt', configuration: { publicKey: der } } },
          { id: 'jwks', type: 'produce', topic: 'x', authentication: { provider: 'jwt', configuration: { jwksHostsAllowlist: '127\\.0\\.0\\.1' } } },
          { id: 'elsewhere', type: 'produce', topic: 'x', authentication: { provider: 'jwt', configuration: { jwksHostsAllowlist: 'keys\\.example\\.com' } } },
        ] });
        const rs = await sign({ sub: 'svc' }, rsa.privateKey, 'RS256');
        await (await h.client.produce('t/app/rsa', { credentials: rs })).close();
        const withJwks = await sign({ sub: 'svc', jwks_uri: `${services.url}/jwks` }, rsa.privateKey, 'RS256');
        await (await h.client.produce('t/app/jwks', { credentials: withJwks })).close();
        assert.deepEqual(calls.map((c) => c.url), ['/jwks']);
        const untrusted = await h.client.refused('produce', 't/app/elsewhere', { credentials: withJwks });
        assert.deepEqual([untrusted.status, JSON.parse(untrusted.body).detail], [401, "Failed to authentication token: Untrusted hostname: '127.0.0.1'"]);
      });
    });

    describe('with the http, google and github providers', () => {
      it('should call the http provider with the bearer credential and accept its statuses', async () => {
        h = await Harness.start(express, kind, { gateways: [
          { id: 'in', type: 'produce', topic: 'x', authentication: { provider: 'http', configuration: { baseUrl: services.url, pathTemplate: '/auth/{tenant}', headers: { h1: 'v1' } } } },
        ] });
        await (await h.client.produce('t/app/in', { credentials: 'test-user-password-2' })).close();
        const refused = await h.client.refused('produce', 't/app/in', { credentials: 'nope' });
        assert.deepEqual([refused.status, JSON.parse(refused.body).detail], [401, 'Http authentication failed: 401']);
        assert.deepEqual(calls.map((c) => c.authorization), ['Bearer test-user-password-2', 'Bearer nope']);
      });

      it('should verify Google ID tokens against configured keys', async () => {
        const jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'g1', alg: 'RS256' }] };
        const clientId = '1234.apps.googleusercontent.com';
        h = await Harness.start(express, kind, { gateways: userGateways('google', { provider: 'google', configuration: { clientId, jwks } }) });
        const idToken = (aud: string) => new SignJWT({ email: 'ada@example.com', name: 'Ada', locale: 'en' })
          .setProtectedHeader({ alg: 'RS256', kid: 'g1' }).setIssuer('https://accounts.google.com').setAudience(aud)
          .setSubject('110169484474386276334').setIssuedAt().setExpirationTime('1h').sign(rsa.privateKey);
        const consumer = await h.client.consume('t/app/google-out', { credentials: await idToken(clientId) });
        await (await h.client.produce('t/app/google-in', { credentials: await idToken(clientId) })).produce({ value: 'from Ada' });
        assert.deepEqual((await consumer.nextRecord()).record.headers, { user: '110169484474386276334' });
        const wrongAudience = await h.client.refused('produce', 't/app/google-in', { credentials: await idToken('other.apps.googleusercontent.com') });
        assert.deepEqual([wrongAudience.status, JSON.parse(wrongAudience.body).detail], [401, 'Invalid credentials.']);
        const none = await h.client.refused('produce', 't/app/google-in');
        assert.equal(JSON.parse(none.body).detail, 'Credentials not provided.');
      });

      it('should resolve a GitHub token to its user through the configured API, checking the client id', async () => {
        const authentication = { provider: 'github', configuration: { clientId: 'Iv1.agentway', apiUrl: `${services.url}/github` } };
        h = await Harness.start(express, kind, { gateways: [
          { id: 'in', type: 'produce', topic: 'gh', authentication, 'produce-options': { headers: [{ key: 'login', 'value-from-authentication': 'login' }, { key: 'uid', 'value-from-authentication': 'id' }] } },
        ] });
        const reader = h.broker.subscribe(h.topic('gh'));
        await reader.ready;
        await (await h.client.produce('t/app/in', { credentials: 'gho_octocat' })).produce({ value: 'hello' });
        assert.deepEqual((await reader.next())!.headers, { login: 'octocat', uid: '583231' });
        await reader.close();
        const bad = await h.client.refused('produce', 't/app/in', { credentials: 'gho_revoked' });
        assert.deepEqual([bad.status, JSON.parse(bad.body).detail], [401, 'Invalid token: GitHub answered 401.']);
        const otherApp = await h.client.refused('produce', 't/app/in', { credentials: 'gho_other_app' });
        assert.equal(JSON.parse(otherApp.body).detail, 'Invalid client id,the token has been issued by Iv1.other, expecting Iv1.agentway');
        assert.ok(calls.every((c) => c.url === '/github/user'));
      });
    });
  });
});
