import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentCard } from '@a2a-js/sdk';
import { DefaultAgentCardResolver } from '@a2a-js/sdk/client';
import { echoAgent } from '@agentway/agents';
import { apiKeyAuth, jwtAuth } from '@agentway/auth';
import { listen } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { a2aCard } from '@agentway/a2a';

const V1 = { 'A2A-Version': '1.0' };

forEachExpress('a2aCard()', (express) => {
  const appWith = (middleware: ReturnType<typeof a2aCard>, mount = '/') => {
    const app = express();
    app.use(mount, middleware);
    return app;
  };

  describe('with an agent', () => {
    const app = appWith(a2aCard({ agent: echoAgent(), url: 'https://agents.example.com/a2a/echo/' }));

    it('should serve the 1.0 card built from the agent at agent-card.json and agent.json', async () => {
      const expected = {
        name: 'echo',
        description: 'Answers with exactly the text of the last user message, streamed word by word.',
        version: '1.0.0',
        supportedInterfaces: [
          { url: 'https://agents.example.com/a2a/echo/', protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
          { url: 'https://agents.example.com/a2a/echo/', protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
        ],
        capabilities: { streaming: true, pushNotifications: false },
        defaultInputModes: ['text/plain', 'application/json'],
        defaultOutputModes: ['text/plain'],
        skills: [{ id: 'echo', name: 'Echo', description: 'Repeats the last user message.', tags: ['demo', 'echo'], examples: ['hello world'] }],
      };
      for (const path of ['/.well-known/agent-card.json', '/.well-known/agent.json']) {
        const res = await request(app).get(path).set(V1).expect(200).expect('Content-Type', 'application/json; charset=utf-8');
        assert.equal(res.text, JSON.stringify(expected));
      }
    });

    it('should serve the 0.3 card to a request without A2A-Version (and to 0.3)', async () => {
      const expected = {
        protocolVersion: '0.3.0',
        name: 'echo',
        description: 'Answers with exactly the text of the last user message, streamed word by word.',
        url: 'https://agents.example.com/a2a/echo/',
        preferredTransport: 'JSONRPC',
        version: '1.0.0',
        capabilities: { streaming: true, pushNotifications: false },
        defaultInputModes: ['text/plain', 'application/json'],
        defaultOutputModes: ['text/plain'],
        skills: [{ id: 'echo', name: 'Echo', description: 'Repeats the last user message.', tags: ['demo', 'echo'], examples: ['hello world'] }],
      };
      assert.deepEqual((await request(app).get('/.well-known/agent-card.json').expect(200)).body, expected);
      assert.deepEqual((await request(app).get('/.well-known/agent-card.json').set('A2A-Version', '0.3').expect(200)).body, expected);
    });

    it('should send Cache-Control, Vary and a weak ETag per version, and 304 on If-None-Match', async () => {
      const v1 = await request(app).get('/.well-known/agent-card.json').set(V1).expect(200);
      assert.equal(v1.headers['cache-control'], 'public, max-age=3600');
      assert.equal(v1.headers.vary, 'A2A-Version');
      assert.match(v1.headers.etag!, /^W\/"[\w-]{22}"$/);
      const v03 = await request(app).get('/.well-known/agent-card.json').expect(200);
      assert.notEqual(v03.headers.etag, v1.headers.etag);
      const cached = await request(app).get('/.well-known/agent-card.json').set(V1).set('If-None-Match', v1.headers.etag!).expect(304);
      assert.equal(cached.text, '');
      await request(app).get('/.well-known/agent-card.json').set('If-None-Match', v1.headers.etag!).expect(200);
    });

    it('should leave other methods and paths to the app', async () => {
      await request(app).post('/.well-known/agent-card.json').expect(404);
      await request(app).get('/.well-known/other.json').expect(404);
    });
  });

  describe('without a url', () => {
    it('should point the interfaces at the mount path, from the request\'s host', async () => {
      const app = appWith(a2aCard({ agent: echoAgent(), versions: ['1.0'], maxAge: 0 }), '/a2a/echo');
      const res = await request(app).get('/a2a/echo/.well-known/agent-card.json').set(V1).set('Host', 'gw.test:8080').expect(200);
      assert.deepEqual(res.body.supportedInterfaces, [{ url: 'http://gw.test:8080/a2a/echo/', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }]);
      assert.equal(res.headers['cache-control'], 'no-cache');
      const legacy = await request(app).get('/a2a/echo/.well-known/agent-card.json').set('Host', 'gw.test:8080').expect(200);
      assert.equal(legacy.body.supportedInterfaces.length, 1, 'no 0.3 interface: the 1.0 card');
    });

    it('should resolve a relative url against the request', async () => {
      const app = appWith(a2aCard({ agent: echoAgent(), url: '/a2a/echo/' }));
      const res = await request(app).get('/.well-known/agent-card.json').set(V1).set('Host', 'gw.test').expect(200);
      assert.equal(res.body.supportedInterfaces[0].url, 'http://gw.test/a2a/echo/');
    });
  });

  describe('with the short form of the original design', () => {
    it('should map it to a valid 1.0 card: capabilities become skills, the model an extension', async () => {
      const app = appWith(a2aCard({ card: { name: 'researcher', description: 'Finds sources', capabilities: ['web_search', 'summarize'], endpoint: 'https://r.example.com/a2a/', model: 'gpt-4o' } }));
      const res = await request(app).get('/.well-known/agent-card.json').set(V1).expect(200);
      assert.deepEqual(res.body, {
        name: 'researcher', description: 'Finds sources', version: '1.0.0',
        supportedInterfaces: [
          { url: 'https://r.example.com/a2a/', protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
          { url: 'https://r.example.com/a2a/', protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
        ],
        capabilities: { streaming: true, pushNotifications: false, extensions: [{ uri: 'urn:agentway:model', description: 'The model behind this agent', required: false, params: { model: 'gpt-4o' } }] },
        defaultInputModes: ['text/plain', 'application/json'], defaultOutputModes: ['text/plain'],
        skills: [
          { id: 'web_search', name: 'Web search', description: 'Web search', tags: ['web_search'] },
          { id: 'summarize', name: 'Summarize', description: 'Summarize', tags: ['summarize'] },
        ],
      });
      const parsed = AgentCard.fromJSON(res.body);
      assert.deepEqual(parsed.skills.map((s) => s.id), ['web_search', 'summarize']);
      assert.deepEqual(parsed.capabilities?.extensions.map((e) => [e.uri, e.params]), [['urn:agentway:model', { model: 'gpt-4o' }]]);
    });
  });

  describe('with a full card', () => {
    it('should serve it as given, resolving relative interface URLs', async () => {
      const card = {
        name: 'full', description: 'A full card', version: '2.1.0',
        supportedInterfaces: [{ url: '/rpc', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }, { url: 'https://x.test/rest', protocolBinding: 'HTTP+JSON', protocolVersion: '1.0' }],
        capabilities: { streaming: false }, defaultInputModes: ['application/json'], defaultOutputModes: ['application/json'],
        skills: [{ id: 's', name: 'S', description: 'd', tags: [] }],
        provider: { organization: 'Example', url: 'https://example.com' }, documentationUrl: 'https://example.com/docs',
      };
      const app = appWith(a2aCard({ card }));
      const res = await request(app).get('/.well-known/agent-card.json').set(V1).set('Host', 'h.test').expect(200);
      assert.deepEqual(res.body, { ...card, supportedInterfaces: [{ url: 'http://h.test/rpc', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }, card.supportedInterfaces[1]] });
      const legacy = await request(app).get('/.well-known/agent-card.json').set('Host', 'h.test').expect(200);
      assert.equal(legacy.body.protocolVersion, undefined, 'no 0.3 interface: the 1.0 card');
    });
  });

  describe('with auth', () => {
    it('should declare a bearer scheme for apiKeyAuth(), in 1.0 and 0.3 shapes', async () => {
      const app = appWith(a2aCard({ agent: echoAgent(), auth: apiKeyAuth({ keys: ['k'] }) }));
      const v1 = await request(app).get('/.well-known/agent-card.json').set(V1).expect(200);
      assert.deepEqual(v1.body.securitySchemes, { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer' } } });
      assert.deepEqual(v1.body.securityRequirements, [{ schemes: { bearer: { list: [] } } }]);
      const v03 = await request(app).get('/.well-known/agent-card.json').expect(200);
      assert.deepEqual(v03.body.securitySchemes, { bearer: { type: 'http', scheme: 'bearer' } });
      assert.deepEqual(v03.body.security, [{ bearer: [] }]);
    });

    it('should say bearerFormat JWT for jwtAuth(), and let the card override the schemes', async () => {
      const jwt = appWith(a2aCard({ agent: echoAgent(), auth: jwtAuth({ secret: 's'.repeat(32) }) }));
      const res = await request(jwt).get('/.well-known/agent-card.json').set(V1).expect(200);
      assert.deepEqual(res.body.securitySchemes, { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer', bearerFormat: 'JWT' } } });
      const custom = appWith(a2aCard({ agent: echoAgent(), auth: jwtAuth({ secret: 's'.repeat(32) }), card: {
        securitySchemes: { key: { apiKeySecurityScheme: { location: 'header', name: 'X-Key' } } }, securityRequirements: [{ schemes: { key: { list: [] } } }],
      } }));
      const v03 = await request(custom).get('/.well-known/agent-card.json').expect(200);
      assert.deepEqual(v03.body.securitySchemes, { key: { type: 'apiKey', in: 'header', name: 'X-Key' } });
      assert.deepEqual(v03.body.security, [{ key: [] }]);
    });
  });

  it('should be read by the SDK\'s card resolver from the agent\'s base URL', async () => {
    const app = appWith(a2aCard({ agent: echoAgent() }), '/a2a/echo');
    const server = await listen(app);
    try {
      const card = await new DefaultAgentCardResolver().resolve(`${server.url}/a2a/echo/`);
      assert.equal(card.name, 'echo');
      assert.equal(card.supportedInterfaces[0]!.url, `${server.url}/a2a/echo/`);
    } finally {
      await server.close();
    }
  });

  describe('options', () => {
    it('should throw a TypeError with a hint for an unknown option, and name a bad one', () => {
      assert.throws(() => a2aCard({ agent: echoAgent(), maxage: 1 } as never), {
        name: 'TypeError', code: 'ERR_A2A_UNKNOWN_OPTION', message: '[@agentway/a2a] unknown option "maxage"; did you mean "maxAge"?',
      });
      assert.throws(() => a2aCard({ card: { name: 'x', description: 'y', skils: [] } as never }), { code: 'ERR_A2A_UNKNOWN_OPTION', message: /unknown option "card.skils"; did you mean "skills"\?/ });
      assert.throws(() => a2aCard({ card: { name: 'x', description: 'y', skills: [{ id: 's', name: 'S', description: 'd' }] } as never }), {
        code: 'ERR_A2A_MISSING_OPTION', message: '[@agentway/a2a] option "card.skills[0].tags" is required',
      });
      assert.throws(() => a2aCard({ agent: echoAgent(), versions: ['2.0'] as never }), { code: 'ERR_A2A_INVALID_OPTION', message: /option "versions\[0\]" must be one of "1.0", "0.3"/ });
    });

    it('should need a card or an agent, and a name and description without an agent', () => {
      assert.throws(() => a2aCard({}), { code: 'ERR_A2A_MISSING_OPTION', message: '[@agentway/a2a] a2aCard needs "card" or "agent"' });
      assert.throws(() => a2aCard({ card: { description: 'no name' } }), { code: 'ERR_A2A_MISSING_OPTION', message: '[@agentway/a2a] option "card.name" is required when no "agent" is given' });
      assert.throws(() => a2aCard({ card: { name: 'n' } }), { code: 'ERR_A2A_MISSING_OPTION' });
    });
  });
});
