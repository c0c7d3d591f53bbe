import assert from 'node:assert/strict';
import request from 'supertest';
import { echoAgent } from '@agentway/agents';
import { aguiStream, type AguiRouter } from '@agentway/agui';
import { forEachExpress } from '@agentway/test-harness';

forEachExpress('aguiStream() and the other paths under /agui', (express) => {
  let router: AguiRouter;

  function app(prefix = '') {
    router = aguiStream({ agents: [echoAgent()] });
    const app = express();
    if (prefix) app.use(prefix, router);
    else app.use(router);
    app.get('/agui-elsewhere', (_req, res) => void res.send('the app\'s own'));
    return app;
  }

  afterEach(async () => {
    await router?.close();
  });

  it('should answer an unknown path under /agui with a JSON 404 naming the routes', async () => {
    const res = await request(app()).get('/agui/runs/echo/extra?x=1').expect(404).expect('content-type', 'application/json; charset=utf-8');
    assert.deepEqual(res.body, {
      error: {
        code: 'ERR_AGUI_NOT_FOUND',
        message: '[@agentway/agui] no AG-UI route GET /agui/runs/echo/extra; the routes are POST /agui/runs, POST /agui/runs/:agent and GET /agui/ws?run_id=…',
      },
    });
  });

  it('should answer another method on a route 405 with Allow, and OPTIONS 204 with Allow', async () => {
    const server = app();
    const get = await request(server).get('/agui/runs').expect(405).expect('allow', 'POST');
    assert.deepEqual(get.body, { error: { code: 'ERR_AGUI_METHOD_NOT_ALLOWED', message: '[@agentway/agui] GET is not allowed on /agui/runs; use POST' } });
    const put = await request(server).put('/agui/runs/echo').expect(405).expect('allow', 'POST');
    assert.equal(put.body.error.message, '[@agentway/agui] PUT is not allowed on /agui/runs/echo; use POST');
    const post = await request(server).post('/agui/ws').expect(405).expect('allow', 'GET, HEAD');
    assert.equal(post.body.error.message, '[@agentway/agui] POST is not allowed on /agui/ws; use GET');
    const options = await request(server).options('/agui/runs').expect(204).expect('allow', 'POST');
    assert.equal(options.text, '');
  });

  it('should name the mount path in a 405, and leave the app\'s paths outside /agui alone', async () => {
    const server = app('/api');
    const res = await request(server).delete('/api/agui/runs').expect(405);
    assert.equal(res.body.error.message, '[@agentway/agui] DELETE is not allowed on /api/agui/runs; use POST');
    await request(server).get('/api/agui/nope').expect(404).expect('content-type', 'application/json; charset=utf-8');
    const own = await request(server).get('/agui-elsewhere').expect(200);
    assert.equal(own.text, 'the app\'s own');
  });
});
