import assert from 'node:assert/strict';
import { forEachExpress } from '@agentway/test-harness';
import { forEachBroker, Harness } from './fixture';

const CHAT = `
gateways:
  - id: in
    type: produce
    topic: messages
  - id: out
    type: consume
    topic: messages
`;

forEachExpress('langstreamGateway() tenants and applications', (express) => {
  forEachBroker((kind) => {
    let h: Harness;
    beforeEach(async () => {
      h = await Harness.start(express, kind, {
        acme: { applications: { bot: { manifest: CHAT, topicPrefix: 'acme.bot.' }, support: { manifest: CHAT, topicPrefix: 'acme.support.' } } },
        globex: { applications: { bot: { manifest: CHAT, topicPrefix: 'globex.bot.' } } },
      }, { tenants: true });
    });
    afterEach(() => h.close());

    it('should keep the same manifest in different tenants and applications apart, by topic prefix', async () => {
      const readers = {
        acmeBot: await h.client.consume('acme/bot/out'),
        acmeSupport: await h.client.consume('acme/support/out'),
        globexBot: await h.client.consume('globex/bot/out'),
      };
      await (await h.client.produce('globex/bot/in')).produce({ value: 'globex' });
      await (await h.client.produce('acme/support/in')).produce({ value: 'acme support' });
      await (await h.client.produce('acme/bot/in')).produce({ value: 'acme bot' });
      assert.equal((await readers.acmeBot.nextRecord()).record.value, 'acme bot');
      assert.equal((await readers.acmeSupport.nextRecord()).record.value, 'acme support');
      assert.equal((await readers.globexBot.nextRecord()).record.value, 'globex');
      const stored = await h.broker.describe(`${h.prefix}acme.bot.messages`);
      assert.equal(stored?.length, 1);
    });

    it('should resolve ${secrets…} and ${globals…} in topics and provider configurations, and refuse unknown ones', async () => {
      await h.close();
      const seen: Record<string, unknown>[] = [];
      const manifest = { gateways: [{
        id: 'in', type: 'produce', topic: '${globals.env}-messages',
        authentication: { provider: 'custom', configuration: { clientId: '${secrets.google.client-id}', url: 'https://${globals.host}/check', list: ['${globals.env}'] } },
      }] };
      h = await Harness.start(express, kind, { acme: { applications: { bot: {
        manifest, secrets: { google: { 'client-id': 'abc.apps' } }, globals: { env: 'prod', host: 'auth.example.com' },
      } } } }, {
        tenants: true,
        authProviders: { custom: (configuration) => { seen.push(configuration); return { authenticate: async () => ({ authenticated: true, principal: {} }) }; } },
      });
      assert.deepEqual(seen, [{ clientId: 'abc.apps', url: 'https://auth.example.com/check', list: ['prod'] }]);
      await (await h.client.produce('acme/bot/in')).produce({ value: 'resolved' });
      assert.equal((await h.broker.describe(`${h.prefix}prod-messages`))?.last?.value, 'resolved');
      await assert.rejects(Harness.start(express, kind, { acme: { applications: { bot: { manifest } } } }, { tenants: true }), {
        code: 'ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', message: /gateway "in": placeholder \$\{globals\.env\} names nothing/,
      });
    });

    it('should not find an application under another tenant', async () => {
      const refused = await h.client.refused('consume', 'globex/support/out');
      assert.deepEqual([refused.status, JSON.parse(refused.body).detail], [500, 'application support not found']);
    });
  });
});
