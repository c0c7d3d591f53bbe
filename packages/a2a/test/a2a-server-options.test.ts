import assert from 'node:assert/strict';
import request from 'supertest';
import { createRuntime, echoAgent } from '@agentway/agents';
import { createMemoryBroker } from '@agentway/broker';
import { forEachExpress } from '@agentway/test-harness';
import { a2aServer } from '@agentway/a2a';

forEachExpress('a2aServer() options', (express) => {
  it('should run given agents on a runtime of its own', async () => {
    const app = express();
    app.use('/a2a', a2aServer({ agents: [echoAgent({ name: 'own' })] }));
    const res = await request(app).post('/a2a').set('A2A-Version', '1.0')
      .send({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'by itself' }] } } }).expect(200);
    assert.equal(res.body.result.task.artifacts[0].parts[0].text, 'by itself');
    const card = await request(app).get('/a2a/.well-known/agent-card.json').set('A2A-Version', '1.0').expect(200);
    assert.equal(card.body.name, 'own');
  });

  it('should throw coded TypeErrors for bad options, at construction', async () => {
    const broker = createMemoryBroker();
    const runtime = createRuntime({ broker, agents: [echoAgent()] });
    try {
      assert.throws(() => a2aServer({}), { name: 'TypeError', code: 'ERR_A2A_INVALID_OPTION', message: '[@agentway/a2a] give exactly one of "runtime" or "agents"' });
      assert.throws(() => a2aServer({ runtime, agents: [echoAgent()] }), { code: 'ERR_A2A_INVALID_OPTION' });
      assert.throws(() => a2aServer({ runtime, broker }), { code: 'ERR_A2A_INVALID_OPTION', message: '[@agentway/a2a] option "broker" goes with "agents"; a runtime has its own broker' });
      assert.throws(() => a2aServer({ runtime, agent: 'nobody' }), { code: 'ERR_A2A_INVALID_OPTION', message: '[@agentway/a2a] option "agent" must name one of the agents (echo), got "nobody"' });
      assert.throws(() => a2aServer({ runtime, hearbeat: 1 } as never), { code: 'ERR_A2A_UNKNOWN_OPTION', message: '[@agentway/a2a] unknown option "hearbeat"; did you mean "heartbeat"?' });
      assert.throws(() => a2aServer({ runtime, limit: -1 }), { code: 'ERR_A2A_INVALID_OPTION', message: /option "limit" must be a number of bytes or a size such as "1mb", got -1/ });
      assert.throws(() => a2aServer({ runtime, url: '' }), { code: 'ERR_A2A_INVALID_OPTION', message: /option "url" must be a URL/ });
    } finally {
      await runtime.close();
      await broker.close();
    }
  });
});
