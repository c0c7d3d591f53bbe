import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { forEachExpress } from '@agentway/test-harness';
import { forEachBroker, Harness } from './fixture';

const MANIFEST = {
  gateways: [
    { id: 'in', type: 'produce', topic: 'in', parameters: ['session'], 'produce-options': { headers: [{ key: 'session', 'value-from-parameters': 'session' }] } },
    { id: 'locked', type: 'produce', topic: 'in', authentication: { provider: 'http', configuration: { 'base-url': 'http://127.0.0.1:2/never' } } },
  ],
};
const PATH = '/api/gateways/produce/t/app/in';

forEachExpress('langstreamGateway() HTTP produce', (express) => {
  forEachBroker((kind) => {
    let h: Harness;
    beforeEach(async () => {
      h = await Harness.start(express, kind, MANIFEST, { limit: 64 });
    });
    afterEach(() => h.close());

    async function produced(send: () => Promise<unknown>) {
      const reader = h.broker.subscribe(h.topic('in'));
      await reader.ready;
      await send();
      const record = await reader.next();
      await reader.close();
      return { key: record!.key, value: record!.value, headers: record!.headers };
    }

    it('should produce a JSON produce request and answer exactly {"status":"OK","reason":null}', async () => {
      const record = await produced(async () => {
        const res = await request(h.listening.url).post(`${PATH}?param:session=s1`).set('Content-Type', 'application/json')
          .send('{"key":"my-key","value":{"n":1},"headers":{"h":"v"}}').expect(200);
        assert.equal(res.text, '{"status":"OK","reason":null}');
        assert.match(res.headers['content-type']!, /^application\/json/);
      });
      assert.deepEqual(record, { key: 'my-key', value: { n: 1 }, headers: { session: 's1', h: 'v' } });
    });

    it('should take a text/plain body, or one without Content-Type, as the value', async () => {
      const text = await produced(() => request(h.listening.url).post(`${PATH}?param:session=s1`).set('Content-Type', 'text/plain').send('my-text').expect(200));
      assert.deepEqual(text, { key: null, value: 'my-text', headers: { session: 's1' } });
      const bare = await produced(() => new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${h.listening.url}${PATH}?param:session=s1`, { method: 'POST' }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(String(res.statusCode)))));
        });
        req.end('no type');
      }));
      assert.equal(bare.value, 'no type');
    });

    it('should accept a charset parameter, and work behind the host app\'s own express.json()', async () => {
      await request(h.listening.url).post(`${PATH}?param:session=s1`).set('Content-Type', 'application/json; charset=utf-8').send('{"value":"x"}').expect(200);
      const app = express();
      app.use(express.json());
      app.use(h.gateway.router);
      const record = await produced(() => request(app).post(`${PATH}?param:session=s2`).send({ value: 'parsed first' }).expect(200));
      assert.deepEqual(record, { key: null, value: 'parsed first', headers: { session: 's2' } });
    });

    it('should 400 with a ProblemDetail on bad requests', async () => {
      const problem = async (path: string, type: string | undefined, body: string, status: number) => {
        let call = request(h.listening.url).post(path);
        if (type) call = call.set('Content-Type', type);
        const res = await call.send(body).expect(status).expect('Content-Type', /^application\/problem\+json/);
        assert.equal(res.body.status, status);
        assert.equal(res.body.instance, path.split('?')[0]);
        return res.body.detail as string;
      };
      assert.equal(await problem(PATH, 'text/plain', 'x', 400), 'Error for gateway in (tenant: t, appId: app): missing required parameter session. Required parameters: [session]');
      assert.equal(await problem(`${PATH}?param:session=s&option:position=earliest`, 'text/plain', 'x', 400), 'Unknown option position');
      assert.equal(await problem(`${PATH}?param:session=s`, 'application/xml', '<x/>', 400), '400 BAD_REQUEST "Unsupported content type: application/xml"');
      assert.match(await problem(`${PATH}?param:session=s`, 'application/json', '{"value":', 400), /^Error while parsing JSON payload: /);
      assert.equal(await problem(`${PATH}?param:session=s`, 'application/json', '{}', 400), 'Either key or value must be set.');
      assert.equal(await problem(`${PATH}?param:session=s`, 'application/json', '{"value":1,"headers":{"session":"x"}}', 400),
        'Header session is configured as parameter-level header.');
      assert.match(await problem(`${PATH}?param:session=s`, 'text/plain', 'x'.repeat(65), 413), /too large/i);
      assert.equal(await problem('/api/gateways/produce/t/app/nope', 'text/plain', 'x', 400), 'gateway nope of type produce is not defined in the application');
    });

    it('should 401 when authentication fails, in Spring\'s words', async () => {
      const res = await request(h.listening.url).post('/api/gateways/produce/t/app/locked?credentials=x').set('Content-Type', 'text/plain').send('x').expect(401);
      assert.match(res.body.detail, /^401 UNAUTHORIZED "connect ECONNREFUSED 127\.0\.0\.1:2"$/);
    });

    it('should leave other methods and paths to the app', async () => {
      await request(h.listening.url).get(PATH).expect(404);
      await request(h.listening.url).post('/api/gateways/produce/t/app').expect(404);
    });
  });
});
