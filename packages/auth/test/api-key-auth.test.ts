import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { apiKeyAuth } from '@agentway/auth';
import { forEachExpress } from '@agentway/test-harness';
import { protectedApp } from './helpers';

forEachExpress('apiKeyAuth()', (express) => {
  describe('with keys', () => {
    const app = protectedApp(express, apiKeyAuth({ keys: ['key-1', { key: 'key-2', id: 'ci', name: 'CI', scopes: ['runs:write'] }] }));

    it('should set req.user from a bearer key, without the key in it', async () => {
      const res = await request(app).get('/me').set('Authorization', 'Bearer key-1').expect(200);
      const hash = createHash('sha256').update('key-1').digest('hex');
      assert.deepEqual(res.body, { id: `key:${hash.slice(0, 12)}`, method: 'api-key', scopes: [] });
      assert.ok(!JSON.stringify(res.body).includes('key-1'));
    });

    it('should use the id, name and scopes configured for a key', async () => {
      const res = await request(app).get('/me').set('Authorization', 'bearer key-2').expect(200);
      assert.deepEqual(res.body, { id: 'ci', method: 'api-key', scopes: ['runs:write'], name: 'CI' });
    });

    it('should accept the key as ?access_token= (for EventSource)', async () => {
      await request(app).get('/me?access_token=key-1').expect(200);
    });

    it('should 401 ERR_AUTH_MISSING_CREDENTIALS with a Bearer challenge when no key is sent', async () => {
      const res = await request(app).get('/me').expect(401);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="agentway"');
      assert.deepEqual(res.body, {
        code: 'ERR_AUTH_MISSING_CREDENTIALS', type: 'authentication_failed',
        message: '[@agentway/auth] a credential is required: send "Authorization: Bearer <key>"',
      });
    });

    it('should 401 ERR_AUTH_INVALID_CREDENTIALS for a wrong key', async () => {
      const res = await request(app).get('/me').set('Authorization', 'Bearer key-3').expect(401);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="agentway", error="invalid_token"');
      assert.equal(res.body.code, 'ERR_AUTH_INVALID_CREDENTIALS');
    });

    it('should 401 for a Basic credential', async () => {
      await request(app).get('/me').auth('user', 'key-1').expect(401);
    });
  });

  describe('with queryParam: false', () => {
    it('should refuse a key in the query', async () => {
      const app = protectedApp(express, apiKeyAuth({ keys: ['k'], queryParam: false }));
      await request(app).get('/me?access_token=k').expect(401);
    });
  });

  describe('with a verify function', () => {
    it("should take the principal from the host app's lookup", async () => {
      const app = protectedApp(express, apiKeyAuth({ keys: async (key) => (key === 'db-key' ? { id: 'user-7', method: 'api-key', scopes: [] } : undefined) }));
      assert.equal((await request(app).get('/me').set('Authorization', 'Bearer db-key').expect(200)).body.id, 'user-7');
      await request(app).get('/me').set('Authorization', 'Bearer other').expect(401);
    });

    it('should pass a failing lookup to next() as a 500', async () => {
      const app = protectedApp(express, apiKeyAuth({ keys: async () => { throw new Error('db down'); } }));
      const res = await request(app).get('/me').set('Authorization', 'Bearer x').expect(500);
      assert.equal(res.body.message, 'db down');
    });
  });

  describe('with bad options', () => {
    it('should throw coded TypeErrors at construction', () => {
      assert.throws(() => apiKeyAuth({ keys: [] }), { code: 'ERR_AUTH_INVALID_OPTION', message: '[@agentway/auth] option "keys" must be a non-empty array of keys, or a function, got an array' });
      assert.throws(() => apiKeyAuth({ key: ['x'] } as never), { code: 'ERR_AUTH_UNKNOWN_OPTION', message: '[@agentway/auth] unknown option "key"; did you mean "keys"?' });
      assert.throws(() => apiKeyAuth({ keys: ['x'], queryParam: true } as never), { code: 'ERR_AUTH_INVALID_OPTION' });
    });
  });
});
