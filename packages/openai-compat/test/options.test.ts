import assert from 'node:assert/strict';
import { createMemoryBroker } from '@agentway/broker';
import { createRuntime, echoAgent } from '@agentway/agents';
import { openaiCompat, type OpenAICompatOptions } from '@agentway/openai-compat';

const agents = [echoAgent()];

describe('openaiCompat() options', () => {
  it('should reject an unknown option with a did-you-mean', () => {
    assert.throws(() => openaiCompat({ agents, maxConcurentRuns: 2 } as OpenAICompatOptions), {
      name: 'TypeError', code: 'ERR_OPENAI_COMPAT_UNKNOWN_OPTION',
      message: '[@agentway/openai-compat] unknown option "maxConcurentRuns"; did you mean "maxConcurrentRuns"?',
    });
  });

  it('should want runtime or agents, not both and not neither', async () => {
    assert.throws(() => openaiCompat({}), {
      code: 'ERR_OPENAI_COMPAT_MISSING_OPTION', message: '[@agentway/openai-compat] option "runtime" or option "agents" is required',
    });
    const broker = createMemoryBroker();
    const runtime = createRuntime({ broker, agents });
    assert.throws(() => openaiCompat({ runtime, agents }), { code: 'ERR_OPENAI_COMPAT_INVALID_OPTION', message: /not both/ });
    assert.throws(() => openaiCompat({ runtime, broker }), { code: 'ERR_OPENAI_COMPAT_INVALID_OPTION', message: /option "broker" goes with option "agents"/ });
    await runtime.close();
    await broker.close();
  });

  it('should name a wrong option and what it must be', () => {
    const cases: [OpenAICompatOptions, string][] = [
      [{ agents: [] }, 'option "agents" must be a non-empty array of agents, got an array'],
      [{ runtime: {} as never }, 'option "runtime" must be a Runtime (from createRuntime()), got an object'],
      [{ agents, basePath: '/v1/:x' }, 'option "basePath" must be a literal path such as "/v1", got "/v1/:x"'],
      [{ agents, limit: '1 parsec' }, 'option "limit" must be a number of bytes or a size such as "4mb", got "1 parsec"'],
      [{ agents, maxConcurrentRuns: 0 }, 'option "maxConcurrentRuns" must be an integer >= 1, got 0'],
      [{ agents, heartbeat: -1 }, 'option "heartbeat" must be a number >= 0, got -1'],
      [{ agents, auth: 'key' as never }, 'option "auth" must be a function, got "key"'],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => openaiCompat(options), { name: 'TypeError', code: 'ERR_OPENAI_COMPAT_INVALID_OPTION', message: `[@agentway/openai-compat] ${message}` });
    }
  });

  it('should return a router that exposes its runtime and closes what it created', async () => {
    const router = openaiCompat({ agents, limit: '4mb' });
    assert.equal(typeof router, 'function');
    assert.equal(router.length, 3);
    assert.deepEqual(router.runtime.agents.names, ['echo']);
    await router.close();
    await router.close();
    await assert.rejects(router.runtime.start({ input: { messages: [] } }), { code: 'ERR_AGENTS_CLOSED' });
  });

  it('should leave a given runtime open on close()', async () => {
    const broker = createMemoryBroker();
    const runtime = createRuntime({ broker, agents });
    const router = openaiCompat({ runtime });
    assert.equal(router.runtime, runtime);
    await router.close();
    const run = await runtime.start({ input: { messages: [{ role: 'user', content: 'still open' }] } });
    assert.equal((await runtime.result(run.runId)).output, 'still open');
    await runtime.close();
    await broker.close();
  });
});
