import assert from 'node:assert/strict';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import request from 'supertest';
import { jwtAuth } from '@agentway/auth';
import { forEachExpress } from '@agentway/test-harness';
import { listen, type Listening } from '@agentway/testing';
import { protectedApp } from './helpers';

const secret = 'a-shared-secret-of-at-least-32-bytes!';
const sign = (claims: Record<string, unknown>, key: Uint8Array | CryptoKey = new TextEncoder().encode(secret), alg = 'HS256', kid?: string) =>
  new SignJWT(claims).setProtectedHeader({ alg, ...(kid && { kid }) }).setIssuedAt().setExpirationTime('5m').sign(key);

forEachExpress('jwtAuth()', (express) => {
  describe('with a secret (HS256)', () => {
    const app = protectedApp(express, jwtAuth({ secret, issuer: 'https://issuer.test', audience: 'agentway' }));

    it('should set req.user from the claims', async () => {
      const token = await sign({ sub: 'user-1', name: 'Ann', scope: 'runs:read runs:write', iss: 'https://issuer.test', aud: 'agentway' });
      const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      assert.equal(res.body.id, 'user-1');
      assert.equal(res.body.method, 'jwt');
      assert.equal(res.body.name, 'Ann');
      assert.deepEqual(res.body.scopes, ['runs:read', 'runs:write']);
      assert.equal(res.body.claims.sub, 'user-1');
    });

    it('should 401 a token signed with another secret, of another issuer or audience, or expired', async () => {
      const good = { sub: 'u', iss: 'https://issuer.test', aud: 'agentway' };
      const tokens = [
        await sign(good, new TextEncoder().encode('another-secret-that-is-long-enough!!')),
        await sign({ ...good, iss: 'https://evil.test' }),
        await sign({ ...good, aud: 'someone-else' }),
        await new SignJWT(good).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(secret)),
        'not.a.jwt',
      ];
      for (const token of tokens) {
        const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(401);
        assert.equal(res.body.code, 'ERR_AUTH_INVALID_CREDENTIALS');
      }
    });

    it('should refuse the "none" algorithm', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
      const body = Buffer.from(JSON.stringify({ sub: 'x', iss: 'https://issuer.test', aud: 'agentway' })).toString('base64url');
      await request(app).get('/me').set('Authorization', `Bearer ${header}.${body}.`).expect(401);
    });
  });

  describe('with a PEM public key (RS256)', () => {
    it('should verify tokens signed by the private key', async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const app = protectedApp(express, jwtAuth({ publicKey: await exportSPKI(publicKey), algorithms: ['RS256'] }));
      const token = await sign({ sub: 'svc' }, privateKey, 'RS256');
      assert.equal((await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200)).body.id, 'svc');
      await request(app).get('/me').set('Authorization', `Bearer ${await sign({ sub: 'svc' })}`).expect(401);
    });
  });

  describe('with a JWKS URL', () => {
    let jwks: Listening;
    let privateKey: CryptoKey;

    before(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      const server = express();
      server.get('/jwks.json', (_req, res) => { res.json({ keys: [jwk] }); });
      jwks = await listen(server);
    });

    after(() => jwks.close());

    it('should verify tokens by kid from the JWKS', async () => {
      const app = protectedApp(express, jwtAuth({ jwksUri: `${jwks.url}/jwks.json` }));
      const token = await sign({ sub: 'from-jwks' }, privateKey, 'ES256', 'k1');
      assert.equal((await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200)).body.id, 'from-jwks');
      await request(app).get('/me').set('Authorization', `Bearer ${await sign({ sub: 'x' }, privateKey, 'ES256', 'k2')}`).expect(401);
    });
  });

  describe('with bad options', () => {
    it('should throw coded TypeErrors at construction', () => {
      assert.throws(() => jwtAuth({}), { code: 'ERR_AUTH_INVALID_OPTION', message: '[@agentway/auth] jwtAuth needs exactly one of "secret", "publicKey" or "jwksUri"' });
      assert.throws(() => jwtAuth({ secret, jwksUri: 'https://x.test/jwks' }), { code: 'ERR_AUTH_INVALID_OPTION' });
      assert.throws(() => jwtAuth({ publicKey: 'PEM' }), { message: '[@agentway/auth] jwtAuth with "publicKey" needs "algorithms" (e.g. ["RS256"])' });
      assert.throws(() => jwtAuth({ secret, algorithms: ['none'] }), { code: 'ERR_AUTH_INVALID_OPTION' });
      assert.throws(() => jwtAuth({ secret, audiance: 'x' } as never), { message: '[@agentway/auth] unknown option "audiance"; did you mean "audience"?' });
    });
  });
});
