import assert from 'node:assert/strict';
import { createRuntime, echoAgent } from '@agentway/agents';
import { createMemoryBroker } from '@agentway/broker';
import { aguiStream, type AguiStreamOptions } from '@agentway/agui';

describe('aguiStream() options', () => {
  const broker = createMemoryBroker();
  const runtime = createRuntime({ broker, agents: [echoAgent()] });
  after(async () => {
    await runtime.close();
    await broker.close();
  });

  it('should reject an unknown option with a hint', () => {
    assert.throws(() => aguiStream({ runtime, hearbeat: 10 } as AguiStreamOptions), {
      name: 'TypeError', code: 'ERR_AGUI_UNKNOWN_OPTION', message: '[@agentway/agui] unknown option "hearbeat"; did you mean "heartbeat"?',
    });
  });

  it('should name the option of the wrong type', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ runtime, dialect: 'ag-ui' }, 'option "dialect" must be one of "official", "simple", got "ag-ui"'],
      [{ runtime, heartbeat: -1 }, 'option "heartbeat" must be a number >= 0, got -1'],
      [{ runtime, retry: 1.5 }, 'option "retry" must be an integer >= 0, got 1.5'],
      [{ runtime, limit: 0 }, 'option "limit" must be a number of bytes or a size such as "1mb", got 0'],
      [{ runtime, auth: 'yes' }, 'option "auth" must be a function, got "yes"'],
      [{ runtime: {} }, 'option "runtime" must be a Runtime (createRuntime()), got an object'],
      [{ agents: [] }, 'option "agents" must be a non-empty array of agents, got an array'],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => aguiStream(options as AguiStreamOptions), { name: 'TypeError', code: 'ERR_AGUI_INVALID_OPTION', message: `[@agentway/agui] ${message}` });
    }
  });

  it('should take exactly one of runtime and agents, and a broker only with agents', () => {
    const invalid = (message: string) => ({ code: 'ERR_AGUI_INVALID_OPTION', message: `[@agentway/agui] ${message}` });
    assert.throws(() => aguiStream({}), invalid('give exactly one of the options "runtime" and "agents"'));
    assert.throws(() => aguiStream({ runtime, agents: [echoAgent()] }), invalid('give exactly one of the options "runtime" and "agents"'));
    assert.throws(() => aguiStream({ runtime, broker }), invalid('option "broker" goes with "agents"; a runtime has its own broker'));
  });

  it('should make a runtime for agents, on the given broker', async () => {
    const router = aguiStream({ agents: [echoAgent({ name: 'parrot' })], broker });
    assert.equal(router.runtime.broker, broker);
    assert.deepEqual(router.runtime.agents.names, ['parrot']);
    await router.runtime.close();
  });

  it('should be a named router taking the given runtime', () => {
    const router = aguiStream({ runtime });
    assert.equal(router.runtime, runtime);
    assert.equal(typeof router, 'function');
    assert.equal(router.name, 'router');
  });
});
